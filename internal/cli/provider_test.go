package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/idp-cli/idp/internal/forge"
	"github.com/idp-cli/idp/internal/forge/forgetest"
	"github.com/idp-cli/idp/internal/testutil/gitserver"
)

// forgeEnv starts a fake forge whose new repositories' clone URLs are bare repositories on a
// real git server that takes the forge token as its password.
func forgeEnv(t *testing.T, provider string) (*forgetest.Fake, *gitserver.Server, map[string]string) {
	t.Helper()
	fake := forgetest.New(t, provider)
	srv := gitserver.Start(t, forge.TokenUser(provider), forgetest.Token)
	fake.SetCloneURL(func(owner, name string) string { return srv.URL + "/" + name + ".git" })
	env := map[string]string{"HOME": t.TempDir(), strings.ToUpper(provider) + "_TOKEN": forgetest.Token}
	return fake, srv, env
}

func TestNewWithProvider(t *testing.T) {
	for _, provider := range []string{"github", "gitlab", "gitea"} {
		t.Run(provider, func(t *testing.T) {
			fake, srv, env := forgeEnv(t, provider)
			srv.NewBare(t, "payments")
			out := filepath.Join(t.TempDir(), "payments")
			r := run(t, env, nil, "new", "service", "payments", "--set", "owner=team-payments", "--set", "description=Takes payments",
				"-o", out, "--provider", provider, "--owner", "acme", "--host", fake.URL)
			if r.code != 0 {
				t.Fatalf("%+v", r)
			}
			repo, ok := fake.Repo("acme", "payments")
			if !ok || !repo.Private || repo.Description != "Takes payments" || repo.DefaultBranch != "main" {
				t.Errorf("repository on the forge: %+v %v", repo, ok)
			}
			want := "Pushed main to " + srv.URL + "/payments.git.\nRepository: " + fake.URL + "/acme/payments\n"
			if !strings.Contains(r.stdout, want) {
				t.Errorf("stdout:\n%s\nwant:\n%s", r.stdout, want)
			}
			gitIn(t, srv.Root, "--git-dir", "payments.git", "rev-parse", "--verify", "main")
			assertNoSecret(t, forgetest.Token, out)
		})
	}
}

// -o . in an empty directory names the repository after the directory, not ".".
func TestNewWithProviderHere(t *testing.T) {
	fake, srv, env := forgeEnv(t, "github")
	srv.NewBare(t, "ledger")
	here := filepath.Join(t.TempDir(), "ledger")
	if err := os.Mkdir(here, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Chdir(here)
	r := run(t, env, nil, "new", "service", "ledger", "--set", "owner=team-ledger", "-o", ".", "--provider", "github", "--owner", "acme", "--host", fake.URL)
	if r.code != 0 {
		t.Fatalf("%+v", r)
	}
	if _, ok := fake.Repo("acme", "ledger"); !ok {
		t.Error("no repository acme/ledger on the forge")
	}
	if !strings.HasPrefix(r.stdout, "Created ledger (here) from go-service") {
		t.Errorf("stdout:\n%s", r.stdout)
	}
}

func TestNewWithProviderRefusals(t *testing.T) {
	fake, srv, env := forgeEnv(t, "github")
	fake.AddRepo(forgetest.Repo{Owner: "acme", Name: "taken", CloneURL: srv.URL + "/taken.git"})
	srv.NewBare(t, "taken")
	parent := t.TempDir()
	newSvc := func(env map[string]string, name string, extra ...string) result {
		args := append([]string{"new", "service", name, "--set", "owner=o", "-o", filepath.Join(parent, name), "--provider", "github", "--owner", "acme", "--host", fake.URL}, extra...)
		return run(t, env, nil, args...)
	}

	// An existing repository: refused before anything is written or pushed.
	r := newSvc(env, "taken")
	if r.code != 1 || r.stderr != "idp: repository acme/taken already exists at "+fake.URL+"/acme/taken; choose another name, or pass --use-existing to push into it if it is empty\n" {
		t.Errorf("exists: %+v", r)
	}
	if _, err := os.Stat(filepath.Join(parent, "taken")); err == nil {
		t.Error("the service was written although the repository exists")
	}
	// --use-existing pushes into it while it is empty, and refuses once it has commits.
	if r = newSvc(env, "taken", "--use-existing"); r.code != 0 || !strings.Contains(r.stdout, "Pushed main to "+srv.URL+"/taken.git.") {
		t.Fatalf("use existing: %+v", r)
	}
	os.RemoveAll(filepath.Join(parent, "taken"))
	r = newSvc(env, "taken", "--use-existing")
	if r.code != 1 || !strings.Contains(r.stderr, "repository acme/taken already exists at "+fake.URL+"/acme/taken and has commits; --use-existing pushes only into an empty repository") {
		t.Errorf("use existing, not empty: %+v", r)
	}
	// A refused token names the variable to set; nothing is written.
	bad := map[string]string{"HOME": env["HOME"], "GITHUB_TOKEN": "wrong-token"}
	r = newSvc(bad, "fresh")
	if r.code != 1 || !strings.Contains(r.stderr, "set GITHUB_TOKEN to a token with the repo scope") || strings.Contains(r.stderr, "wrong-token") {
		t.Errorf("bad token: %+v", r)
	}
	if _, err := os.Stat(filepath.Join(parent, "fresh")); err == nil {
		t.Error("the service was written although the forge refused the token")
	}
	// Usage errors, before anything is asked.
	for _, tc := range []struct {
		env  map[string]string
		args []string
		want string
	}{
		{map[string]string{"HOME": env["HOME"]}, []string{"--provider", "github", "--owner", "acme"}, "idp: --provider github needs a token to create the repository: set GITHUB_TOKEN (or IDP_GIT_TOKEN)\n"},
		{env, []string{"--provider", "github"}, "idp: --provider github needs --owner: the organization, group or user to create the repository under\n"},
		{env, []string{"--provider", "bitbucket", "--owner", "acme"}, "idp: --provider: unknown forge provider \"bitbucket\"; use one of github, gitlab, gitea\n"},
		{env, []string{"--owner", "acme"}, "idp: --owner goes with --provider github|gitlab|gitea\n"},
		{env, []string{"--provider", "github", "--owner", "acme", "--remote", "https://x/y.git"}, "idp: --remote and --provider: give one; --provider creates the repository and pushes to it\n"},
	} {
		r := run(t, tc.env, nil, append([]string{"new", "service", "x", "--set", "owner=o", "-o", filepath.Join(parent, "x")}, tc.args...)...)
		if r.code != 2 || !strings.HasPrefix(r.stderr, tc.want) {
			t.Errorf("%v: %+v\nwant %q", tc.args, r, tc.want)
		}
	}
}
