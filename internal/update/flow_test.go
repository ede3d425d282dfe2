package update

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/idp-cli/idp/internal/shell"

	"github.com/idp-cli/idp/internal/answers"

	"github.com/idp-cli/idp/internal/builtin"
	"github.com/idp-cli/idp/internal/gitrepo"
	"github.com/idp-cli/idp/internal/manifest"
	"github.com/idp-cli/idp/internal/provenance"
	"github.com/idp-cli/idp/internal/render"
	"github.com/idp-cli/idp/internal/source"
)

func put(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for p, data := range files {
		os.MkdirAll(filepath.Join(dir, filepath.Dir(p)), 0o755)
		if err := os.WriteFile(filepath.Join(dir, p), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

const manifestV1 = "apiVersion: idp/v1\nkind: Template\ntype: service\nparameters:\n  - name: name\n    required: true\n"

// flowFixture: a golden-path repository with v1.0.0, v1.1.0 (app.txt changed) and v2.0.0 (a new
// required parameter), and a service made at v1.0.0 with a local edit, committed.
func flowFixture(t *testing.T) (src, svc string, d Deps, log *bytes.Buffer) {
	src = t.TempDir()
	put(t, src, map[string]string{"svc/template.yaml": manifestV1, "svc/skeleton/app.txt": "one\ntwo\nthree\n"})
	gitRun(t, src, "init", "-q", "-b", "main")
	gitRun(t, src, "add", "-A")
	gitRun(t, src, "commit", "-q", "-m", "v1")
	gitRun(t, src, "tag", "v1.0.0")
	put(t, src, map[string]string{"svc/skeleton/app.txt": "ONE\ntwo\nthree\n"})
	gitRun(t, src, "commit", "-q", "-am", "v1.1")
	gitRun(t, src, "tag", "v1.1.0")
	put(t, src, map[string]string{"svc/template.yaml": manifestV1 + "  - name: slack\n    title: Slack channel\n    required: true\n", "svc/skeleton/slack.txt": "{{ .slack }}\n"})
	gitRun(t, src, "add", "-A")
	gitRun(t, src, "commit", "-q", "-m", "v2")
	gitRun(t, src, "tag", "v2.0.0")

	log = &bytes.Buffer{}
	d = Deps{
		OpenCatalog: func(ctx context.Context, loc string) (*source.Catalog, error) {
			return source.OpenCatalog(ctx, loc, source.OpenOptions{Builtin: &builtin.History{}})
		},
		Log: log,
	}
	cat, err := d.OpenCatalog(context.Background(), src)
	if err != nil {
		t.Fatal(err)
	}
	at, tmpl, err := cat.At(cat.All[0], "--version", "v1.0.0", false)
	if err != nil {
		t.Fatal(err)
	}
	tree, err := render.Render(context.Background(), tmpl.FS, tmpl.Manifest, map[string]any{"name": "shop"})
	if err != nil {
		t.Fatal(err)
	}
	rec, _ := provenance.Marshal(&provenance.File{
		Template: provenance.Template{Source: src, Name: "svc", Version: "v1.0.0", Commit: at.Commit},
		Answers:  []answers.KV{{Key: "name", Value: "shop"}},
	})
	svc = filepath.Join(t.TempDir(), "shop")
	entries := []gitrepo.Entry{{Path: ".idp.yaml", Mode: 0o644, Data: rec}}
	for _, f := range tree.Files {
		entries = append(entries, gitrepo.Entry{Path: f.Path, Mode: f.Mode, Data: f.Data})
	}
	os.MkdirAll(svc, 0o755)
	for _, e := range entries {
		put(t, svc, map[string]string{e.Path: string(e.Data)})
	}
	put(t, svc, map[string]string{"app.txt": "one\ntwo\nthree, ours\n"})
	gitRun(t, svc, "init", "-q", "-b", "main")
	gitRun(t, svc, "add", "-A")
	gitRun(t, svc, "commit", "-q", "-m", "made")
	return src, svc, d, log
}

// TestDoHoldsBackAMajor: without a prompter, Do takes v1.1.0 (the newest that needs no new
// answer), merges it keeping the local edit, and names v2.0.0 and its parameter; on v1.1.0 it
// needs a person; with the answer it takes v2.0.0.
func TestDoHoldsBackAMajor(t *testing.T) {
	_, svc, d, _ := flowFixture(t)
	ctx := context.Background()
	out, err := Do(ctx, d, DoOptions{Dir: svc, To: "latest", Mode: ModeWrite})
	if err != nil {
		t.Fatal(err)
	}
	if out.Result.To != "v1.1.0" || out.Held == nil || out.Held.Version != "v2.0.0" || out.Held.Describe() != "slack (Slack channel)" {
		t.Fatalf("to %s, held %+v", out.Result.To, out.Held)
	}
	if b, _ := os.ReadFile(filepath.Join(svc, "app.txt")); string(b) != "ONE\ntwo\nthree, ours\n" {
		t.Fatalf("app.txt = %q", b)
	}
	gitRun(t, svc, "commit", "-q", "-am", "update")
	out, err = Do(ctx, d, DoOptions{Dir: svc, To: "latest", Mode: ModeWrite})
	if err != nil || !out.NeedsInput || out.Current != "v1.1.0" {
		t.Fatalf("needs input: %+v %v", out, err)
	}
	out, err = Do(ctx, d, DoOptions{Dir: svc, To: "latest", Mode: ModeDryRun, Set: []string{"slack=#shop"}})
	if err != nil || out.Result.To != "v2.0.0" || out.Held != nil {
		t.Fatalf("with the answer: %+v %v", out, err)
	}
	if _, err := os.Stat(filepath.Join(svc, "slack.txt")); err == nil {
		t.Fatal("a dry run wrote a file")
	}
}

// TestDoRefusesAndSays: a dirty tree is refused before anything; a downgrade without
// --allow-downgrade is a request error; on a newer version without --to nothing happens.
func TestDoRefusesAndSays(t *testing.T) {
	_, svc, d, _ := flowFixture(t)
	ctx := context.Background()
	put(t, svc, map[string]string{"scratch.txt": "x\n"})
	var de *DirtyError
	if _, err := Do(ctx, d, DoOptions{Dir: svc, To: "latest", Mode: ModeWrite}); !errors.As(err, &de) {
		t.Fatalf("dirty: %v", err)
	}
	os.Remove(filepath.Join(svc, "scratch.txt"))
	if _, err := Do(ctx, d, DoOptions{Dir: svc, To: "v2.0.0", Mode: ModeWrite, Set: []string{"slack=x"}}); err != nil {
		t.Fatal(err)
	}
	gitRun(t, svc, "add", "-A")
	gitRun(t, svc, "commit", "-q", "-m", "v2")
	_, err := Do(ctx, d, DoOptions{Dir: svc, To: "v1.0.0", ToGiven: true, Mode: ModeWrite})
	var dg *DowngradeError
	if !errors.As(err, &dg) || !source.IsRequest(err) {
		t.Fatalf("downgrade: %v", err)
	}
	if out, err := Do(ctx, d, DoOptions{Dir: svc, To: "v1.0.0", Mode: ModeDryRun}); err != nil || !out.Newer {
		t.Fatalf("newer: %+v %v", out, err)
	}
}

// TestRunHooksUntrustedSaysHow: untrusted, no hook runs and the log says how to run them.
func TestRunHooksUntrustedSaysHow(t *testing.T) {
	var log bytes.Buffer
	dir := t.TempDir()
	ran, err := RunHooks(context.Background(), &log, Hooks(mustManifest(t), "create"), false, "svc", "v1.0.0", dir, "shop")
	if err != nil || ran {
		t.Fatalf("ran %v %v", ran, err)
	}
	want := "  (cd shop && sh -c 'touch pwned')\n"
	if !strings.HasSuffix(log.String(), want) {
		t.Errorf("log:\n%s", log.String())
	}
	// The line, pasted where cd fails, runs nothing: the hook is one word after the &&.
	line := strings.TrimSpace(want)
	if err := shell.Run(context.Background(), dir, line, io.Discard); err == nil {
		t.Error("the line ran although there is no ./shop")
	}
	if _, err := os.Stat(filepath.Join(dir, "pwned")); err == nil {
		t.Error("the printed line ran the hook outside the service")
	}
	if _, err := os.Stat(filepath.Join(dir, "pwned")); err == nil {
		t.Fatal("an untrusted hook ran")
	}
}

func mustManifest(t *testing.T) *manifest.Manifest {
	t.Helper()
	m, err := manifest.Parse([]byte(manifestV1+"hooks:\n  - run: touch pwned\n    when: create\n"), "template.yaml", "svc")
	if err != nil {
		t.Fatal(err)
	}
	return m
}
