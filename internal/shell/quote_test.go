package shell

import (
	"bytes"
	"context"
	"testing"
)

// TestQuoteRoundTrips: what Quote gives, a real sh reads back as the same single word.
func TestQuoteRoundTrips(t *testing.T) {
	for _, s := range []string{"plain", "a b", "it's", `"dq"`, "$HOME", "*", "[::1]:22", "a;b", "", "x\ny", "--set owner=team"} {
		var out bytes.Buffer
		if err := Run(context.Background(), t.TempDir(), "printf %s "+Quote(s), &out); err != nil {
			t.Fatalf("%q: %v", s, err)
		}
		if out.String() != s {
			t.Errorf("Quote(%q) = %s, read back as %q", s, Quote(s), out.String())
		}
	}
	if Quote("a/b.c-d") != "a/b.c-d" {
		t.Error("a safe word was quoted")
	}
}
