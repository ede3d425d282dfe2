// Package gitserver runs a real git smart-HTTP server on 127.0.0.1 for tests: git's own
// `git http-backend` behind net/http/cgi, guarded by HTTP basic auth.
//
// Both the git CLI and go-git can clone, fetch and push against it. Every request is recorded
// (see Server.Requests) so that tests can tell a clone from a fetch from a push.
package gitserver

import (
	"bytes"
	"crypto/subtle"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/cgi"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/idp-cli/idp/internal/testutil/syncbuf"
)

// Server is a running git HTTP server. Create it with Start or StartAnonymousRead.
type Server struct {
	// URL is the server's base URL, http://127.0.0.1:PORT, without a trailing slash.
	URL string
	// Root is the directory holding the bare repositories (GIT_PROJECT_ROOT).
	Root string

	user, password string
	anonymousRead  bool

	authed *cgi.Handler // runs http-backend with REMOTE_USER set: may push
	anon   *cgi.Handler // runs http-backend without REMOTE_USER: read only

	srv    *httptest.Server
	stderr *syncbuf.Buffer

	mu       sync.Mutex
	requests []string
}

// Start starts a server that requires the given basic-auth credentials on every request. It
// is closed when the test ends. The test fails at once if git or git-http-backend is missing.
func Start(t testing.TB, user, password string) *Server {
	t.Helper()
	return start(t, user, password, false)
}

// StartAnonymousRead is like Start, but clones and fetches also succeed without credentials.
// Pushes still require the credentials.
func StartAnonymousRead(t testing.TB, user, password string) *Server {
	t.Helper()
	return start(t, user, password, true)
}

func start(t testing.TB, user, password string, anonymousRead bool) *Server {
	t.Helper()
	if user == "" {
		t.Fatal("gitserver: user must not be empty")
	}
	backend := httpBackend(t)
	root := t.TempDir()
	home := t.TempDir() // keeps the backend away from the developer's ~/.gitconfig

	s := &Server{
		Root:          root,
		user:          user,
		password:      password,
		anonymousRead: anonymousRead,
		stderr:        &syncbuf.Buffer{},
	}
	env := []string{
		"GIT_PROJECT_ROOT=" + root,
		"GIT_HTTP_EXPORT_ALL=1",
		"GIT_CONFIG_NOSYSTEM=1",
		"HOME=" + home,
		"XDG_CONFIG_HOME=" + home,
	}
	logger := log.New(s.stderr, "gitserver cgi: ", 0)
	// Root "/" makes PATH_INFO the whole request path, e.g. /name.git/info/refs.
	s.authed = &cgi.Handler{
		Path:   backend,
		Root:   "/",
		Dir:    root,
		Env:    append(append([]string(nil), env...), "REMOTE_USER="+user),
		Stderr: s.stderr,
		Logger: logger,
	}
	s.anon = &cgi.Handler{
		Path:   backend,
		Root:   "/",
		Dir:    root,
		Env:    env,
		Stderr: s.stderr,
		Logger: logger,
	}

	s.srv = httptest.NewServer(http.HandlerFunc(s.serveHTTP))
	s.URL = s.srv.URL
	t.Cleanup(func() {
		s.srv.Close()
		if t.Failed() {
			if out := s.stderr.String(); out != "" {
				t.Logf("gitserver: git http-backend stderr:\n%s", out)
			}
		}
	})
	return s
}

// httpBackend returns the path of git-http-backend, failing the test if it cannot be found.
func httpBackend(t testing.TB) string {
	t.Helper()
	gitPath, err := exec.LookPath("git")
	if err != nil {
		t.Fatalf("gitserver: the git CLI is required but was not found in PATH: %v", err)
	}
	out, err := exec.Command(gitPath, "--exec-path").Output()
	if err != nil {
		t.Fatalf("gitserver: git --exec-path: %v", err)
	}
	backend := filepath.Join(strings.TrimSpace(string(out)), "git-http-backend")
	if _, err := os.Stat(backend); err != nil {
		t.Fatalf("gitserver: git-http-backend not found at %s (is git's http support installed?): %v", backend, err)
	}
	return backend
}

func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	entry := r.Method + " " + r.URL.Path
	if r.URL.RawQuery != "" {
		entry += "?" + r.URL.RawQuery
	}
	s.mu.Lock()
	s.requests = append(s.requests, entry)
	s.mu.Unlock()

	handler := s.authed
	user, password, ok := r.BasicAuth()
	switch {
	case ok && s.validCredentials(user, password):
	case !ok && s.anonymousRead && !isPush(r):
		handler = s.anon
	default:
		w.Header().Set("WWW-Authenticate", `Basic realm="git"`)
		http.Error(w, "authentication required", http.StatusUnauthorized)
		return
	}

	r = r.Clone(r.Context())
	r.Header.Del("Authorization") // the backend does not need the password in its environment
	// net/http/cgi refuses chunked bodies, and git sends large packs chunked: buffer them.
	if r.ContentLength < 0 || len(r.TransferEncoding) > 0 {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			http.Error(w, "reading request body: "+err.Error(), http.StatusBadRequest)
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		r.ContentLength = int64(len(body))
		r.TransferEncoding = nil
	}
	handler.ServeHTTP(w, r)
}

func (s *Server) validCredentials(user, password string) bool {
	u := subtle.ConstantTimeCompare([]byte(user), []byte(s.user))
	p := subtle.ConstantTimeCompare([]byte(password), []byte(s.password))
	return u&p == 1
}

// isPush reports whether r is part of a push (receive-pack) rather than a read.
func isPush(r *http.Request) bool {
	return strings.HasSuffix(r.URL.Path, "/git-receive-pack") ||
		r.URL.Query().Get("service") == "git-receive-pack"
}

// NewBare creates the bare repository Root/name.git, with pushes over HTTP enabled and HEAD
// pointing at refs/heads/main, and returns its URL (without credentials). name may contain
// slashes ("org/repo") but must stay inside Root.
func (s *Server) NewBare(t testing.TB, name string) string {
	t.Helper()
	dir := filepath.Join(s.Root, filepath.FromSlash(name)+".git")
	if name == "" || !strings.HasPrefix(dir, s.Root+string(filepath.Separator)) {
		t.Fatalf("gitserver: invalid repository name %q", name)
	}
	git := func(args ...string) {
		t.Helper()
		cmd := exec.Command("git", args...)
		cmd.Env = append(os.Environ(), "GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL="+os.DevNull)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("gitserver: git %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
	git("init", "--quiet", "--bare", dir)
	git("-C", dir, "config", "http.receivepack", "true")
	git("-C", dir, "symbolic-ref", "HEAD", "refs/heads/main")
	return s.URL + "/" + name + ".git"
}

// CredentialURL returns the URL of repository name with user:password@ userinfo, for the git
// CLI. It does not create the repository.
func (s *Server) CredentialURL(name string) string {
	u, err := url.Parse(s.URL + "/" + name + ".git")
	if err != nil {
		panic(fmt.Sprintf("gitserver: %v", err))
	}
	u.User = url.UserPassword(s.user, s.password)
	return u.String()
}

// Requests returns, in order, "METHOD /path?query" for every request the server has received,
// including those rejected with 401 (git first tries without credentials).
func (s *Server) Requests() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.requests...)
}
