package cli

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/idp-cli/idp/internal/testutil/gitserver"
)

// fiftyTagSource makes a golden-path repository with 50 version tags, v1.0.0 to v1.49.0.
func fiftyTagSource(tb testing.TB) string {
	tb.Helper()
	dir := tb.TempDir()
	os.MkdirAll(filepath.Join(dir, "svc", "skeleton", "cmd"), 0o755)
	os.WriteFile(filepath.Join(dir, "svc", "template.yaml"), []byte("apiVersion: idp/v1\nkind: Template\ntype: service\nparameters:\n  - name: name\n    required: true\n"), 0o644)
	for i := 0; i < 20; i++ {
		os.WriteFile(filepath.Join(dir, "svc", "skeleton", "cmd", fmt.Sprintf("f%02d.txt", i)), []byte(strings.Repeat("{{ .name }} line\n", 40)), 0o644)
	}
	gitIn(tb, dir, "init", "-q", "-b", "main")
	for i := 0; i < 50; i++ {
		os.WriteFile(filepath.Join(dir, "svc", "skeleton", "version.txt"), []byte(fmt.Sprintf("v1.%d.0\n", i)), 0o644)
		gitIn(tb, dir, "add", "-A")
		gitIn(tb, dir, "commit", "-q", "-m", fmt.Sprint(i))
		gitIn(tb, dir, "tag", fmt.Sprintf("v1.%d.0", i))
	}
	return dir
}

func gitIn(tb testing.TB, dir string, args ...string) {
	tb.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "HOME="+dir, "GIT_CONFIG_NOSYSTEM=1", "GIT_TERMINAL_PROMPT=0",
		"GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@x", "GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@x")
	if out, err := cmd.CombinedOutput(); err != nil {
		tb.Fatalf("git %v: %v\n%s", args, err, out)
	}
}

// idpRun runs idp in-process for a benchmark and fails it on a non-zero exit.
func idpRun(b *testing.B, env map[string]string, args ...string) {
	b.Helper()
	idpRunCode(b, env, 0, args...)
}

// idpRunCode runs idp in-process and fails the benchmark unless it exits with want.
func idpRunCode(b *testing.B, env map[string]string, want int, args ...string) {
	b.Helper()
	var out, errOut bytes.Buffer
	f := &Factory{
		IO:     &IOStreams{In: strings.NewReader(""), Out: &out, ErrOut: &errOut},
		Now:    time.Now,
		Getenv: func(k string) string { return env[k] },
	}
	if code := Run(context.Background(), f, args); code != want {
		b.Fatalf("idp %v: exit %d\n%s", args, code, errOut.String())
	}
}

// BenchmarkWarmTemplatesList is `idp templates list` on a 50-tag source already in the cache:
// a fetch that finds nothing new, the tags, and the catalog.
func BenchmarkWarmTemplatesList(b *testing.B) {
	src := "file://" + fiftyTagSource(b)
	env := map[string]string{"HOME": b.TempDir()}
	idpRun(b, env, "templates", "list", "-s", src)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		idpRun(b, env, "templates", "list", "-s", src, "--versions")
	}
}

// BenchmarkWarmNew is `idp new` from a 50-tag source already in the cache, at a constraint:
// fetch, pick the version, render, write and commit the service.
func BenchmarkWarmNew(b *testing.B) {
	src := "file://" + fiftyTagSource(b)
	env := map[string]string{"HOME": b.TempDir(), "IDP_GIT_AUTHOR_NAME": "b", "IDP_GIT_AUTHOR_EMAIL": "b@x"}
	idpRun(b, env, "templates", "list", "-s", src)
	out := b.TempDir()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		idpRun(b, env, "new", "service", "svc", "-s", src, "--version", "^1.20", "--no-input", "-o", filepath.Join(out, fmt.Sprint(i)))
	}
}

// BenchmarkGitFetchBaseline is the git command's own no-op fetch into a bare mirror of the
// same source: the floor under a warm run's network part.
func BenchmarkGitFetchBaseline(b *testing.B) {
	src := "file://" + fiftyTagSource(b)
	mirror := filepath.Join(b.TempDir(), "m.git")
	gitIn(b, b.TempDir(), "clone", "-q", "--mirror", src, mirror)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		gitIn(b, mirror, "fetch", "-q", "origin")
	}
}

// BenchmarkGitCloneBaseline is what tools without a cache pay on every run (copier, cookiecutter
// and cruft clone the template each time): a shallow clone by the git command.
func BenchmarkGitCloneBaseline(b *testing.B) {
	src := "file://" + fiftyTagSource(b)
	out := b.TempDir()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		gitIn(b, out, "clone", "-q", "--depth", "1", "--branch", "v1.49.0", src, fmt.Sprint(i))
	}
}

// TestWarmRunFetchesNotClones counts the git server's requests: the first run clones (an
// upload-pack exchange), later runs with nothing new only read the refs, and a new tag is
// fetched, not cloned afresh.
func TestWarmRunFetchesNotClones(t *testing.T) {
	srv := gitserver.StartAnonymousRead(t, "ada", "pw")
	srv.NewBare(t, "golden")
	pushGoldenPaths(t, srv.CredentialURL("golden"))
	env := map[string]string{"HOME": t.TempDir()}
	src := srv.URL + "/golden.git"
	const refs, pack = "GET /golden.git/info/refs?service=git-upload-pack", "POST /golden.git/git-upload-pack"

	before := len(srv.Requests())
	if r := run(t, env, nil, "templates", "list", "-s", src); r.code != 0 {
		t.Fatalf("%+v", r)
	}
	if got := srv.Requests()[before:]; strings.Join(got, "\n") != refs+"\n"+pack {
		t.Errorf("first run: %q", got)
	}
	before = len(srv.Requests())
	out := filepath.Join(t.TempDir(), "a")
	if r := run(t, env, nil, "new", "service", "a", "-s", src, "-o", out); r.code != 0 {
		t.Fatalf("%+v", r)
	}
	if got := srv.Requests()[before:]; strings.Join(got, "\n") != refs {
		t.Errorf("warm run with nothing new: %q", got)
	}
	entries, _ := os.ReadDir(filepath.Join(env["HOME"], ".cache", "idp", "sources"))
	if len(entries) != 2 { // the clone and its lock file
		t.Errorf("cache: %v", entries)
	}
}
