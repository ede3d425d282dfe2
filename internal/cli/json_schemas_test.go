package cli

import (
	"path/filepath"
	"testing"
)

// TestCommandsJSONMatchTheirSchemas: new (and --dry-run), check (current, behind, error),
// templates list and version print what their published schemas in docs/ say.
func TestCommandsJSONMatchTheirSchemas(t *testing.T) {
	src := t.TempDir()
	writeFiles(t, src, map[string]string{
		"svc/template.yaml":     "apiVersion: idp/v1\nkind: Template\ntype: service\ntitle: A service\nparameters:\n  - name: name\n    required: true\n",
		"svc/skeleton/app.yaml": "name: {{ .name }}\n",
		"bad/template.yaml":     "apiVersion: idp/v1\nkind: Template\ntype: service\nparameters:\n  - name: name\n    requird: true\n",
		"bad/skeleton/x":        "x\n",
	})
	gitIn(t, src, "init", "-q", "-b", "main")
	gitIn(t, src, "add", "-A")
	gitIn(t, src, "commit", "-q", "-m", "v1")
	gitIn(t, src, "tag", "v1.0.0")
	env := map[string]string{"HOME": t.TempDir()}
	dir := filepath.Join(t.TempDir(), "api")
	for name, args := range map[string][]string{
		"new":         {"new", "service", "api", "-s", src, "-t", "svc", "-o", dir, "--output", "json"},
		"new dry run": {"new", "service", "dry", "-s", src, "-t", "svc", "-o", filepath.Join(t.TempDir(), "dry"), "--dry-run", "--output", "json"},
	} {
		r := run(t, env, nil, args...)
		if r.code != 0 {
			t.Fatalf("%s: %+v", name, r)
		}
		validateAgainst(t, "new.schema.json", r.stdout)
	}
	r := run(t, env, nil, "check", "--dir", dir, "--output", "json")
	if r.code != 0 {
		t.Fatalf("check: %+v", r)
	}
	validateAgainst(t, "check.schema.json", r.stdout)
	writeFiles(t, src, map[string]string{"svc/skeleton/app.yaml": "name: {{ .name }}\nport: 80\n"})
	gitIn(t, src, "commit", "-q", "-am", "v1.1")
	gitIn(t, src, "tag", "v1.1.0")
	if r = run(t, env, nil, "check", "--dir", dir, "--output", "json"); r.code != ExitBehind {
		t.Fatalf("check behind: %+v", r)
	}
	validateAgainst(t, "check.schema.json", r.stdout)
	if r = run(t, env, nil, "check", "--dir", t.TempDir(), "--output", "json"); r.code != ExitError {
		t.Fatalf("check error: %+v", r)
	}
	validateAgainst(t, "check.schema.json", r.stdout)
	if r = run(t, env, nil, "templates", "list", "-s", src, "--versions", "--output", "json"); r.code != 0 {
		t.Fatalf("templates list: %+v", r)
	}
	validateAgainst(t, "templates-list.schema.json", r.stdout)
	if r = run(t, env, nil, "version", "--output", "json"); r.code != 0 {
		t.Fatalf("version: %+v", r)
	}
	validateAgainst(t, "version.schema.json", r.stdout)
}
