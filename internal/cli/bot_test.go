package cli

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/idp-cli/idp/internal/forge"
	"github.com/idp-cli/idp/internal/forge/forgetest"
	"github.com/idp-cli/idp/internal/testutil/gitserver"
	"github.com/idp-cli/idp/internal/updaterun"
)

// The bot's flows are tested in internal/updaterun (bot_test.go, bot_manage_test.go); here, its
// flags, and a service on a real git server for the tests that run idp itself.

// botRig is a service on a real git server (git http-backend) whose forge is a fake, and the
// golden paths' source it was made from.
type botRig struct {
	t         *testing.T
	provider  string
	fake      *forgetest.Fake
	srv       *gitserver.Server
	src, work string
	remote    string
	env       map[string]string
}

func newBotRig(t *testing.T, provider string) *botRig {
	r := &botRig{t: t, provider: provider, fake: forgetest.New(t, provider)}
	r.srv = gitserver.StartAnonymousRead(t, forge.TokenUser(provider), forgetest.Token)
	r.remote = r.srv.NewBare(t, "acme/shop")
	r.fake.AddRepo(forgetest.Repo{Owner: "acme", Name: "shop", CloneURL: r.remote})
	r.env = map[string]string{"HOME": t.TempDir(), "IDP_GIT_TOKEN": forgetest.Token, "IDP_GIT_USERNAME": forge.TokenUser(provider),
		strings.ToUpper(provider) + "_TOKEN": forgetest.Token}
	r.src = t.TempDir()
	writeFiles(t, r.src, map[string]string{
		"svc/template.yaml":     "apiVersion: idp/v1\nkind: Template\ntype: service\nparameters:\n  - name: name\n    required: true\n",
		"svc/skeleton/app.yaml": "name: {{ .name }}\nprobe: /\nport: 8080\n",
	})
	gitIn(t, r.src, "init", "-q", "-b", "main")
	gitIn(t, r.src, "add", "-A")
	gitIn(t, r.src, "commit", "-q", "-m", "v1")
	gitIn(t, r.src, "tag", "v1.0.0")
	parent := t.TempDir()
	if res := run(t, r.env, nil, "new", "service", "shop", "--source", "file://"+r.src, "-o", filepath.Join(parent, "shop"), "--remote", r.remote); res.code != 0 {
		t.Fatalf("new: %+v", res)
	}
	r.work = filepath.Join(t.TempDir(), "shop")
	gitIn(t, parent, "clone", "-q", r.remote, r.work)
	return r
}

// testNow is a fixed clock for tests that date tags.
var testNow = time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC)

func writeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, data := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// release commits app.yaml to the source and tags it.
func (r *botRig) release(tag, app string) {
	writeFiles(r.t, r.src, map[string]string{"svc/skeleton/app.yaml": app})
	gitIn(r.t, r.src, "commit", "-q", "-am", tag)
	gitIn(r.t, r.src, "tag", tag)
}

// TestBotPullRequestFlagsNeedPullRequest: --label and the others are usage errors without
// --pull-request, as is a --min-age that is no duration (bot.ParseAge).
func TestBotPullRequestFlagsNeedPullRequest(t *testing.T) {
	for _, args := range [][]string{
		{"update", "--push", "--label", "idp"},
		{"update", "--auto-merge"},
		{"update", "--push", "--reviewers-from-codeowners"},
		{"update", "--pull-request", "--label", "a,b"},
		{"update", "--pull-request", "--assignee", "acme/team"},
		{"update", "--min-age", "soon"},
		{"update", "--branch", "x"},
		{"update", "--pull-request", "--provider", "svn"},
	} {
		res := run(t, nil, nil, args...)
		if res.code != ExitUsage {
			t.Errorf("%v: exit %d, want %d\n%s", args, res.code, ExitUsage, res.stderr)
		}
	}
}

// TestBotFlagsReachThePullRequest: idp update's bot flags become the bot's options (labels,
// reviewers, assignee, auto-merge, --min-age counted from idp's clock), and its conflicts exit
// status 3 with the report on stdout.
func TestBotFlagsReachThePullRequest(t *testing.T) {
	r := newBotRig(t, "github")
	r.fake.AddUser("bob")
	r.fake.AddUser("carol")
	for i, at := range []time.Time{testNow.Add(-10 * 24 * time.Hour), testNow.Add(-time.Hour)} { // v1.1.0 soaked, v1.2.0 not
		writeFiles(t, r.src, map[string]string{"svc/skeleton/app.yaml": fmt.Sprintf("name: {{ .name }}\nprobe: /healthz\nport: 80%d0\n", i)})
		date := "GIT_COMMITTER_DATE=" + at.Format(time.RFC3339)
		for _, args := range [][]string{{"commit", "-q", "-am", "release"}, {"tag", fmt.Sprintf("v1.%d.0", i+1)}} {
			cmd := exec.Command("git", append([]string{"-c", "user.name=t", "-c", "user.email=t@x"}, args...)...)
			cmd.Dir, cmd.Env = r.src, append(os.Environ(), date)
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Fatalf("git %v: %v\n%s", args, err, out)
			}
		}
	}

	res := runWith(t, r.env, nil, func(f *Factory) { f.Now = func() time.Time { return testNow } }, "update", "--dir", r.work, "--no-input",
		"--pull-request", "--provider", "github", "--host", r.fake.URL, "--output", "json", "--label", "idp", "--reviewer", "bob",
		"--assignee", "carol", "--auto-merge", "--min-age", "1d")
	var out updaterun.Report
	if err := json.Unmarshal([]byte(res.stdout), &out); err != nil || res.code != 0 {
		t.Fatalf("exit %d, %v\n%s\n%s", res.code, err, res.stdout, res.stderr)
	}
	pr := out.Push.PullRequest
	if out.To != "v1.1.0" || len(out.PassedOver) != 1 || pr.Action != "created" || !pr.AutoMerge ||
		!slices.Equal(pr.Labels, []string{"idp"}) || !slices.Equal(pr.Reviewers, []string{"bob"}) || !slices.Equal(pr.Assignees, []string{"carol"}) {
		t.Errorf("to %s, passed over %+v, pull request %+v", out.To, out.PassedOver, pr)
	}

	r.release("v1.3.0", "name: {{ .name }}\nprobe: /live\nport: 9090\n")
	writeFiles(t, r.work, map[string]string{"app.yaml": "name: shop\nprobe: /ours\nport: 8080\n"})
	gitIn(t, r.work, "-c", "user.name=t", "-c", "user.email=t@x", "commit", "-q", "-am", "own probe")
	gitIn(t, r.work, "push", "-q", r.srv.CredentialURL("acme/shop"), "main")
	res = run(t, r.env, nil, "update", "--dir", r.work, "--no-input", "--pull-request", "--provider", "github", "--host", r.fake.URL)
	if res.code != ExitConflicts || !strings.Contains(res.stdout, "\nPull request #1 updated") {
		t.Errorf("conflicts: exit %d\n%s\n%s", res.code, res.stdout, res.stderr)
	}
}
