package gitcli

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestCommit: only the directory's changes are committed; what else is staged stays staged.
func TestCommit(t *testing.T) {
	repo := t.TempDir()
	git := func(args ...string) string {
		t.Helper()
		cmd := exec.Command("git", append([]string{"-C", repo}, args...)...)
		cmd.Env = append(os.Environ(), "GIT_CONFIG_NOSYSTEM=1", "HOME="+repo, "GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@x", "GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@x")
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
		return strings.TrimSpace(string(out))
	}
	git("init", "-q", "-b", "main")
	os.MkdirAll(filepath.Join(repo, "svc"), 0o755)
	os.WriteFile(filepath.Join(repo, "svc", "a.txt"), []byte("a\n"), 0o644)
	os.WriteFile(filepath.Join(repo, "other.txt"), []byte("o\n"), 0o644)
	git("add", "-A")
	git("commit", "-q", "-m", "init")
	os.WriteFile(filepath.Join(repo, "other.txt"), []byte("staged\n"), 0o644)
	git("add", "other.txt")
	os.WriteFile(filepath.Join(repo, "svc", "b.txt"), []byte("b\n"), 0o644)
	os.Remove(filepath.Join(repo, "svc", "a.txt"))
	when := time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)
	h, err := Commit(context.Background(), filepath.Join(repo, "svc"), "idp", "idp@example.com", "Add b", when)
	if err != nil || len(h) != 40 {
		t.Fatalf("Commit = %q, %v", h, err)
	}
	if got := git("show", "--name-status", "--format=%an <%ae> %cn %aI %s", "HEAD"); got != "idp <idp@example.com> idp 2025-01-02T03:04:05+00:00 Add b\n\nD\tsvc/a.txt\nA\tsvc/b.txt" {
		t.Errorf("commit:\n%s", got)
	}
	if got := git("status", "--porcelain"); got != "M  other.txt" {
		t.Errorf("status after: %q", got)
	}
	if h, err := Commit(context.Background(), filepath.Join(repo, "svc"), "idp", "idp@example.com", "again", when); h != "" || err != nil {
		t.Errorf("nothing to commit: %q %v", h, err)
	}
}
