package gitserver_test

import (
	"crypto/rand"
	"errors"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/config"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/plumbing/transport"
	githttp "github.com/go-git/go-git/v5/plumbing/transport/http"

	"github.com/idp-cli/idp/internal/testutil/gitserver"
)

const (
	user     = "alice"
	password = "s3cret-pass"
)

// gitEnv is a hermetic environment for the git CLI: a throwaway HOME, no system config, no
// credential helpers and never a prompt.
func gitEnv(t *testing.T) []string {
	t.Helper()
	home := t.TempDir()
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "GIT_") && !strings.HasPrefix(kv, "HOME=") &&
			!strings.HasPrefix(kv, "XDG_CONFIG_HOME=") && !strings.HasPrefix(kv, "SSH_ASKPASS=") {
			env = append(env, kv)
		}
	}
	return append(env,
		"HOME="+home,
		"XDG_CONFIG_HOME="+home,
		"GIT_CONFIG_NOSYSTEM=1",
		"GIT_TERMINAL_PROMPT=0",
		"GIT_ASKPASS=",
		"SSH_ASKPASS=",
		"GIT_AUTHOR_NAME=Test",
		"GIT_AUTHOR_EMAIL=test@example.com",
		"GIT_COMMITTER_NAME=Test",
		"GIT_COMMITTER_EMAIL=test@example.com",
	)
}

// runGit runs git in dir and returns its stdout and stderr and error.
func runGit(t *testing.T, env []string, dir string, args ...string) (string, string, error) {
	t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Env = env
	var stdout, stderr strings.Builder
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	return stdout.String(), stderr.String(), err
}

func mustGit(t *testing.T, env []string, dir string, args ...string) string {
	t.Helper()
	out, errOut, err := runGit(t, env, dir, args...)
	if err != nil {
		t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, errOut)
	}
	return strings.TrimSpace(out)
}

// newWorkRepo makes a non-bare repository on branch main with one commit of files.
func newWorkRepo(t *testing.T, env []string, files map[string][]byte) (dir, head string) {
	t.Helper()
	dir = t.TempDir()
	mustGit(t, env, dir, "init", "--quiet", dir)
	mustGit(t, env, dir, "symbolic-ref", "HEAD", "refs/heads/main")
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	mustGit(t, env, dir, "add", "-A")
	mustGit(t, env, dir, "commit", "--quiet", "-m", "initial")
	return dir, mustGit(t, env, dir, "rev-parse", "HEAD")
}

// isAuthError reports whether git's stderr shows that the server answered 401: with bad
// credentials git says "Authentication failed"; with none it wants to prompt for a username.
func isAuthError(stderr string) bool {
	return strings.Contains(stderr, "Authentication failed") ||
		strings.Contains(stderr, "terminal prompts disabled") ||
		strings.Contains(stderr, "401")
}

func wantRequests(t *testing.T, got []string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !slices.Contains(got, w) {
			t.Errorf("Requests() lacks %q; got:\n%s", w, strings.Join(got, "\n"))
		}
	}
}

func TestGitCLIPushCloneFetch(t *testing.T) {
	t.Parallel()
	srv := gitserver.Start(t, user, password)
	repoURL := srv.NewBare(t, "demo")
	if want := srv.URL + "/demo.git"; repoURL != want {
		t.Fatalf("NewBare URL = %q, want %q", repoURL, want)
	}
	if !strings.HasPrefix(srv.URL, "http://127.0.0.1:") {
		t.Fatalf("URL = %q, want http://127.0.0.1:PORT", srv.URL)
	}
	if _, err := os.Stat(filepath.Join(srv.Root, "demo.git", "HEAD")); err != nil {
		t.Fatalf("bare repo not under Root: %v", err)
	}
	env := gitEnv(t)

	work, head := newWorkRepo(t, env, map[string][]byte{"README.md": []byte("hello\n")})
	mustGit(t, env, work, "push", "--quiet", srv.CredentialURL("demo"), "main")

	clone := filepath.Join(t.TempDir(), "clone")
	mustGit(t, env, "", "clone", "--quiet", srv.CredentialURL("demo"), clone)
	if got := mustGit(t, env, clone, "rev-parse", "HEAD"); got != head {
		t.Fatalf("cloned HEAD = %s, want %s", got, head)
	}
	if data, err := os.ReadFile(filepath.Join(clone, "README.md")); err != nil || string(data) != "hello\n" {
		t.Fatalf("cloned README.md = %q, %v", data, err)
	}

	// A second commit, fetched into the clone.
	if err := os.WriteFile(filepath.Join(work, "second.txt"), []byte("2\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	mustGit(t, env, work, "add", "-A")
	mustGit(t, env, work, "commit", "--quiet", "-m", "second")
	head2 := mustGit(t, env, work, "rev-parse", "HEAD")
	mustGit(t, env, work, "push", "--quiet", srv.CredentialURL("demo"), "main")
	before := len(srv.Requests())
	mustGit(t, env, clone, "fetch", "--quiet", "origin")
	if got := mustGit(t, env, clone, "rev-parse", "origin/main"); got != head2 {
		t.Fatalf("fetched origin/main = %s, want %s", got, head2)
	}

	reqs := srv.Requests()
	wantRequests(t, reqs,
		"GET /demo.git/info/refs?service=git-receive-pack",
		"POST /demo.git/git-receive-pack",
		"GET /demo.git/info/refs?service=git-upload-pack",
		"POST /demo.git/git-upload-pack",
	)
	wantRequests(t, reqs[before:], "GET /demo.git/info/refs?service=git-upload-pack")
}

func TestWrongPasswordFails(t *testing.T) {
	t.Parallel()
	srv := gitserver.Start(t, user, password)
	srv.NewBare(t, "demo")
	env := gitEnv(t)

	bad := strings.Replace(srv.CredentialURL("demo"), ":"+password+"@", ":wrong@", 1)
	if bad == srv.CredentialURL("demo") {
		t.Fatalf("CredentialURL %q does not carry the password", bad)
	}
	_, errOut, err := runGit(t, env, "", "clone", bad, filepath.Join(t.TempDir(), "clone"))
	if err == nil {
		t.Fatal("clone with a wrong password succeeded")
	}
	if !isAuthError(errOut) {
		t.Fatalf("clone failed, but not with an authentication error:\n%s", errOut)
	}

	// And at the HTTP level: missing or wrong credentials get 401 with a Basic challenge.
	infoRefs := srv.URL + "/demo.git/info/refs?service=git-upload-pack"
	for _, tc := range []struct {
		name       string
		user, pass string
		want       int
	}{
		{"none", "", "", http.StatusUnauthorized},
		{"wrong password", user, "wrong", http.StatusUnauthorized},
		{"wrong user", "bob", password, http.StatusUnauthorized},
		{"right", user, password, http.StatusOK},
	} {
		req, err := http.NewRequest(http.MethodGet, infoRefs, nil)
		if err != nil {
			t.Fatal(err)
		}
		if tc.user != "" {
			req.SetBasicAuth(tc.user, tc.pass)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != tc.want {
			t.Errorf("%s: status %d, want %d", tc.name, resp.StatusCode, tc.want)
		}
		if tc.want == http.StatusUnauthorized {
			if got := resp.Header.Get("WWW-Authenticate"); got != `Basic realm="git"` {
				t.Errorf("%s: WWW-Authenticate = %q", tc.name, got)
			}
		} else if ct := resp.Header.Get("Content-Type"); ct != "application/x-git-upload-pack-advertisement" {
			t.Errorf("%s: Content-Type = %q", tc.name, ct)
		}
	}
}

func TestGoGitPushAndClone(t *testing.T) {
	t.Parallel()
	srv := gitserver.Start(t, user, password)
	repoURL := srv.NewBare(t, "gogit")
	auth := &githttp.BasicAuth{Username: user, Password: password}

	work := t.TempDir()
	repo, err := git.PlainInit(work, false)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(work, "file.txt"), []byte("from go-git\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	wt, err := repo.Worktree()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := wt.Add("file.txt"); err != nil {
		t.Fatal(err)
	}
	sig := &object.Signature{Name: "Test", Email: "test@example.com", When: time.Unix(1700000000, 0)}
	head, err := wt.Commit("initial", &git.CommitOptions{Author: sig, Committer: sig})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := repo.CreateRemote(&config.RemoteConfig{Name: "origin", URLs: []string{repoURL}}); err != nil {
		t.Fatal(err)
	}
	// go-git's PlainInit starts on master; publish it as the server's main.
	if err := repo.Push(&git.PushOptions{
		RefSpecs: []config.RefSpec{"refs/heads/master:refs/heads/main"},
		Auth:     auth,
	}); err != nil {
		t.Fatalf("go-git push: %v", err)
	}

	clone := t.TempDir()
	cloned, err := git.PlainClone(clone, false, &git.CloneOptions{URL: repoURL, Auth: auth})
	if err != nil {
		t.Fatalf("go-git clone: %v", err)
	}
	ref, err := cloned.Head()
	if err != nil {
		t.Fatal(err)
	}
	if ref.Hash() != head || ref.Name().Short() != "main" {
		t.Fatalf("cloned HEAD = %s %s, want %s main", ref.Hash(), ref.Name(), head)
	}
	if data, err := os.ReadFile(filepath.Join(clone, "file.txt")); err != nil || string(data) != "from go-git\n" {
		t.Fatalf("cloned file.txt = %q, %v", data, err)
	}

	// The git CLI sees what go-git pushed.
	env := gitEnv(t)
	cliClone := filepath.Join(t.TempDir(), "cli")
	mustGit(t, env, "", "clone", "--quiet", srv.CredentialURL("gogit"), cliClone)
	if got := mustGit(t, env, cliClone, "rev-parse", "HEAD"); got != head.String() {
		t.Fatalf("CLI clone HEAD = %s, want %s", got, head)
	}

	// Wrong and missing credentials are refused.
	for _, a := range []transport.AuthMethod{&githttp.BasicAuth{Username: user, Password: "wrong"}, nil} {
		_, err = git.PlainClone(t.TempDir(), false, &git.CloneOptions{URL: repoURL, Auth: a})
		if !errors.Is(err, transport.ErrAuthenticationRequired) {
			t.Errorf("go-git clone with auth %v: err = %v, want ErrAuthenticationRequired", a, err)
		}
	}

	wantRequests(t, srv.Requests(),
		"GET /gogit.git/info/refs?service=git-receive-pack",
		"POST /gogit.git/git-receive-pack",
		"GET /gogit.git/info/refs?service=git-upload-pack",
		"POST /gogit.git/git-upload-pack",
	)
}

func TestAnonymousRead(t *testing.T) {
	t.Parallel()
	srv := gitserver.StartAnonymousRead(t, user, password)
	repoURL := srv.NewBare(t, "org/open")
	if want := srv.URL + "/org/open.git"; repoURL != want {
		t.Fatalf("NewBare URL = %q, want %q", repoURL, want)
	}
	env := gitEnv(t)

	work, head := newWorkRepo(t, env, map[string][]byte{"a.txt": []byte("a\n")})
	if _, errOut, err := runGit(t, env, work, "push", repoURL, "main"); err == nil {
		t.Fatal("anonymous push succeeded")
	} else if !isAuthError(errOut) {
		t.Fatalf("anonymous push failed, but not with an authentication error:\n%s", errOut)
	}
	mustGit(t, env, work, "push", "--quiet", srv.CredentialURL("org/open"), "main")

	clone := filepath.Join(t.TempDir(), "clone")
	mustGit(t, env, "", "clone", "--quiet", repoURL, clone)
	if got := mustGit(t, env, clone, "rev-parse", "HEAD"); got != head {
		t.Fatalf("anonymous clone HEAD = %s, want %s", got, head)
	}
	if _, err := git.PlainClone(t.TempDir(), false, &git.CloneOptions{URL: repoURL}); err != nil {
		t.Fatalf("anonymous go-git clone: %v", err)
	}
	// Credentials, when sent, must still be right.
	bad := &githttp.BasicAuth{Username: user, Password: "wrong"}
	if _, err := git.PlainClone(t.TempDir(), false, &git.CloneOptions{URL: repoURL, Auth: bad}); err == nil {
		t.Fatal("go-git clone with a wrong password succeeded")
	}
}

// TestLargePush pushes a pack bigger than git's 1 MiB http.postBuffer, which git sends with
// chunked transfer encoding (refused by net/http/cgi unless the server buffers it).
func TestLargePush(t *testing.T) {
	t.Parallel()
	srv := gitserver.Start(t, user, password)
	srv.NewBare(t, "big")
	env := gitEnv(t)

	blob := make([]byte, 3<<20) // random, so it does not compress
	if _, err := rand.Read(blob); err != nil {
		t.Fatal(err)
	}
	work, head := newWorkRepo(t, env, map[string][]byte{"blob.bin": blob})
	mustGit(t, env, work, "push", "--quiet", srv.CredentialURL("big"), "main")

	clone := filepath.Join(t.TempDir(), "clone")
	mustGit(t, env, "", "clone", "--quiet", srv.CredentialURL("big"), clone)
	if got := mustGit(t, env, clone, "rev-parse", "HEAD"); got != head {
		t.Fatalf("cloned HEAD = %s, want %s", got, head)
	}
}
