package gitauth

import (
	"errors"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/plumbing/transport"
	gitssh "github.com/go-git/go-git/v5/plumbing/transport/ssh"
	"golang.org/x/crypto/ssh/agent"
	"golang.org/x/crypto/ssh/knownhosts"

	"github.com/idp-cli/idp/internal/testutil/sshserver"
)

// env is an injected environment: only what a test sets exists.
type env map[string]string

func (e env) get(k string) string { return e[k] }

// gitCLI runs git hermetically: no user or system config, no prompts.
func gitCLI(t *testing.T, dir string, args ...string) string {
	t.Helper()
	home := t.TempDir()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "HOME="+home, "XDG_CONFIG_HOME="+home, "GIT_CONFIG_NOSYSTEM=1",
		"GIT_TERMINAL_PROMPT=0", "GIT_AUTHOR_NAME=Test", "GIT_AUTHOR_EMAIL=test@example.com",
		"GIT_COMMITTER_NAME=Test", "GIT_COMMITTER_EMAIL=test@example.com")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return strings.TrimSpace(string(out))
}

// sshHost is a running ssh git host with the bare repository src.git holding one commit on main.
type sshHost struct {
	*sshserver.Server
	url  string // ssh URL of src.git
	head string // the commit on main
}

func startSSHHost(t *testing.T) *sshHost {
	t.Helper()
	s := sshserver.Start(t, t.TempDir())
	url := s.NewBare(t, "src")
	work := t.TempDir()
	gitCLI(t, work, "init", "--quiet", "-b", "main")
	if err := os.WriteFile(filepath.Join(work, "README"), []byte("hello\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	gitCLI(t, work, "add", "README")
	gitCLI(t, work, "commit", "--quiet", "-m", "first")
	gitCLI(t, work, "push", "--quiet", filepath.Join(s.Root, "src.git"), "main")
	return &sshHost{Server: s, url: url, head: gitCLI(t, work, "rev-parse", "HEAD")}
}

// home makes a HOME whose ~/.ssh/known_hosts knows the host.
func (h *sshHost) home(t *testing.T) string {
	t.Helper()
	home := t.TempDir()
	h.WriteKnownHosts(t, filepath.Join(home, ".ssh", "known_hosts"))
	return home
}

// clone clones the host's src.git with auth and checks it got the commit.
func (h *sshHost) clone(t *testing.T, auth transport.AuthMethod) *git.Repository {
	t.Helper()
	repo, err := git.PlainClone(t.TempDir(), false, &git.CloneOptions{URL: h.url, Auth: auth})
	if err != nil {
		t.Fatalf("clone: %v", err)
	}
	ref, err := repo.Head()
	if err != nil || ref.Name() != "refs/heads/main" || ref.Hash().String() != h.head {
		t.Fatalf("cloned HEAD %v (%v), want refs/heads/main at %s", ref, err, h.head)
	}
	return repo
}

func tryClone(url string, auth transport.AuthMethod, dir string) error {
	_, err := git.PlainClone(dir, false, &git.CloneOptions{URL: url, Auth: auth})
	return err
}

func checkResult(t *testing.T, r Result, from string, tried []string) {
	t.Helper()
	if r.Err != nil {
		t.Fatalf("Err: %v", r.Err)
	}
	if r.From != from || !reflect.DeepEqual(r.Tried, tried) {
		t.Errorf("from %q tried %q; want from %q tried %q", r.From, r.Tried, from, tried)
	}
	if r.Auth == nil {
		t.Fatal("no Auth")
	}
}

func TestSSHKeyFile(t *testing.T) {
	h := startSSHHost(t)
	key := sshserver.NewKey(t, filepath.Join(t.TempDir(), "deploy_key"), "")
	h.Authorize(key.Public)
	e := env{"HOME": h.home(t), "IDP_SSH_KEY": key.Path, "SSH_AUTH_SOCK": "/nonexistent/agent.sock"}

	r := For(h.url, e.get)
	checkResult(t, r, "IDP_SSH_KEY", []string{"IDP_SSH_KEY"})
	if pk, ok := r.Auth.(*gitssh.PublicKeys); !ok || pk.User != "git" || pk.HostKeyCallback == nil {
		t.Fatalf("Auth = %#v, want *ssh.PublicKeys for git with a host key callback", r.Auth)
	}
	h.clone(t, r.Auth)
	if got, want := h.Commands(), []string{"upload-pack /src.git"}; !reflect.DeepEqual(got, want) {
		t.Errorf("server ran %q, want %q", got, want)
	}
}

func TestSSHKeyFilePassphrase(t *testing.T) {
	h := startSSHHost(t)
	key := sshserver.NewKey(t, filepath.Join(t.TempDir(), "deploy_key"), "correct horse")
	h.Authorize(key.Public)
	home := h.home(t)

	r := For(h.url, env{"HOME": home, "IDP_SSH_KEY": key.Path, "IDP_SSH_KEY_PASSPHRASE": "correct horse"}.get)
	checkResult(t, r, "IDP_SSH_KEY", []string{"IDP_SSH_KEY"})
	h.clone(t, r.Auth)

	for _, tc := range []struct {
		name, file, pass, want string
	}{
		{"wrong passphrase", key.Path, "battery staple",
			"ssh key " + key.Path + " (IDP_SSH_KEY): the passphrase in IDP_SSH_KEY_PASSPHRASE is wrong"},
		{"no passphrase", key.Path, "",
			"ssh key " + key.Path + " (IDP_SSH_KEY) is encrypted; set IDP_SSH_KEY_PASSPHRASE or load the key into the ssh agent instead"},
		{"missing file", key.Path + ".nope", "",
			"ssh key " + key.Path + ".nope (IDP_SSH_KEY) does not exist; set IDP_SSH_KEY to your private key file"},
		{"public key", key.Path + ".pub", "",
			"ssh key " + key.Path + ".pub (IDP_SSH_KEY) is not a usable private key (ssh: no key found); set IDP_SSH_KEY to a private key file, not a .pub"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := For(h.url, env{"HOME": home, "IDP_SSH_KEY": tc.file, "IDP_SSH_KEY_PASSPHRASE": tc.pass}.get)
			if r.Err == nil || r.Err.Error() != tc.want {
				t.Errorf("Err = %v\nwant  %s", r.Err, tc.want)
			}
			if r.Auth != nil || r.From != "" || !reflect.DeepEqual(r.Tried, []string{"IDP_SSH_KEY"}) {
				t.Errorf("got %+v, want no Auth, tried IDP_SSH_KEY", r)
			}
		})
	}
}

// serveAgent runs an ssh agent holding keyring on a unix socket and returns the socket's path.
func serveAgent(t *testing.T, keyring agent.Agent) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "ag") // t.TempDir() can exceed the ~108 byte socket path limit
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	sock := filepath.Join(dir, "s")
	ln, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				agent.ServeAgent(keyring, c)
			}()
		}
	}()
	return sock
}

func TestSSHAgent(t *testing.T) {
	h := startSSHHost(t)
	key := sshserver.NewKey(t, filepath.Join(t.TempDir(), "id"), "")
	h.Authorize(key.Public)
	keyring := agent.NewKeyring()
	if err := keyring.Add(agent.AddedKey{PrivateKey: key.Private}); err != nil {
		t.Fatal(err)
	}
	home := h.home(t)
	// A default key file that is not authorized: the agent must win over it.
	sshserver.NewKey(t, filepath.Join(home, ".ssh", "id_ed25519"), "")

	r := For(h.url, env{"HOME": home, "SSH_AUTH_SOCK": serveAgent(t, keyring)}.get)
	checkResult(t, r, "the ssh agent (SSH_AUTH_SOCK)", []string{"IDP_SSH_KEY", "the ssh agent (SSH_AUTH_SOCK)"})
	if cb, ok := r.Auth.(*gitssh.PublicKeysCallback); !ok || cb.User != "git" {
		t.Fatalf("Auth = %#v, want *ssh.PublicKeysCallback for git", r.Auth)
	}
	h.clone(t, r.Auth)
}

func TestSSHDefaultKeys(t *testing.T) {
	h := startSSHHost(t)
	home := h.home(t)
	// An encrypted id_ed25519 is skipped, id_ecdsa is missing, id_rsa (an ed25519 key under
	// that name: only the file name matters) is used.
	encrypted := sshserver.NewKey(t, filepath.Join(home, ".ssh", "id_ed25519"), "pw")
	plain := sshserver.NewKey(t, filepath.Join(home, ".ssh", "id_rsa"), "")
	h.Authorize(encrypted.Public, plain.Public)
	emptyAgent := serveAgent(t, agent.NewKeyring())

	r := For(h.url, env{"HOME": home, "SSH_AUTH_SOCK": emptyAgent}.get)
	checkResult(t, r, "~/.ssh/id_rsa", []string{
		"IDP_SSH_KEY",
		"the ssh agent (SSH_AUTH_SOCK), no keys",
		"~/.ssh/id_ed25519 (encrypted, skipped)",
		"~/.ssh/id_ecdsa",
		"~/.ssh/id_rsa",
	})
	h.clone(t, r.Auth)

	// With no usable key anywhere: nothing found, and a nil interface for go-git.
	os.Remove(plain.Path)
	os.WriteFile(filepath.Join(home, ".ssh", "id_ecdsa"), []byte("not a key\n"), 0o600)
	r = For(h.url, env{"HOME": home, "SSH_AUTH_SOCK": filepath.Join(home, "gone.sock")}.get)
	wantTried := []string{
		"IDP_SSH_KEY",
		"the ssh agent (SSH_AUTH_SOCK), not reachable",
		"~/.ssh/id_ed25519 (encrypted, skipped)",
		"~/.ssh/id_ecdsa (not a private key, skipped)",
		"~/.ssh/id_rsa",
	}
	if r.Auth != nil || r.From != "" || r.Err != nil || !reflect.DeepEqual(r.Tried, wantTried) {
		t.Errorf("got %+v, want nothing found after trying %q", r, wantTried)
	}
}

func TestSSHKnownHosts(t *testing.T) {
	h := startSSHHost(t)
	key := sshserver.NewKey(t, filepath.Join(t.TempDir(), "id"), "")
	h.Authorize(key.Public)
	port := h.Addr[strings.LastIndex(h.Addr, ":")+1:]

	t.Run("no known_hosts file", func(t *testing.T) {
		home := t.TempDir()
		r := For(h.url, env{"HOME": home, "IDP_SSH_KEY": key.Path}.get)
		kh := filepath.Join(home, ".ssh", "known_hosts")
		want := "the host key of " + h.Addr + " cannot be checked because " + kh + " does not exist; check the host's key and add it with `ssh-keyscan -p " + port + " 127.0.0.1 >> " + kh + "`, or set SSH_KNOWN_HOSTS to your known_hosts file"
		if r.Err == nil || r.Err.Error() != want {
			t.Errorf("Err = %v\nwant  %s", r.Err, want)
		}
		if r.Auth != nil || r.From != "" {
			t.Errorf("got Auth %v from %q, want none", r.Auth, r.From)
		}
	})

	t.Run("SSH_KNOWN_HOSTS list", func(t *testing.T) {
		dir := t.TempDir()
		kh := filepath.Join(dir, "hosts")
		h.WriteKnownHosts(t, kh)
		list := filepath.Join(dir, "missing") + string(os.PathListSeparator) + kh
		r := For(h.url, env{"HOME": t.TempDir(), "IDP_SSH_KEY": key.Path, "SSH_KNOWN_HOSTS": list}.get)
		checkResult(t, r, "IDP_SSH_KEY", []string{"IDP_SSH_KEY"})
		h.clone(t, r.Auth)
	})

	t.Run("unknown host", func(t *testing.T) {
		home := t.TempDir()
		kh := filepath.Join(home, ".ssh", "known_hosts")
		other := sshserver.NewKey(t, filepath.Join(home, "other"), "")
		os.MkdirAll(filepath.Dir(kh), 0o700)
		os.WriteFile(kh, []byte(knownhosts.Line([]string{"git.example.com"}, other.Public)+"\n"), 0o600)
		e := env{"HOME": home, "IDP_SSH_KEY": key.Path}
		r := For(h.url, e.get)
		checkResult(t, r, "IDP_SSH_KEY", []string{"IDP_SSH_KEY"})
		before := len(h.Commands())
		err := tryClone(h.url, r.Auth, t.TempDir())
		if err == nil || err.Error() != "ssh: handshake failed: knownhosts: key is unknown" {
			t.Fatalf("clone err = %v, want the go-git unknown host error", err)
		}
		got := ExplainSSH(err, h.url, e.get)
		want := "the host key of " + h.Addr + " is not in known_hosts (" + kh + "); check the host's key and add it with `ssh-keyscan -p " + port + " 127.0.0.1 >> " + kh + "`"
		if got.Error() != want {
			t.Errorf("ExplainSSH = %v\nwant         %s", got, want)
		}
		var keyErr *knownhosts.KeyError
		if !errors.As(got, &keyErr) {
			t.Error("ExplainSSH lost the *knownhosts.KeyError")
		}
		if cmds := h.Commands()[before:]; len(cmds) != 0 {
			t.Errorf("server ran %q for an unknown host", cmds)
		}
	})

	t.Run("host key mismatch", func(t *testing.T) {
		home := t.TempDir()
		kh := filepath.Join(home, ".ssh", "known_hosts")
		impostor := sshserver.NewKey(t, filepath.Join(home, "impostor"), "")
		os.MkdirAll(filepath.Dir(kh), 0o700)
		os.WriteFile(kh, []byte(knownhosts.Line([]string{knownhosts.Normalize(h.Addr)}, impostor.Public)+"\n"), 0o600)
		e := env{"HOME": home, "IDP_SSH_KEY": key.Path}
		r := For(h.url, e.get)
		checkResult(t, r, "IDP_SSH_KEY", []string{"IDP_SSH_KEY"})
		before := len(h.Commands())
		err := tryClone(h.url, r.Auth, t.TempDir())
		if err == nil || err.Error() != "ssh: handshake failed: knownhosts: key mismatch" {
			t.Fatalf("clone err = %v, want the go-git key mismatch error", err)
		}
		if cmds := h.Commands()[before:]; len(cmds) != 0 {
			t.Errorf("server ran %q for a host with the wrong key", cmds)
		}
		want := "the host key of " + h.Addr + " does not match known_hosts (" + kh + "): possible man-in-the-middle attack; if the host's key really changed, check the new key with the host's owner, remove the old one with `ssh-keygen -R '[127.0.0.1]:" + port + "'` and add the new one"
		if got := ExplainSSH(err, h.url, e.get); got.Error() != want {
			t.Errorf("ExplainSSH = %v\nwant         %s", got, want)
		}
	})
}

func TestSSHKeyNotAuthorized(t *testing.T) {
	h := startSSHHost(t)
	stranger := sshserver.NewKey(t, filepath.Join(t.TempDir(), "id"), "")
	e := env{"HOME": h.home(t), "IDP_SSH_KEY": stranger.Path}
	r := For(h.url, e.get)
	checkResult(t, r, "IDP_SSH_KEY", []string{"IDP_SSH_KEY"})

	err := tryClone(h.url, r.Auth, t.TempDir())
	// go-git passes x/crypto's handshake error through as it is: it is not
	// transport.ErrAuthenticationRequired, hence ExplainSSH.
	const goGitErr = "ssh: handshake failed: ssh: unable to authenticate, attempted methods [none publickey], no supported methods remain"
	if err == nil || err.Error() != goGitErr || errors.Is(err, transport.ErrAuthenticationRequired) {
		t.Fatalf("clone err = %v, want %s", err, goGitErr)
	}
	got := ExplainSSH(err, h.url, e.get)
	if !errors.Is(got, transport.ErrAuthenticationRequired) {
		t.Errorf("ExplainSSH(%v) does not match transport.ErrAuthenticationRequired", got)
	}
	if want := h.Addr + " accepted none of the ssh keys offered"; got.Error() != want {
		t.Errorf("ExplainSSH = %q, want %q", got, want)
	}
	if cmds := h.Commands(); len(cmds) != 0 {
		t.Errorf("server ran %q for a refused key", cmds)
	}
}

func TestSSHPush(t *testing.T) {
	h := startSSHHost(t)
	key := sshserver.NewKey(t, filepath.Join(t.TempDir(), "id"), "")
	h.Authorize(key.Public)
	r := For(h.url, env{"HOME": h.home(t), "IDP_SSH_KEY": key.Path}.get)
	checkResult(t, r, "IDP_SSH_KEY", []string{"IDP_SSH_KEY"})

	repo := h.clone(t, r.Auth)
	wt, err := repo.Worktree()
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(wt.Filesystem.Root(), "NEW"), []byte("new\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := wt.Add("NEW"); err != nil {
		t.Fatal(err)
	}
	sig := &object.Signature{Name: "Test", Email: "test@example.com", When: time.Unix(1700000000, 0)}
	commit, err := wt.Commit("second", &git.CommitOptions{Author: sig, Committer: sig})
	if err != nil {
		t.Fatal(err)
	}
	if err := repo.Push(&git.PushOptions{Auth: r.Auth}); err != nil {
		t.Fatalf("push: %v", err)
	}
	if got := gitCLI(t, filepath.Join(h.Root, "src.git"), "rev-parse", "refs/heads/main"); got != commit.String() {
		t.Errorf("server main = %s, want %s", got, commit)
	}
	want := []string{"upload-pack /src.git", "receive-pack /src.git"}
	if got := h.Commands(); !reflect.DeepEqual(got, want) {
		t.Errorf("server ran %q, want %q", got, want)
	}
	if err := repo.Push(&git.PushOptions{Auth: r.Auth}); !errors.Is(err, git.NoErrAlreadyUpToDate) {
		t.Errorf("second push: %v", err)
	}
}

func TestSSHURLs(t *testing.T) {
	home := t.TempDir()
	os.MkdirAll(filepath.Join(home, ".ssh"), 0o700)
	os.WriteFile(filepath.Join(home, ".ssh", "known_hosts"), nil, 0o600)
	keyFile := sshserver.NewKey(t, filepath.Join(home, "key"), "").Path
	for _, tc := range []struct {
		url, user string
	}{
		{"git@github.com:org/repo.git", "git"},
		{"github.com:org/repo.git", "git"},
		{"ssh://alice@host:2222/x.git", "alice"},
		{"ssh://host/x.git", "git"},
	} {
		r := For(tc.url, env{"HOME": home, "IDP_SSH_KEY": keyFile}.get)
		pk, ok := r.Auth.(*gitssh.PublicKeys)
		if r.Err != nil || !ok || pk.User != tc.user {
			t.Errorf("For(%q) = %+v, want a key for user %q", tc.url, r, tc.user)
		}
	}

	// The known_hosts advice carries the URL's host and port.
	empty := t.TempDir()
	for url, want := range map[string]string{
		"git@github.com:org/repo.git": "the host key of github.com cannot be checked because " + filepath.Join(empty, ".ssh", "known_hosts") + " does not exist; check the host's key and add it with `ssh-keyscan github.com >> " + filepath.Join(empty, ".ssh", "known_hosts") + "`, or set SSH_KNOWN_HOSTS to your known_hosts file",
		"ssh://alice@host:2222/x.git": "the host key of host:2222 cannot be checked because " + filepath.Join(empty, ".ssh", "known_hosts") + " does not exist; check the host's key and add it with `ssh-keyscan -p 2222 host >> " + filepath.Join(empty, ".ssh", "known_hosts") + "`, or set SSH_KNOWN_HOSTS to your known_hosts file",
	} {
		r := For(url, env{"HOME": empty}.get)
		if r.Err == nil || r.Err.Error() != want {
			t.Errorf("For(%q).Err = %v\nwant %s", url, r.Err, want)
		}
	}

	// http URLs and local paths are not ssh.
	for _, url := range []string{"https://github.com/o/r.git", "/srv/git/r.git", "file:///srv/git/r.git"} {
		if _, ok := sshEndpoint(url); ok {
			t.Errorf("sshEndpoint(%q) says ssh", url)
		}
	}
}

func TestHintFor(t *testing.T) {
	tried := []string{"IDP_SSH_KEY", "the ssh agent (SSH_AUTH_SOCK)", "~/.ssh/id_ed25519"}
	want := "the ssh key was missing or not accepted by the host (tried: IDP_SSH_KEY, the ssh agent (SSH_AUTH_SOCK), ~/.ssh/id_ed25519); load your key into the ssh agent or set IDP_SSH_KEY to its file, and check that the host has its public key"
	for _, url := range []string{"ssh://git@host/r.git", "git@host:org/r.git"} {
		if got := HintFor(url, tried); got != want {
			t.Errorf("HintFor(%q) = %s", url, got)
		}
	}
	if got, want := HintFor("https://host/r.git", []string{"IDP_GIT_TOKEN"}), Hint([]string{"IDP_GIT_TOKEN"}); got != want {
		t.Errorf("HintFor(https) = %s, want %s", got, want)
	}
}

func TestExplainSSHPassesOthersThrough(t *testing.T) {
	e := env{"HOME": "/home/u"}.get
	other := errors.New("ssh: handshake failed: knownhosts: key is unknown")
	if got := ExplainSSH(other, "https://host/r.git", e); got != other {
		t.Errorf("http URL: got %v", got)
	}
	if got := ExplainSSH(nil, "ssh://host/r.git", e); got != nil {
		t.Errorf("nil: got %v", got)
	}
	plain := errors.New("dial tcp: connection refused")
	if got := ExplainSSH(plain, "ssh://host/r.git", e); got != plain {
		t.Errorf("unrelated error: got %v", got)
	}
	noAgent := errors.New(`error creating SSH agent: "SSH agent requested but SSH_AUTH_SOCK not specified"`)
	got := ExplainSSH(noAgent, "ssh://host/r.git", e)
	if got.Error() != "no ssh key found for host" || !errors.Is(got, transport.ErrAuthenticationRequired) {
		t.Errorf("no agent: got %v", got)
	}
}
