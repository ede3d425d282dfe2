package fleet

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/idp-cli/idp/internal/forge/forgetest"
	"github.com/idp-cli/idp/internal/source"
	"github.com/idp-cli/idp/internal/testutil/fleetrig"
)

// TestShardFor: --shard first, else a Kubernetes Indexed Job's index, else the whole fleet.
func TestShardFor(t *testing.T) {
	env := func(vars ...string) func(string) string {
		return func(k string) string {
			for i := 0; i+1 < len(vars); i += 2 {
				if vars[i] == k {
					return vars[i+1]
				}
			}
			return ""
		}
	}
	for _, c := range []struct {
		flag   string
		getenv func(string) string
		want   string
	}{
		{"", env(), ""},
		{"1/4", env("JOB_COMPLETION_INDEX", "2", "IDP_SHARDS", "3"), "1/4"},
		{"", env("JOB_COMPLETION_INDEX", "2", "IDP_SHARDS", "3"), "2/3"},
		{"", env("JOB_COMPLETION_INDEX", "2"), "JOB_COMPLETION_INDEX is 2 but IDP_SHARDS is not set; set it to the Job's completions, or give --shard I/N"},
		{"4/4", env(), `--shard "4/4": I counts from 0 and must be below N (0/4 to 3/4)`},
	} {
		s, err := ShardFor(c.flag, c.getenv)
		got := s.String()
		if err != nil {
			got = err.Error()
		}
		if got != c.want {
			t.Errorf("--shard %q: %q, want %q", c.flag, got, c.want)
		}
	}
}

// TestResultsFiles: --results is appended to, so that a resumed shard adds to its file;
// --from merges shards' files, and one that cannot be read is the command line's fault.
func TestResultsFiles(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "r.jsonl")
	for _, line := range []string{`{"repo":"a","result":"updated","at":"2026-03-01T00:00:00Z"}`, `{"repo":"b","result":"failed","error":"boom","at":"2026-03-01T00:00:00Z"}`} {
		f, err := OpenResults(path)
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintln(f, line)
		f.Close()
	}
	if f, err := OpenResults(""); f != nil || err != nil {
		t.Errorf("no --results: %v %v", f, err)
	}
	missing := filepath.Join(dir, "no", "such", "dir.jsonl")
	if _, err := OpenResults(missing); err == nil || err.Error() != "--results: cannot write "+missing+": no such file or directory; give a file in a directory that exists and you can write to" {
		t.Errorf("a results file that cannot be made: %v", err)
	}
	if _, err := OpenResults(dir); err == nil || err.Error() != "--results: "+dir+" is a directory; give the file to append each repository's outcome to" {
		t.Errorf("a directory as the results file: %v", err)
	}
	other := filepath.Join(dir, "s.jsonl")
	os.WriteFile(other, []byte(`{"repo":"b","result":"unchanged","at":"2026-03-01T01:00:00Z"}`+"\n"), 0o644)
	res, err := MergeResults(context.Background(), path, other)
	if err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprintln(res.Rows[0].Repo, res.Rows[0].Result, res.Rows[1].Repo, res.Rows[1].Result, res.Summary); got != "a updated b unchanged map[conflicts:0 failed:0 needsInput:0 unchanged:1 updated:1]\n" {
		t.Errorf("merged: %s", got)
	}
	_, err = MergeResults(context.Background(), filepath.Join(dir, "missing.jsonl"))
	if err == nil || !strings.HasPrefix(err.Error(), "--from: ") || !source.IsRequest(err) {
		t.Errorf("a missing file: %v", err)
	}
}

// TestPullRequestsOfAList: for a list of repositories, the bot's pull requests come from the
// forge that provider and host name, with its token; without a token none is asked, and a
// URL that names no forge has none.
func TestPullRequestsOfAList(t *testing.T) {
	rig := fleetrig.New(t, "gitlab")
	list := filepath.Join(t.TempDir(), "repos.txt")
	os.WriteFile(list, []byte(rig.Git.URL+"/acme/search.git\n"+rig.Git.URL+"/acme/shop.git\n"), 0o644)
	for _, token := range []string{forgetest.Token, ""} {
		var asked []string
		d := deps(t)
		d.Now = func() time.Time { return rig.Now }
		d.PullRequestsFor = PullRequestsVia("gitlab", rig.Fake.URL, func(p string) string { asked = append(asked, p); return token }, nil)
		res, err := ReadStatus(context.Background(), d, StatusOptions{Repos: list, Jobs: 1})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, r := range res.Rows {
			if r.Moves == nil {
				t.Errorf("%s: no history", r.Repo)
			}
			got = append(got, fmt.Sprintf("%s %s", r.Version, prCell(r)))
		}
		want := "v1.0.0 #2 draft, 10d old|v1.1.0 #2 merged in 1d"
		if token == "" {
			want = "v1.0.0 -|v1.1.0 -"
		}
		if strings.Join(got, "|") != want || strings.Join(asked, " ") != "gitlab gitlab" {
			t.Errorf("token %q: %v, asked for %v; want %s", token, got, asked, want)
		}
	}
	via := PullRequestsVia("", "", func(string) string { return forgetest.Token }, nil)
	if at := via("https://gitlab.example.com/platform/shop.git"); at == nil || at.Owner != "platform" || at.Name != "shop" {
		t.Errorf("a GitLab URL: %+v", at)
	}
	if at := via("/srv/git/shop.git"); at != nil {
		t.Errorf("a local path: %+v", at)
	}
}
