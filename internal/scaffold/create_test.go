package scaffold

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/idp-cli/idp/internal/testutil/gittest"

	"github.com/idp-cli/idp/internal/answers"
	"github.com/idp-cli/idp/internal/builtin"
	"github.com/idp-cli/idp/internal/gitrepo"
	"github.com/idp-cli/idp/internal/source"
)

func createDeps(log *bytes.Buffer) CreateDeps {
	return CreateDeps{
		OpenCatalog: func(ctx context.Context, loc string) (*source.Catalog, error) {
			return source.OpenCatalog(ctx, loc, source.OpenOptions{Builtin: &builtin.History{}})
		},
		Log: log, Display: func(dir string) string { return filepath.Base(dir) },
		Push: func(ctx context.Context, dir, url string) error {
			return gitrepo.Push(ctx, dir, gitrepo.PushOptions{URL: url})
		},
		Author: gitrepo.Author{Name: "t", Email: "t@x"}, Now: func() time.Time { return time.Unix(1700000000, 0) },
	}
}

func goldenDir(t *testing.T, extra string) string {
	src := t.TempDir()
	for p, data := range map[string]string{
		"a/template.yaml":    "apiVersion: idp/v1\nkind: Template\ntype: service\nparameters:\n  - name: name\n    required: true\n" + extra,
		"a/skeleton/app.txt": "{{ .name }}\n",
		"b/template.yaml":    "apiVersion: idp/v1\nkind: Template\ntype: service\nparameters:\n  - name: name\n    required: true\n",
		"b/skeleton/b.txt":   "b\n",
	} {
		os.MkdirAll(filepath.Join(src, filepath.Dir(p)), 0o755)
		os.WriteFile(filepath.Join(src, p), []byte(data), 0o644)
	}
	return src
}

// TestRunMakesAndPushes: idp new's flow without cobra: the named golden path, a plain directory
// source (said to have no versions), untrusted hooks listed not run, one commit pushed to a
// real bare repository.
func TestRunMakesAndPushes(t *testing.T) {
	src := goldenDir(t, "hooks:\n  - run: touch pwned\n    when: create\n")
	remote := filepath.Join(t.TempDir(), "shop.git")
	gittest.Git(t, t.TempDir(), "init", "-q", "--bare", "-b", "main", remote)
	var log bytes.Buffer
	out := filepath.Join(t.TempDir(), "shop")
	res, err := Run(context.Background(), createDeps(&log), CreateOptions{
		Source: src, Kind: "service", Template: "a", Name: "shop", OutputDir: out, Remote: "file://" + remote,
	})
	if err != nil {
		t.Fatal(err)
	}
	if res.Template.Manifest.Name != "a" || res.Pushed != "file://"+remote {
		t.Fatalf("%+v", res)
	}
	if got := gittest.Git(t, remote, "show", "main:app.txt"); got != "shop" {
		t.Errorf("pushed app.txt = %q", got)
	}
	if _, err := os.Stat(filepath.Join(out, "pwned")); err == nil {
		t.Error("an untrusted hook ran")
	}
	for _, want := range []string{"has no versions", "  (cd shop && sh -c 'touch pwned')"} {
		if !strings.Contains(log.String(), want) {
			t.Errorf("log lacks %q:\n%s", want, log.String())
		}
	}
}

// TestRunPicksOrRefuses: several golden paths of the kind and no way to ask is a request error
// naming them; a chooser is asked; an unknown kind names the kinds on offer.
func TestRunPicksOrRefuses(t *testing.T) {
	src := goldenDir(t, "")
	var log bytes.Buffer
	d := createDeps(&log)
	_, err := Run(context.Background(), d, CreateOptions{Source: src, Kind: "service", Name: "x", DryRun: true})
	if !source.IsRequest(err) || !strings.Contains(err.Error(), "several service golden paths: a, b; choose one with --template") {
		t.Fatalf("no chooser: %v", err)
	}
	d.Prompter = secondChoice{}
	res, err := Run(context.Background(), d, CreateOptions{Source: src, Kind: "service", Name: "x", DryRun: true})
	if err != nil || res.Template.Manifest.Name != "b" {
		t.Fatalf("chosen: %+v %v", res, err)
	}
	_, err = Run(context.Background(), d, CreateOptions{Source: src, Kind: "website", Name: "x", DryRun: true})
	if !source.IsRequest(err) || !strings.Contains(err.Error(), "types on offer: service") {
		t.Fatalf("kind: %v", err)
	}
	var pe *PushError
	_, err = Run(context.Background(), d, CreateOptions{Source: src, Kind: "service", Template: "b", Name: "y", OutputDir: filepath.Join(t.TempDir(), "y"), Remote: "file:///nonexistent/repo.git"})
	if !errors.As(err, &pe) {
		t.Fatalf("push to nowhere: %v", err)
	}
}

// secondChoice picks the second golden path offered and answers nothing.
type secondChoice struct{}

func (secondChoice) Ask(_ context.Context, _ map[string]any, _ []*answers.Question) (map[string]any, error) {
	return map[string]any{}, nil
}

func (secondChoice) Choose(_ context.Context, _ string, choices []answers.Choice) (string, error) {
	return choices[1].Value, nil
}
