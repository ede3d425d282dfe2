package fleet

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/idp-cli/idp/internal/bot"
	"github.com/idp-cli/idp/internal/provenance"
	"github.com/idp-cli/idp/internal/update"
)

func p[T any](v T) *T { return &v }

// textFleet is a status with every kind of row: on the latest version with a merged pull
// request, behind with a draft, an add-on, a row that failed, and an owner's repository on no
// golden path.
func textFleet() *StatusResult {
	tagged := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	return &StatusResult{
		Rows: []Row{
			{Repo: "acme/billing", Template: "svc", Source: "https://user:secret@git.example.com/paths.git", Version: "v1.1.0", Latest: "v1.1.0", Behind: p(0), DaysBehind: p(0),
				Moves:        []Move{{Version: "v1.1.0", From: "v1.0.0", LeadTimeSeconds: p(int64(864000))}},
				PullRequests: []PullRequest{{Number: 2, State: "merged", TimeToMergeSeconds: p(int64(518400))}},
				Diverged:     []DivergedFile{},
				Layers:       []Row{{Repo: "acme/billing", Template: "docs", Version: "v0.2.0", Latest: "v0.3.0", Behind: p(1), DaysBehind: p(4), PullRequests: []PullRequest{}}}},
			{Repo: "acme/ledger", Template: "svc", Version: "v1.0.0", Latest: "v1.1.0", Behind: p(1), DaysBehind: p(59),
				PullRequests: []PullRequest{{Number: 3, State: "draft", AgeSeconds: p(int64(3 * 3600))}},
				Diverged:     []DivergedFile{{Path: "app.yaml", Change: "modified"}, {Path: "config.yaml", Change: "deleted"}}},
			{Repo: "acme/shop", Error: "acme/shop/.idp.yaml:1: not valid YAML"},
		},
		NotOnGoldenPath: []Repository{{Repo: "acme/wiki"}},
		Summary: Summary{Repositories: 3, Services: 2, Failed: 1,
			Adoption: &Adoption{Repositories: 5, OnGoldenPath: 3, NotOnGoldenPath: 1, Unknown: 1, Share: 0.6, Archived: 2},
			Paths: []PathSummary{{Template: "svc", Latest: "v1.1.0", Services: 2, OnLatest: 1, ShareOnLatest: 0.5, Oldest: "v1.0.0", Measured: 2,
				Releases: []Release{
					{Version: "v1.1.0", Tagged: &tagged, Services: 1, Updated: 1, LeadTime: &Stats{MedianSeconds: 864000, P90Seconds: 864000}},
					{Version: "v1.0.0", Services: 1}},
				PullRequests:  &PullSummary{Draft: 1, Merged: 1, MedianTimeToMergeSeconds: p(int64(518400))},
				DivergedFiles: []FileCount{{Path: "app.yaml", Services: 1, Modified: 1}, {Path: "config.yaml", Services: 1, Deleted: 1}}},
				{Template: "docs", Latest: "v0.3.0", Services: 1, Oldest: "v0.2.0", Releases: []Release{{Version: "v0.3.0"}, {Version: "v0.2.0", Services: 1}}}}},
	}
}

// TestStatusText: the table fleet status prints, with and without --divergence and --all.
func TestStatusText(t *testing.T) {
	var b bytes.Buffer
	if err := textFleet().WriteText(&b, TextOptions{Divergence: true, All: true}); err != nil {
		t.Fatal(err)
	}
	want := `REPOSITORY    GOLDEN PATH    VERSION  LATEST  BEHIND  DAYS  LEAD TIME  BOT PULL REQUEST  DIVERGED
acme/billing  svc            v1.1.0   v1.1.0  0       0     10d        #2 merged in 6d   0 files
acme/billing  docs (add-on)  v0.2.0   v0.3.0  1       4     -          none              -
acme/ledger   svc            v1.0.0   v1.1.0  1       59    -          #3 draft, 3h old  2 files
acme/shop     error: acme/shop/.idp.yaml:1: not valid YAML

2 services, 1 failed.
3 of 5 repositories on a golden path (60%); 1 not; 1 could not be read; 2 archived, not counted.

GOLDEN PATH  SERVICES  ON LATEST  LATEST  OLDEST  BOT PULL REQUESTS
svc          2         1 (50%)    v1.1.0  v1.0.0  1 draft, 1 merged (median time to merge 6d)
docs         1         0 (0%)     v0.3.0  v0.2.0  -

GOLDEN PATH  RELEASE  TAGGED      SERVICES ON IT  UPDATED TO IT  LEAD TIME MEDIAN  LEAD TIME P90
svc          v1.1.0   2026-03-01  1               1              10d               10d
svc          v1.0.0   -           1               0              -                 -
docs         v0.3.0   -           0               0              -                 -
docs         v0.2.0   -           1               0              -                 -

GOLDEN PATH  FILE         SERVICES DIVERGED  MODIFIED  DELETED
svc          app.yaml     1 of 2             1         0
svc          config.yaml  1 of 2             0         1

NOT ON A GOLDEN PATH
acme/wiki
`
	if b.String() != want {
		t.Errorf("table:\n%s\nwant:\n%s", b.String(), want)
	}

	// From a list: no adoption, so the counts are of repositories and services; no divergence
	// column; no golden path measured yet says so.
	res := &StatusResult{Rows: []Row{{Repo: "shop", Error: "no .idp.yaml"}}, Summary: Summary{Repositories: 1, Failed: 1}}
	b.Reset()
	if err := res.WriteText(&b, TextOptions{}); err != nil {
		t.Fatal(err)
	}
	if want := "REPOSITORY  GOLDEN PATH  VERSION  LATEST  BEHIND  DAYS  LEAD TIME  BOT PULL REQUEST\nshop        error: no .idp.yaml\n\n1 repository, 0 services, 1 failed.\n"; b.String() != want {
		t.Errorf("from a list:\n%q\nwant:\n%q", b.String(), want)
	}
	res.Summary.Adoption = &Adoption{Repositories: 1, NotOnGoldenPath: 1}
	b.Reset()
	res.WriteText(&b, TextOptions{Divergence: true})
	if !strings.Contains(b.String(), "0 of 1 repository on a golden path (0%); 1 not (--all lists them).\n") ||
		!strings.HasSuffix(b.String(), "(none: every service has the golden path's files as its version renders them)\n") {
		t.Errorf("an owner with no service:\n%s", b.String())
	}
}

// TestStatusCSV: a line per service and add-on, then one per repository on no golden path; a
// source's credentials are not written.
func TestStatusCSV(t *testing.T) {
	var b bytes.Buffer
	if err := textFleet().WriteCSV(&b); err != nil {
		t.Fatal(err)
	}
	want := `repository,template,source,version,latest,behind,days_behind,error,on_golden_path,lead_time_seconds,pull_request,pull_request_state,pull_request_age_seconds,time_to_merge_seconds,diverged_files,add_on
acme/billing,svc,https://git.example.com/paths.git,v1.1.0,v1.1.0,0,0,,true,864000,2,merged,,518400,,false
acme/billing,docs,,v0.2.0,v0.3.0,1,4,,true,,,,,,,true
acme/ledger,svc,,v1.0.0,v1.1.0,1,59,,true,,3,draft,10800,,app.yaml;config.yaml,false
acme/shop,,,,,,,acme/shop/.idp.yaml:1: not valid YAML,true,,,,,,,false
acme/wiki,,,,,,,,false,,,,,,,false
`
	if b.String() != want {
		t.Errorf("csv:\n%s\nwant:\n%s", b.String(), want)
	}
}

// TestStatusCSVFailedRows: a row that failed is on a golden path when its .idp.yaml is there
// but not valid, is not when the repository has none, and is not known when the repository or
// the file could not be read.
func TestStatusCSVFailedRows(t *testing.T) {
	var rows []Row
	for repo, err := range map[string]error{
		"acme/broken": &provenance.Error{File: "acme/broken/.idp.yaml", Line: 1, Msg: "not valid YAML: x"},
		"acme/gone":   errors.New("clone https://git.example.com/acme/gone.git: 502 Bad Gateway"),
		"acme/plain":  fmt.Errorf("acme/plain: %w", ErrNoRecord),
	} {
		r := Row{Repo: repo}
		r.failed(err)
		rows = append(rows, r)
	}
	slices.SortFunc(rows, func(a, b Row) int { return strings.Compare(a.Repo, b.Repo) })
	var b bytes.Buffer
	if err := (&StatusResult{Rows: rows}).WriteCSV(&b); err != nil {
		t.Fatal(err)
	}
	want := `repository,template,source,version,latest,behind,days_behind,error,on_golden_path,lead_time_seconds,pull_request,pull_request_state,pull_request_age_seconds,time_to_merge_seconds,diverged_files,add_on
acme/broken,,,,,,,"acme/broken/.idp.yaml:1: not valid YAML: x; fix it, or restore the file with git checkout -- .idp.yaml",true,,,,,,,false
acme/gone,,,,,,,clone https://git.example.com/acme/gone.git: 502 Bad Gateway,,,,,,,,false
acme/plain,,,,,,,acme/plain: no .idp.yaml at the root of the default branch,false,,,,,,,false
`
	if b.String() != want {
		t.Errorf("csv:\n%s\nwant:\n%s", b.String(), want)
	}
}

// TestStatusJSON: services is [] rather than null, and notOnGoldenPath is there only with all
// (and, being omitempty, only when there is one).
func TestStatusJSON(t *testing.T) {
	for _, c := range []struct {
		res  *StatusResult
		all  bool
		want string
	}{
		{&StatusResult{}, false, `{"services":[],"summary":{"repositories":0,"services":0,"failed":0,"adoption":null,"goldenPaths":null}}`},
		{&StatusResult{}, true, `{"services":[],"summary":{"repositories":0,"services":0,"failed":0,"adoption":null,"goldenPaths":null}}`},
		{&StatusResult{NotOnGoldenPath: []Repository{{Repo: "acme/wiki"}}}, false, `{"services":[],"summary":{"repositories":0,"services":0,"failed":0,"adoption":null,"goldenPaths":null}}`},
		{&StatusResult{NotOnGoldenPath: []Repository{{Repo: "acme/wiki"}}}, true, `{"services":[],"notOnGoldenPath":[{"repo":"acme/wiki"}],"summary":{"repositories":0,"services":0,"failed":0,"adoption":null,"goldenPaths":null}}`},
	} {
		got, err := json.Marshal(c.res.JSON(c.all))
		if err != nil || string(got) != c.want {
			t.Errorf("all=%v: %s %v\nwant %s", c.all, got, err, c.want)
		}
	}
}

// TestStatusWarnings: a line on stderr for each thing that could not be measured.
func TestStatusWarnings(t *testing.T) {
	var b bytes.Buffer
	res := &StatusResult{Rows: []Row{{Repo: "shop", Warnings: []string{"history: gone", "pull requests of svc: 403"}}, {Repo: "billing"}}}
	res.WriteWarnings(&b)
	if want := "idp: warning: shop: history: gone\nidp: warning: shop: pull requests of svc: 403\n"; b.String() != want {
		t.Errorf("%q, want %q", b.String(), want)
	}
}

// TestUpdateText: the table fleet update prints, and which result decides its exit status.
func TestUpdateText(t *testing.T) {
	rows := []UpdateRow{
		{Repo: "billing", Template: "svc", From: "v1.0.0", To: "v1.1.0", Result: "updated", Push: &bot.Report{Push: "created", PullRequest: &bot.PRReport{Number: 7, Action: "opened"}}},
		{Repo: "ledger", Template: "svc", From: "v1.0.0", To: "v1.1.0", Result: "conflicts", Conflicts: 1, Push: &bot.Report{Push: "updated"}},
		{Repo: "search", Template: "svc", From: "v1.0.0", To: "v1.0.0", Result: "needsInput", Held: &update.Held{Version: "v2.0.0", Missing: []string{"region", "tier"}}},
		{Repo: "shop", Template: "svc", From: "v1.1.0", To: "v1.1.0", Result: "unchanged"},
		{Repo: "wiki", Result: "failed", Error: "clone: repository not found"},
	}
	res := &UpdateResult{Rows: rows, Summary: SummarizeUpdate(rows), Resumed: 2}
	var b bytes.Buffer
	if err := res.WriteText(&b); err != nil {
		t.Fatal(err)
	}
	want := `REPOSITORY  GOLDEN PATH  FROM    TO      RESULT                                         PULL REQUEST
billing     svc          v1.0.0  v1.1.0  updated                                        #7 opened
ledger      svc          v1.0.0  v1.1.0  conflicts                                      -
search      svc          v1.0.0  v1.0.0  needs input (v2.0.0 held: needs region, tier)  -
shop        svc          v1.1.0  v1.1.0  unchanged                                      -
wiki                                     failed: clone: repository not found

1 updated, 1 unchanged, 1 with conflicts, 1 needing input, 1 failed.
2 already done (--resume).
`
	if b.String() != want {
		t.Errorf("table:\n%s\nwant:\n%s", b.String(), want)
	}
	for _, c := range []struct {
		drop string
		want string
	}{{"", "failed"}, {"failed", "conflicts"}, {"conflicts", "needsInput"}, {"needsInput", ""}} {
		if c.drop != "" {
			res.Summary[c.drop] = 0
		}
		if got := res.Worst(); got != c.want {
			t.Errorf("without %s: worst %q, want %q", c.drop, got, c.want)
		}
	}
}
