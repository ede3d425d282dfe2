// Package sshserver runs a small SSH git host on 127.0.0.1 for tests: public-key auth for user
// "git" with the keys a test authorizes, and git's own upload-pack and receive-pack for the bare
// repositories under a root directory. Both the git CLI and go-git can clone, fetch and push
// against it; every command run is recorded (see Server.Commands).
package sshserver

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	gliderssh "github.com/gliderlabs/ssh"
	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/knownhosts"

	"github.com/idp-cli/idp/internal/testutil/syncbuf"
)

// User is the only user name the server accepts.
const User = "git"

// Server is a running SSH git host. Create it with Start.
type Server struct {
	// Addr is 127.0.0.1:PORT.
	Addr string
	// Port is the port the server listens on.
	Port int
	// Root is the directory holding the bare repositories.
	Root string
	// HostKey is the server's freshly generated ed25519 host key.
	HostKey ssh.PublicKey

	srv     *gliderssh.Server
	gitEnv  []string
	handler sync.WaitGroup
	stderr  syncbuf.Buffer

	mu         sync.Mutex
	authorized [][]byte // ssh wire format of the keys allowed in
	commands   []string
	closed     bool
}

// Start starts a server for the bare repositories under root that lets in user "git" with any of
// the authorized keys. It is closed when the test ends. The test fails at once if git's
// upload-pack or receive-pack cannot be found.
func Start(t testing.TB, root string, authorized ...ssh.PublicKey) *Server {
	t.Helper()
	gitPath, err := exec.LookPath("git")
	if err != nil {
		t.Fatalf("sshserver: the git CLI is required but was not found in PATH: %v", err)
	}
	root, err = filepath.Abs(root)
	if err != nil {
		t.Fatalf("sshserver: %v", err)
	}
	home := t.TempDir() // keeps git away from the developer's ~/.gitconfig

	_, hostPriv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatalf("sshserver: host key: %v", err)
	}
	hostSigner, err := ssh.NewSignerFromKey(hostPriv)
	if err != nil {
		t.Fatalf("sshserver: host key: %v", err)
	}

	s := &Server{
		Root:    root,
		HostKey: hostSigner.PublicKey(),
		gitEnv: []string{
			"PATH=" + os.Getenv("PATH"),
			"HOME=" + home,
			"XDG_CONFIG_HOME=" + home,
			"GIT_CONFIG_NOSYSTEM=1",
		},
	}
	s.Authorize(authorized...)
	s.srv = &gliderssh.Server{
		Handler: func(sess gliderssh.Session) { s.serve(sess, gitPath) },
		PublicKeyHandler: func(ctx gliderssh.Context, key gliderssh.PublicKey) bool {
			return ctx.User() == User && s.isAuthorized(key)
		},
	}
	s.srv.AddHostKey(hostSigner)

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("sshserver: listen: %v", err)
	}
	s.Addr = ln.Addr().String()
	s.Port = ln.Addr().(*net.TCPAddr).Port
	served := make(chan struct{})
	go func() {
		defer close(served)
		s.srv.Serve(ln)
	}()
	t.Cleanup(func() {
		s.mu.Lock()
		s.closed = true
		s.mu.Unlock()
		s.srv.Close()
		ln.Close() // in case Serve had not yet registered it when Close ran
		<-served
		s.handler.Wait() // no git process may outlive the test and its temp dirs
		if t.Failed() {
			if out := s.stderr.String(); out != "" {
				t.Logf("sshserver: git stderr:\n%s", out)
			}
		}
	})
	return s
}

// Authorize lets in the given keys as well.
func (s *Server) Authorize(keys ...ssh.PublicKey) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, k := range keys {
		s.authorized = append(s.authorized, k.Marshal())
	}
}

func (s *Server) isAuthorized(key ssh.PublicKey) bool {
	b := key.Marshal()
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, a := range s.authorized {
		if bytes.Equal(a, b) {
			return true
		}
	}
	return false
}

// serve runs one exec request: git-upload-pack or git-receive-pack of a repository under Root.
func (s *Server) serve(sess gliderssh.Session, gitPath string) {
	service, repo, err := parseCommand(sess.RawCommand())
	if err != nil {
		fmt.Fprintf(sess.Stderr(), "sshserver: %v\n", err)
		sess.Exit(1)
		return
	}
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		fmt.Fprintln(sess.Stderr(), "sshserver: shutting down")
		sess.Exit(1)
		return
	}
	s.handler.Add(1)
	defer s.handler.Done()
	s.commands = append(s.commands, service+" "+repo)
	s.mu.Unlock()

	ctx, cancel := context.WithCancel(sess.Context())
	defer cancel()
	cmd := exec.CommandContext(ctx, gitPath, service, filepath.Join(s.Root, filepath.FromSlash(repo)))
	cmd.Dir = s.Root
	cmd.Env = s.gitEnv
	cmd.Stdout = sess
	cmd.Stderr = io.MultiWriter(sess.Stderr(), &s.stderr)
	// Feed stdin from our own goroutine: exec would otherwise wait for the client to close its
	// side, which a client that only lists refs may never do.
	stdin, err := cmd.StdinPipe()
	if err != nil {
		fmt.Fprintf(sess.Stderr(), "sshserver: %v\n", err)
		sess.Exit(1)
		return
	}
	if err := cmd.Start(); err != nil {
		fmt.Fprintf(sess.Stderr(), "sshserver: %v\n", err)
		sess.Exit(1)
		return
	}
	go func() {
		io.Copy(stdin, sess)
		stdin.Close()
	}()
	err = cmd.Wait()
	code := 0
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit):
		code = exit.ExitCode()
		if code < 0 {
			code = 1 // killed by a signal
		}
	case err != nil:
		fmt.Fprintf(sess.Stderr(), "sshserver: %v\n", err)
		code = 1
	}
	sess.Exit(code)
}

// parseCommand splits an exec request such as `git-upload-pack '/org/repo.git'` into the git
// service ("upload-pack") and the repository path relative to Root, with a leading slash
// ("/org/repo.git").
func parseCommand(raw string) (service, repo string, err error) {
	verb, arg, _ := strings.Cut(strings.TrimSpace(raw), " ")
	switch verb {
	case "git-upload-pack", "git-receive-pack":
		service = strings.TrimPrefix(verb, "git-")
	case "git":
		// "git upload-pack '<path>'"
		verb, arg, _ = strings.Cut(strings.TrimSpace(arg), " ")
		if verb != "upload-pack" && verb != "receive-pack" {
			return "", "", fmt.Errorf("only git-upload-pack and git-receive-pack are served, not %q", raw)
		}
		service = verb
	default:
		return "", "", fmt.Errorf("only git-upload-pack and git-receive-pack are served, not %q", raw)
	}
	p, err := unquote(strings.TrimSpace(arg))
	if err != nil {
		return "", "", fmt.Errorf("%q: %v", raw, err)
	}
	if p == "" {
		return "", "", fmt.Errorf("%q: no repository path", raw)
	}
	for _, elem := range strings.Split(p, "/") {
		if elem == ".." {
			return "", "", fmt.Errorf("%q: the repository path must not contain ..", raw)
		}
	}
	return service, path.Clean("/" + p), nil
}

// unquote undoes git's sq_quote, which wraps the path in single quotes and writes a quote or
// ! inside it as: close quote, backslash, the character, open quote. A path without quotes is
// taken as it is.
func unquote(s string) (string, error) {
	if !strings.HasPrefix(s, "'") {
		if strings.ContainsAny(s, " '\"\\") {
			return "", errors.New("unquoted path with special characters")
		}
		return s, nil
	}
	var b strings.Builder
	for len(s) > 0 {
		if s[0] != '\'' {
			return "", errors.New("bad quoting")
		}
		end := strings.IndexByte(s[1:], '\'')
		if end < 0 {
			return "", errors.New("unterminated quote")
		}
		b.WriteString(s[1 : 1+end])
		s = s[end+2:]
		if s == "" {
			break
		}
		// between quoted parts only an escaped ' or ! may appear
		if len(s) < 2 || s[0] != '\\' || (s[1] != '\'' && s[1] != '!') {
			return "", errors.New("bad quoting")
		}
		b.WriteByte(s[1])
		s = s[2:]
	}
	return b.String(), nil
}

// Commands returns, in order, every git command the server has run, as "upload-pack /repo.git"
// (a clone, fetch or ls-remote) or "receive-pack /repo.git" (a push).
func (s *Server) Commands() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.commands...)
}

// URL returns ssh://git@127.0.0.1:PORT/<repo>.
func (s *Server) URL(repo string) string {
	return "ssh://" + User + "@" + s.Addr + "/" + strings.TrimPrefix(repo, "/")
}

// KnownHostsLine returns the server's known_hosts line: [127.0.0.1]:PORT ssh-ed25519 AAAA...
func (s *Server) KnownHostsLine() string {
	return knownhosts.Line([]string{knownhosts.Normalize(s.Addr)}, s.HostKey)
}

// WriteKnownHosts appends KnownHostsLine to the file at path, creating it and its directory.
func (s *Server) WriteKnownHosts(t testing.TB, path string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatalf("sshserver: %v", err)
	}
	f, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o600)
	if err != nil {
		t.Fatalf("sshserver: %v", err)
	}
	defer f.Close()
	if _, err := fmt.Fprintln(f, s.KnownHostsLine()); err != nil {
		t.Fatalf("sshserver: write %s: %v", path, err)
	}
}

// NewBare creates the bare repository Root/name.git with HEAD pointing at refs/heads/main and
// returns its URL. name may contain slashes ("org/repo") but must stay inside Root.
func (s *Server) NewBare(t testing.TB, name string) string {
	t.Helper()
	dir := filepath.Join(s.Root, filepath.FromSlash(name)+".git")
	if name == "" || !strings.HasPrefix(dir, s.Root+string(filepath.Separator)) {
		t.Fatalf("sshserver: invalid repository name %q", name)
	}
	for _, args := range [][]string{
		{"init", "--quiet", "--bare", dir},
		{"-C", dir, "symbolic-ref", "HEAD", "refs/heads/main"},
	} {
		cmd := exec.Command("git", args...)
		cmd.Env = s.gitEnv
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("sshserver: git %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
	return s.URL(name + ".git")
}

// Key is an ed25519 client key pair whose private half is in an OpenSSH private key file.
type Key struct {
	// Path is the private key file (mode 0600); Path+".pub" holds the public key.
	Path string
	// Public is the public key, to pass to Start or Authorize.
	Public ssh.PublicKey
	// Private is the private key, to load into an ssh agent.
	Private ed25519.PrivateKey
}

// NewKey generates an ed25519 key pair and writes it to path (and path+".pub"), creating the
// directory. A non-empty passphrase encrypts the private key file.
func NewKey(t testing.TB, path, passphrase string) Key {
	t.Helper()
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatalf("sshserver: generate key: %v", err)
	}
	sshPub, err := ssh.NewPublicKey(pub)
	if err != nil {
		t.Fatalf("sshserver: %v", err)
	}
	var block *pem.Block
	if passphrase == "" {
		block, err = ssh.MarshalPrivateKey(priv, "idp test key")
	} else {
		block, err = ssh.MarshalPrivateKeyWithPassphrase(priv, "idp test key", []byte(passphrase))
	}
	if err != nil {
		t.Fatalf("sshserver: marshal key: %v", err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatalf("sshserver: %v", err)
	}
	if err := os.WriteFile(path, pem.EncodeToMemory(block), 0o600); err != nil {
		t.Fatalf("sshserver: %v", err)
	}
	if err := os.WriteFile(path+".pub", ssh.MarshalAuthorizedKey(sshPub), 0o644); err != nil {
		t.Fatalf("sshserver: %v", err)
	}
	return Key{Path: path, Public: sshPub, Private: priv}
}
