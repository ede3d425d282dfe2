package forge_test

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"strings"
	"testing"

	"github.com/idp-cli/idp/internal/forge"
	"github.com/idp-cli/idp/internal/forge/forgetest"
)

// TestGitLabReadBatch: on GitLab, ReadBatch reads 100 projects per GraphQL query (POST
// /api/graphql, two aliased projects(fullPaths:) of 50, the most GitLab takes), their files
// and, in the same queries, the merge requests from each head branch; it finds what ReadFile
// and PullRequests find by REST: the file, ErrNotFound for a missing one, and the same merge
// requests in the same order, in every state, drafts included, without a fork's merge request
// from a branch of the same name. A list longer than one query reads is left for
// PullRequests; a project GitLab does not return is an error of its own.
func TestGitLabReadBatch(t *testing.T) {
	f := forgetest.GitLab(t)
	const head = "idp/update-svc"
	var files []forge.RepoRef
	var pulls []forge.PullsRef
	for i := range 250 {
		name := fmt.Sprintf("svc-%03d", i)
		f.AddRepo(forgetest.Repo{Owner: "acme", Name: name})
		ref := forge.RepoRef{Owner: "acme", Name: name}
		files = append(files, ref)
		switch i {
		case 1: // no file
		case 2:
			f.SetFile("acme", name, ".idp.yaml", []byte{0xff, 0x00, 0x01})
		default:
			f.SetFile("acme", name, ".idp.yaml", []byte("name: "+name+"\n"))
		}
		if i >= 150 {
			continue
		}
		pulls = append(pulls, forge.PullsRef{RepoRef: ref, Head: head})
		switch i % 5 {
		case 0: // none
		case 1:
			f.AddPullRequest("acme", name, forgetest.PullRequest{Title: "Draft: a", Body: "b", Head: head, Base: "main", State: "open", Draft: true})
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
	gone := forge.RepoRef{Owner: "acme", Name: "gone"}
	files = append(files, gone)
	pulls = append(pulls, forge.PullsRef{RepoRef: gone, Head: head})
	p, err := forge.New("gitlab", forge.Options{Host: f.URL, Token: forgetest.Token})
	if err != nil {
		t.Fatal(err)
	}
	b, ok := p.(forge.BatchReader)
	if !ok {
		t.Fatal("the GitLab provider does not read in batches")
	}
	gotFiles, gotPulls, err := b.ReadBatch(t.Context(), files, ".idp.yaml", pulls)
	if err != nil {
		t.Fatal(err)
	}
	// 251 files at 100 a query, the 151 lists with them: three queries.
	var calls []string
	for _, r := range f.Requests() {
		calls = append(calls, r.String())
	}
	if n := f.BatchReads(); n != 3 || len(calls) != 3 || calls[0] != "POST /api/graphql" {
		t.Errorf("calls %v, %d batched reads; want 3 POST /api/graphql", calls, n)
	}
	if len(gotFiles) != 251 {
		t.Errorf("%d files, want 251", len(gotFiles))
	}
	for i, r := range files {
		g := gotFiles[r]
		rest, restErr := p.ReadFile(t.Context(), r.Owner, r.Name, ".idp.yaml", "")
		var bad string
		switch {
		case r == gone:
			if g.Err == nil || errors.Is(g.Err, forge.ErrNotFound) || g.Err.Error() != "gitlab: read .idp.yaml of acme/gone: not found, or the token cannot see it" {
				bad = "want an error naming it"
			}
		case i == 1:
			if !errors.Is(g.Err, forge.ErrNotFound) || !errors.Is(restErr, forge.ErrNotFound) || g.Err.Error() != restErr.Error() {
				bad = fmt.Sprintf("want ErrNotFound as by REST (%v)", restErr)
			}
		case i == 2:
			if g.Err == nil || g.Err.Error() != "gitlab: read .idp.yaml of acme/svc-002: a binary file" {
				bad = "want a binary file"
			}
		default:
			if g.Err != nil || restErr != nil || string(g.Data) != string(rest) || string(g.Data) != "name: "+r.Name+"\n" {
				bad = fmt.Sprintf("want its file as by REST (%q, %v)", rest, restErr)
			}
		}
		if bad != "" {
			t.Errorf("%s: %q, %v; %s", r.Name, g.Data, g.Err, bad)
		}
	}
	if g := gotPulls[pulls[len(pulls)-1]]; g.Err == nil || g.Err.Error() != "gitlab: list merge requests of acme/gone: not found, or the token cannot see it" {
		t.Errorf("gone: %+v", g)
	}
	if _, ok := gotPulls[pulls[4]]; ok {
		t.Errorf("svc-004, with more merge requests than a query reads: answered, want left out")
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
	if g := gotPulls[pulls[1]].PRs; len(g) != 1 || !g[0].Draft || !g[0].Open || g[0].Title != "a" {
		t.Errorf("svc-001, a draft: %s", show(g))
	}
	if g := gotPulls[pulls[2]].PRs; len(g) != 2 || !g[0].Merged || g[0].Title != "new" || g[1].Open || g[1].Merged {
		t.Errorf("svc-002: %s", show(g))
	}
	if g := gotPulls[pulls[3]].PRs; len(g) != 1 || g[0].Title != "ours" {
		t.Errorf("svc-003, with a fork's: %s", show(g))
	}

	// A refused token is each project's error.
	p, _ = forge.New("gitlab", forge.Options{Host: f.URL, Token: "wrong"})
	got, err := p.(forge.BatchReader).ReadFiles(t.Context(), files[:3], ".idp.yaml")
	var auth *forge.AuthError
	if err != nil || len(got) != 3 || !errors.As(got[files[0]].Err, &auth) {
		t.Errorf("a refused token: %v, %v", got, err)
	}
}

// TestGitLabGraphQLFakeRefusesWhatGitLabDoes: the fake validates queries as GitLab does, so
// that a query idp sends with a field or argument GitLab lacks fails in tests.
func TestGitLabGraphQLFakeRefusesWhatGitLabDoes(t *testing.T) {
	f := forgetest.GitLab(t)
	f.AddRepo(forgetest.Repo{Owner: "acme", Name: "svc"})
	many := strings.Repeat(`"acme/svc" `, 51)
	for query, want := range map[string]string{
		`query { p0: projects(fullPaths: [` + many + `]) { nodes { fullPath } } }`:                                            "You cannot provide more than 50 full paths",
		`query { p0: projects(fullPaths: ["acme/svc"]) { nodes { nameWithOwner } } }`:                                         "Field 'nameWithOwner' doesn't exist on type 'Project'",
		`query { p0: projects(paths: ["acme/svc"]) { nodes { fullPath } } }`:                                                  "Field 'projects' doesn't accept argument 'paths'",
		`query { p0: projects(fullPaths: ["acme/svc"]) { nodes { repository { blobs { nodes { path } } } } } }`:               "Field 'blobs' is missing required arguments: paths",
		`query { p0: projects(fullPaths: ["acme/svc"]) { nodes { repository { blobs(paths: ["x"]) { nodes { text } } } } } }`: "Field 'text' doesn't exist on type 'RepositoryBlob'",
		`query { p0: projects(fullPaths: ["acme/svc"]) { nodes { mergeRequests(headRefName: "x") { nodes { iid } } } } }`:     "Field 'mergeRequests' doesn't accept argument 'headRefName'",
		`query { p0: projects(fullPaths: ["acme/svc"]) { nodes { mergeRequests(sort: CREATED) { nodes { iid } } } } }`:        "Argument 'sort' on Field 'mergeRequests' has an invalid value (CREATED)",
		`query { p0: projects(fullPaths: ["acme/svc"]) { nodes { mergeRequests(state: open) { nodes { iid } } } } }`:          "Argument 'state' on Field 'mergeRequests' has an invalid value (open)",
		`query { p0: projects(fullPaths: ["acme/svc"]) { nodes { mergeRequests { nodes { number isDraft } } } } }`:            "Field 'number' doesn't exist on type 'MergeRequest'",
		`query { p0: projects(fullPaths: ["acme/svc"]) { nodes { mergeRequests { nodes { iid } pageInfo { more } } } } }`:     "Field 'more' doesn't exist on type 'PageInfo'",
		`query { p0: projects(fullPaths: ["acme/svc"]) { nodes { repository } } }`:                                            "Field must have selections (field 'repository' returns Repository but has no selections)",
		`query { r0: repository(owner: "acme", name: "svc") { name } }`:                                                       "Field 'repository' doesn't exist on type 'Query'",
	} {
		body := strings.NewReader(fmt.Sprintf(`{"query": %q}`, query))
		req, _ := http.NewRequest(http.MethodPost, f.URL+"/api/graphql", body)
		req.Header.Set("PRIVATE-TOKEN", forgetest.Token)
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		data, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if !strings.Contains(string(data), want) || strings.Contains(string(data), `"data"`) {
			t.Errorf("%s:\n%s\nwant %q and no data", query, data, want)
		}
	}
}

// stripPrefix serves a forge fake under a path, as a GitLab installed at
// https://example.com/gitlab is: it refuses a request outside the path.
type stripPrefix struct{ prefix string }

func (s stripPrefix) RoundTrip(r *http.Request) (*http.Response, error) {
	if !strings.HasPrefix(r.URL.Path, s.prefix+"/") {
		return nil, fmt.Errorf("%s is outside %s", r.URL.Path, s.prefix)
	}
	r = r.Clone(r.Context())
	r.URL.Path = strings.TrimPrefix(r.URL.Path, s.prefix)
	return http.DefaultTransport.RoundTrip(r)
}

// TestGitLabReadBatchUnderAPath: a GitLab served under a path gets its queries at
// PATH/api/graphql, beside PATH/api/v4.
func TestGitLabReadBatchUnderAPath(t *testing.T) {
	f := forgetest.GitLab(t)
	f.AddRepo(forgetest.Repo{Owner: "acme", Name: "svc"})
	f.SetFile("acme", "svc", ".idp.yaml", []byte("name: svc\n"))
	p, err := forge.New("gitlab", forge.Options{Host: f.URL + "/gitlab", Token: forgetest.Token, HTTPClient: &http.Client{Transport: stripPrefix{"/gitlab"}}})
	if err != nil {
		t.Fatal(err)
	}
	ref := forge.RepoRef{Owner: "acme", Name: "svc"}
	got, err := p.(forge.BatchReader).ReadFiles(t.Context(), []forge.RepoRef{ref}, ".idp.yaml")
	if err != nil || got[ref].Err != nil || string(got[ref].Data) != "name: svc\n" || f.BatchReads() != 1 {
		t.Errorf("under /gitlab: %q, %v, %v; %v", got[ref].Data, got[ref].Err, err, f.Calls())
	}
}

// TestGitLabReadBatchOverComplexity: a query GitLab refuses for its complexity is asked again
// in halves, with the same answers; one that is too complex even for a single project is that
// project's error, in GitLab's words.
func TestGitLabReadBatchOverComplexity(t *testing.T) {
	f := forgetest.GitLab(t)
	var files []forge.RepoRef
	var pulls []forge.PullsRef
	for i := range 100 {
		r := forge.RepoRef{Owner: "acme", Name: fmt.Sprintf("svc-%03d", i)}
		f.AddRepo(forgetest.Repo{Owner: "acme", Name: r.Name})
		f.SetFile("acme", r.Name, ".idp.yaml", []byte("name: "+r.Name+"\n"))
		f.AddPullRequest("acme", r.Name, forgetest.PullRequest{Title: "t", Head: "idp/x", Base: "main", State: "open"})
		files = append(files, r)
		pulls = append(pulls, forge.PullsRef{RepoRef: r, Head: "idp/x"})
	}
	p, err := forge.New("gitlab", forge.Options{Host: f.URL, Token: forgetest.Token})
	if err != nil {
		t.Fatal(err)
	}
	read := func() (map[forge.RepoRef]forge.FileRead, map[forge.PullsRef]forge.PullsRead, int) {
		before := f.BatchReads()
		files, pulls, err := p.(forge.BatchReader).ReadBatch(t.Context(), files, ".idp.yaml", pulls)
		if err != nil {
			t.Fatal(err)
		}
		return files, pulls, f.BatchReads() - before
	}
	wantFiles, wantPulls, n := read()
	if n != 1 {
		t.Errorf("%d queries under GitLab's limit, want 1", n)
	}
	f.GitLabMaxComplexity(100) // a query of 50 projects' files and merge requests
	gotFiles, gotPulls, n := read()
	if n != 3 { // refused, then two halves
		t.Errorf("%d queries over the limit, want 3", n)
	}
	if !reflect.DeepEqual(gotFiles, wantFiles) || !reflect.DeepEqual(gotPulls, wantPulls) || len(gotPulls) != 100 || len(gotPulls[pulls[7]].PRs) != 1 {
		t.Errorf("in halves: %d files, %d lists; not as in one query", len(gotFiles), len(gotPulls))
	}
	f.GitLabMaxComplexity(10)
	got, _, err := p.(forge.BatchReader).ReadBatch(t.Context(), files[:1], ".idp.yaml", nil)
	if err != nil || got[files[0]].Err == nil || got[files[0]].Err.Error() != "gitlab: read .idp.yaml of acme/svc-000: Query has complexity of 18, which exceeds max complexity of 10" {
		t.Errorf("too complex for one project: %v, %v", got, err)
	}
}
