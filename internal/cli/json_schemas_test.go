package cli

import (
	"os"
	"path/filepath"
	"strings"
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

// TestTemplateToolsJSONMatchTheirSchemas: template lint and template test, on a golden path
// with a finding and a case that fails, print what their schemas say.
func TestTemplateToolsJSONMatchTheirSchemas(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "svc")
	writeFiles(t, dir, map[string]string{
		"template.yaml":          "apiVersion: idp/v1\nkind: Template\ntype: service\nparameters:\n  - name: name\n    required: true\n  - name: unused\n    default: x\n",
		"skeleton/app.yaml":      "name: {{ .name }}\n",
		"tests/good.yaml":        "answers:\n  name: a\n",
		"tests/good/app.yaml":    "name: a\n",
		"tests/stale.yaml":       "answers:\n  name: b\n",
		"tests/stale/app.yaml":   "name: old\n",
		"tests/checked.yaml":     "answers:\n  name: c\ncheck: echo checked\n",
		"tests/checked/app.yaml": "name: c\n",
	})
	r := run(t, nil, nil, "template", "lint", dir, "--output", "json")
	validateAgainst(t, "template-lint.schema.json", r.stdout)
	r = run(t, nil, nil, "template", "test", dir, "--output", "json")
	if r.code != ExitError {
		t.Fatalf("template test: %+v", r)
	}
	validateAgainst(t, "template-test.schema.json", r.stdout)
}

// TestFleetUpdateAndPushJSONMatchTheirSchemas: fleet update over a service and a repository
// that is none, and idp push, print what their schemas say.
func TestFleetUpdateAndPushJSONMatchTheirSchemas(t *testing.T) {
	src := t.TempDir()
	writeFiles(t, src, map[string]string{
		"svc/template.yaml":     "apiVersion: idp/v1\nkind: Template\ntype: service\nparameters:\n  - name: name\n    required: true\n",
		"svc/skeleton/app.yaml": "name: {{ .name }}\n",
	})
	gitIn(t, src, "init", "-q", "-b", "main")
	gitIn(t, src, "add", "-A")
	gitIn(t, src, "commit", "-q", "-m", "v1")
	gitIn(t, src, "tag", "v1.0.0")
	root := t.TempDir()
	env := map[string]string{"HOME": t.TempDir()}
	remote := filepath.Join(root, "shop.git")
	gitIn(t, root, "init", "-q", "--bare", "-b", "main", remote)
	other := filepath.Join(root, "other.git")
	gitIn(t, root, "init", "-q", "--bare", "-b", "main", other)
	svc := filepath.Join(root, "shop")
	if r := run(t, env, nil, "new", "service", "shop", "-s", "file://"+src, "-o", svc); r.code != 0 {
		t.Fatalf("new: %+v", r)
	}
	r := run(t, env, nil, "push", "--dir", svc, "--remote", "file://"+remote, "--output", "json")
	if r.code != 0 {
		t.Fatalf("push: %+v", r)
	}
	validateAgainst(t, "push.schema.json", r.stdout)
	writeFiles(t, src, map[string]string{"svc/skeleton/app.yaml": "name: {{ .name }}\nport: 80\n"})
	gitIn(t, src, "commit", "-q", "-am", "v1.1")
	gitIn(t, src, "tag", "v1.1.0")
	writeFiles(t, root, map[string]string{"repos.txt": "file://" + remote + "\nfile://" + other + "\n"})
	r = run(t, env, nil, "fleet", "update", "--repos", filepath.Join(root, "repos.txt"), "--output", "json")
	if r.code != ExitError { // other.git has nothing: a failed row
		t.Fatalf("fleet update: %+v", r)
	}
	validateAgainst(t, "fleet-update.schema.json", r.stdout)
}

// TestAddAndAdoptJSONMatchTheirSchema: idp add of an add-on and idp adopt of a repository idp did
// not make print what layer.schema.json says.
func TestAddAndAdoptJSONMatchTheirSchema(t *testing.T) {
	src := t.TempDir()
	writeFiles(t, src, map[string]string{
		"svc/template.yaml":           "apiVersion: idp/v1\nkind: Template\ntype: service\nparameters:\n  - name: name\n    required: true\n",
		"svc/skeleton/app.yaml":       "name: {{ .name }}\n",
		"svc/skeleton/README.md":      "# {{ .name }}\n",
		"docs/template.yaml":          "apiVersion: idp/v1\nkind: Template\ntype: addon\nparameters:\n  - name: name\n    required: true\n",
		"docs/skeleton/docs/index.md": "# {{ .name }} docs\n",
	})
	gitIn(t, src, "init", "-q", "-b", "main")
	gitIn(t, src, "add", "-A")
	gitIn(t, src, "commit", "-q", "-m", "v1")
	gitIn(t, src, "tag", "v1.0.0")
	env := map[string]string{"HOME": t.TempDir()}
	svc := filepath.Join(t.TempDir(), "shop")
	if r := run(t, env, nil, "new", "service", "shop", "-s", "file://"+src, "-t", "svc", "-o", svc); r.code != 0 {
		t.Fatalf("new: %+v", r)
	}
	r := run(t, env, nil, "add", "docs", "--dir", svc, "-s", "file://"+src, "--output", "json")
	if r.code != 0 {
		t.Fatalf("add: %+v", r)
	}
	validateAgainst(t, "layer.schema.json", r.stdout)

	repo := filepath.Join(t.TempDir(), "legacy")
	writeFiles(t, repo, map[string]string{"README.md": "# legacy, by hand\n"})
	gitIn(t, repo, "init", "-q", "-b", "main")
	gitIn(t, repo, "add", "-A")
	gitIn(t, repo, "commit", "-q", "-m", "by hand")
	r = run(t, env, nil, "adopt", "--dir", repo, "-s", "file://"+src, "-t", "svc", "--set", "name=legacy", "--output", "json")
	if r.code != ExitConflicts { // README.md is there already: a conflict
		t.Fatalf("adopt: %+v", r)
	}
	validateAgainst(t, "layer.schema.json", r.stdout)
}

// TestTemplateInitJSONMatchesItsSchema: template init's JSON, its directory absolute.
func TestTemplateInitJSONMatchesItsSchema(t *testing.T) {
	parent := t.TempDir()
	if p, err := filepath.EvalSymlinks(parent); err == nil {
		parent = p
	}
	here, _ := os.Getwd()
	t.Chdir(parent)
	r := run(t, nil, nil, "template", "init", "node-service", "--output", "json")
	if r.code != 0 {
		t.Fatalf("%+v", r)
	}
	t.Chdir(here) // the schemas are read from ../../docs
	validateAgainst(t, "template-init.schema.json", r.stdout)
	if !strings.Contains(r.stdout, `"dir": "`+filepath.Join(parent, "node-service")+`"`) {
		t.Errorf("dir is not absolute:\n%s", r.stdout)
	}
}
