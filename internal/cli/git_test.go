package cli

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/idp-cli/idp/internal/testutil/gitserver"
)

// pushGoldenPaths makes a golden-path repository, tags it v1.0.0 and pushes it to url.
func pushGoldenPaths(t *testing.T, url string) {
	t.Helper()
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, "svc", "skeleton"), 0o755)
	os.WriteFile(filepath.Join(dir, "svc", "template.yaml"), []byte("apiVersion: idp/v1\nkind: Template\ntype: service\nparameters:\n  - name: name\n    required: true\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "svc", "skeleton", "hello.txt"), []byte("hello {{ .name }}\n"), 0o644)
	for _, args := range [][]string{
		{"init", "-q", "-b", "main"}, {"add", "-A"}, {"commit", "-q", "-m", "v1"}, {"tag", "v1.0.0"},
		{"push", "-q", url, "main", "v1.0.0"},
	} {
		gitIn(t, dir, args...)
	}
}

// TestHTTPSourceWithCredentials runs idp against a real git server (git http-backend on
// loopback) that asks for basic auth.
func TestHTTPSourceWithCredentials(t *testing.T) {
	srv := gitserver.Start(t, "ada", "s3cret-pw")
	srv.NewBare(t, "golden")
	pushGoldenPaths(t, srv.CredentialURL("golden"))
	home := t.TempDir()
	env := map[string]string{"HOME": home}
	plain := srv.URL + "/golden.git"

	// Credentials in the URL: used, never recorded, never written to the cache's config.
	out := filepath.Join(t.TempDir(), "a")
	r := run(t, env, nil, "new", "service", "a", "--source", srv.CredentialURL("golden"), "-o", out)
	if r.code != 0 {
		t.Fatalf("%+v", r)
	}
	prov, _ := os.ReadFile(filepath.Join(out, ".idp.yaml"))
	if !strings.Contains(string(prov), "  source: "+plain+"\n  name: svc\n  version: v1.0.0\n  commit: ") {
		t.Errorf(".idp.yaml:\n%s", prov)
	}
	assertNoSecret(t, "s3cret-pw", out, home)

	// IDP_GIT_TOKEN with a plain URL; the second run fetches into the same cache.
	env["IDP_GIT_TOKEN"], env["IDP_GIT_USERNAME"] = "s3cret-pw", "ada"
	r = run(t, env, nil, "templates", "list", "--source", plain)
	if r.code != 0 || !strings.Contains(r.stdout, "svc   service  v1.0.0") {
		t.Fatalf("%+v", r)
	}
	entries, _ := os.ReadDir(filepath.Join(home, ".cache", "idp", "sources"))
	if len(entries) != 2 {
		t.Errorf("a second cache entry for the same URL: %v", entries)
	}

	// A wrong password is refused, named as a credential problem, and not echoed.
	delete(env, "IDP_GIT_TOKEN")
	bad := strings.Replace(srv.CredentialURL("golden"), "s3cret-pw", "wrong-pw", 1)
	r = run(t, env, nil, "templates", "list", "--source", bad)
	want := "idp: source " + plain + ": fetch refused: the credentials were missing or wrong (tried: the URL); give them in the URL, IDP_GIT_TOKEN (and IDP_GIT_USERNAME), the host's token variable or ~/.netrc\n"
	if r.code != 1 || r.stderr != want {
		t.Errorf("wrong password: exit %d %q\nwant %q", r.code, r.stderr, want)
	}
	// No credential anywhere: the message lists every place looked at.
	r = run(t, env, nil, "templates", "list", "--source", plain)
	if r.code != 1 || !strings.Contains(r.stderr, "(tried: IDP_GIT_TOKEN, "+filepath.Join(home, ".netrc")+")") {
		t.Errorf("no credentials: %+v", r)
	}
	// ~/.netrc is read for the host.
	os.WriteFile(filepath.Join(home, ".netrc"), []byte("machine 127.0.0.1 login ada password s3cret-pw\n"), 0o600)
	if r = run(t, env, nil, "templates", "list", "--source", plain); r.code != 0 {
		t.Errorf(".netrc: %+v", r)
	}
	if strings.Contains(r.stderr+r.stdout, "wrong-pw") {
		t.Error("the password was echoed")
	}
}

func assertNoSecret(t *testing.T, secret string, dirs ...string) {
	t.Helper()
	for _, dir := range dirs {
		filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return nil
			}
			if b, _ := os.ReadFile(p); strings.Contains(string(b), secret) {
				t.Errorf("%s holds the secret", p)
			}
			return nil
		})
	}
}

func TestNewPushesToRemote(t *testing.T) {
	srv := gitserver.Start(t, "ada", "s3cret-pw")
	srv.NewBare(t, "payments")
	home := t.TempDir()
	env := map[string]string{"HOME": home}
	out := filepath.Join(t.TempDir(), "payments")
	r := run(t, env, nil, "new", "service", "payments", "--set", "owner=team-payments", "-o", out, "--remote", srv.CredentialURL("payments"))
	if r.code != 0 || !strings.Contains(r.stdout, "Pushed main to "+srv.URL+"/payments.git.\n") {
		t.Fatalf("%+v", r)
	}
	assertNoSecret(t, "s3cret-pw", out)
	// The server has the commit: clone it back with git.
	clone := filepath.Join(t.TempDir(), "clone")
	cmd := exec.Command("git", "clone", "-q", srv.CredentialURL("payments"), clone)
	cmd.Env = append(os.Environ(), "HOME="+home, "GIT_TERMINAL_PROMPT=0")
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("clone: %v\n%s", err, b)
	}
	if _, err := os.Stat(filepath.Join(clone, "cmd", "payments", "main.go")); err != nil {
		t.Error("pushed tree lacks cmd/payments/main.go")
	}
}

func TestPushFailureKeepsTheServiceAndIdpPushRetries(t *testing.T) {
	srv := gitserver.Start(t, "ada", "s3cret-pw")
	srv.NewBare(t, "orders")
	env := map[string]string{"HOME": t.TempDir()}
	parent := t.TempDir()
	out := filepath.Join(parent, "orders")
	bad := strings.Replace(srv.CredentialURL("orders"), "s3cret-pw", "wrong-pw", 1)
	r := run(t, env, nil, "new", "service", "orders", "--set", "owner=o", "-o", out, "--remote", bad)
	if r.code != 1 || !strings.Contains(r.stderr, "push to "+srv.URL+"/orders.git refused: the credentials were missing or wrong") ||
		!strings.Contains(r.stderr, "to retry the push: cd "+out+" && IDP_GIT_TOKEN=<token> idp push   (the credentials in --remote are not kept)") || strings.Contains(r.stderr, "wrong-pw") {
		t.Fatalf("%+v", r)
	}
	if !strings.HasPrefix(r.stdout, "Created ") || strings.Contains(r.stdout, "git remote add") {
		t.Errorf("stdout: %q", r.stdout)
	}
	if _, err := os.Stat(filepath.Join(out, ".idp.yaml")); err != nil {
		t.Fatal("the service was not kept after the failed push")
	}
	env["IDP_GIT_TOKEN"], env["IDP_GIT_USERNAME"] = "s3cret-pw", "ada"
	r = run(t, env, nil, "push", "--dir", out)
	if r.code != 0 || r.stdout != "Pushed main to "+srv.URL+"/orders.git.\n" {
		t.Fatalf("idp push: %+v", r)
	}
	// Pushing again is a no-op, not an error; a directory without origin is a usage error.
	if r = run(t, env, nil, "push", "--dir", out); r.code != 0 {
		t.Errorf("second push: %+v", r)
	}
	r = run(t, env, nil, "push", "--dir", parent)
	if r.code != 1 || !strings.Contains(r.stderr, "is not a git repository") {
		t.Errorf("push outside a repository: %+v", r)
	}
}

// TestProgressOnATerminal: clone, fetch and push report progress on stderr when it is a
// terminal, and say nothing otherwise.
func TestProgressOnATerminal(t *testing.T) {
	srv := gitserver.Start(t, "ada", "s3cret-pw")
	srv.NewBare(t, "golden")
	srv.NewBare(t, "svc-a")
	pushGoldenPaths(t, srv.CredentialURL("golden"))
	env := map[string]string{"HOME": t.TempDir(), "IDP_GIT_USERNAME": "ada", "IDP_GIT_TOKEN": "s3cret-pw"}
	tty := func(f *Factory) { f.IO.ErrTTY = true }
	plain := srv.URL + "/golden.git"

	r := runWith(t, env, nil, tty, "templates", "list", "-s", plain)
	if r.code != 0 || !strings.HasPrefix(r.stderr, "Cloning "+plain+"\n") || !strings.Contains(r.stderr, "objects") {
		t.Fatalf("clone progress: %+v", r)
	}
	gitIn(t, filepath.Join(srv.Root, "golden.git"), "tag", "v1.1.0", "main")
	out := filepath.Join(t.TempDir(), "a")
	r = runWith(t, env, nil, tty, "new", "service", "a", "-s", plain, "-o", out, "--remote", srv.URL+"/svc-a.git")
	if r.code != 0 || !strings.HasPrefix(r.stderr, "Fetching "+plain+"\n") || !strings.Contains(r.stderr, "Pushing main to "+srv.URL+"/svc-a.git\n") {
		t.Fatalf("fetch and push progress: %+v", r)
	}
	if strings.Contains(r.stdout, "Fetching") || strings.Contains(r.stdout, "Pushing") {
		t.Errorf("progress on stdout: %q", r.stdout)
	}
	// Not a terminal: quiet.
	if r = run(t, env, nil, "templates", "list", "-s", plain); r.code != 0 || r.stderr != "" {
		t.Errorf("progress without a terminal: %+v", r)
	}
}
