package answers

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/idp-cli/idp/internal/manifest"
)

// TestCheckRecorded: an answer in .idp.yaml that is no parameter of the golden path, at the
// service's version or the target, is named with the parameters there are and a close match;
// one the target dropped is not a mistake.
func TestCheckRecorded(t *testing.T) {
	target := parse(t)
	base, err := manifest.Parse([]byte("apiVersion: idp/v1\nkind: Template\nname: svc\ntype: service\nparameters:\n  - name: name\n  - name: owner\n  - name: replicas\n    type: int\n"), "template.yaml", "svc")
	if err != nil {
		t.Fatal(err)
	}
	params := "its parameters are: name, owner, port, database, db_name, envs, metrics, token"
	for _, tc := range []struct {
		name     string
		recorded map[string]any
		want     string
	}{
		{"all known", map[string]any{"name": "shop", "owner": "t", "port": 8080}, ""},
		{"dropped by the target", map[string]any{"name": "shop", "replicas": 2}, ""},
		{"a typo", map[string]any{"name": "shop", "ownr": "team-shop"},
			`shop/.idp.yaml: answers: the template svc has no parameter "ownr" (did you mean owner?); ` + params + `; fix it or remove it under answers:`},
		{"a swap", map[string]any{"prot": 9090},
			`shop/.idp.yaml: answers: the template svc has no parameter "prot" (did you mean port?); ` + params + `; fix it or remove it under answers:`},
		{"nothing close", map[string]any{"colour": "red"},
			`shop/.idp.yaml: answers: the template svc has no parameter "colour"; ` + params + `; fix it or remove it under answers:`},
		{"several", map[string]any{"ownr": "t", "colour": "red", "db-name": "x"},
			`shop/.idp.yaml: answers: the template svc has no parameters "colour", "db-name" (did you mean db_name?) and "ownr" (did you mean owner?); ` + params + `; fix them or remove them under answers:`},
		{"computed", map[string]any{"module": "x"},
			`shop/.idp.yaml: answers: "module" is computed by the template svc and cannot be answered; remove it from answers:`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := CheckRecorded(tc.recorded, "shop/.idp.yaml", base, target)
			if got := errString(err); got != tc.want {
				t.Errorf("got  %s\nwant %s", got, tc.want)
			}
			var ie *InvalidError
			if err != nil && !errors.As(err, &ie) {
				t.Errorf("%T is not an *InvalidError (exit 2, as for a values file)", err)
			}
		})
	}
	if err := CheckRecorded(map[string]any{"replicas": 2}, ".idp.yaml", nil, target); err == nil {
		t.Error("without the base, an answer the target does not know is unknown")
	}
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

func TestSuggest(t *testing.T) {
	names := []string{"name", "owner", "port", "github_org", "db_name", "environments"}
	for typed, want := range map[string]string{
		"ownr": "owner", "prot": "port", "nmae": "name", "githuborg": "github_org", "github-org": "github_org",
		"Owner": "owner", "enviroments": "environments", "colour": "", "x": "", "db": "", "ports": "port",
	} {
		if got := Suggest(typed, names); got != want {
			t.Errorf("Suggest(%q) = %q, want %q", typed, got, want)
		}
	}
}

// TestUnknownGivenAnswerHasACloseMatch: --set and a values file name the close match too.
func TestUnknownGivenAnswerHasACloseMatch(t *testing.T) {
	m := parse(t)
	_, err := Resolve(context.Background(), m, Request{Set: []string{"ownr=x"}})
	want := `--set ownr=x: the template svc has no parameter "ownr" (did you mean owner?); its parameters are: name, owner, port, database, db_name, envs, metrics, token`
	if errString(err) != want {
		t.Errorf("got  %v\nwant %s", err, want)
	}
	_, err = Resolve(context.Background(), m, Request{Values: map[string]any{"prot": 1}, ValuesFile: "v.yaml"})
	if want := `v.yaml: the template svc has no parameter "prot" (did you mean port?); its parameters`; err == nil || !strings.HasPrefix(err.Error(), want) {
		t.Errorf("got  %v\nwant %s...", err, want)
	}
}
