package scaffold_test

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/idp-cli/idp/internal/answers"
	"github.com/idp-cli/idp/internal/gitrepo"
	"github.com/idp-cli/idp/internal/scaffold"
	"github.com/idp-cli/idp/internal/source"
)

var when = time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)

func fullTemplate(t *testing.T) (*source.Source, *source.Template) {
	t.Helper()
	src, err := source.Dir("../render/testdata")
	if err != nil {
		t.Fatal(err)
	}
	all, err := src.Catalog()
	if err != nil {
		t.Fatal(err)
	}
	tmpl := source.Find(all, "full")
	if tmpl == nil {
		t.Fatalf("no template full in %v", source.Names(all))
	}
	return src, tmpl
}

func git(t *testing.T, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

func TestNewMakesARepositoryWithOneCommit(t *testing.T) {
	src, tmpl := fullTemplate(t)
	dir := filepath.Join(t.TempDir(), "shop")
	res, err := scaffold.New(context.Background(), scaffold.NewOptions{
		Source: src, Template: tmpl, OutputDir: dir, Now: when,
		Answers: answers.Request{Name: "shop"},
		Author:  gitrepo.Author{Name: "Ada", Email: "ada@example.com"},
	})
	if err != nil {
		t.Fatal(err)
	}
	// git itself is the oracle: one commit on main, authored as asked, and a clean worktree
	// (index, modes and symlinks as git expects them).
	if got := git(t, dir, "rev-parse", "--abbrev-ref", "HEAD"); got != "main\n" {
		t.Errorf("branch %q", got)
	}
	if got := git(t, dir, "log", "--format=%H %an <%ae> %aI %s"); got != res.Commit+" Ada <ada@example.com> 2026-11-26T12:00:00+00:00 Create shop from full (unversioned)\n" {
		t.Errorf("log: %q", got)
	}
	if got := git(t, dir, "status", "--porcelain", "--ignored"); got != "" {
		t.Errorf("worktree not clean:\n%s", got)
	}
	files := git(t, dir, "ls-files", "-s")
	for _, want := range []string{"100755 ", "scripts/run.sh", "120000 ", "\trun\n", "logo.png", ".idp.yaml", "shop/main.go"} {
		if !strings.Contains(files, want) {
			t.Errorf("ls-files lacks %q:\n%s", want, files)
		}
	}
	git(t, dir, "fsck", "--strict")
	prov, err := os.ReadFile(filepath.Join(dir, ".idp.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	wantProv := "# Written by idp. `idp update` reads it; edit answers here to change them on the next update.\n" +
		"template:\n  source: " + src.Location + "\n  name: full\nanswers:\n  name: shop\n  with_db: false\n  with_docs: true\n  empty: \"\"\n" +
		"# idp's own: the answers and the idp version the files were last rendered with. Edit answers above, not these.\n" +
		"rendered-with: {name: shop, with_db: false, with_docs: true, empty: \"\"}\n" +
		"idp-version: dev\n" // a development build's render: a release's update moves what it pins
	if string(prov) != wantProv {
		t.Errorf(".idp.yaml:\n%s\nwant:\n%s", prov, wantProv)
	}
	entries, _ := os.ReadDir(filepath.Dir(dir))
	if len(entries) != 1 {
		t.Errorf("temporary directory left beside the service: %v", entries)
	}
}

func TestCreateRefusesANonEmptyTarget(t *testing.T) {
	src, tmpl := fullTemplate(t)
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "mine.txt"), []byte("keep me"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := scaffold.New(context.Background(), scaffold.NewOptions{Source: src, Template: tmpl, OutputDir: dir, Answers: answers.Request{Name: "x"}})
	var ee *scaffold.ExistsError
	if !errors.As(err, &ee) || err.Error() != dir+" already exists and is not empty; choose another --output-dir or remove it" {
		t.Fatalf("got %v", err)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "mine.txt")); string(b) != "keep me" {
		t.Error("the user's file was touched")
	}
}

// An empty target is filled in place, not replaced: a shell sitting in it (idp new -o .) must
// find the service there, not stay in a deleted directory. Nothing is left beside it.
// A target under a file is refused with what is in the way, not the system call's error.
func TestCheckTargetUnderAFile(t *testing.T) {
	file := filepath.Join(t.TempDir(), "afile")
	if err := os.WriteFile(file, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	err := scaffold.CheckTarget(filepath.Join(file, "sub", "svc"))
	want := "cannot create " + filepath.Join(file, "sub", "svc") + ": " + file + " is a file, not a directory; choose another place"
	if err == nil || err.Error() != want {
		t.Errorf("got %v\nwant %s", err, want)
	}
}

func TestCreateFillsAnEmptyTarget(t *testing.T) {
	src, tmpl := fullTemplate(t)
	parent := t.TempDir()
	dir := filepath.Join(parent, "svc")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	before, _ := os.Stat(dir)
	t.Chdir(dir)
	if _, err := scaffold.New(context.Background(), scaffold.NewOptions{Source: src, Template: tmpl, OutputDir: dir, Answers: answers.Request{Name: "x"}, Now: when}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, ".git", "HEAD")); err != nil {
		t.Error(err)
	}
	if after, _ := os.Stat(dir); !os.SameFile(before, after) {
		t.Error("the target directory was replaced, not filled")
	}
	if _, err := os.Stat(".idp.yaml"); err != nil {
		t.Errorf("the working directory does not see the service: %v", err)
	}
	if entries, _ := os.ReadDir(parent); len(entries) != 1 {
		t.Errorf("%d entries beside the service, want none", len(entries)-1)
	}
}

func TestCancelledCreateLeavesNothing(t *testing.T) {
	src, tmpl := fullTemplate(t)
	parent := t.TempDir()
	dir := filepath.Join(parent, "deep", "er", "shop")
	ctx, cancel := context.WithCancel(context.Background())
	tree, err := scaffold.New(ctx, scaffold.NewOptions{Source: src, Template: tmpl, DryRun: true, Answers: answers.Request{Name: "shop"}})
	if err != nil {
		t.Fatal(err)
	}
	cancel()
	_, err = scaffold.Create(ctx, scaffold.Options{Dir: dir, Tree: tree.Tree, Provenance: []byte("x"), Now: when})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v", err)
	}
	if entries, _ := os.ReadDir(parent); len(entries) != 0 {
		t.Errorf("left behind in %s: %v", parent, entries)
	}
}

func TestFailedRenderWritesNothing(t *testing.T) {
	src, tmpl := fullTemplate(t)
	parent := t.TempDir()
	_, err := scaffold.New(context.Background(), scaffold.NewOptions{
		Source: src, Template: tmpl, OutputDir: filepath.Join(parent, "x"),
		Answers: answers.Request{Name: "x", Set: []string{"with_db=maybe"}},
	})
	if err == nil || err.Error() != `--set with_db=maybe: parameter "with_db": "maybe" is not true or false` {
		t.Fatalf("got %v", err)
	}
	if entries, _ := os.ReadDir(parent); len(entries) != 0 {
		t.Errorf("left behind: %v", entries)
	}
}

func TestDryRunWritesNothing(t *testing.T) {
	src, tmpl := fullTemplate(t)
	parent := t.TempDir()
	res, err := scaffold.New(context.Background(), scaffold.NewOptions{Source: src, Template: tmpl, OutputDir: filepath.Join(parent, "x"), DryRun: true, Answers: answers.Request{Name: "x"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Tree.Files) != 8 || res.Commit != "" {
		t.Errorf("dry run: %d files, commit %q", len(res.Tree.Files), res.Commit)
	}
	if entries, _ := os.ReadDir(parent); len(entries) != 0 {
		t.Errorf("dry run wrote: %v", entries)
	}
}
