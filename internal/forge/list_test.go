package forge_test

import (
	"errors"
	"fmt"
	"net/url"
	"reflect"
	"strings"
	"testing"

	"github.com/idp-cli/idp/internal/forge"
	"github.com/idp-cli/idp/internal/forge/forgetest"
)

// TestListRepos lists an organization with more repositories than fit a page.
func TestListRepos(t *testing.T) {
	tests := []struct {
		provider string
		want     []qcall
	}{
		{"github", []qcall{
			{"GET", "/api/v3/orgs/acme/repos", query("per_page", "100"), nil},
			{"GET", "/api/v3/orgs/acme/repos", query("per_page", "100", "page", "2"), nil},
		}},
		{"gitlab", []qcall{
			{"GET", "/api/v4/groups/acme/projects", query("include_subgroups", "true", "with_shared", "false", "per_page", "100"), nil},
			{"GET", "/api/v4/groups/acme/projects", query("include_subgroups", "true", "with_shared", "false", "per_page", "100", "page", "2"), nil},
		}},
		// Gitea gives at most 50 a page.
		{"gitea", []qcall{
			{"GET", "/api/v1/orgs/acme/repos", query("page", "1", "limit", "50"), nil},
			{"GET", "/api/v1/orgs/acme/repos", query("page", "2", "limit", "50"), nil},
			{"GET", "/api/v1/orgs/acme/repos", query("page", "3", "limit", "50"), nil},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.provider, func(t *testing.T) {
			f, p := start(t, tt.provider)
			for i := range 120 {
				f.AddRepo(forgetest.Repo{Owner: "acme", Name: fmt.Sprintf("svc-%03d", i)})
			}
			f.AddRepo(forgetest.Repo{Owner: "acme", Name: "old", DefaultBranch: "master", Archived: true, Private: true})
			f.AddRepo(forgetest.Repo{Owner: "other", Name: "svc"})

			got, err := p.ListRepos(t.Context(), "acme")
			if err != nil {
				t.Fatalf("ListRepos: %v", err)
			}
			if len(got) != 121 {
				t.Fatalf("ListRepos = %d repositories, want 121", len(got))
			}
			// The fakes list in name order.
			wantOld := &forge.Listed{Owner: "acme", Name: "old", CloneURL: f.URL + "/acme/old.git", WebURL: f.URL + "/acme/old", DefaultBranch: "master", Archived: true}
			wantLast := &forge.Listed{Owner: "acme", Name: "svc-119", CloneURL: f.URL + "/acme/svc-119.git", WebURL: f.URL + "/acme/svc-119", DefaultBranch: "main"}
			if !reflect.DeepEqual(got[0], wantOld) || !reflect.DeepEqual(got[120], wantLast) {
				t.Errorf("ListRepos = %+v ... %+v, want %+v ... %+v", got[0], got[120], wantOld, wantLast)
			}
			seen := map[string]bool{}
			for _, l := range got {
				seen[l.Owner+"/"+l.Name] = true
			}
			if len(seen) != 121 {
				t.Errorf("ListRepos has %d different repositories, want 121", len(seen))
			}
			wantQCalls(t, f, tt.want...)
		})
	}
}

// TestListReposUser falls back from the organization to the user. GitHub lists a user's
// public repositories only.
func TestListReposUser(t *testing.T) {
	tests := []struct {
		provider string
		want     []qcall
		private  bool
	}{
		{"github", []qcall{
			{"GET", "/api/v3/orgs/alice/repos", query("per_page", "100"), nil},
			{"GET", "/api/v3/users/alice/repos", query("per_page", "100"), nil},
		}, false},
		{"gitlab", []qcall{
			{"GET", "/api/v4/groups/alice/projects", query("include_subgroups", "true", "with_shared", "false", "per_page", "100"), nil},
			{"GET", "/api/v4/users/alice/projects", query("per_page", "100"), nil},
		}, true},
		{"gitea", []qcall{
			{"GET", "/api/v1/orgs/alice/repos", query("page", "1", "limit", "50"), nil},
			{"GET", "/api/v1/users/alice/repos", query("page", "1", "limit", "50"), nil},
		}, true},
	}
	for _, tt := range tests {
		t.Run(tt.provider, func(t *testing.T) {
			f, p := start(t, tt.provider)
			f.AddRepo(forgetest.Repo{Owner: "alice", Name: "tool"})
			f.AddRepo(forgetest.Repo{Owner: "alice", Name: "notes", Private: true})
			f.AddRepo(forgetest.Repo{Owner: "acme", Name: "svc"})

			got, err := p.ListRepos(t.Context(), "alice")
			if err != nil {
				t.Fatalf("ListRepos: %v", err)
			}
			var names []string
			for _, l := range got {
				names = append(names, l.Owner+"/"+l.Name)
			}
			want := []string{"alice/tool"}
			if tt.private {
				want = []string{"alice/notes", "alice/tool"}
			}
			if !reflect.DeepEqual(names, want) {
				t.Errorf("ListRepos = %v, want %v", names, want)
			}
			wantQCalls(t, f, tt.want...)
		})
	}
}

func TestListReposGitLabSubgroups(t *testing.T) {
	f, p := start(t, "gitlab")
	f.AddOrg("acme/platform", true)
	f.AddRepo(forgetest.Repo{Owner: "acme", Name: "web"})
	f.AddRepo(forgetest.Repo{Owner: "acme/platform", Name: "api"})
	f.AddRepo(forgetest.Repo{Owner: "acmecorp", Name: "other"})

	got, err := p.ListRepos(t.Context(), "acme")
	if err != nil {
		t.Fatalf("ListRepos: %v", err)
	}
	want := []*forge.Listed{
		{Owner: "acme/platform", Name: "api", CloneURL: f.URL + "/acme/platform/api.git", WebURL: f.URL + "/acme/platform/api", DefaultBranch: "main"},
		{Owner: "acme", Name: "web", CloneURL: f.URL + "/acme/web.git", WebURL: f.URL + "/acme/web", DefaultBranch: "main"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("ListRepos(acme) = %s, want %s", toJSON(got), toJSON(want))
	}

	got, err = p.ListRepos(t.Context(), "acme/platform")
	if err != nil || len(got) != 1 || got[0].Name != "api" {
		t.Errorf("ListRepos(acme/platform) = %s, %v; want only api", toJSON(got), err)
	}
	if last := f.Requests()[len(f.Requests())-1]; last.Path != "/api/v4/groups/acme%2Fplatform/projects" {
		t.Errorf("requested %s, want the group path in one segment", last.Path)
	}
}

func TestListReposErrors(t *testing.T) {
	for _, provider := range providers {
		t.Run(provider, func(t *testing.T) {
			f, p := start(t, provider)
			_, err := p.ListRepos(t.Context(), "ghost")
			var ae *forge.AuthError
			want := provider + ": no organization or user ghost, or the token cannot see it; check the owner, or set " + forge.TokenVar(provider)
			if !errors.As(err, &ae) || ae.Status != 404 || !strings.HasPrefix(err.Error(), want) {
				t.Errorf("ListRepos(ghost) = %v, want an AuthError starting %q", err, want)
			}
			if n := len(f.Requests()); n != 2 {
				t.Errorf("%d requests, want the organization's and the user's: %v", n, f.Calls())
			}

			// Without a token, only what anyone may see.
			f.AddRepo(forgetest.Repo{Owner: "acme", Name: "public"})
			f.AddRepo(forgetest.Repo{Owner: "acme", Name: "secret", Private: true})
			anon := newProvider(t, provider, forge.Options{Host: f.URL})
			got, err := anon.ListRepos(t.Context(), "acme")
			if err != nil || len(got) != 1 || got[0].Name != "public" {
				t.Errorf("ListRepos without a token = %s, %v; want only the public repository", toJSON(got), err)
			}

			_, err = p.ListRepos(t.Context(), "")
			if want := provider + ": owner is empty; name an organization or user"; err == nil || err.Error() != want {
				t.Errorf("ListRepos(\"\") = %v, want %q", err, want)
			}
		})
	}
}

func TestReadFile(t *testing.T) {
	tests := []struct {
		provider string
		path     string // the request's path for deploy/app.yaml
		ref      url.Values
	}{
		{"github", "/api/v3/repos/acme/svc/contents/deploy/app.yaml", query("ref", "dev")},
		// The file path is one URL-encoded segment; the client also encodes dots.
		{"gitlab", "/api/v4/projects/acme%2Fsvc/repository/files/deploy%2Fapp%2Eyaml/raw", query("ref", "dev")},
		{"gitea", "/api/v1/repos/acme/svc/raw/deploy/app.yaml", query("ref", "dev")},
	}
	// More than one line of base64 on GitHub, and bytes that are not text.
	content := []byte(strings.Repeat("replicas: 3\n", 10) + "\x00\xff")
	for _, tt := range tests {
		t.Run(tt.provider, func(t *testing.T) {
			f, p := start(t, tt.provider)
			f.AddRepo(forgetest.Repo{Owner: "acme", Name: "svc", DefaultBranch: "trunk"})
			f.SetFile("acme", "svc", "deploy/app.yaml", content)
			f.SetFileOn("acme", "svc", "dev", "deploy/app.yaml", []byte("replicas: 1\n"))
			ctx := t.Context()

			got, err := p.ReadFile(ctx, "acme", "svc", "deploy/app.yaml", "")
			if err != nil || string(got) != string(content) {
				t.Errorf("ReadFile on the default branch = %q, %v; want %q", got, err, content)
			}
			got, err = p.ReadFile(ctx, "acme", "svc", "/deploy/app.yaml", "dev")
			if err != nil || string(got) != "replicas: 1\n" {
				t.Errorf("ReadFile on dev = %q, %v; want the dev version", got, err)
			}
			got, err = p.ReadFile(ctx, "acme", "svc", "deploy/missing.yaml", "")
			if want := tt.provider + ": acme/svc: no file deploy/missing.yaml on the default branch"; !errors.Is(err, forge.ErrNotFound) || err.Error() != want || got != nil {
				t.Errorf("ReadFile of a missing file = %q, %v; want %q wrapping ErrNotFound", got, err, want)
			}
			_, err = p.ReadFile(ctx, "acme", "svc", "deploy/app.yaml", "nope")
			if want := tt.provider + ": acme/svc: no file deploy/app.yaml on nope"; !errors.Is(err, forge.ErrNotFound) || err.Error() != want {
				t.Errorf("ReadFile on a missing branch = %v, want %q", err, want)
			}
			_, err = p.ReadFile(ctx, "acme", "missing", "deploy/app.yaml", "")
			if !errors.Is(err, forge.ErrNotFound) {
				t.Errorf("ReadFile in a missing repository = %v, want ErrNotFound", err)
			}
			missing := strings.Replace(tt.path, "app", "missing", 1)
			wantQCalls(t, f,
				qcall{"GET", tt.path, nil, nil},
				qcall{"GET", tt.path, tt.ref, nil},
				qcall{"GET", missing, nil, nil},
				qcall{"GET", tt.path, query("ref", "nope"), nil},
				qcall{"GET", strings.Replace(tt.path, "svc", "missing", 1), nil, nil},
			)

			// Caught before any request.
			n := len(f.Requests())
			for _, path := range []string{"", "/", "../etc/passwd", "deploy//app.yaml", "./app.yaml"} {
				if _, err := p.ReadFile(ctx, "acme", "svc", path, ""); err == nil || !strings.HasPrefix(err.Error(), tt.provider+": file path ") {
					t.Errorf("ReadFile(%q) = %v, want a path error", path, err)
				}
			}
			if calls := f.Calls(); len(calls) != n {
				t.Errorf("requests %v, want none", calls[n:])
			}
		})
	}
}

func TestReadFileGitHubDirectory(t *testing.T) {
	f, p := start(t, "github")
	f.AddRepo(forgetest.Repo{Owner: "acme", Name: "svc"})
	f.SetFile("acme", "svc", "deploy/app.yaml", []byte("x"))
	_, err := p.ReadFile(t.Context(), "acme", "svc", "deploy", "")
	if want := "github: acme/svc: deploy is not a file"; err == nil || err.Error() != want {
		t.Errorf("ReadFile(deploy) = %v, want %q", err, want)
	}
}
