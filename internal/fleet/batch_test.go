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

// restOnly hides a provider's batched reads, so that forgeRecords reads each file by REST.
type restOnly struct{ forge.Provider }

// listsGone lists one more repository than the forge has, as if it were deleted between the
// listing and the reads.
type listsGone struct{ forge.Provider }

func (l listsGone) ListRepos(ctx context.Context, owner string) ([]*forge.Listed, error) {
	listed, err := l.Provider.ListRepos(ctx, owner)
	return append(listed, &forge.Listed{Owner: owner, Name: "gone", DefaultBranch: "main"}), err
}

func (l listsGone) ReadFiles(ctx context.Context, refs []forge.RepoRef, path string) (map[forge.RepoRef]forge.FileRead, error) {
	return l.Provider.(forge.BatchReader).ReadFiles(ctx, refs, path)
}

func (l listsGone) ReadBatch(ctx context.Context, files []forge.RepoRef, path string, pulls []forge.PullsRef) (map[forge.RepoRef]forge.FileRead, map[forge.PullsRef]forge.PullsRead, error) {
	return l.Provider.(forge.BatchReader).ReadBatch(ctx, files, path, pulls)
}

// TestReadStatusBatchedOnGitHub: on GitHub, fleet status reads the .idp.yaml of 100
// repositories per GraphQL query, and the bot's pull requests in the same queries, 3 queries
// for 250, and gives the same rows (pull requests included), adoption and summary as one REST
// read of each file and each service's pull requests; a repository without .idp.yaml is not a service, a broken one
// is an error in its row, and an errors[] entry of the query is an error in its repository's
// row.
func TestReadStatusBatchedOnGitHub(t *testing.T) {
	src := goldenPaths(t)
	fake := forgetest.New(t, "github")
	for i := range 250 {
		name := fmt.Sprintf("svc-%03d", i)
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
		case 1: // the bot's pull request, merged
			n := fake.AddPullRequest("acme", name, forgetest.PullRequest{Title: "Update svc", Body: marker, Head: "idp/update-svc", Base: "main", State: "open"})
			fake.MergePullRequest("acme", name, n)
		case 2: // open, a draft; and someone's pull request from another branch
			fake.AddPullRequest("acme", name, forgetest.PullRequest{Title: "Update svc", Body: marker, Head: "idp/update-svc", Base: "main", State: "open", Draft: true})
			fake.AddPullRequest("acme", name, forgetest.PullRequest{Title: "Fix", Body: marker, Head: "fix", Base: "main", State: "open"})
		}
	}
	api, err := forge.New("github", forge.Options{Host: fake.URL, Token: forgetest.Token})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := api.(forge.BatchReader); !ok {
		t.Fatal("the GitHub provider does not read in batches")
	}
	run := func(p forge.Provider) *StatusResult {
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
	contents := func(from int) (n int) {
		for _, r := range fake.Requests()[from:] {
			if strings.Contains(r.Path, "/contents/") || strings.HasSuffix(r.Path, "/pulls") {
				n++
			}
		}
		return n
	}

	rest := run(restOnly{api})
	if n := contents(0); n != 250+248 || fake.BatchReads() != 0 {
		t.Fatalf("REST: %d contents and pulls reads, %d batched reads", n, fake.BatchReads())
	}
	from := len(fake.Requests())
	batched := run(api)
	if n, b := contents(from), fake.BatchReads(); n != 0 || b != 3 {
		t.Errorf("batched: %d contents and pulls reads and %d GraphQL queries, want 0 and 3", n, b)
	}
	prs := 0
	for _, r := range batched.Rows {
		prs += len(r.PullRequests)
	}
	if prs != 123 {
		t.Errorf("%d of the bot's pull requests in the rows, want 123", prs)
	}
	if !reflect.DeepEqual(batched.Rows, rest.Rows) {
		t.Errorf("batched rows differ from REST rows:\n%+v\nwant\n%+v", batched.Rows, rest.Rows)
	}
	if !reflect.DeepEqual(batched.Summary, rest.Summary) || !reflect.DeepEqual(batched.NotOnGoldenPath, rest.NotOnGoldenPath) {
		t.Errorf("batched summary %+v, not on a golden path %v; REST %+v, %v", batched.Summary, batched.NotOnGoldenPath, rest.Summary, rest.NotOnGoldenPath)
	}
	if len(batched.Rows) != 249 || len(batched.NotOnGoldenPath) != 1 || batched.NotOnGoldenPath[0].Repo != "acme/svc-017" {
		t.Errorf("%d rows, not on a golden path %v", len(batched.Rows), batched.NotOnGoldenPath)
	}
	byRepo := map[string]Row{}
	for _, r := range batched.Rows {
		byRepo[r.Repo] = r
	}
	if r := byRepo["acme/svc-042"]; r.Error == "" || r.Version != "" {
		t.Errorf("broken .idp.yaml: %+v", r)
	}
	if r := byRepo["acme/svc-001"]; r.Error != "" || r.Version != "v1.1.0" || r.Latest != "v1.1.0" {
		t.Errorf("a service: %+v", r)
	}
	if ad := batched.Summary.Adoption; ad == nil || ad.Repositories != 250 || ad.OnGoldenPath != 249 || ad.Unknown != 0 || ad.NotOnGoldenPath != 1 {
		t.Errorf("adoption: %+v", batched.Summary.Adoption)
	}

	// A repository the query cannot resolve: GitHub's errors[] entry, path ["r…"], is that
	// row's error; the others of its query are read.
	from = len(fake.Requests())
	before := fake.BatchReads()
	gone := run(listsGone{api})
	if b := fake.BatchReads() - before; b != 3 || contents(from) != 0 {
		t.Errorf("with a repository gone: %d GraphQL queries, %d contents and pulls reads", b, contents(from))
	}
	last := gone.Rows[len(gone.Rows)-1]
	if last.Repo != "acme/gone" || !strings.Contains(last.Error, "Could not resolve to a Repository with the name 'acme/gone'") {
		t.Errorf("the repository gone: %+v", last)
	}
	if len(gone.Rows) != 250 || !reflect.DeepEqual(gone.Rows[:249], batched.Rows) || gone.Summary.Adoption.Unknown != 1 {
		t.Errorf("with a repository gone: %d rows, adoption %+v", len(gone.Rows), gone.Summary.Adoption)
	}
}
