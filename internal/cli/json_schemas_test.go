package cli

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
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

// TestPassedOverJSONMatchesTheSchemas: the versions an update passes over, one too young for
// --min-age and one under skip: in .idp.yaml, are in idp update's and idp fleet update's JSON,
// newest first, as update.schema.json and fleet-update.schema.json say; the text output names
// them on stderr.
func TestPassedOverJSONMatchesTheSchemas(t *testing.T) {
	src := t.TempDir()
	writeFiles(t, src, map[string]string{
		"svc/template.yaml":     "apiVersion: idp/v1\nkind: Template\ntype: service\nparameters:\n  - name: name\n    required: true\n",
		"svc/skeleton/app.yaml": "name: {{ .name }}\n",
	})
	tag := func(v string, at time.Time) {
		date := at.Format(time.RFC3339)
		for _, args := range [][]string{{"add", "-A"}, {"commit", "-q", "--allow-empty", "-m", v}, {"tag", v}} {
			cmd := exec.Command("git", args...)
			cmd.Dir = src
			cmd.Env = append(os.Environ(), "HOME="+src, "GIT_CONFIG_NOSYSTEM=1", "GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@x",
				"GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@x", "GIT_AUTHOR_DATE="+date, "GIT_COMMITTER_DATE="+date)
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Fatalf("git %v: %v\n%s", args, err, out)
			}
		}
	}
	gitIn(t, src, "init", "-q", "-b", "main")
	tag("v1.0.0", testNow.Add(-30*24*time.Hour))
	root := t.TempDir()
	env := map[string]string{"HOME": t.TempDir()}
	svc := filepath.Join(root, "shop")
	if r := run(t, env, nil, "new", "service", "shop", "-s", "file://"+src, "-o", svc); r.code != 0 {
		t.Fatalf("new: %+v", r)
	}
	for i, v := range []string{"v1.1.0", "v1.2.0", "v1.3.0"} {
		writeFiles(t, src, map[string]string{"svc/skeleton/app.yaml": "name: {{ .name }}\nport: 8" + strconv.Itoa(i) + "\n"})
		tag(v, testNow.Add(-time.Duration(20-9*i)*24*time.Hour)) // 20, 11 and 2 days old
	}
	rec, err := os.ReadFile(filepath.Join(svc, ".idp.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	writeFiles(t, svc, map[string]string{".idp.yaml": string(rec) + "skip: [v1.2.0]\n"})
	gitIn(t, svc, "commit", "-q", "-am", "skip v1.2.0")

	want := `"passedOver": [
    {
      "version": "v1.3.0",
      "reason": "min-age",
      "tagged": "2026-11-24T00:00:00Z",
      "until": "2026-11-27T00:00:00Z"
    },
    {
      "version": "v1.2.0",
      "reason": "skip"
    }
  ]`
	r := run(t, env, nil, "update", "--dir", svc, "--dry-run", "--min-age", "3d", "--output", "json")
	if r.code != 0 {
		t.Fatalf("update: %+v", r)
	}
	validateAgainst(t, "update.schema.json", r.stdout)
	if !strings.Contains(r.stdout, `"to": "v1.1.0"`) || !strings.Contains(r.stdout, want) {
		t.Errorf("update JSON:\n%s\nwant %s", r.stdout, want)
	}
	wantStderr := "idp: svc v1.3.0 was tagged 2026-11-24 00:00 UTC, less than --min-age ago; it is taken from 2026-11-27 00:00 UTC\n" +
		"idp: svc v1.2.0 is skipped (skip: in .idp.yaml)\n"
	if r = run(t, env, nil, "update", "--dir", svc, "--dry-run", "--min-age", "3d"); r.code != 0 || r.stderr != wantStderr {
		t.Errorf("update: exit %d, stderr:\n%s\nwant:\n%s", r.code, r.stderr, wantStderr)
	}

	remote := filepath.Join(root, "shop.git")
	gitIn(t, root, "init", "-q", "--bare", "-b", "main", remote)
	gitIn(t, svc, "push", "-q", remote, "main")
	writeFiles(t, root, map[string]string{"repos.txt": "file://" + remote + "\n"})
	r = run(t, env, nil, "fleet", "update", "--repos", filepath.Join(root, "repos.txt"), "--min-age", "3d", "--output", "json")
	if r.code != 0 {
		t.Fatalf("fleet update: %+v", r)
	}
	validateAgainst(t, "fleet-update.schema.json", r.stdout)
	if !strings.Contains(r.stdout, `"reason": "min-age"`) || !strings.Contains(r.stdout, `"reason": "skip"`) {
		t.Errorf("fleet update JSON:\n%s", r.stdout)
	}
}
