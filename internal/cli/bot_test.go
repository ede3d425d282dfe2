package cli

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/idp-cli/idp/internal/forge"
	"github.com/idp-cli/idp/internal/forge/forgetest"
	"github.com/idp-cli/idp/internal/testutil/gitserver"
	"github.com/idp-cli/idp/internal/updaterun"
)

// botRig is a service on a real git server (git http-backend) whose forge is a fake, and the
// golden paths' source it was made from.
type botRig struct {
	t          *testing.T
	provider   string
	fake       *forgetest.Fake
	srv        *gitserver.Server
	src, work  string
	remote     string
	env        map[string]string
	tagVersion int
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
		"svc/template.yaml":      "apiVersion: idp/v1\nkind: Template\ntype: service\nparameters:\n  - name: name\n    required: true\n",
		"svc/skeleton/app.yaml":  "name: {{ .name }}\nprobe: /\nport: 8080\n",
		"svc/skeleton/README.md": "# {{ .name }}\n",
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

// commitMain commits a local change to the service and pushes it to main.
func (r *botRig) commitMain(files map[string]string, msg string) {
	writeFiles(r.t, r.work, files)
	gitIn(r.t, r.work, "commit", "-q", "-am", msg)
	gitIn(r.t, r.work, "push", "-q", r.srv.CredentialURL("acme/shop"), "main")
}

func (r *botRig) bot(wantCode int, extra ...string) updaterun.Report {
	r.t.Helper()
	args := append([]string{"update", "--dir", r.work, "--no-input", "--pull-request", "--provider", r.provider, "--host", r.fake.URL, "--output", "json"}, extra...)
	res := run(r.t, r.env, nil, args...)
	if res.code != wantCode {
		r.t.Fatalf("bot: exit %d, want %d\nstdout:\n%s\nstderr:\n%s", res.code, wantCode, res.stdout, res.stderr)
	}
	var out updaterun.Report
	if err := json.Unmarshal([]byte(res.stdout), &out); err != nil {
		r.t.Fatalf("bot output: %v\n%s", err, res.stdout)
	}
	return out
}

// branch is the bot branch's commit on the server, or "" when there is none.
func (r *botRig) branch() string {
	out, err := exec.Command("git", "--git-dir", filepath.Join(r.srv.Root, "acme/shop.git"), "rev-parse", "--verify", "-q", "refs/heads/idp/update-svc").Output()
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(out))
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

			out := r.bot(ExitConflicts)
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
			out = r.bot(ExitConflicts)
			if out.Push.Push != "unchanged" || out.Push.PullRequest.Action != "unchanged" || r.branch() != first {
				t.Errorf("second run: %+v %+v", out.Push, out.Push.PullRequest)
			}
			if w := r.writes(); len(w) != before {
				t.Errorf("second run wrote to the forge: %v", w[before:])
			}

			// A newer version: the same pull request, updated; the branch's one commit replaced.
			r.release("v1.2.0", "name: {{ .name }}\nprobe: /healthz\nport: 9090\n")
			out = r.bot(ExitConflicts)
			if out.Push.Push != "updated" || out.Push.PullRequest.Action != "updated" || out.Push.PullRequest.Number != pr.Number {
				t.Errorf("third run: %+v %+v", out.Push, out.Push.PullRequest)
			}
			prs = r.fake.PullRequests("acme", "shop")
			if len(prs) != 1 || !strings.HasSuffix(prs[0].Title, "update svc from v1.0.0 to v1.2.0") || !strings.Contains(prs[0].Body, "to=v1.2.0 -->") {
				t.Errorf("after v1.2.0: %+v", prs)
			}
			gitIn(t, r.srv.Root, "--git-dir", "acme/shop.git", "merge-base", "--is-ancestor", "main", "idp/update-svc")

			// Main gets the update by hand: the bot's pull request is closed, its branch deleted.
			if res := run(t, r.env, nil, "update", "--dir", r.work, "--no-input"); res.code != ExitConflicts {
				t.Fatalf("update by hand: %+v", res)
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
			closePR(t, r, n)
			out = r.bot(0)
			if out.Push.PullRequest.Action != "declined" || out.Push.PullRequest.Number != n || len(r.fake.PullRequests("acme", "shop")) != 2 {
				t.Errorf("declined: %+v, %+v", out.Push.PullRequest, r.fake.PullRequests("acme", "shop"))
			}
		})
	}
}

// closePR closes pull request n as a person would, through the forge's API.
func closePR(t *testing.T, r *botRig, n int) {
	t.Helper()
	api := newForgeForTest(t, r)
	if err := api.ClosePullRequest(t.Context(), "acme", "shop", n); err != nil {
		t.Fatal(err)
	}
}

func newForgeForTest(t *testing.T, r *botRig) forge.Provider {
	t.Helper()
	api, err := forge.New(r.provider, forge.Options{Host: r.fake.URL, Token: forgetest.Token})
	if err != nil {
		t.Fatal(err)
	}
	return api
}

// TestBotRefusesAStaleCheckout: the bot commits on top of the default branch's head, so a
// checkout behind it is refused with what to do, and nothing is pushed.
func TestBotRefusesAStaleCheckout(t *testing.T) {
	r := newBotRig(t, "github")
	other := filepath.Join(t.TempDir(), "other")
	gitIn(t, r.work, "clone", "-q", r.remote, other)
	writeFiles(t, other, map[string]string{"app.yaml": "name: shop\nprobe: /\nport: 9000\n"})
	gitIn(t, other, "commit", "-q", "-am", "elsewhere")
	gitIn(t, other, "push", "-q", r.srv.CredentialURL("acme/shop"), "main")
	r.release("v1.1.0", "name: {{ .name }}\nprobe: /healthz\nport: 8080\n")

	res := run(t, r.env, nil, "update", "--dir", r.work, "--no-input", "--push")
	if res.code != 1 || !strings.Contains(res.stderr, "but "+r.remote+"'s main is at ") ||
		!strings.Contains(res.stderr, "the bot commits on top of the default branch's head: check out main and pull, or run in a fresh clone") {
		t.Errorf("%+v", res)
	}
	if r.branch() != "" {
		t.Error("pushed from a stale checkout")
	}
	// Without a remote at all.
	gitIn(t, r.work, "remote", "remove", "origin")
	res = run(t, r.env, nil, "update", "--dir", r.work, "--no-input", "--push")
	if res.code != 1 || res.stderr != "idp: "+r.work+" has no remote named origin; --push pushes there\n" {
		t.Errorf("no origin: %+v", res)
	}
}
