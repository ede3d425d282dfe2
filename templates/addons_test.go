package templates_test

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/idp-cli/idp/internal/answers"
	"github.com/idp-cli/idp/internal/gitrepo"
	"github.com/idp-cli/idp/internal/layer"
	"github.com/idp-cli/idp/internal/lint"
	"github.com/idp-cli/idp/internal/provenance"
	"github.com/idp-cli/idp/internal/render"
	"github.com/idp-cli/idp/internal/source"
	"github.com/idp-cli/idp/internal/tmpltest"
	"github.com/idp-cli/idp/templates"
)

var addons = map[string]string{"techdocs": "default no-repository", "argocd": "all-environments default"}

// TestAddonCases runs the add-ons' own test cases as idp template test does (-update rewrites
// their golden trees), and they lint clean.
func TestAddonCases(t *testing.T) {
	for name, cases := range addons {
		results, err := tmpltest.Run(context.Background(), name, tmpltest.Options{Update: *update})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, r := range results {
			got = append(got, r.Case)
			if r.Outcome != tmpltest.Passed && r.Outcome != tmpltest.Updated {
				t.Errorf("%s case %s: %s %s (run with -update if the change is intended)\n%s", name, r.Case, r.Outcome, r.Error, r.Diff)
			}
		}
		if strings.Join(got, " ") != cases {
			t.Errorf("%s cases = %v, want %s", name, got, cases)
		}
		found, err := lint.Lint(context.Background(), name)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range found {
			t.Errorf("%s: %s", name, f)
		}
	}
}

// TestAddonsOnGoService applies techdocs and then argocd to a service made from go-service with
// every environment, as idp add does: their files are added, their answers come from the
// service's, and their annotations go into catalog-info.yaml as managed blocks under
// annotations:, every other line as go-service wrote it.
func TestAddonsOnGoService(t *testing.T) {
	ctx := context.Background()
	src := source.Embedded(templates.FS, "v1.1.0")
	all, err := src.Catalog()
	if err != nil {
		t.Fatal(err)
	}
	gs := source.Find(all, "go-service")
	ans, err := answers.Resolve(ctx, gs.Manifest, answers.Request{Set: []string{"name=payments", "owner=team-payments", "github_org=acme", "environments=dev,staging,prod"}})
	if err != nil {
		t.Fatal(err)
	}
	tree, err := render.Render(ctx, gs.FS, gs.Manifest, ans.Data)
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "payments")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := writeTree(dir, tree); err != nil {
		t.Fatal(err)
	}
	rec, _ := provenance.Marshal(&provenance.File{Template: provenance.Template{Source: src.Location, Name: "go-service", Version: "v1.1.0"}, Answers: ans.Recordable(gs.Manifest)})
	os.WriteFile(filepath.Join(dir, provenance.FileName), rec, 0o644)
	git := func(args ...string) {
		t.Helper()
		cmd := exec.Command("git", append([]string{"-C", dir}, args...)...)
		cmd.Env = append(os.Environ(), "GIT_CONFIG_GLOBAL="+os.DevNull, "GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@x", "GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@x")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	git("init", "-q", "-b", "main")
	git("add", "-A")
	git("commit", "-q", "-m", "Create payments")
	before, _ := os.ReadFile(filepath.Join(dir, "catalog-info.yaml"))

	d := layer.Deps{
		OpenCatalog: func(ctx context.Context, loc string) (*source.Catalog, error) {
			return &source.Catalog{Src: src, All: all}, nil
		},
		Log: &bytes.Buffer{}, Author: gitrepo.DefaultAuthor, Now: func() time.Time { return time.Unix(0, 0) },
	}
	for _, name := range []string{"techdocs", "argocd"} {
		res, err := layer.Add(ctx, d, layer.AddOptions{Dir: dir, Template: name, Version: "latest"})
		if err != nil {
			t.Fatalf("add %s: %v", name, err)
		}
		if res.Conflicts != 0 || res.Commit == "" {
			t.Errorf("add %s: %d conflicts, commit %q", name, res.Conflicts, res.Commit)
		}
	}
	for _, f := range []string{"mkdocs.yml", "docs/index.md", "deploy/argocd/dev.yaml", "deploy/argocd/staging.yaml", "deploy/argocd/prod.yaml"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Errorf("missing %s", f)
		}
	}
	app, _ := os.ReadFile(filepath.Join(dir, "deploy/argocd/staging.yaml"))
	for _, want := range []string{"repoURL: https://github.com/acme/payments.git", "path: deploy/k8s/overlays/staging", "namespace: payments-staging"} {
		if !strings.Contains(string(app), want) {
			t.Errorf("staging.yaml lacks %q:\n%s", want, app)
		}
	}
	blocks := "  annotations:\n" +
		"    # idp:begin argocd\n    argocd/app-selector: app.kubernetes.io/name=payments\n    # idp:end argocd\n" +
		"    # idp:begin techdocs\n    backstage.io/techdocs-ref: dir:.\n    # idp:end techdocs\n"
	after, _ := os.ReadFile(filepath.Join(dir, "catalog-info.yaml"))
	if want := strings.Replace(string(before), "  annotations:\n", blocks, 1); string(after) != want {
		t.Errorf("catalog-info.yaml:\n%s\nwant:\n%s", after, want)
	}
}

func writeTree(dir string, tree *render.Tree) error {
	for _, f := range tree.Files {
		p := filepath.Join(dir, filepath.FromSlash(f.Path))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if f.IsSymlink() {
			if err := os.Symlink(string(f.Data), p); err != nil {
				return err
			}
			continue
		}
		if err := os.WriteFile(p, f.Data, f.Mode.Perm()); err != nil {
			return err
		}
	}
	return nil
}
