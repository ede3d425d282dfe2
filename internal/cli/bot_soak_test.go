package cli

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/idp-cli/idp/internal/update"
	"github.com/idp-cli/idp/internal/updaterun"
)

// testNow is the clock of run and runWith.
var testNow = time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC)

// releaseAt is release with the tagged commit dated at: the date --min-age counts from.
func (r *botRig) releaseAt(tag, app string, at time.Time) {
	r.t.Helper()
	writeFiles(r.t, r.src, map[string]string{"svc/skeleton/app.yaml": app})
	for _, args := range [][]string{{"commit", "-q", "-am", tag}, {"tag", tag}} {
		cmd := exec.Command("git", args...)
		cmd.Dir = r.src
		date := at.Format(time.RFC3339)
		cmd.Env = append(os.Environ(), "HOME="+r.src, "GIT_CONFIG_NOSYSTEM=1", "GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@x",
			"GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@x", "GIT_AUTHOR_DATE="+date, "GIT_COMMITTER_DATE="+date)
		if out, err := cmd.CombinedOutput(); err != nil {
			r.t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
}

// botAt is bot with idp's clock at now.
func (r *botRig) botAt(now time.Time, wantCode int, extra ...string) (updaterun.Report, string) {
	r.t.Helper()
	args := append([]string{"update", "--dir", r.work, "--no-input", "--pull-request", "--provider", r.provider, "--host", r.fake.URL, "--output", "json"}, extra...)
	res := runWith(r.t, r.env, nil, func(f *Factory) { f.Now = func() time.Time { return now } }, args...)
	if res.code != wantCode {
		r.t.Fatalf("bot: exit %d, want %d\nstdout:\n%s\nstderr:\n%s", res.code, wantCode, res.stdout, res.stderr)
	}
	var out updaterun.Report
	if err := json.Unmarshal([]byte(res.stdout), &out); err != nil {
		r.t.Fatalf("bot output: %v\n%s", err, res.stdout)
	}
	return out, res.stderr
}

// TestBotMinAge: a version tagged less than --min-age ago is not proposed, the newest one old
// enough is; once it has soaked long enough, it is.
func TestBotMinAge(t *testing.T) {
	r := newBotRig(t, "github")
	r.releaseAt("v1.1.0", "name: {{ .name }}\nprobe: /\nport: 9090\n", testNow.Add(-10*24*time.Hour))
	r.releaseAt("v1.2.0", "name: {{ .name }}\nprobe: /\nport: 9191\n", testNow.Add(-24*time.Hour))

	out, stderr := r.botAt(testNow, 0, "--min-age", "3d")
	if out.To != "v1.1.0" || out.Push.PullRequest.Action != "created" {
		t.Fatalf("to %s, %+v", out.To, out.Push.PullRequest)
	}
	prs := r.fake.PullRequests("acme", "shop")
	if len(prs) != 1 || !strings.HasSuffix(prs[0].Title, "from v1.0.0 to v1.1.0") ||
		!strings.Contains(prs[0].Body, "**Not proposed**: svc v1.2.0 was tagged 2026-11-25 00:00 UTC, less than --min-age ago; it is taken from 2026-11-28 00:00 UTC.") {
		t.Errorf("pull request: %+v", prs)
	}
	if !strings.Contains(stderr, "idp: svc v1.2.0 was tagged 2026-11-25 00:00 UTC, less than --min-age ago") {
		t.Errorf("stderr:\n%s", stderr)
	}
	tagged := testNow.Add(-24 * time.Hour)
	if want := []update.Passed{{Version: "v1.2.0", Reason: "min-age", Tagged: tagged, Until: tagged.Add(3 * 24 * time.Hour)}}; !reflect.DeepEqual(out.PassedOver, want) {
		t.Errorf("passedOver %+v, want %+v", out.PassedOver, want)
	}

	// Nothing is old enough: nothing is proposed, and nothing changes on the forge.
	r2 := newBotRig(t, "github")
	r2.releaseAt("v1.1.0", "name: {{ .name }}\nprobe: /\nport: 9090\n", testNow.Add(-time.Hour))
	out, _ = r2.botAt(testNow, 0, "--min-age", "72h")
	if out.To != "v1.0.0" || out.Push.Push != "none" || out.Push.PullRequest.Action != "none" || len(r2.fake.PullRequests("acme", "shop")) != 0 {
		t.Errorf("too young: to %s, %+v %+v", out.To, out.Push, out.Push.PullRequest)
	}

	// Three days on, v1.2.0 has soaked: the pull request moves to it.
	out, _ = r.botAt(testNow.Add(3*24*time.Hour), 0, "--min-age", "3d")
	if out.To != "v1.2.0" || out.Push.PullRequest.Action != "updated" || out.PassedOver != nil {
		t.Errorf("once old enough: to %s, %+v, passed over %+v", out.To, out.Push.PullRequest, out.PassedOver)
	}
	if prs := r.fake.PullRequests("acme", "shop"); len(prs) != 1 || !strings.HasSuffix(prs[0].Title, "from v1.0.0 to v1.2.0") || strings.Contains(prs[0].Body, "Not proposed") {
		t.Errorf("pull request: %+v", prs)
	}
}

// TestBotSkip: a version under skip: in .idp.yaml is not proposed, and the bot's commit keeps
// the list; when every newer version is skipped, nothing is proposed.
func TestBotSkip(t *testing.T) {
	r := newBotRig(t, "gitlab")
	r.release("v1.1.0", "name: {{ .name }}\nprobe: /\nport: 9090\n")
	r.release("v1.2.0", "name: {{ .name }}\nprobe: /\nport: 9191\n")
	rec, err := os.ReadFile(filepath.Join(r.work, ".idp.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	r.commitMain(map[string]string{".idp.yaml": string(rec) + "skip: [v1.2.0]\n"}, "skip v1.2.0")

	out := r.bot(0)
	if out.To != "v1.1.0" || out.Push.PullRequest.Action != "created" {
		t.Fatalf("to %s, %+v", out.To, out.Push.PullRequest)
	}
	if want := []update.Passed{{Version: "v1.2.0", Reason: "skip"}}; !reflect.DeepEqual(out.PassedOver, want) {
		t.Errorf("passedOver %+v, want %+v", out.PassedOver, want)
	}
	prs := r.fake.PullRequests("acme", "shop")
	if len(prs) != 1 || !strings.HasSuffix(prs[0].Title, "from v1.0.0 to v1.1.0") || !strings.Contains(prs[0].Body, "**Not proposed**: svc v1.2.0 is skipped (skip: in .idp.yaml).") {
		t.Errorf("pull request: %+v", prs)
	}
	got, err := exec.Command("git", "--git-dir", filepath.Join(r.srv.Root, "acme/shop.git"), "show", "idp/update-svc:.idp.yaml").Output()
	if err != nil || !strings.Contains(string(got), "version: v1.1.0") || !strings.Contains(string(got), "\nskip: [v1.2.0]\n") {
		t.Errorf("bot's .idp.yaml: %v\n%s", err, got)
	}

	// Both skipped: nothing newer to propose; the bot's pull request is closed.
	r.commitMain(map[string]string{".idp.yaml": string(rec) + "skip: [v1.1.0, v1.2.0]\n"}, "skip both")
	out = r.bot(0)
	if out.To != "v1.0.0" || out.Push.Push != "deleted" || out.Push.PullRequest.Action != "closed" {
		t.Errorf("all skipped: to %s, %+v %+v", out.To, out.Push, out.Push.PullRequest)
	}
	if want := []update.Passed{{Version: "v1.2.0", Reason: "skip"}, {Version: "v1.1.0", Reason: "skip"}}; !reflect.DeepEqual(out.PassedOver, want) {
		t.Errorf("all skipped: passedOver %+v, want %+v", out.PassedOver, want)
	}
}
