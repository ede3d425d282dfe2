package main

import (
	"bufio"
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/idp-cli/idp/internal/fleet"
	"github.com/idp-cli/idp/internal/forge/forgetest"
	"github.com/idp-cli/idp/internal/testutil/gitserver"
)

// scaleLimits are what the forge fake enforces in TestFleetShardsAsProcesses: GitHub's
// documented limits for a personal token (5,000 requests an hour; 80 content-creating requests
// a minute and 500 an hour), on a clock sixty times as fast (a minute of 1 s, an hour of 60 s,
// Retry-After 1), so that the run takes seconds. The four shards are paced as docs/scale.md
// says, the rate divided between them: 6,000 an hour each (IDP_SCALE_PACE sets another), so
// on that clock at most 10 (the burst) + 1.7 in any of its minutes, 47 together, and 110 in
// any of its hours, 440 together: the hour's 500 is the limit that binds, as at GitHub. On this machine the four are also bound by CPU, about 10
// repositories a second together; how the pacer waits out refusals when the forge's limit is
// what binds is TestPacerWaitsOutGitHubLimits and TestPacerRefusalHoldsEveryWorker.
var scaleLimits = forgetest.Limits{PerHour: 5000, WritesPerMinute: 80, WritesPerHour: 500, Minute: time.Second}

var scaleShardPace = cmp.Or(os.Getenv("IDP_SCALE_PACE"), "6000")

// TestFleetShardsAsProcesses is issue 20's check: a fleet on the local git server (each
// service its own repository), listed by a GitHub fake that enforces the limits above and
// answers 403 with GitHub's headers. `idp fleet update --shard i/4 --pull-request` runs as four
// processes at once; one is killed (SIGKILL) once it has written half its results, then run again
// with --resume. Together they update every repository exactly once (one line each in the
// results, one pull request each), never exceed the fake's limits, and the killed shard does
// not redo what it had finished. Then `fleet status --shard i/4`, four processes, reads every
// service once, each with the bot's pull request, and `fleet status --from` merges the four
// results files.
//
// The fleet has 200 repositories (IDP_SCALE_REPOS sets another size, such as 1000): each
// repository's update is a real clone, render, commit and push through git's http-backend,
// about 0.1 s of CPU, and this machine has two cores shared with the rest of the suite. The
// status of 1,000 repositories under GitHub's limits is TestFleetStatusUnderGitHubLimits, and
// shards of 1,000 covering the fleet once is TestShardsCoverFleetOnce (internal/fleet).
func TestFleetShardsAsProcesses(t *testing.T) {
	n := 200
	if v := os.Getenv("IDP_SCALE_REPOS"); v != "" {
		var err error
		if n, err = strconv.Atoi(v); err != nil {
			t.Fatalf("IDP_SCALE_REPOS=%q: %v", v, err)
		}
	}
	if testing.Short() {
		t.Skip("a fleet of hundreds of repositories, four idp processes")
	}
	start := time.Now()
	work := t.TempDir()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	idp := filepath.Join(work, "idp") // this test binary, run as idp (TestMain)
	if err := os.Symlink(exe, idp); err != nil {
		t.Fatal(err)
	}
	git := func(dir string, args ...string) {
		t.Helper()
		cmd := exec.Command("git", args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.com", "GIT_COMMITTER_NAME=t",
			"GIT_COMMITTER_EMAIL=t@example.com", "GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL="+os.DevNull)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	write := func(path, data string) {
		t.Helper()
		os.MkdirAll(filepath.Dir(path), 0o755)
		if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}

	// The golden path at v1.0.0; v1.1.0 is tagged once the services are made.
	src := filepath.Join(work, "src")
	write(filepath.Join(src, "svc/template.yaml"), "apiVersion: idp/v1\nkind: Template\ntype: service\nparameters:\n  - name: name\n    required: true\n")
	write(filepath.Join(src, "svc/skeleton/app.yaml"), "name: {{ .name }}\nprobe: /\n")
	git(src, "init", "-q", "-b", "main")
	git(src, "add", "-A")
	git(src, "commit", "-q", "-m", "v1")
	git(src, "tag", "v1.0.0")

	srv := gitserver.StartAnonymousRead(t, "x-access-token", "scale-token")
	fake := forgetest.GitHub(t)
	fake.LogBriefly()
	env := append(os.Environ(), "HOME="+filepath.Join(work, "home"), "XDG_CACHE_HOME="+filepath.Join(work, "cache"),
		"XDG_CONFIG_HOME="+filepath.Join(work, "config"), "GITHUB_TOKEN="+forgetest.Token,
		"IDP_GIT_TOKEN=scale-token", "IDP_GIT_USERNAME=x-access-token", "IDP_NO_INPUT=1", "CI=",
		"IDP_GIT_AUTHOR_NAME=t", "IDP_GIT_AUTHOR_EMAIL=t@example.com", "GIT_CONFIG_NOSYSTEM=1",
		"IDP_FORGE_WRITES_PER_HOUR="+scaleShardPace, "JOB_COMPLETION_INDEX=", "IDP_SHARDS=")
	run := func(args ...string) *exec.Cmd {
		cmd := exec.Command(idp, args...)
		cmd.Dir, cmd.Env = work, env
		return cmd
	}

	// One service made by idp, its repository copied to each of the fleet's names.
	proto := srv.NewBare(t, "proto/service")
	if out, err := run("new", "service", "svc", "--source", "file://"+src, "-o", filepath.Join(work, "made"), "--remote", proto).CombinedOutput(); err != nil {
		t.Fatalf("idp new: %v\n%s", err, out)
	}
	record, err := os.ReadFile(filepath.Join(work, "made", ".idp.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	protoDir := filepath.Join(srv.Root, "proto", "service.git")
	var names []string
	for i := range n {
		name := fmt.Sprintf("svc-%04d", i)
		if err := os.CopyFS(filepath.Join(srv.Root, "acme", name+".git"), os.DirFS(protoDir)); err != nil {
			t.Fatal(err)
		}
		fake.AddRepo(forgetest.Repo{Owner: "acme", Name: name, CloneURL: srv.URL + "/acme/" + name + ".git"})
		fake.SetFile("acme", name, ".idp.yaml", record)
		names = append(names, "acme/"+name)
	}
	write(filepath.Join(src, "svc/skeleton/app.yaml"), "name: {{ .name }}\nprobe: /healthz\n")
	git(src, "commit", "-q", "-am", "v1.1")
	git(src, "tag", "v1.1.0")
	url, stats := fake.Limited(t, scaleLimits)
	t.Logf("%d repositories made in %v", n, time.Since(start).Round(time.Millisecond))

	// Four shards at once; shard 1 is killed once it has written half its results.
	results := func(i int) string { return filepath.Join(work, fmt.Sprintf("results-%d.jsonl", i)) }
	update := func(i int, more ...string) *exec.Cmd {
		return run(append([]string{"fleet", "update", "--provider", "github", "--owner", "acme", "--host", url,
			"--shard", fmt.Sprintf("%d/4", i), "--pull-request", "--jobs", "4", "--results", results(i)}, more...)...)
	}
	const killed = 1
	updateStart := time.Now()
	var cmds []*exec.Cmd
	var outs []*bytes.Buffer
	for i := range 4 {
		cmd := update(i)
		out := &bytes.Buffer{}
		cmd.Stdout, cmd.Stderr = out, out
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		cmds, outs = append(cmds, cmd), append(outs, out)
	}
	for lines(t, results(killed)) < len(shardOf(names, killed))/2 {
		if cmds[killed].ProcessState != nil {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err := cmds[killed].Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	for i, cmd := range cmds {
		err := cmd.Wait()
		if i == killed {
			if ee, ok := err.(*exec.ExitError); !ok || ee.ProcessState.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
				t.Fatalf("shard %d/4 was to be killed, and ended with %v\n%s", i, err, outs[i])
			}
			continue
		}
		if err != nil {
			t.Fatalf("shard %d/4: %v\n%s", i, err, outs[i])
		}
	}
	before := readResults(t, results(killed))
	if len(before) == 0 || len(before) >= len(shardOf(names, killed)) {
		t.Fatalf("the killed shard had written %d of its %d results: kill it sooner", len(before), len(shardOf(names, killed)))
	}
	out, err := update(killed, "--resume", results(killed)).CombinedOutput()
	if err != nil {
		t.Fatalf("shard %d/4 resumed: %v\n%s", killed, err, out)
	}
	if want := fmt.Sprintf("%d already done (--resume).", len(before)); !strings.Contains(string(out), want) {
		t.Errorf("shard %d/4 resumed said:\n%s\nwant %q", killed, out, want)
	}
	t.Logf("fleet update of %d repositories in 4 shards, one killed and resumed: %v", n, time.Since(updateStart).Round(time.Millisecond))

	// Every repository once, in its own shard's file; none redone by the resumed shard.
	seen := map[string]int{}
	for i := range 4 {
		for _, l := range readResults(t, results(i)) {
			seen[l.Repo]++
			if want := fmt.Sprintf("%d/4", i); l.Shard != want || fleet.ShardOf(l.Repo, 4) != i {
				t.Errorf("%s in results-%d.jsonl with shard %q; it is in shard %d", l.Repo, i, l.Shard, fleet.ShardOf(l.Repo, 4))
			}
			if l.Result != "updated" && (i != killed || l.Result != "unchanged") || l.From != "v1.0.0" || l.To != "v1.1.0" {
				t.Errorf("%s: %+v", l.Repo, l.UpdateRow)
			}
		}
	}
	for _, name := range names {
		if seen[name] != 1 {
			t.Errorf("%s has %d results, want 1", name, seen[name])
		}
		owner, repo, _ := strings.Cut(name, "/")
		if prs := fake.PullRequests(owner, repo); len(prs) != 1 || prs[0].Head != "idp/update-svc" || prs[0].State != "open" {
			t.Errorf("%s has pull requests %+v, want the bot's one", name, prs)
		}
	}
	if len(seen) != n {
		t.Errorf("%d repositories in the results, want %d", len(seen), n)
	}
	st := stats()
	if st.Primary != 0 || st.Secondary != 0 || st.Over != 0 || st.Writes < n {
		t.Errorf("the forge's limits: %+v; want %d writes or more and no refusal", st, n)
	}
	t.Logf("the forge saw %+v", st)

	// The four files merged: every repository once.
	from := []string{"fleet", "status"}
	for i := range 4 {
		from = append(from, "--from", results(i))
	}
	want := fmt.Sprintf("%d updated, %d unchanged, 0 with conflicts, 0 needing input, 0 failed.", countResult(t, work, "updated"), countResult(t, work, "unchanged"))
	if out, err := run(from...).CombinedOutput(); err != nil || !strings.Contains(string(out), want) || countResult(t, work, "updated")+countResult(t, work, "unchanged") != n {
		t.Errorf("fleet status --from: %v\n%s\nwant %q", err, out, want)
	}

	// fleet status in four shards: every service once, each with the bot's open pull request.
	statusStart := time.Now()
	rows := map[string]int{}
	for i := range 4 {
		out, err := run("fleet", "status", "--provider", "github", "--owner", "acme", "--host", url,
			"--shard", fmt.Sprintf("%d/4", i), "--output", "json").Output()
		if err != nil {
			t.Fatalf("fleet status --shard %d/4: %v\n%s", i, err, out)
		}
		var got fleet.StatusJSON
		if err := json.Unmarshal(out, &got); err != nil {
			t.Fatal(err)
		}
		for _, r := range got.Services {
			rows[r.Repo]++
			if fleet.ShardOf(r.Repo, 4) != i || r.Version != "v1.0.0" || r.Latest != "v1.1.0" || len(r.PullRequests) != 1 || r.PullRequests[0].State != "open" {
				t.Errorf("fleet status --shard %d/4: %+v", i, r)
			}
		}
	}
	for _, name := range names {
		if rows[name] != 1 {
			t.Errorf("fleet status: %s in %d shards, want 1", name, rows[name])
		}
	}
	if st2 := stats(); st2.Primary != 0 || st2.Secondary != 0 || st2.Over != 0 {
		t.Errorf("the forge's limits after fleet status: %+v", st2)
	}
	t.Logf("fleet status of %d repositories in 4 shards: %v; all: %v", n, time.Since(statusStart).Round(time.Millisecond), time.Since(start).Round(time.Millisecond))
}

// lines counts the whole lines of a file; 0 when it is not there yet.
func lines(t *testing.T, path string) int {
	data, err := os.ReadFile(path)
	if err != nil {
		return 0
	}
	return bytes.Count(data, []byte("\n"))
}

// readResults reads the whole lines of a --results file, in order, each as written.
func readResults(t *testing.T, path string) []fleet.ResultLine {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []fleet.ResultLine
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var l fleet.ResultLine
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			// SIGKILL can cut the last line short; ReadResults ignores it, and so does --resume.
			continue
		}
		out = append(out, l)
	}
	return out
}

// countResult counts the lines of every results file in dir with result.
func countResult(t *testing.T, dir, result string) int {
	n := 0
	for i := range 4 {
		for _, l := range readResults(t, filepath.Join(dir, fmt.Sprintf("results-%d.jsonl", i))) {
			if l.Result == result {
				n++
			}
		}
	}
	return n
}

func shardOf(names []string, i int) []string {
	return slices.DeleteFunc(slices.Clone(names), func(s string) bool { return fleet.ShardOf(s, 4) != i })
}
