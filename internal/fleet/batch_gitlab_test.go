package fleet

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/idp-cli/idp/internal/forge"
	"github.com/idp-cli/idp/internal/forge/forgetest"
)

// gitlabFleet is a GitLab group of n projects as TestReadStatusBatchedOnGitHub's: project 17 is
// not a service, 42's .idp.yaml is broken, the others are on the golden path at v1.0.0 or
// v1.1.0; one in four has the bot's merge request merged, one in four open as a draft with
// someone's from another branch.
func gitlabFleet(t *testing.T, n int) (*forgetest.Fake, forge.Provider) {
	src := goldenPaths(t)
	fake := forgetest.New(t, "gitlab")
	fake.AddOrg("acme", true)
	fake.LogBriefly()
	for i := range n {
		name := fmt.Sprintf("svc-%04d", i)
		fake.AddRepo(forgetest.Repo{Owner: "acme", Name: name})
		switch i {
		case 17: // not a service
		case 42:
			fake.SetFile("acme", name, ".idp.yaml", []byte("template: [broken\n"))
		default:
			fake.SetFile("acme", name, ".idp.yaml", []byte(record(src, []string{"v1.0.0", "v1.1.0"}[i%2])))
		}
		marker := "<!-- idp-update template=svc from=v1.0.0 to=v1.1.0 -->\n"
		switch i % 4 {
		case 1:
			m := fake.AddPullRequest("acme", name, forgetest.PullRequest{Title: "Update svc", Body: marker, Head: "idp/update-svc", Base: "main", State: "open"})
			fake.MergePullRequest("acme", name, m)
		case 2:
			fake.AddPullRequest("acme", name, forgetest.PullRequest{Title: "Draft: Update svc", Body: marker, Head: "idp/update-svc", Base: "main", State: "open", Draft: true})
			fake.AddPullRequest("acme", name, forgetest.PullRequest{Title: "Fix", Body: marker, Head: "fix", Base: "main", State: "open"})
		}
	}
	api, err := forge.New("gitlab", forge.Options{Host: fake.URL, Token: forgetest.Token})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := api.(forge.BatchReader); !ok {
		t.Fatal("the GitLab provider does not read in batches")
	}
	return fake, api
}

func gitlabStatus(t *testing.T, p forge.Provider) *StatusResult {
	t.Helper()
	d := deps(t)
	d.Forge = p
	d.Now = func() time.Time { return time.Date(2026, 3, 12, 0, 0, 0, 0, time.UTC) }
	res, err := ReadStatus(context.Background(), d, StatusOptions{Owner: "acme", Jobs: 8, All: true})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// TestReadStatusBatchedOnGitLab: on GitLab, fleet status reads the .idp.yaml of 100 projects
// per GraphQL query and the bot's merge requests in the same queries, and gives the same rows
// (merge requests, merged and open drafts, included), adoption and summary as one REST read of
// each file and each service's merge requests; a project without .idp.yaml is not a service,
// a broken one is an error in its row.
func TestReadStatusBatchedOnGitLab(t *testing.T) {
	fake, api := gitlabFleet(t, 250)
	rest := gitlabStatus(t, restOnly{api})
	count := func(from int) (files, mrs, queries int) {
		for _, r := range fake.Requests()[from:] {
			switch {
			case strings.Contains(r.Path, "/repository/files/"):
				files++
			case strings.HasSuffix(r.Path, "/merge_requests"):
				mrs++
			case r.Path == "/api/graphql":
				queries++
			}
		}
		return
	}
	if f, m, q := count(0); f != 250 || m != 248 || q != 0 {
		t.Fatalf("REST: %d file reads, %d merge-request lists, %d queries", f, m, q)
	}
	from := len(fake.Requests())
	batched := gitlabStatus(t, api)
	if f, m, q := count(from); f != 0 || m != 0 || q != 3 {
		t.Errorf("batched: %d file reads, %d merge-request lists, %d queries; want 0, 0, 3", f, m, q)
	}
	prs, drafts := 0, 0
	for _, r := range batched.Rows {
		prs += len(r.PullRequests)
		for _, p := range r.PullRequests {
			if p.State == "draft" {
				drafts++
			}
		}
	}
	if prs != 123 || drafts != 61 {
		t.Errorf("%d of the bot's merge requests in the rows, %d drafts; want 123 and 61", prs, drafts)
	}
	if !reflect.DeepEqual(batched.Rows, rest.Rows) {
		t.Errorf("batched rows differ from REST rows:\n%+v\nwant\n%+v", batched.Rows, rest.Rows)
	}
	if !reflect.DeepEqual(batched.Summary, rest.Summary) || !reflect.DeepEqual(batched.NotOnGoldenPath, rest.NotOnGoldenPath) {
		t.Errorf("batched summary %+v, not on a golden path %v; REST %+v, %v", batched.Summary, batched.NotOnGoldenPath, rest.Summary, rest.NotOnGoldenPath)
	}
	if len(batched.Rows) != 249 || len(batched.NotOnGoldenPath) != 1 || batched.NotOnGoldenPath[0].Repo != "acme/svc-0017" {
		t.Errorf("%d rows, not on a golden path %v", len(batched.Rows), batched.NotOnGoldenPath)
	}
	byRepo := map[string]Row{}
	for _, r := range batched.Rows {
		byRepo[r.Repo] = r
	}
	if r := byRepo["acme/svc-0042"]; r.Error == "" || r.Version != "" {
		t.Errorf("broken .idp.yaml: %+v", r)
	}
	if ad := batched.Summary.Adoption; ad == nil || ad.Repositories != 250 || ad.OnGoldenPath != 249 || ad.NotOnGoldenPath != 1 {
		t.Errorf("adoption: %+v", batched.Summary.Adoption)
	}
}

// TestFleetStatusAPICallsOnGitLab: fleet status over 1,000 GitLab projects makes at most one
// API call per 50 projects: 10 listing pages and 10 queries (each service's history is cloned
// over git, not the API).
func TestFleetStatusAPICallsOnGitLab(t *testing.T) {
	if testing.Short() {
		t.Skip("1,000 projects")
	}
	const n = 1000
	fake, api := gitlabFleet(t, n)
	res := gitlabStatus(t, api)
	var calls []string // the API's: not the clones of each service's history
	for _, c := range fake.Calls() {
		if strings.Contains(c, " /api/") {
			calls = append(calls, c)
		}
	}
	if len(res.Rows) != n-1 || len(calls) > n/50 || fake.BatchReads() != 10 {
		t.Errorf("%d rows; %d API calls (%d queries) for %d projects, want at most %d: %v", len(res.Rows), len(calls), fake.BatchReads(), n, n/50, calls)
	}
	t.Logf("%d API calls for %d projects: %.3f a project", len(calls), n, float64(len(calls))/n)
}
