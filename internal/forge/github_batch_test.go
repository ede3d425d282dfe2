package forge_test

import (
	"errors"
	"fmt"
	"io"
	"net/http"
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

// TestGitHubReadBatchPullRequests: ReadBatch reads, in the query that reads the files, the
// pull requests from each head branch (pullRequests(headRefName:) under the repository's
// alias), and finds what PullRequests finds by REST: the same pull requests in the same order,
// in every state, without a fork's pull request from a branch of the same name. A list longer
// than one query reads is left for PullRequests; a repository GitHub cannot resolve is the
// error of its lists.
func TestGitHubReadBatchPullRequests(t *testing.T) {
	f := forgetest.GitHub(t)
	const head = "idp/update-svc"
	var files []forge.RepoRef
	var pulls []forge.PullsRef
	for i := range 150 {
		name := fmt.Sprintf("svc-%03d", i)
		f.AddRepo(forgetest.Repo{Owner: "acme", Name: name})
		f.SetFile("acme", name, ".idp.yaml", []byte("name: "+name+"\n"))
		files = append(files, forge.RepoRef{Owner: "acme", Name: name})
		pulls = append(pulls, forge.PullsRef{RepoRef: forge.RepoRef{Owner: "acme", Name: name}, Head: head})
		switch i % 5 {
		case 0: // none
		case 1:
			f.AddPullRequest("acme", name, forgetest.PullRequest{Title: "a", Body: "b", Head: head, Base: "main", State: "open", Draft: true})
		case 2:
			f.AddPullRequest("acme", name, forgetest.PullRequest{Title: "old", Head: head, Base: "main", State: "closed"})
			n := f.AddPullRequest("acme", name, forgetest.PullRequest{Title: "new", Head: head, Base: "main", State: "open"})
			f.MergePullRequest("acme", name, n)
			f.AddPullRequest("acme", name, forgetest.PullRequest{Title: "other branch", Head: "feature", Base: "main", State: "open"})
		case 3: // a fork's branch of the same name
			f.AddPullRequest("acme", name, forgetest.PullRequest{Title: "fork", Head: head, HeadOwner: "someone", Base: "main", State: "open"})
			f.AddPullRequest("acme", name, forgetest.PullRequest{Title: "ours", Head: head, Base: "main", State: "open"})
		case 4:
			if i == 4 { // more than a query reads
				for range forge.BatchPullsPage + 1 {
					f.AddPullRequest("acme", name, forgetest.PullRequest{Title: "many", Head: head, Base: "main", State: "closed"})
				}
			}
		}
	}
	gone := forge.PullsRef{RepoRef: forge.RepoRef{Owner: "acme", Name: "gone"}, Head: head}
	pulls = append(pulls, gone)
	p, err := forge.New("github", forge.Options{Token: forgetest.Token, HTTPClient: f.Client()})
	if err != nil {
		t.Fatal(err)
	}
	gotFiles, gotPulls, err := p.(forge.BatchReader).ReadBatch(t.Context(), files, ".idp.yaml", pulls)
	if err != nil {
		t.Fatal(err)
	}
	// 150 files at 100 a query and 151 lists at 300: two queries.
	if n := f.BatchReads(); n != 2 || len(f.Requests()) != 2 {
		t.Errorf("%d requests, %d batched reads; want 2 and 2", len(f.Requests()), n)
	}
	if len(gotFiles) != 150 || string(gotFiles[files[7]].Data) != "name: svc-007\n" {
		t.Errorf("files: %d, svc-007 %q", len(gotFiles), gotFiles[files[7]].Data)
	}
	if g, ok := gotPulls[gone]; !ok || g.Err == nil || !strings.Contains(g.Err.Error(), "Could not resolve to a Repository with the name 'acme/gone'") {
		t.Errorf("gone: %+v", g)
	}
	if _, ok := gotPulls[pulls[4]]; ok {
		t.Errorf("svc-004, with more pull requests than a query reads: answered, want left out")
	}
	show := func(prs []*forge.PullRequest) string {
		var s []string
		for _, pr := range prs {
			s = append(s, fmt.Sprintf("%+v", *pr))
		}
		return strings.Join(s, "\n")
	}
	for _, r := range pulls[:150] {
		if r.Name == "svc-004" {
			continue
		}
		g := gotPulls[r]
		want, err := p.PullRequests(t.Context(), r.Owner, r.Name, r.Head)
		if err != nil {
			t.Fatal(err)
		}
		if g.Err != nil || show(g.PRs) != show(want) {
			t.Errorf("%s: batched %v\n%s\nREST:\n%s", r.Name, g.Err, show(g.PRs), show(want))
		}
	}
	if g := gotPulls[pulls[2]].PRs; len(g) != 2 || !g[0].Merged || g[0].Title != "new" || g[1].Open || g[1].Merged {
		t.Errorf("svc-002: %s", show(g))
	}
}

// TestGitHubGraphQLFakeRefusesWhatGitHubDoes: the fake validates queries as GitHub does, so
// that a query idp sends with a field or argument GitHub lacks fails in tests.
func TestGitHubGraphQLFakeRefusesWhatGitHubDoes(t *testing.T) {
	f := forgetest.GitHub(t)
	f.AddRepo(forgetest.Repo{Owner: "acme", Name: "svc"})
	for query, want := range map[string]string{
		`query { r0: repository(owner: "acme", name: "svc") { pullRequests(headRefName: "x") { nodes { number } } } }`:           "You must provide a `first` or `last` value to properly paginate the `pullRequests` connection.",
		`query { r0: repository(owner: "acme", name: "svc") { pullRequests(first: 101) { nodes { number } } } }`:                 "Requesting 101 records on the `pullRequests` connection exceeds the `first` limit of 100 records.",
		`query { r0: repository(owner: "acme", name: "svc") { pullRequests(head: "x", first: 1) { nodes { number } } } }`:        "Field 'pullRequests' doesn't accept argument 'head'",
		`query { r0: repository(owner: "acme", name: "svc") { pullRequests(first: 1) { nodes { number draft } } } }`:             "Field 'draft' doesn't exist on type 'PullRequest'",
		`query { r0: repository(owner: "acme", name: "svc") { object(expression: "HEAD:x") { text } } }`:                         "Field 'text' doesn't exist on type 'GitObject'",
		`query { r0: repository(owner: "acme", name: "svc") { object(expression: "HEAD:x") { ... on Blob { text size } } } }`:    "Field 'size' doesn't exist on type 'Blob'",
		`query { r0: repository(owner: "acme", name: "svc") { pullRequests(first: 1) { nodes { number } pageInfo { more } } } }`: "Field 'more' doesn't exist on type 'PageInfo'",
	} {
		c := f.Client()
		body := strings.NewReader(fmt.Sprintf(`{"query": %q}`, query))
		req, _ := http.NewRequest(http.MethodPost, "https://api.github.com/graphql", body)
		req.Header.Set("Authorization", "Bearer "+forgetest.Token)
		req.Header.Set("Content-Type", "application/json")
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		data, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if !strings.Contains(string(data), want) {
			t.Errorf("%s:\n%s\nwant %q", query, data, want)
		}
	}
}
