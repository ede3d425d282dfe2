package gitrepo

import (
	"bytes"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	gogit "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
)

// TestInitCommitAsGitSeesIt writes files that share content (one blob, two paths; two equal
// directories) plus an executable and a symlink, and asks git itself whether the repository
// is sound and the worktree clean.
func TestInitCommitAsGitSeesIt(t *testing.T) {
	dir := t.TempDir()
	entries := []Entry{
		{Path: "a/x.txt", Mode: 0o644, Data: []byte("same\n")},
		{Path: "b/x.txt", Mode: 0o644, Data: []byte("same\n")},
		{Path: "run.sh", Mode: 0o755, Data: []byte("#!/bin/sh\n")},
		{Path: "link", Mode: fs.ModeSymlink, Data: []byte("run.sh")},
		{Path: "a.txt", Mode: 0o644, Data: []byte("sorts before a/ in git's tree order\n")},
		{Path: "big.bin", Mode: 0o644, Data: bytes.Repeat([]byte{0, 1, 2, 3, 255}, 40_000)}, // a 3-byte pack entry header
	}
	for _, e := range entries {
		p := filepath.Join(dir, filepath.FromSlash(e.Path))
		os.MkdirAll(filepath.Dir(p), 0o755)
		var err error
		if e.Mode&fs.ModeSymlink != 0 {
			err = os.Symlink(string(e.Data), p)
		} else {
			err = os.WriteFile(p, e.Data, e.Mode.Perm())
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	h, err := InitCommit(dir, entries, Author{Name: "A", Email: "a@x"}, "first\n", time.Unix(1_800_000_000, 0).UTC())
	if err != nil {
		t.Fatal(err)
	}
	git := func(args ...string) string {
		t.Helper()
		cmd := exec.Command("git", args...)
		cmd.Dir = dir
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
		return string(out)
	}
	git("fsck", "--strict", "--full")
	if got := git("rev-parse", "HEAD"); strings.TrimSpace(got) != h {
		t.Errorf("HEAD %s, InitCommit said %s", got, h)
	}
	if got := git("status", "--porcelain"); got != "" {
		t.Errorf("worktree not clean:\n%s", got)
	}
	want := "100644 a.txt\n040000 a\n040000 b\n100644 big.bin\n120000 link\n100755 run.sh\n"
	if got := git("ls-tree", "--format=%(objectmode) %(path)", "HEAD"); got != want {
		t.Errorf("ls-tree:\n%s\nwant:\n%s", got, want)
	}
	if got := git("rev-parse", "HEAD:a", "HEAD:b"); strings.Count(strings.Split(got, "\n")[0], strings.Split(got, "\n")[1]) != 1 {
		t.Errorf("equal directories are not one tree: %s", got)
	}
	// go-git, which update will use, reads the same pack.
	repo, err := gogit.PlainOpen(dir)
	if err != nil {
		t.Fatal(err)
	}
	c, err := repo.CommitObject(plumbing.NewHash(h))
	if err != nil {
		t.Fatal(err)
	}
	f, err := c.File("big.bin")
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := f.Contents(); got != string(entries[5].Data) {
		t.Error("go-git reads big.bin back differently")
	}
	if got := git("count-objects", "-v"); !strings.Contains(got, "count: 0") || !strings.Contains(got, "packs: 1") {
		t.Errorf("objects not in one pack:\n%s", got)
	}
}
