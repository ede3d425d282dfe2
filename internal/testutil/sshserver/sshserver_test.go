package sshserver

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/config"
	"github.com/go-git/go-git/v5/plumbing/object"
	gitssh "github.com/go-git/go-git/v5/plumbing/transport/ssh"
	"golang.org/x/crypto/ssh"
)

func TestParseCommand(t *testing.T) {
	for _, tc := range []struct {
		raw, service, repo, err string
	}{
		{"git-upload-pack '/src.git'", "upload-pack", "/src.git", ""},
		{"git-receive-pack 'org/src.git'", "receive-pack", "/org/src.git", ""},
		{"git-upload-pack /src.git", "upload-pack", "/src.git", ""},
		{"git-upload-pack src.git", "upload-pack", "/src.git", ""},
		{"git upload-pack '/src.git'", "upload-pack", "/src.git", ""},
		{`git-upload-pack '/it'\''s.git'`, "upload-pack", "/it's.git", ""},
		{"git-upload-pack '/a/../../etc'", "", "", `"git-upload-pack '/a/../../etc'": the repository path must not contain ..`},
		{"git-upload-pack ''", "", "", `"git-upload-pack ''": no repository path`},
		{"git-upload-pack 'x.git", "", "", `"git-upload-pack 'x.git": unterminated quote`},
		{"git-upload-archive '/src.git'", "", "", `only git-upload-pack and git-receive-pack are served, not "git-upload-archive '/src.git'"`},
		{"rm -rf /", "", "", `only git-upload-pack and git-receive-pack are served, not "rm -rf /"`},
		{"", "", "", `only git-upload-pack and git-receive-pack are served, not ""`},
	} {
		service, repo, err := parseCommand(tc.raw)
		gotErr := ""
		if err != nil {
			gotErr = err.Error()
		}
		if service != tc.service || repo != tc.repo || gotErr != tc.err {
			t.Errorf("parseCommand(%q) = %q, %q, %q; want %q, %q, %q", tc.raw, service, repo, gotErr, tc.service, tc.repo, tc.err)
		}
	}
}

func TestKnownHostsLineAndURL(t *testing.T) {
	s := Start(t, t.TempDir())
	wantPrefix := "[127.0.0.1]:" + strings.TrimPrefix(s.Addr, "127.0.0.1:") + " ssh-ed25519 AAAA"
	if line := s.KnownHostsLine(); !strings.HasPrefix(line, wantPrefix) {
		t.Errorf("KnownHostsLine() = %q, want prefix %q", line, wantPrefix)
	}
	if got, want := s.URL("org/src.git"), "ssh://git@"+s.Addr+"/org/src.git"; got != want {
		t.Errorf("URL = %q, want %q", got, want)
	}
	kh := filepath.Join(t.TempDir(), "ssh", "known_hosts")
	s.WriteKnownHosts(t, kh)
	s.WriteKnownHosts(t, kh)
	b, err := os.ReadFile(kh)
	if err != nil {
		t.Fatal(err)
	}
	if want := s.KnownHostsLine() + "\n" + s.KnownHostsLine() + "\n"; string(b) != want {
		t.Errorf("known_hosts = %q, want %q", b, want)
	}
}

// dial connects with x/crypto/ssh, checking the host key against the server's.
func dial(t *testing.T, s *Server, user string, key Key) (*ssh.Client, error) {
	t.Helper()
	signer, err := ssh.NewSignerFromKey(key.Private)
	if err != nil {
		t.Fatal(err)
	}
	return ssh.Dial("tcp", s.Addr, &ssh.ClientConfig{
		User:            user,
		Auth:            []ssh.AuthMethod{ssh.PublicKeys(signer)},
		HostKeyCallback: ssh.FixedHostKey(s.HostKey),
		Timeout:         10 * time.Second,
	})
}

func TestAuth(t *testing.T) {
	dir := t.TempDir()
	good := NewKey(t, filepath.Join(dir, "good"), "")
	other := NewKey(t, filepath.Join(dir, "other"), "")
	s := Start(t, t.TempDir(), good.Public)

	c, err := dial(t, s, "git", good)
	if err != nil {
		t.Fatalf("authorized key: %v", err)
	}
	c.Close()
	for name, tc := range map[string]struct {
		user string
		key  Key
	}{"other key": {"git", other}, "other user": {"alice", good}} {
		_, err := dial(t, s, tc.user, tc.key)
		want := "ssh: handshake failed: ssh: unable to authenticate, attempted methods [none publickey], no supported methods remain"
		if err == nil || err.Error() != want {
			t.Errorf("%s: err = %v, want %s", name, err, want)
		}
	}
	s.Authorize(other.Public)
	c, err = dial(t, s, "git", other)
	if err != nil {
		t.Fatalf("key authorized later: %v", err)
	}
	c.Close()
}

func TestRefusedCommands(t *testing.T) {
	key := NewKey(t, filepath.Join(t.TempDir(), "id"), "")
	s := Start(t, t.TempDir(), key.Public)
	s.NewBare(t, "src")
	c, err := dial(t, s, "git", key)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	for cmd, want := range map[string]string{
		"cat /etc/passwd":                  `sshserver: only git-upload-pack and git-receive-pack are served, not "cat /etc/passwd"` + "\n",
		"git-upload-pack '../src.git'":     `sshserver: "git-upload-pack '../src.git'": the repository path must not contain ..` + "\n",
		"git-upload-pack '/missing.git'":   "fatal: '" + filepath.Join(s.Root, "missing.git") + "' does not appear to be a git repository\n",
		"git-receive-pack '/src.git/../x'": `sshserver: "git-receive-pack '/src.git/../x'": the repository path must not contain ..` + "\n",
	} {
		sess, err := c.NewSession()
		if err != nil {
			t.Fatal(err)
		}
		var stderr strings.Builder
		sess.Stderr = &stderr
		err = sess.Run(cmd)
		sess.Close()
		var exit *ssh.ExitError
		if !errors.As(err, &exit) || exit.ExitStatus() == 0 {
			t.Errorf("%s: err = %v, want a non-zero exit status", cmd, err)
		}
		if stderr.String() != want {
			t.Errorf("%s: stderr = %q, want %q", cmd, stderr.String(), want)
		}
	}
	if got, want := s.Commands(), []string{"upload-pack /missing.git"}; !reflect.DeepEqual(got, want) {
		t.Errorf("Commands() = %q, want %q", got, want)
	}
}

// TestGoGitCloneAndPush pushes a commit with go-git, clones it back and fetches, and checks
// which git commands the server ran.
func TestGoGitCloneAndPush(t *testing.T) {
	key := NewKey(t, filepath.Join(t.TempDir(), "id"), "s3cret")
	s := Start(t, t.TempDir(), key.Public)
	url := s.NewBare(t, "org/src")
	auth, err := gitssh.NewPublicKeysFromFile("git", key.Path, "s3cret")
	if err != nil {
		t.Fatal(err)
	}
	auth.HostKeyCallback = ssh.FixedHostKey(s.HostKey)

	work := t.TempDir()
	repo, err := git.PlainInit(work, false)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(work, "README"), []byte("hello\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	wt, _ := repo.Worktree()
	if _, err := wt.Add("README"); err != nil {
		t.Fatal(err)
	}
	sig := &object.Signature{Name: "Test", Email: "test@example.com", When: time.Unix(1700000000, 0)}
	head, err := wt.Commit("first", &git.CommitOptions{Author: sig, Committer: sig})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := repo.CreateRemote(&config.RemoteConfig{Name: "origin", URLs: []string{url}}); err != nil {
		t.Fatal(err)
	}
	// go-git's PlainInit starts on master; publish it as main.
	if err := repo.Push(&git.PushOptions{Auth: auth, RefSpecs: []config.RefSpec{"refs/heads/master:refs/heads/main"}}); err != nil {
		t.Fatalf("push: %v", err)
	}

	clone, err := git.PlainClone(t.TempDir(), false, &git.CloneOptions{URL: url, Auth: auth})
	if err != nil {
		t.Fatalf("clone: %v", err)
	}
	ref, err := clone.Head()
	if err != nil || ref.Hash() != head || ref.Name() != "refs/heads/main" {
		t.Fatalf("cloned HEAD = %v (%v), want refs/heads/main at %s", ref, err, head)
	}
	if err := clone.Fetch(&git.FetchOptions{Auth: auth}); !errors.Is(err, git.NoErrAlreadyUpToDate) {
		t.Fatalf("fetch: %v", err)
	}
	want := []string{"receive-pack /org/src.git", "upload-pack /org/src.git", "upload-pack /org/src.git"}
	if got := s.Commands(); !reflect.DeepEqual(got, want) {
		t.Errorf("Commands() = %q, want %q", got, want)
	}
}

// TestGitCLIClone clones with the git CLI through OpenSSH, which checks the known_hosts line.
func TestGitCLIClone(t *testing.T) {
	sshPath, err := exec.LookPath("ssh")
	if err != nil {
		t.Skip("no ssh client in PATH")
	}
	dir := t.TempDir()
	key := NewKey(t, filepath.Join(dir, "id"), "")
	s := Start(t, t.TempDir(), key.Public)
	url := s.NewBare(t, "src")
	kh := filepath.Join(dir, "known_hosts")
	s.WriteKnownHosts(t, kh)
	sshCmd := sshPath + " -F /dev/null -o IdentitiesOnly=yes -o BatchMode=yes -o StrictHostKeyChecking=yes" +
		" -o UserKnownHostsFile=" + kh + " -i " + key.Path
	home := t.TempDir()
	env := append(os.Environ(), "HOME="+home, "XDG_CONFIG_HOME="+home, "GIT_CONFIG_NOSYSTEM=1",
		"GIT_SSH_COMMAND="+sshCmd, "GIT_TERMINAL_PROMPT=0", "SSH_AUTH_SOCK=",
		"GIT_AUTHOR_NAME=Test", "GIT_AUTHOR_EMAIL=test@example.com",
		"GIT_COMMITTER_NAME=Test", "GIT_COMMITTER_EMAIL=test@example.com")
	git := func(dir string, args ...string) string {
		t.Helper()
		cmd := exec.Command("git", args...)
		cmd.Dir, cmd.Env = dir, env
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return strings.TrimSpace(string(out))
	}
	work := t.TempDir()
	git(work, "init", "--quiet", "-b", "main")
	os.WriteFile(filepath.Join(work, "f"), []byte("x\n"), 0o644)
	git(work, "add", "f")
	git(work, "commit", "--quiet", "-m", "one")
	head := git(work, "rev-parse", "HEAD")
	git(work, "push", "--quiet", url, "main")
	clone := filepath.Join(t.TempDir(), "c")
	git(dir, "clone", "--quiet", url, clone)
	if got := git(clone, "rev-parse", "HEAD"); got != head {
		t.Errorf("cloned HEAD %s, want %s", got, head)
	}
	want := []string{"receive-pack /src.git", "upload-pack /src.git"}
	if got := s.Commands(); !reflect.DeepEqual(got, want) {
		t.Errorf("Commands() = %q, want %q", got, want)
	}
}
