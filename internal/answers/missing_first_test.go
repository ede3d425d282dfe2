package answers

import (
	"context"
	"errors"
	"testing"

	"github.com/idp-cli/idp/internal/manifest"
)

// TestMissingBeforeDerivedDefaults: a default built from a missing required answer ("/payments"
// from no owner) fails its pattern, but the error names the missing answer, not the default.
func TestMissingBeforeDerivedDefaults(t *testing.T) {
	m, err := manifest.Parse([]byte(`apiVersion: idp/v1
kind: Template
type: service
parameters:
  - name: name
    required: true
  - name: owner
    title: Owning team
    required: true
  - name: repository
    default: '{{ .owner }}/{{ .name }}'
    pattern: '^[a-z]+/[a-z]+$'
  - name: deep
    when: '{{ gt (len .owner) 3 }}'
    default: x
`), "template.yaml", "svc")
	if err != nil {
		t.Fatal(err)
	}
	_, err = Resolve(context.Background(), m, Request{Name: "payments"})
	var me *MissingError
	if !errors.As(err, &me) || len(me.Names()) != 1 || me.Names()[0] != "owner" {
		t.Fatalf("err = %v, want the missing owner", err)
	}
	// Given, the derived default is checked as before.
	if _, err := Resolve(context.Background(), m, Request{Name: "payments", Set: []string{"owner=Team"}}); err == nil {
		t.Fatal("a default that fails its pattern was accepted")
	}
}
