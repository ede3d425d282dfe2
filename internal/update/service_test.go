package update

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func gitRun(t *testing.T, dir string, args ...string) {
	t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@x", "GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@x", "GIT_CONFIG_NOSYSTEM=1", "HOME="+t.TempDir())
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("git %v: %v\n%s", args, err, out)
	}
}

func writeFile(t *testing.T, path, data string, mode os.FileMode) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(data), mode); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, mode); err != nil {
		t.Fatal(err)
	}
}

const record = "template:\n  source: file:///src\n  name: svc\n  version: v1.0.0\nanswers:\n  name: shop\n"

// TestCheckCleanAsGit: the clean-tree check calls clean what git status calls clean: files
// ignored by .git/info/exclude or by core.excludesFile are not changes, nor is a mode change
// with core.fileMode=false; a real change still is, named as git names it.
func TestCheckCleanAsGit(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("HOME", t.TempDir())
	t.Setenv("GIT_CONFIG_NOSYSTEM", "1")
	writeFile(t, filepath.Join(dir, ".idp.yaml"), record, 0o644)
	writeFile(t, filepath.Join(dir, "run.sh"), "echo hi\n", 0o644)
	gitRun(t, dir, "init", "-q", "-b", "main")
	gitRun(t, dir, "add", "-A")
	gitRun(t, dir, "commit", "-q", "-m", "new")

	excludes := filepath.Join(t.TempDir(), "ignore")
	writeFile(t, excludes, "*.swp\n", 0o644)
	gitRun(t, dir, "config", "core.excludesFile", excludes)
	gitRun(t, dir, "config", "core.fileMode", "false")
	writeFile(t, filepath.Join(dir, ".git", "info", "exclude"), "/scratch/\n", 0o644)
	writeFile(t, filepath.Join(dir, ".run.sh.swp"), "editor\n", 0o644)
	writeFile(t, filepath.Join(dir, "scratch", "notes.txt"), "mine\n", 0o644)
	if err := os.Chmod(filepath.Join(dir, "run.sh"), 0o755); err != nil {
		t.Fatal(err)
	}

	svc, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := svc.CheckClean(context.Background()); err != nil {
		t.Errorf("git status calls the tree clean, idp: %v", err)
	}

	writeFile(t, filepath.Join(dir, "run.sh"), "echo changed\n", 0o755)
	writeFile(t, filepath.Join(dir, "new.txt"), "x\n", 0o644)
	err = svc.CheckClean(context.Background())
	var de *DirtyError
	if !errors.As(err, &de) || err.Error() != "the service has uncommitted changes (?? new.txt, M run.sh); commit or stash them first, so that git can undo the update" {
		t.Errorf("dirty tree: %v", err)
	}
}

// TestCheckCleanNoGit: without the git command the check says so, and what to do.
func TestCheckCleanNoGit(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, ".idp.yaml"), record, 0o644)
	gitRun(t, dir, "init", "-q", "-b", "main")
	svc, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", t.TempDir())
	err = svc.CheckClean(context.Background())
	if err == nil || err.Error() != "the git command is not installed; idp needs it to check that the service has no uncommitted changes, as git status does; install git (it is in every package manager)" {
		t.Errorf("got %v", err)
	}
}

// TestOpenFindsTheServiceAbove: from inside a service, Open finds its .idp.yaml upwards as git
// finds .git, never beyond the repository's root; a --dir that is not there or not a directory
// is named as such.
func TestOpenFindsTheServiceAbove(t *testing.T) {
	t.Setenv("HOME", t.TempDir())
	t.Setenv("GIT_CONFIG_NOSYSTEM", "1")
	outer := t.TempDir()
	writeFile(t, filepath.Join(outer, ".idp.yaml"), record, 0o644) // above the repository: never found
	mono := filepath.Join(outer, "mono")
	writeFile(t, filepath.Join(mono, "services", "shop", ".idp.yaml"), record, 0o644)
	writeFile(t, filepath.Join(mono, "services", "shop", "cmd", "shop", "main.go"), "package main\n", 0o644)
	writeFile(t, filepath.Join(mono, "docs", "guide", "index.md"), "# docs\n", 0o644)
	gitRun(t, mono, "init", "-q", "-b", "main")

	shop := filepath.Join(mono, "services", "shop")
	for _, from := range []string{shop, filepath.Join(shop, "cmd"), filepath.Join(shop, "cmd", "shop")} {
		svc, err := Open(from)
		if err != nil {
			t.Fatalf("Open(%s): %v", from, err)
		}
		if _, rel := svc.Repository(); svc.Dir != shop || rel != "services/shop" || svc.Record.Template.Name != "svc" {
			t.Errorf("Open(%s) = %s (%s in its repository), want %s", from, svc.Dir, rel, shop)
		}
	}
	// Relative, as --dir is given: the service's directory is named from there.
	t.Chdir(filepath.Join(shop, "cmd", "shop"))
	writeFile(t, filepath.Join(shop, ".idp.yaml"), "template: [\n", 0o644)
	if _, err := Open("."); err == nil || !strings.HasPrefix(err.Error(), filepath.Join("..", "..", ".idp.yaml")+":") {
		t.Errorf("a broken record above: %v, want it named ../../.idp.yaml", err)
	}

	docs := filepath.Join(mono, "docs", "guide")
	_, err := Open(docs)
	if want := docs + " has no .idp.yaml, nor has any directory above it up to " + mono + ", the root of its git repository: it is not in a service made by idp; give --dir the service's directory"; err == nil || err.Error() != want {
		t.Errorf("outside any service: %v\nwant %s", err, want)
	}
	_, err = Open(mono)
	if want := mono + " has no .idp.yaml: it was not made by idp, or give --dir the service's directory"; err == nil || err.Error() != want {
		t.Errorf("the repository's root: %v", err)
	}
	_, err = Open(filepath.Join(outer, "nowhere", "x"))
	if want := filepath.Join(outer, "nowhere", "x") + " does not exist; give --dir the service's directory"; err == nil || err.Error() != want {
		t.Errorf("a directory that is not there: %v", err)
	}
	_, err = Open(filepath.Join(shop, "cmd", "shop", "main.go"))
	if want := filepath.Join(shop, "cmd", "shop", "main.go") + " is not a directory; give --dir the service's directory, the one holding .idp.yaml"; err == nil || err.Error() != want {
		t.Errorf("a file: %v", err)
	}
}
