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

// TestCommitOnto asks git itself about a commit built in memory: a file removed from a nested
// directory (which goes with it), one added in a new directory, one changed, one made
// executable; HEAD, the index and the worktree are left as they were.
func TestCommitOnto(t *testing.T) {
	dir := t.TempDir()
	entries := []Entry{
		{Path: "a/b/c.txt", Mode: 0o644, Data: []byte("c\n")},
		{Path: "a/keep.txt", Mode: 0o644, Data: []byte("keep\n")},
		{Path: "x.txt", Mode: 0o644, Data: []byte("x\n")},
		{Path: "run.sh", Mode: 0o644, Data: []byte("#!/bin/sh\n")},
	}
	for _, e := range entries {
		os.MkdirAll(filepath.Join(dir, filepath.Dir(e.Path)), 0o755)
		os.WriteFile(filepath.Join(dir, e.Path), e.Data, 0o644)
	}
	head, err := InitCommit(dir, entries, Author{Name: "t", Email: "t@x"}, "first", time.Unix(0, 0))
	if err != nil {
		t.Fatal(err)
	}
	repo, err := gogit.PlainOpen(dir)
	if err != nil {
		t.Fatal(err)
	}
	commit, _, err := CommitOnto(repo, plumbing.NewHash(head), []Change{
		{Path: "a/b/c.txt", Remove: true},
		{Path: "d/e.txt", Mode: 0o644, Data: []byte("e\n")},
		{Path: "x.txt", Mode: 0o644, Data: []byte("x2\n")},
		{Path: "run.sh", Mode: 0o755, Data: []byte("#!/bin/sh\n")},
		{Path: "nope/never.txt", Remove: true},
	}, Author{Name: "idp", Email: "idp@localhost"}, "second", time.Unix(60, 0))
	if err != nil {
		t.Fatal(err)
	}
	git := func(args ...string) string {
		t.Helper()
		out, err := exec.Command("git", append([]string{"-C", dir}, args...)...).CombinedOutput()
		if err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
		return string(out)
	}
	git("fsck", "--strict", "--no-dangling")
	want := "100644 blob a/keep.txt\n100644 blob d/e.txt\n100755 blob run.sh\n100644 blob x.txt\n"
	var got strings.Builder
	for _, l := range strings.Split(strings.TrimSpace(git("ls-tree", "-r", commit.String())), "\n") {
		f := strings.Fields(l)
		got.WriteString(f[0] + " " + f[1] + " " + f[3] + "\n")
	}
	if got.String() != want {
		t.Errorf("tree:\n%s\nwant:\n%s", got.String(), want)
	}
	if p := strings.TrimSpace(git("rev-parse", commit.String()+"^")); p != head {
		t.Errorf("parent %s, want %s", p, head)
	}
	if h := strings.TrimSpace(git("rev-parse", "HEAD")); h != head {
		t.Errorf("HEAD moved to %s", h)
	}
	if st := git("status", "--porcelain"); st != "" {
		t.Errorf("worktree changed:\n%s", st)
	}
}
