package forge_test

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/config"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
	githttp "github.com/go-git/go-git/v5/plumbing/transport/http"

	"github.com/idp-cli/idp/internal/forge"
	"github.com/idp-cli/idp/internal/forge/forgetest"
	"github.com/idp-cli/idp/internal/testutil/gitserver"
)

// call is the part of a request the tests assert on.
type call struct {
	Method string         `json:"method"`
	Path   string         `json:"path"`
	Body   map[string]any `json:"body,omitempty"`
}

func wantCalls(t *testing.T, f *forgetest.Fake, want ...call) {
	t.Helper()
	var got []call
	for _, r := range f.Requests() {
		got = append(got, call{r.Method, r.Path, r.Body})
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("requests:\n%s\nwant:\n%s", toJSON(got), toJSON(want))
	}
}

func toJSON(v any) string {
	b, _ := json.MarshalIndent(v, "", "  ")
	return string(b)
}

func newProvider(t *testing.T, name string, o forge.Options) forge.Provider {
	t.Helper()
	p, err := forge.New(name, o)
	if err != nil {
		t.Fatalf("New(%q): %v", name, err)
	}
	if p.Name() != name {
		t.Fatalf("Name() = %q, want %q", p.Name(), name)
	}
	return p
}

// start runs the fake for provider and a Provider pointed at it with the fake's token.
func start(t *testing.T, provider string) (*forgetest.Fake, forge.Provider) {
	t.Helper()
	f := forgetest.New(t, provider)
	return f, newProvider(t, provider, forge.Options{Host: f.URL, Token: forgetest.Token})
}

// noToken fails the test if err's message contains a token.
func noToken(t *testing.T, err error, tokens ...string) {
	t.Helper()
	for _, tok := range append(tokens, forgetest.Token) {
		if err != nil && strings.Contains(err.Error(), tok) {
			t.Errorf("error contains the token: %v", err)
		}
	}
}

var providers = []string{"github", "gitlab", "gitea"}

// giteaCreateBody is what the Gitea SDK sends for a CreateRepoOption: every field, set or not.
func giteaCreateBody(name, desc, branch string, private bool) map[string]any {
	return map[string]any{
		"name": name, "description": desc, "private": private, "auto_init": false, "default_branch": branch,
		"issue_labels": "", "template": false, "gitignores": "", "license": "", "readme": "",
		"trust_model": "", "object_format_name": "",
	}
}

func TestCreateInOrg(t *testing.T) {
	repo := forge.Repo{Owner: "acme", Name: "svc", Description: "Payments service", DefaultBranch: "trunk", Private: true}
	tests := []struct {
		provider string
		want     func(f *forgetest.Fake) []call
		// GitHub cannot set the default branch of an empty repository at creation.
		wantBranch string
	}{
		{"github", func(f *forgetest.Fake) []call {
			return []call{
				{"GET", "/api/v3/user", nil},
				{"POST", "/api/v3/orgs/acme/repos", map[string]any{
					"name": "svc", "description": "Payments service", "private": true, "auto_init": false,
				}},
			}
		}, "main"},
		{"gitlab", func(f *forgetest.Fake) []call {
			return []call{
				{"GET", "/api/v4/user", nil},
				{"GET", "/api/v4/namespaces/acme", nil},
				{"POST", "/api/v4/projects", map[string]any{
					"name": "svc", "path": "svc", "namespace_id": float64(f.OrgID("acme")), "description": "Payments service",
					"visibility": "private", "default_branch": "trunk", "initialize_with_readme": false,
				}},
			}
		}, "trunk"},
		{"gitea", func(f *forgetest.Fake) []call {
			return []call{
				{"GET", "/api/v1/user", nil},
				{"POST", "/api/v1/orgs/acme/repos", giteaCreateBody("svc", "Payments service", "trunk", true)},
			}
		}, "trunk"},
	}
	for _, tt := range tests {
		t.Run(tt.provider, func(t *testing.T) {
			f, p := start(t, tt.provider)
			got, err := p.Create(t.Context(), repo)
			if err != nil {
				t.Fatalf("Create: %v", err)
			}
			want := &forge.Created{
				CloneURL: f.URL + "/acme/svc.git", WebURL: f.URL + "/acme/svc",
				DefaultBranch: tt.wantBranch, Private: true,
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("Create = %+v, want %+v", got, want)
			}
			wantCalls(t, f, tt.want(f)...)
			held, ok := f.Repo("acme", "svc")
			if !ok || held.Description != "Payments service" || !held.Private {
				t.Errorf("fake holds %+v, %v; want the private repository acme/svc with its description", held, ok)
			}
		})
	}
}

func TestCreateForUser(t *testing.T) {
	// The owner is the token's user, in another case: the forges compare logins case-insensitively.
	repo := forge.Repo{Owner: "Alice", Name: "tool", Description: "A tool"}
	tests := []struct {
		provider string
		want     []call
	}{
		{"github", []call{
			{"GET", "/api/v3/user", nil},
			{"POST", "/api/v3/user/repos", map[string]any{
				"name": "tool", "description": "A tool", "private": false, "auto_init": false,
			}},
		}},
		{"gitlab", []call{
			// No namespace lookup and no namespace_id: the project goes to the user's namespace.
			{"GET", "/api/v4/user", nil},
			{"POST", "/api/v4/projects", map[string]any{
				"name": "tool", "path": "tool", "description": "A tool", "visibility": "public", "initialize_with_readme": false,
			}},
		}},
		{"gitea", []call{
			{"GET", "/api/v1/user", nil},
			{"POST", "/api/v1/user/repos", giteaCreateBody("tool", "A tool", "", false)},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.provider, func(t *testing.T) {
			f, p := start(t, tt.provider)
			got, err := p.Create(t.Context(), repo)
			if err != nil {
				t.Fatalf("Create: %v", err)
			}
			want := &forge.Created{
				CloneURL: f.URL + "/alice/tool.git", WebURL: f.URL + "/alice/tool", DefaultBranch: forgetest.DefaultBranch,
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("Create = %+v, want %+v", got, want)
			}
			wantCalls(t, f, tt.want...)
		})
	}
}

func TestGet(t *testing.T) {
	tests := []struct {
		provider, wantPath string
	}{
		{"github", "/api/v3/repos/acme/svc"},
		{"gitlab", "/api/v4/projects/acme%2Fsvc"},
		{"gitea", "/api/v1/repos/acme/svc"},
	}
	for _, tt := range tests {
		t.Run(tt.provider, func(t *testing.T) {
			f, p := start(t, tt.provider)
			f.AddRepo(forgetest.Repo{Owner: "acme", Name: "svc", DefaultBranch: "trunk", Private: true, CloneURL: "https://git.example.com/acme/svc.git"})
			got, err := p.Get(t.Context(), "acme", "svc")
			if err != nil {
				t.Fatalf("Get: %v", err)
			}
			want := &forge.Created{
				CloneURL: "https://git.example.com/acme/svc.git", WebURL: f.URL + "/acme/svc",
				DefaultBranch: "trunk", Private: true, Existed: true,
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("Get = %+v, want %+v", got, want)
			}
			wantCalls(t, f, call{"GET", tt.wantPath, nil})
		})
	}
}

func TestGetMissing(t *testing.T) {
	for _, provider := range providers {
		t.Run(provider, func(t *testing.T) {
			f, p := start(t, provider)
			f.AddRepo(forgetest.Repo{Owner: "acme", Name: "svc"})
			got, err := p.Get(t.Context(), "acme", "nope")
			if !errors.Is(err, forge.ErrNotFound) || got != nil {
				t.Fatalf("Get = %+v, %v; want ErrNotFound", got, err)
			}
			if want := provider + ": acme/nope: repository not found"; err.Error() != want {
				t.Errorf("error = %q, want %q", err, want)
			}
			if n := len(f.Requests()); n != 1 {
				t.Errorf("%d requests, want 1: %v", n, f.Calls())
			}
		})
	}
}

func TestCreateExisting(t *testing.T) {
	tests := []struct {
		provider, wantLast string
	}{
		{"github", "POST /api/v3/orgs/acme/repos"}, // 422 "name already exists on this account"
		{"gitlab", "POST /api/v4/projects"},        // 400 {"name": ["has already been taken"], ...}
		{"gitea", "POST /api/v1/orgs/acme/repos"},  // 409 Conflict
	}
	for _, tt := range tests {
		t.Run(tt.provider, func(t *testing.T) {
			f, p := start(t, tt.provider)
			f.AddRepo(forgetest.Repo{Owner: "acme", Name: "svc", Description: "the original"})
			got, err := p.Create(t.Context(), forge.Repo{Owner: "acme", Name: "svc", Description: "new"})
			if !errors.Is(err, forge.ErrExists) || got != nil {
				t.Fatalf("Create = %+v, %v; want ErrExists", got, err)
			}
			want := tt.provider + ": acme/svc: repository already exists; choose another name, or delete the existing repository"
			if err.Error() != want {
				t.Errorf("error = %q, want %q", err, want)
			}
			calls := f.Calls()
			if len(calls) == 0 || calls[len(calls)-1] != tt.wantLast {
				t.Errorf("requests %v, want the last to be %s", calls, tt.wantLast)
			}
			if held, _ := f.Repo("acme", "svc"); held.Description != "the original" {
				t.Errorf("existing repository changed: %+v", held)
			}
		})
	}
}

func TestAuthErrors(t *testing.T) {
	const bad = "wrong-token-12345"
	scope := map[string]string{
		"github": "set GITHUB_TOKEN to a token with the repo scope (a fine-grained token needs Administration: write on the owner, and Pull requests: write for pull requests)",
		"gitlab": "set GITLAB_TOKEN to a token with the api scope",
		"gitea":  "set GITEA_TOKEN to a token with the write:repository scope (and write:organization for organization repositories)",
	}
	tests := []struct {
		name     string
		token    string
		owner    string
		want     map[string]string // provider -> message, without the scope advice
		wantCall map[string][]string
	}{
		{
			name: "bad token", token: bad, owner: "acme",
			want: map[string]string{
				"github": "github: the token was refused (401 Bad credentials); ",
				"gitlab": "gitlab: the token was refused (401 Unauthorized); ",
				"gitea":  "gitea: the token was refused (401 token is required); ",
			},
			wantCall: map[string][]string{
				"github": {"GET /api/v3/user"}, "gitlab": {"GET /api/v4/user"}, "gitea": {"GET /api/v1/user"},
			},
		},
		{
			name: "no token", token: "", owner: "acme",
			want: map[string]string{"github": "github: no token; ", "gitlab": "gitlab: no token; ", "gitea": "gitea: no token; "},
		},
		{
			name: "no permission in org", token: forgetest.Token, owner: "readonly",
			want: map[string]string{
				"github": "github: no permission to create repositories in readonly (403 You need admin access to the organization before adding a repository to it.); ",
				// GitLab refuses with 400 {"namespace": ["is not valid"]}.
				"gitlab": "gitlab: no permission to create projects in readonly (namespace is not valid); ",
				"gitea":  "gitea: no permission to create repositories in readonly (403 Given user is not allowed to create repository in organization.); ",
			},
			wantCall: map[string][]string{
				"github": {"GET /api/v3/user", "POST /api/v3/orgs/readonly/repos"},
				"gitlab": {"GET /api/v4/user", "GET /api/v4/namespaces/readonly", "POST /api/v4/projects"},
				"gitea":  {"GET /api/v1/user", "POST /api/v1/orgs/readonly/repos"},
			},
		},
		{
			name: "unknown org", token: forgetest.Token, owner: "ghost",
			want: map[string]string{
				"github": "github: organization ghost not found, or the token cannot see it; check the owner, or ",
				"gitlab": "gitlab: group ghost not found, or the token cannot see it; check the owner, or ",
				"gitea":  "gitea: organization ghost not found, or the token cannot see it; check the owner, or ",
			},
			wantCall: map[string][]string{
				"github": {"GET /api/v3/user", "POST /api/v3/orgs/ghost/repos"},
				"gitlab": {"GET /api/v4/user", "GET /api/v4/namespaces/ghost"},
				"gitea":  {"GET /api/v1/user", "POST /api/v1/orgs/ghost/repos"},
			},
		},
	}
	for _, tt := range tests {
		for _, provider := range providers {
			t.Run(tt.name+"/"+provider, func(t *testing.T) {
				f := forgetest.New(t, provider)
				f.AddOrg("readonly", false)
				p := newProvider(t, provider, forge.Options{Host: f.URL, Token: tt.token})
				got, err := p.Create(t.Context(), forge.Repo{Owner: tt.owner, Name: "svc"})
				var ae *forge.AuthError
				if !errors.As(err, &ae) || got != nil {
					t.Fatalf("Create = %+v, %v; want an AuthError", got, err)
				}
				if want := tt.want[provider] + scope[provider]; err.Error() != want {
					t.Errorf("error =\n%s\nwant\n%s", err, want)
				}
				noToken(t, err, bad)
				if !reflect.DeepEqual(f.Calls(), tt.wantCall[provider]) {
					t.Errorf("requests %v, want %v", f.Calls(), tt.wantCall[provider])
				}
				if _, ok := f.Repo(tt.owner, "svc"); ok {
					t.Error("the fake holds the repository")
				}
			})
		}
	}
}

func TestAuthHeader(t *testing.T) {
	tests := []struct{ provider, header, want string }{
		{"github", "Authorization", "Bearer " + forgetest.Token},
		{"gitlab", "Private-Token", forgetest.Token},
		{"gitea", "Authorization", "token " + forgetest.Token},
	}
	for _, tt := range tests {
		t.Run(tt.provider, func(t *testing.T) {
			f, p := start(t, tt.provider)
			if _, err := p.Create(t.Context(), forge.Repo{Owner: "acme", Name: "svc"}); err != nil {
				t.Fatal(err)
			}
			if err := p.SetDefaultBranch(t.Context(), "acme", "svc", "trunk"); err != nil {
				t.Fatal(err)
			}
			reqs := f.Requests()
			if len(reqs) < 4 {
				t.Fatalf("only %d requests: %v", len(reqs), f.Calls())
			}
			for _, r := range reqs {
				if got := r.Header.Get(tt.header); got != tt.want {
					t.Errorf("%s: %s = %q, want %q", r, tt.header, got, tt.want)
				}
				if tt.provider == "gitlab" && r.Header.Get("Authorization") != "" {
					t.Errorf("%s: unexpected Authorization header", r)
				}
			}
		})
	}
}

func TestSetDefaultBranch(t *testing.T) {
	tests := []struct {
		provider string
		get      string
		edit     call
	}{
		{"github", "/api/v3/repos/acme/svc", call{"PATCH", "/api/v3/repos/acme/svc", map[string]any{"default_branch": "trunk"}}},
		{"gitlab", "/api/v4/projects/acme%2Fsvc", call{"PUT", "/api/v4/projects/acme%2Fsvc", map[string]any{"default_branch": "trunk"}}},
		// The SDK's EditRepoOption has three fields without omitempty: they go as null, which
		// Gitea reads as "leave unchanged".
		{"gitea", "/api/v1/repos/acme/svc", call{"PATCH", "/api/v1/repos/acme/svc", map[string]any{
			"default_branch": "trunk", "allow_fast_forward_only_merge": nil, "default_delete_branch_after_merge": nil,
			"projects_mode": nil,
		}}},
	}
	for _, tt := range tests {
		t.Run(tt.provider, func(t *testing.T) {
			f, p := start(t, tt.provider)
			f.AddRepo(forgetest.Repo{Owner: "acme", Name: "svc", DefaultBranch: "main"})
			if err := p.SetDefaultBranch(t.Context(), "acme", "svc", "trunk"); err != nil {
				t.Fatalf("SetDefaultBranch: %v", err)
			}
			if held, _ := f.Repo("acme", "svc"); held.DefaultBranch != "trunk" {
				t.Errorf("default branch = %q, want trunk", held.DefaultBranch)
			}
			// Already the default: only the read.
			if err := p.SetDefaultBranch(t.Context(), "acme", "svc", "trunk"); err != nil {
				t.Fatalf("second SetDefaultBranch: %v", err)
			}
			wantCalls(t, f, call{"GET", tt.get, nil}, tt.edit, call{"GET", tt.get, nil})
		})
	}
}

func TestSetDefaultBranchErrors(t *testing.T) {
	for _, provider := range providers {
		t.Run(provider, func(t *testing.T) {
			f, p := start(t, provider)
			f.AddOrg("readonly", false)
			f.AddRepo(forgetest.Repo{Owner: "readonly", Name: "svc"})

			err := p.SetDefaultBranch(t.Context(), "acme", "missing", "trunk")
			if !errors.Is(err, forge.ErrNotFound) {
				t.Errorf("missing repository: err = %v, want ErrNotFound", err)
			}
			err = p.SetDefaultBranch(t.Context(), "readonly", "svc", "trunk")
			var ae *forge.AuthError
			if !errors.As(err, &ae) || ae.Status != 403 {
				t.Fatalf("read-only repository: err = %v, want a 403 AuthError", err)
			}
			if want := "no permission to change the settings of readonly/svc"; !strings.Contains(err.Error(), want) {
				t.Errorf("error %q does not say %q", err, want)
			}
			noToken(t, err)
		})
	}
}

func TestHosts(t *testing.T) {
	tests := []struct {
		provider string
		host     func(f *forgetest.Fake) string
		wantPath string
	}{
		{"github", func(f *forgetest.Fake) string { return f.URL + "/" }, "/api/v3/repos/acme/svc"},
		{"github", func(f *forgetest.Fake) string { return f.URL + "/api/v3" }, "/api/v3/repos/acme/svc"},
		{"github", func(f *forgetest.Fake) string { return strings.TrimPrefix(f.URL, "http://") }, ""},
		{"gitlab", func(f *forgetest.Fake) string { return f.URL + "/api/v4/" }, "/api/v4/projects/acme%2Fsvc"},
		{"gitea", func(f *forgetest.Fake) string { return f.URL + "/api/v1" }, "/api/v1/repos/acme/svc"},
	}
	for _, tt := range tests {
		f := forgetest.New(t, tt.provider)
		host := tt.host(f)
		t.Run(tt.provider+" "+host, func(t *testing.T) {
			f.AddRepo(forgetest.Repo{Owner: "acme", Name: "svc"})
			p := newProvider(t, tt.provider, forge.Options{Host: host, Token: forgetest.Token})
			_, err := p.Get(t.Context(), "acme", "svc")
			if tt.wantPath == "" {
				// No scheme means https, which the plain-HTTP fake cannot answer.
				if err == nil || !strings.Contains(err.Error(), "https://127.0.0.1") {
					t.Errorf("Get = %v, want a failed https request", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("Get: %v", err)
			}
			wantCalls(t, f, call{"GET", tt.wantPath, nil})
		})
	}
}

// TestDefaultHosts runs each provider without Options.Host, through a client that delivers
// requests for the public forges to the fake.
func TestDefaultHosts(t *testing.T) {
	tests := []struct {
		provider, wantHost, wantPath, wantWeb string
	}{
		{"github", "api.github.com", "/repos/acme/svc", "https://github.com/acme/svc"},
		{"gitlab", "gitlab.com", "/api/v4/projects/acme%2Fsvc", "https://gitlab.com/acme/svc"},
		{"gitea", "gitea.com", "/api/v1/repos/acme/svc", "https://gitea.com/acme/svc"},
	}
	for _, tt := range tests {
		t.Run(tt.provider, func(t *testing.T) {
			f := forgetest.New(t, tt.provider)
			p := newProvider(t, tt.provider, forge.Options{Token: forgetest.Token, HTTPClient: f.Client()})
			got, err := p.Create(t.Context(), forge.Repo{Owner: "acme", Name: "svc", DefaultBranch: "main"})
			if err != nil {
				t.Fatalf("Create: %v", err)
			}
			if got.WebURL != tt.wantWeb || got.CloneURL != tt.wantWeb+".git" {
				t.Errorf("Create = %+v, want web URL %s", got, tt.wantWeb)
			}
			if _, err := p.Get(t.Context(), "acme", "svc"); err != nil {
				t.Fatalf("Get: %v", err)
			}
			reqs := f.Requests()
			for _, r := range reqs {
				if r.Host != tt.wantHost {
					t.Errorf("%s went to host %q, want %q", r, r.Host, tt.wantHost)
				}
			}
			if last := reqs[len(reqs)-1]; last.Path != tt.wantPath {
				t.Errorf("Get requested %s, want %s", last.Path, tt.wantPath)
			}
		})
	}
}

func TestGitLabNestedGroup(t *testing.T) {
	f, p := start(t, "gitlab")
	f.AddOrg("acme/platform", true)
	got, err := p.Create(t.Context(), forge.Repo{Owner: "acme/platform", Name: "svc.api", DefaultBranch: "main"})
	if err != nil {
		t.Fatalf("Create: %v", err)
	}
	if want := f.URL + "/acme/platform/svc.api"; got.WebURL != want {
		t.Errorf("WebURL = %q, want %q", got.WebURL, want)
	}
	if _, err := p.Get(t.Context(), "acme/platform", "svc.api"); err != nil {
		t.Fatalf("Get: %v", err)
	}
	// Paths are URL-encoded into one segment; the client also encodes dots.
	wantCalls(t, f,
		call{"GET", "/api/v4/user", nil},
		call{"GET", "/api/v4/namespaces/acme%2Fplatform", nil},
		call{"POST", "/api/v4/projects", map[string]any{
			"name": "svc.api", "path": "svc.api", "namespace_id": float64(f.OrgID("acme/platform")), "description": "",
			"visibility": "public", "default_branch": "main", "initialize_with_readme": false,
		}},
		call{"GET", "/api/v4/projects/acme%2Fplatform%2Fsvc%2Eapi", nil},
	)
}

func TestCloneURLHook(t *testing.T) {
	for _, provider := range providers {
		t.Run(provider, func(t *testing.T) {
			f, p := start(t, provider)
			var mu sync.Mutex // the hook runs on the fake's goroutine
			var hooked []string
			f.SetCloneURL(func(owner, name string) string {
				mu.Lock()
				defer mu.Unlock()
				hooked = append(hooked, owner+"/"+name)
				return "http://git.test/" + owner + "/" + name + ".git"
			})
			created, err := p.Create(t.Context(), forge.Repo{Owner: "acme", Name: "svc"})
			if err != nil {
				t.Fatal(err)
			}
			got, err := p.Get(t.Context(), "acme", "svc")
			if err != nil {
				t.Fatal(err)
			}
			const want = "http://git.test/acme/svc.git"
			if created.CloneURL != want || got.CloneURL != want {
				t.Errorf("clone URLs %q and %q, want %q", created.CloneURL, got.CloneURL, want)
			}
			mu.Lock()
			defer mu.Unlock()
			if !reflect.DeepEqual(hooked, []string{"acme/svc"}) {
				t.Errorf("hook called for %v, want once for acme/svc", hooked)
			}
		})
	}
}

func TestNew(t *testing.T) {
	_, err := forge.New("bitbucket", forge.Options{})
	if want := `unknown forge provider "bitbucket"; use one of github, gitlab, gitea`; err == nil || err.Error() != want {
		t.Errorf("New(bitbucket) = %v, want %q", err, want)
	}
	for _, host := range []string{"ftp://example.com", "https://", "https://example.com/?x=1"} {
		for _, provider := range providers {
			_, err := forge.New(provider, forge.Options{Host: host})
			if err == nil || !strings.Contains(err.Error(), "is not a forge URL") {
				t.Errorf("New(%s, Host %q) = %v, want a host error", provider, host, err)
			}
		}
	}
	_, err = forge.New("gitea", forge.Options{Host: "ftp://alice:s3cret@example.com"})
	if want := `gitea host "ftp://xxxxx@example.com" is not a forge URL; give one like https://gitea.example.com`; err == nil || err.Error() != want {
		t.Errorf("New with credentials in Host = %v, want %q", err, want)
	}
	if got := forge.Names(); !reflect.DeepEqual(got, providers) {
		t.Errorf("Names() = %v", got)
	}
	for name, want := range map[string]string{"github": "GITHUB_TOKEN", "gitlab": "GITLAB_TOKEN", "gitea": "GITEA_TOKEN", "x": ""} {
		if got := forge.TokenVar(name); got != want {
			t.Errorf("TokenVar(%q) = %q, want %q", name, got, want)
		}
	}
}

func TestBadNames(t *testing.T) {
	tests := []struct {
		provider, owner, name, want string
	}{
		{"github", "", "svc", "github: repository owner is empty; name an organization or user"},
		{"gitea", "acme", "", "gitea: repository name is empty"},
		{"gitlab", "acme", "a/b", `gitlab: repository name "a/b" contains '/'; give the owner separately`},
		{"github", "acme/platform", "svc", `github: owner "acme/platform" contains '/'; github has no nested organizations`},
		{"gitlab", "acme/", "svc", `gitlab: owner "acme/" is not a group path like group/subgroup`},
	}
	for _, tt := range tests {
		f, p := start(t, tt.provider)
		_, err := p.Create(t.Context(), forge.Repo{Owner: tt.owner, Name: tt.name})
		if err == nil || err.Error() != tt.want {
			t.Errorf("%s Create(%q, %q) = %v, want %q", tt.provider, tt.owner, tt.name, err, tt.want)
		}
		if calls := f.Calls(); len(calls) != 0 {
			t.Errorf("%s: requests %v, want none", tt.provider, calls)
		}
	}
}

// TestPushToCreated is what `idp new service` does: create the repository, push the first
// commit to its clone URL, here a bare repository on a real git server, then set the default
// branch, which GitHub cannot take at creation.
func TestPushToCreated(t *testing.T) {
	srv := gitserver.Start(t, "x-access-token", forgetest.Token)
	f, p := start(t, "github")
	f.SetCloneURL(func(owner, name string) string { return srv.URL + "/" + owner + "/" + name + ".git" })
	srv.NewBare(t, "acme/svc")

	created, err := p.Create(t.Context(), forge.Repo{Owner: "acme", Name: "svc", DefaultBranch: "trunk"})
	if err != nil {
		t.Fatal(err)
	}

	work := t.TempDir()
	repo, err := git.PlainInit(work, false)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(work, "README.md"), []byte("# svc\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	wt, err := repo.Worktree()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := wt.Add("README.md"); err != nil {
		t.Fatal(err)
	}
	sig := &object.Signature{Name: "Test", Email: "test@example.com", When: time.Unix(1700000000, 0)}
	head, err := wt.Commit("initial", &git.CommitOptions{Author: sig, Committer: sig})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := repo.CreateRemote(&config.RemoteConfig{Name: "origin", URLs: []string{created.CloneURL}}); err != nil {
		t.Fatal(err)
	}
	err = repo.Push(&git.PushOptions{
		RefSpecs: []config.RefSpec{"refs/heads/master:refs/heads/trunk"},
		Auth:     &githttp.BasicAuth{Username: "x-access-token", Password: forgetest.Token},
	})
	if err != nil {
		t.Fatalf("push to %s: %v", created.CloneURL, err)
	}
	if err := p.SetDefaultBranch(t.Context(), "acme", "svc", "trunk"); err != nil {
		t.Fatal(err)
	}

	remote, err := git.PlainOpen(filepath.Join(srv.Root, "acme", "svc.git"))
	if err != nil {
		t.Fatal(err)
	}
	ref, err := remote.Reference(plumbing.NewBranchReferenceName("trunk"), false)
	if err != nil || ref.Hash() != head {
		t.Fatalf("server trunk = %v, %v; want %s", ref, err, head)
	}
	if held, _ := f.Repo("acme", "svc"); held.DefaultBranch != "trunk" {
		t.Errorf("default branch = %q, want trunk", held.DefaultBranch)
	}
}
