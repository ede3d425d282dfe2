package updaterun

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	githttp "github.com/go-git/go-git/v5/plumbing/transport/http"

	"github.com/idp-cli/idp/internal/bot"
	"github.com/idp-cli/idp/internal/builtin"
	"github.com/idp-cli/idp/internal/forge"
	"github.com/idp-cli/idp/internal/forge/forgetest"
	"github.com/idp-cli/idp/internal/gitauth"
	"github.com/idp-cli/idp/internal/gitrepo"
	"github.com/idp-cli/idp/internal/layer"
	"github.com/idp-cli/idp/internal/scaffold"
	"github.com/idp-cli/idp/internal/source"
	"github.com/idp-cli/idp/internal/testutil/gitserver"
	"github.com/idp-cli/idp/internal/testutil/gittest"
	"github.com/idp-cli/idp/internal/update"
)

// botRig is a service on a real git server (git http-backend) whose forge is a fake, and the
// golden paths' source it was made from; the bot runs as idp update --pull-request does.
type botRig struct {
	t         *testing.T
	provider  string
	fake      *forgetest.Fake
	srv       *gitserver.Server
	src, work string
	remote    string
	cache     string
	log       bytes.Buffer // the last run's
	now       time.Time    // the clock; zero is time.Now
}

func newBotRig(t *testing.T, provider string) *botRig {
	r := &botRig{t: t, provider: provider, fake: forgetest.New(t, provider), cache: t.TempDir()}
	r.srv = gitserver.StartAnonymousRead(t, forge.TokenUser(provider), forgetest.Token)
	r.remote = r.srv.NewBare(t, "acme/shop")
	r.fake.AddRepo(forgetest.Repo{Owner: "acme", Name: "shop", CloneURL: r.remote})
	r.src = t.TempDir()
	gittest.Tagged(t, r.src, map[string]string{
		"svc/template.yaml":      svcManifest,
		"svc/skeleton/app.yaml":  "name: {{ .name }}\nprobe: /\nport: 8080\n",
		"svc/skeleton/README.md": "# {{ .name }}\n",
	}, "v1.0.0")
	made := filepath.Join(t.TempDir(), "shop")
	if _, err := scaffold.Run(context.Background(), scaffold.CreateDeps{
		OpenCatalog: r.open, Log: &r.log, Display: filepath.Base, Author: gitrepo.DefaultAuthor, Now: time.Now,
	}, scaffold.CreateOptions{Source: "file://" + r.src, Kind: "service", Template: "svc", Version: "latest", Name: "shop", OutputDir: made}); err != nil {
		t.Fatal(err)
	}
	gittest.Git(t, made, "push", "-q", r.srv.CredentialURL("acme/shop"), "main")
	r.work = filepath.Join(t.TempDir(), "shop")
	gittest.Git(t, made, "clone", "-q", r.remote, r.work)
	return r
}

func (r *botRig) open(ctx context.Context, loc string) (*source.Catalog, error) {
	return source.OpenCatalog(ctx, loc, source.OpenOptions{CacheDir: r.cache, Builtin: &builtin.History{}})
}

// deps are the bot's: the server's token for pushes, the fake for pull requests.
func (r *botRig) deps() Deps {
	now := time.Now
	if !r.now.IsZero() {
		now = func() time.Time { return r.now }
	}
	return Deps{
		Update: update.Deps{OpenCatalog: r.open, Log: &r.log, Display: func(dir string) string { return dir }, Now: now},
		Push: bot.PushDeps{
			Credentials: func(string) gitauth.Result {
				return gitauth.Result{Auth: &githttp.BasicAuth{Username: forge.TokenUser(r.provider), Password: forgetest.Token}}
			},
			Forge: func(url string) (*bot.Forge, error) {
				return bot.ForgeFor(url, bot.ForgeOptions{Provider: r.provider, Host: r.fake.URL, Token: func(string) string { return forgetest.Token }})
			},
			Now: now,
		},
	}
}

// release commits app.yaml to the source and tags it.
func (r *botRig) release(tag, app string) {
	gittest.Write(r.t, r.src, map[string]string{"svc/skeleton/app.yaml": app})
	gittest.Git(r.t, r.src, "commit", "-q", "-am", tag)
	gittest.Git(r.t, r.src, "tag", tag)
}

// releaseAt is release with the tagged commit dated at: the date --min-age counts from.
func (r *botRig) releaseAt(tag, app string, at time.Time) {
	r.t.Helper()
	gittest.Write(r.t, r.src, map[string]string{"svc/skeleton/app.yaml": app})
	date := at.Format(time.RFC3339)
	for _, args := range [][]string{{"commit", "-q", "-am", tag}, {"tag", tag}} {
		cmd := exec.Command("git", args...)
		cmd.Dir = r.src
		cmd.Env = append(cmd.Environ(), "GIT_CONFIG_NOSYSTEM=1", "GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@x",
			"GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@x", "GIT_AUTHOR_DATE="+date, "GIT_COMMITTER_DATE="+date)
		if out, err := cmd.CombinedOutput(); err != nil {
			r.t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
}

// commitMain commits a local change to the service and pushes it to main.
func (r *botRig) commitMain(files map[string]string, msg string) {
	gittest.Write(r.t, r.work, files)
	gittest.Git(r.t, r.work, "commit", "-q", "-am", msg)
	gittest.Git(r.t, r.work, "push", "-q", r.srv.CredentialURL("acme/shop"), "main")
}

// options are idp update --no-input --pull-request in the service; set changes them.
func (r *botRig) options(set ...func(*Options)) Options {
	o := Options{Do: update.DoOptions{Dir: r.work, To: "latest", Mode: update.ModeBot}, Push: bot.PushOptions{PullRequest: true, Display: r.work}}
	for _, s := range set {
		s(&o)
	}
	return o
}

// status is what an exit status would say of a run's end: 0, or the Status it leaves.
func status(t *testing.T, err error) Status {
	var left *Left
	if err != nil && !errors.As(err, &left) {
		t.Fatalf("not a run's end: %v", err)
	}
	if left == nil {
		return 0
	}
	return left.Status
}

// botRun runs the bot and returns its result, after checking what it leaves.
func (r *botRig) botRun(want Status, set ...func(*Options)) *Result {
	r.t.Helper()
	r.log.Reset()
	res, err := Run(context.Background(), r.deps(), r.options(set...))
	if err != nil {
		r.t.Fatalf("bot: %v\nlog:\n%s", err, r.log.String())
	}
	if got := status(r.t, res.Err()); got != want {
		r.t.Fatalf("bot left %d, want %d (%v)\nlog:\n%s", got, want, res.Err(), r.log.String())
	}
	return res
}

// bot runs the bot on a service without add-ons and returns its JSON report.
func (r *botRig) bot(want Status, set ...func(*Options)) Report {
	r.t.Helper()
	var out Report
	r.decode(r.botRun(want, set...), &out)
	return out
}

func (r *botRig) decode(res *Result, v any) {
	r.t.Helper()
	var b bytes.Buffer
	if err := res.Write(&b, &r.log, true); err != nil {
		r.t.Fatal(err)
	}
	if err := json.Unmarshal(b.Bytes(), v); err != nil {
		r.t.Fatalf("bot output: %v\n%s", err, b.String())
	}
}

// branch is the bot branch's commit on the server, or "" when there is none.
func (r *botRig) branch() string {
	out, err := exec.Command("git", "--git-dir", filepath.Join(r.srv.Root, "acme/shop.git"), "rev-parse", "--verify", "-q", "refs/heads/idp/update-svc").Output()
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(out))
}

// show is path on the bot's branch, on the server.
func (r *botRig) show(path string) string {
	r.t.Helper()
	out, err := exec.Command("git", "--git-dir", filepath.Join(r.srv.Root, "acme/shop.git"), "show", "idp/update-svc:"+path).Output()
	if err != nil {
		r.t.Fatalf("git show %s: %v", path, err)
	}
	return string(out)
}

// writes are the requests that changed something on the forge.
func (r *botRig) writes() []string {
	var w []string
	for _, c := range r.fake.Calls() {
		if !strings.HasPrefix(c, "GET ") {
			w = append(w, c)
		}
	}
	return w
}

// addDocs adds the add-on docs (tagged v1.0.1) to the service, on main.
func (r *botRig) addDocs() {
	gittest.Write(r.t, r.src, map[string]string{
		"docs/template.yaml":          "apiVersion: idp/v1\nkind: Template\ntype: addon\nparameters:\n  - name: name\n    required: true\nfiles:\n  blocks:\n    - file: app.yaml\n      content: 'docs: /{{ .name }}'\n",
		"docs/skeleton/docs/index.md": "# {{ .name }}\n",
	})
	gittest.Git(r.t, r.src, "add", "-A")
	gittest.Git(r.t, r.src, "commit", "-q", "-m", "docs")
	gittest.Git(r.t, r.src, "tag", "v1.0.1")
	if _, err := layer.Add(context.Background(), layer.Deps{OpenCatalog: r.open, Log: &r.log, Author: gitrepo.DefaultAuthor, Now: time.Now},
		layer.AddOptions{Dir: r.work, Template: "docs", Version: "latest"}); err != nil {
		r.t.Fatal(err)
	}
	gittest.Git(r.t, r.work, "push", "-q", r.srv.CredentialURL("acme/shop"), "main")
}

// TestBotPullRequests drives the bot through a pull request's life on each forge: opened as a
// draft because of a conflict, left alone when nothing is new, updated (not duplicated) for a
// newer version, closed once main has the update; and not reopened once someone declined it.
func TestBotPullRequests(t *testing.T) {
	for _, provider := range []string{"github", "gitlab", "gitea"} {
		t.Run(provider, func(t *testing.T) {
			r := newBotRig(t, provider)
			// The service changed the line v1.1.0 changes: a conflict.
			r.commitMain(map[string]string{"app.yaml": "name: shop\nprobe: /live\nport: 8080\n"}, "own probe")
			r.release("v1.1.0", "name: {{ .name }}\nprobe: /healthz\nport: 8080\n")

			out := r.bot(Conflicts)
			pr := out.Push.PullRequest
			if out.Push.Push != "created" || pr == nil || pr.Action != "created" || !pr.Draft || pr.Number == 0 {
				t.Fatalf("first run: %+v %+v", out.Push, pr)
			}
			prs := r.fake.PullRequests("acme", "shop")
			if len(prs) != 1 {
				t.Fatalf("pull requests: %+v", prs)
			}
			got := prs[0]
			if got.Head != "idp/update-svc" || got.Base != "main" || got.State != "open" || !got.Draft {
				t.Errorf("pull request: %+v", got)
			}
			if !strings.HasSuffix(got.Title, "chore(idp): update svc from v1.0.0 to v1.1.0") {
				t.Errorf("title %q", got.Title)
			}
			for _, want := range []string{"| `app.yaml` | conflict", "**Conflicts** in 1 file: `app.yaml`", "<!-- idp-update template=svc from=v1.0.0 to=v1.1.0 -->"} {
				if !strings.Contains(got.Body, want) {
					t.Errorf("body lacks %q:\n%s", want, got.Body)
				}
			}
			first := r.branch()
			if first == "" || first != out.Push.Commit {
				t.Fatalf("branch %q, reported %q", first, out.Push.Commit)
			}

			// Nothing new: no push, no write to the forge.
			before := len(r.writes())
			out = r.bot(Conflicts)
			if out.Push.Push != "unchanged" || out.Push.PullRequest.Action != "unchanged" || r.branch() != first {
				t.Errorf("second run: %+v %+v", out.Push, out.Push.PullRequest)
			}
			if w := r.writes(); len(w) != before {
				t.Errorf("second run wrote to the forge: %v", w[before:])
			}

			// A newer version: the same pull request, updated; the branch's one commit replaced.
			r.release("v1.2.0", "name: {{ .name }}\nprobe: /healthz\nport: 9090\n")
			out = r.bot(Conflicts)
			if out.Push.Push != "updated" || out.Push.PullRequest.Action != "updated" || out.Push.PullRequest.Number != pr.Number {
				t.Errorf("third run: %+v %+v", out.Push, out.Push.PullRequest)
			}
			prs = r.fake.PullRequests("acme", "shop")
			if len(prs) != 1 || !strings.HasSuffix(prs[0].Title, "update svc from v1.0.0 to v1.2.0") || !strings.Contains(prs[0].Body, "to=v1.2.0 -->") {
				t.Errorf("after v1.2.0: %+v", prs)
			}
			gittest.Git(t, r.srv.Root, "--git-dir", "acme/shop.git", "merge-base", "--is-ancestor", "main", "idp/update-svc")

			// Main gets the update by hand: the bot's pull request is closed, its branch deleted.
			res, err := Run(context.Background(), r.deps(), Options{Do: update.DoOptions{Dir: r.work, To: "latest", Mode: update.ModeWrite}})
			if err != nil || status(t, res.Err()) != Conflicts {
				t.Fatalf("update by hand: %v %v", err, res.Err())
			}
			r.commitMain(map[string]string{"app.yaml": "name: shop\nprobe: /live\nport: 9090\n"}, "idp update, resolved")
			out = r.bot(0)
			if out.Push.Push != "deleted" || out.Push.PullRequest.Action != "closed" || out.Push.PullRequest.Number != pr.Number || r.branch() != "" {
				t.Errorf("obsolete: %+v %+v", out.Push, out.Push.PullRequest)
			}
			if prs = r.fake.PullRequests("acme", "shop"); len(prs) != 1 || prs[0].State != "closed" {
				t.Errorf("after main was updated: %+v", prs)
			}

			// v1.3.0's pull request, closed unmerged by someone: not opened again.
			r.release("v1.3.0", "name: {{ .name }}\nprobe: /healthz\nport: 9090\ntimeout: 5s\n")
			out = r.bot(0)
			n := out.Push.PullRequest.Number
			if out.Push.PullRequest.Action != "created" || out.Push.PullRequest.Draft {
				t.Fatalf("v1.3.0: %+v", out.Push.PullRequest)
			}
			api, err := forge.New(r.provider, forge.Options{Host: r.fake.URL, Token: forgetest.Token})
			if err != nil {
				t.Fatal(err)
			}
			if err := api.ClosePullRequest(t.Context(), "acme", "shop", n); err != nil {
				t.Fatal(err)
			}
			out = r.bot(0)
			if out.Push.PullRequest.Action != "declined" || out.Push.PullRequest.Number != n || len(r.fake.PullRequests("acme", "shop")) != 2 {
				t.Errorf("declined: %+v, %+v", out.Push.PullRequest, r.fake.PullRequests("acme", "shop"))
			}
		})
	}
}

// TestBotRefusesAStaleCheckout: the bot commits on top of the default branch's head, so a
// checkout behind it is refused with what to do, and nothing is pushed.
func TestBotRefusesAStaleCheckout(t *testing.T) {
	r := newBotRig(t, "github")
	other := filepath.Join(t.TempDir(), "other")
	gittest.Git(t, r.work, "clone", "-q", r.remote, other)
	gittest.Write(t, other, map[string]string{"app.yaml": "name: shop\nprobe: /\nport: 9000\n"})
	gittest.Git(t, other, "commit", "-q", "-am", "elsewhere")
	gittest.Git(t, other, "push", "-q", r.srv.CredentialURL("acme/shop"), "main")
	r.release("v1.1.0", "name: {{ .name }}\nprobe: /healthz\nport: 8080\n")

	push := func(o *Options) { o.Push.PullRequest = false }
	_, err := Run(context.Background(), r.deps(), r.options(push))
	if err == nil || !strings.Contains(err.Error(), "but "+r.remote+"'s main is at ") ||
		!strings.Contains(err.Error(), "the bot commits on top of the default branch's head: check out main and pull, or run in a fresh clone") {
		t.Errorf("stale: %v", err)
	}
	if r.branch() != "" {
		t.Error("pushed from a stale checkout")
	}
	// Without a remote at all.
	gittest.Git(t, r.work, "remote", "remove", "origin")
	if _, err = Run(context.Background(), r.deps(), r.options(push)); err == nil || err.Error() != r.work+" has no remote named origin; --push pushes there" {
		t.Errorf("no origin: %v", err)
	}
}
