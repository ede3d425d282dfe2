package tmplfuncs

import (
	"testing"

	"github.com/idp-cli/idp/internal/golden"
)

// TestFunctionMapPinned fails when the function map changes, e.g. after a sprig upgrade, so that
// the change is made on purpose and documented rather than slipping into generated services.
func TestFunctionMapPinned(t *testing.T) {
	var b []byte
	for _, n := range Names() {
		b = append(b, n...)
		b = append(b, '\n')
	}
	golden.Assert(t, "testdata/functions.golden", b)
	if len(Names()) != len(allowed) {
		t.Errorf("%d functions in the map, %d allowed: sprig dropped one of %v", len(Names()), len(allowed), allowed)
	}
}

func TestImpureFunctionsLeftOut(t *testing.T) {
	for _, name := range []string{"now", "date", "randAlphaNum", "uuidv4", "env", "expandenv", "genPrivateKey", "getHostByName", "bcrypt", "shuffle"} {
		if _, ok := Map()[name]; ok {
			t.Errorf("%s is in the function map; rendering must stay pure", name)
		}
	}
}
