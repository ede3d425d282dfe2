package forge_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/idp-cli/idp/internal/forge"
	"github.com/idp-cli/idp/internal/forge/forgetest"
)

// TestGitHubReadFilesBatched: ReadFiles reads 100 repositories per GraphQL query (POST /graphql
// on api.github.com, /api/graphql on GitHub Enterprise Server), aliased lookups of
// object(expression: "HEAD:path"); a missing file is ErrNotFound for its repository, a binary
// file, a directory, a file over 1 MB and a repository GitHub cannot resolve (errors[]) are
// errors for theirs alone, and a refused token is the error of each.
func TestGitHubReadFilesBatched(t *testing.T) {
	for _, c := range []struct {
		name, host, graphql string
	}{{"github.com", "", "/graphql"}, {"enterprise", "fake", "/api/graphql"}} {
		t.Run(c.name, func(t *testing.T) {
			f := forgetest.GitHub(t)
			var refs []forge.RepoRef
			for i := range 250 {
				name := fmt.Sprintf("svc-%03d", i)
				f.AddRepo(forgetest.Repo{Owner: "acme", Name: name})
				refs = append(refs, forge.RepoRef{Owner: "acme", Name: name})
				switch i {
				case 1: // no file
				case 2:
					f.SetFile("acme", name, ".idp.yaml", []byte{0xff, 0x00, 0x01})
				case 3:
					f.SetFile("acme", name, ".idp.yaml/x", []byte("a directory"))
				case 4:
					f.SetFile("acme", name, ".idp.yaml", []byte(strings.Repeat("a", 1<<20+1)))
				default:
					f.SetFile("acme", name, ".idp.yaml", []byte("name: "+name+"\n"))
				}
			}
			refs = append(refs, forge.RepoRef{Owner: "acme", Name: "gone"})
			o := forge.Options{Token: forgetest.Token, HTTPClient: f.Client()}
			if c.host == "fake" {
				o = forge.Options{Host: f.URL, Token: forgetest.Token}
			}
			p, err := forge.New("github", o)
			if err != nil {
				t.Fatal(err)
			}
			got, err := p.(forge.BatchReader).ReadFiles(t.Context(), refs, ".idp.yaml")
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != 251 {
				t.Errorf("%d results, want 251", len(got))
			}
			for i, r := range refs {
				g := got[r]
				var bad string
				switch {
				case r.Name == "gone":
					if g.Err == nil || errors.Is(g.Err, forge.ErrNotFound) || !strings.Contains(g.Err.Error(), "Could not resolve to a Repository with the name 'acme/gone'") {
						bad = "want GitHub's errors[] message"
					}
				case i == 1:
					if !errors.Is(g.Err, forge.ErrNotFound) {
						bad = "want ErrNotFound"
					}
				case i == 2 || i == 3 || i == 4:
					want := map[int]string{2: "binary", 3: "is not a file", 4: "over the 1 MB"}[i]
					if g.Err == nil || errors.Is(g.Err, forge.ErrNotFound) || !strings.Contains(g.Err.Error(), want) {
						bad = "want an error with " + want
					}
				default:
					if g.Err != nil || string(g.Data) != "name: "+r.Name+"\n" {
						bad = "want its file"
					}
				}
				if bad != "" {
					t.Errorf("%s: %q, %v; %s", r.Name, g.Data, g.Err, bad)
				}
			}
			var calls []string
			for _, r := range f.Requests() {
				calls = append(calls, r.String())
				if r.Path == c.graphql && !strings.Contains(r.Body["query"].(string), "object(expression: $expr)") {
					t.Errorf("query: %s", r.Body["query"])
				}
			}
			if len(calls) != 3 || f.BatchReads() != 3 || calls[0] != "POST "+c.graphql {
				t.Errorf("calls: %v, want 3 POST %s", calls, c.graphql)
			}

			// A refused token is each repository's error.
			o.Token = "wrong"
			p, _ = forge.New("github", o)
			got, err = p.(forge.BatchReader).ReadFiles(t.Context(), refs[:3], ".idp.yaml")
			var auth *forge.AuthError
			if err != nil || len(got) != 3 || !errors.As(got[refs[0]].Err, &auth) {
				t.Errorf("a refused token: %v, %v", got, err)
			}
		})
	}
}
