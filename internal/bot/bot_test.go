package bot

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	git "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	githttp "github.com/go-git/go-git/v5/plumbing/transport/http"

	"github.com/idp-cli/idp/internal/gitrepo"
	"github.com/idp-cli/idp/internal/testutil/gitserver"
)

const (
	branch = "idp/update-svc"
	user   = "bot"
	secret = "s3cret"
)

// rig is a service repository on a real git server (git http-backend on loopback) and a clone
// of it checked out at the head of main, where the bot runs.
type rig struct {
	t    *testing.T
	srv  *gitserver.Server
	url  string // the repository, without credentials, as the bot is given it
	cred string // with credentials, for the git CLI
	work string
	now  time.Time
}

func newRig(t *testing.T) *rig {
	t.Helper()
	r := &rig{t: t, srv: gitserver.Start(t, user, secret), now: time.Unix(1_800_000_000, 0).UTC()}
	r.url = r.srv.NewBare(t, "acme/svc")
	r.cred = r.srv.CredentialURL("acme/svc")
	seed := t.TempDir()
	r.git(seed, "init", "-q", "-b", "main")
	writeFile(t, seed, "app.yaml", "name: svc\nreplicas: 1\n")
	writeFile(t, seed, ".idp.yaml", "template: {name: svc, version: v1.0.0}\n")
	r.git(seed, "add", "-A")
	r.git(seed, "commit", "-q", "-m", "first")
	r.git(seed, "push", "-q", r.cred, "main")
	r.work = filepath.Join(t.TempDir(), "work")
	r.git("", "clone", "-q", r.cred, r.work)
	return r
}

func writeFile(t *testing.T, dir, name, data string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}

// git runs the git CLI in dir as a person, Jane, would; env adds to the environment.
func (r *rig) git(dir string, args ...string) string {
	r.t.Helper()
	return r.gitAs(dir, nil, args...)
}

func (r *rig) gitAs(dir string, env []string, args ...string) string {
	r.t.Helper()
	if dir != "" {
		args = append([]string{"-C", dir}, args...)
	}
	cmd := exec.Command("git", args...)
	cmd.Env = append(os.Environ(), "GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL="+os.DevNull,
		"GIT_AUTHOR_NAME=Jane", "GIT_AUTHOR_EMAIL=jane@example.com",
		"GIT_COMMITTER_NAME=Jane", "GIT_COMMITTER_EMAIL=jane@example.com")
	cmd.Env = append(cmd.Env, env...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		r.t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return strings.TrimSpace(string(out))
}

// asIdp is the environment of someone who commits under the bot's name.
var asIdp = []string{"GIT_AUTHOR_NAME=idp", "GIT_AUTHOR_EMAIL=idp@localhost", "GIT_COMMITTER_NAME=idp", "GIT_COMMITTER_EMAIL=idp@localhost"}

// rev is a ref's commit on the server, or "" when there is none.
func (r *rig) rev(ref string) string {
	out, err := exec.Command("git", "--git-dir", filepath.Join(r.srv.Root, "acme/svc.git"), "rev-parse", "--verify", "-q", ref).Output()
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(out))
}

// commitMain pushes a commit to main from a clone of its own and brings the bot's checkout to it.
func (r *rig) commitMain(name, data, msg string) string {
	r.t.Helper()
	other := filepath.Join(r.t.TempDir(), "main")
	r.git("", "clone", "-q", r.cred, other)
	writeFile(r.t, other, name, data)
	r.git(other, "add", "-A")
	r.git(other, "commit", "-q", "-m", msg)
	r.git(other, "push", "-q", "origin", "main")
	r.sync()
	return r.rev("main")
}

// sync checks the bot's clone out at the server's main, as a CI job's fresh checkout is.
func (r *rig) sync() {
	r.t.Helper()
	r.git(r.work, "fetch", "-q", "-f", "origin", "+main:refs/remotes/origin/main")
	r.git(r.work, "reset", "-q", "--hard", "origin/main")
}

// opts is the bot's run for the update to version to, which sets app.yaml to app.
func (r *rig) opts(work, to, app string) Options {
	r.t.Helper()
	repo, err := git.PlainOpen(work)
	if err != nil {
		r.t.Fatal(err)
	}
	r.now = r.now.Add(time.Minute)
	return Options{
		Repo:     repo,
		Remote:   gitrepo.PushOptions{URL: r.url, Auth: &githttp.BasicAuth{Username: user, Password: secret}, Hint: "check the test's credentials"},
		Branch:   branch,
		Author:   gitrepo.DefaultAuthor,
		Now:      r.now,
		Template: "svc", From: "v1.0.0", To: to,
		Changes: []gitrepo.Change{
			{Path: "app.yaml", Mode: 0o644, Data: []byte(app)},
			{Path: ".idp.yaml", Mode: 0o644, Data: []byte("template: {name: svc, version: " + to + "}\n")},
		},
		Title: "chore(idp): update svc from v1.0.0 to " + to,
		Body:  "Moves this service to " + to + ".",
	}
}

func (r *rig) run(to, app string) (*Report, error) {
	r.t.Helper()
	return Run(r.t.Context(), r.opts(r.work, to, app))
}

func (r *rig) mustRun(to, app, push string) *Report {
	r.t.Helper()
	rep, err := r.run(to, app)
	if err != nil {
		r.t.Fatalf("bot %s: %v", to, err)
	}
	if rep.Push != push {
		r.t.Fatalf("bot %s: push %q, want %q", to, rep.Push, push)
	}
	if got := r.rev("refs/heads/" + branch); rep.Push != "deleted" && got != rep.Commit {
		r.t.Fatalf("bot %s: branch at %s, report says %s", to, got, rep.Commit)
	}
	return rep
}

// amend replaces the branch's commit by one made in a clone of the branch: app.yaml set to
// app (unless it is empty), then git commit --amend with extra arguments, under env.
func (r *rig) amend(env []string, app string, extra ...string) string {
	r.t.Helper()
	h := filepath.Join(r.t.TempDir(), "human")
	r.git("", "clone", "-q", "-b", branch, r.cred, h)
	if app != "" {
		writeFile(r.t, h, "app.yaml", app)
	}
	r.gitAs(h, env, append([]string{"commit", "-q", "-a", "--amend", "--no-edit"}, extra...)...)
	r.git(h, "push", "-q", "-f", "origin", branch)
	return r.rev("refs/heads/" + branch)
}

func foreign(t *testing.T, err error) *ForeignError {
	t.Helper()
	var fe *ForeignError
	if !errors.As(err, &fe) {
		t.Fatalf("want a ForeignError, got %v", err)
	}
	return fe
}

// TestAmendedCommitIsNotOverwritten is issue 12, item 18: someone resolves the bot's conflict
// with git commit --amend --reset-author, keeping the Idp-Update trailer, so that author and
// committer are the same person. A newer version must not force-push over it.
func TestAmendedCommitIsNotOverwritten(t *testing.T) {
	r := newRig(t)
	r.mustRun("v1.1.0", "name: svc\nreplicas: 1\nprobe: /healthz\n", "created")
	human := r.amend(nil, "name: svc\nreplicas: 3\nprobe: /healthz\n", "--reset-author")
	if msg := r.git(r.work, "--git-dir", filepath.Join(r.srv.Root, "acme/svc.git"), "log", "-1", "--format=%an %ae|%cn %ce|%B", human); !strings.HasPrefix(msg, "Jane jane@example.com|Jane jane@example.com|") || !strings.Contains(msg, "\nIdp-Update: svc v1.0.0 -> v1.1.0") {
		t.Fatalf("the amended commit is not what the issue describes: %s", msg)
	}

	// Nothing newer: the branch is theirs to finish.
	rep := r.mustRun("v1.1.0", "name: svc\nreplicas: 1\nprobe: /healthz\n", "kept")
	if rep.Commit != human {
		t.Errorf("kept %s, the branch is at %s", rep.Commit, human)
	}

	// A newer version: refused, never force-pushed.
	_, err := r.run("v1.2.0", "name: svc\nreplicas: 1\nprobe: /ready\n")
	fe := foreign(t, err)
	want := "branch idp/update-svc on " + r.url + " has a commit idp did not make (" + human[:7] + ` by Jane <jane@example.com>: "chore(idp): update svc from v1.0.0 to v1.1.0"); idp leaves it alone: merge or close its pull request and delete the branch, or give --branch another name`
	if fe.Error() != want {
		t.Errorf("error:\n%s\nwant:\n%s", fe.Error(), want)
	}
	if got := r.rev("refs/heads/" + branch); got != human {
		t.Errorf("the branch moved from the human's %s to %s", human, got)
	}
}

// TestCommitUnderIdpsNameIsProvedByItsTree: author and committer are idp's own name, as anyone
// can set them, so they prove nothing alone. A commit whose files changed after idp made it is
// someone else's; one whose files and parent are as idp made them holds nothing of anyone's.
func TestCommitUnderIdpsNameIsProvedByItsTree(t *testing.T) {
	r := newRig(t)
	r.mustRun("v1.1.0", "name: svc\nreplicas: 1\nprobe: /healthz\n", "created")
	edited := r.amend(asIdp, "name: svc\nreplicas: 5\nprobe: /healthz\n", "--reset-author")
	_, err := r.run("v1.2.0", "name: svc\nreplicas: 1\nprobe: /ready\n")
	fe := foreign(t, err)
	if !strings.Contains(fe.Error(), "has a commit idp did not make ("+edited[:7]+` by idp <idp@localhost>: "chore(idp): update svc from v1.0.0 to v1.1.0"; it has idp's name, but its files or its parent changed after idp made it); idp leaves it alone`) {
		t.Errorf("error: %s", fe.Error())
	}
	if got := r.rev("refs/heads/" + branch); got != edited {
		t.Errorf("the branch moved from %s to %s", edited, got)
	}

	// The same files under idp's name again (the branch reset to idp's own content, say):
	// nothing there is anyone's, and the newer version replaces it.
	r2 := newRig(t)
	r2.mustRun("v1.1.0", "name: svc\nreplicas: 1\nprobe: /healthz\n", "created")
	r2.amend(asIdp, "", "--reset-author", "--date=2030-01-01T00:00:00Z")
	r2.mustRun("v1.2.0", "name: svc\nreplicas: 1\nprobe: /ready\n", "updated")
}

// TestCommitOnAnotherCommitIsNotIdps: idp's commit moved onto a commit of someone's (a
// rebase keeps the message and, on an empty commit, even the tree) is no longer idp's.
func TestCommitOnAnotherCommitIsNotIdps(t *testing.T) {
	r := newRig(t)
	r.mustRun("v1.1.0", "name: svc\nreplicas: 1\nprobe: /healthz\n", "created")
	h := filepath.Join(t.TempDir(), "human")
	r.git("", "clone", "-q", "-b", branch, r.cred, h)
	r.git(h, "checkout", "-q", "-b", "tmp", "origin/main")
	r.git(h, "commit", "-q", "--allow-empty", "-m", "a note of mine")
	r.gitAs(h, asIdp, "cherry-pick", "--keep-redundant-commits", branch)
	r.git(h, "push", "-q", "-f", "origin", "tmp:"+branch)
	moved := r.rev("refs/heads/" + branch)
	_, err := r.run("v1.2.0", "name: svc\nreplicas: 1\nprobe: /ready\n")
	foreign(t, err)
	if got := r.rev("refs/heads/" + branch); got != moved {
		t.Errorf("the branch moved from %s to %s", moved, got)
	}
}

// TestRebuiltAfterDefaultBranchRewritten is issue 12, item 19: main is force-pushed, so the
// bot's commit sits on a commit main no longer has. The branch holds only idp's commit, so it
// is rebuilt on the new main, with a lease on the old tip.
func TestRebuiltAfterDefaultBranchRewritten(t *testing.T) {
	r := newRig(t)
	first := r.rev("main")
	old := r.commitMain("notes.txt", "a secret pushed by mistake\n", "notes")
	rep := r.mustRun("v1.1.0", "name: svc\nreplicas: 1\nprobe: /healthz\n", "created")

	// Someone takes the commit back out of main.
	h := filepath.Join(t.TempDir(), "rewrite")
	r.git("", "clone", "-q", r.cred, h)
	r.git(h, "reset", "-q", "--hard", first)
	writeFile(t, h, "notes.txt", "nothing secret\n")
	r.git(h, "add", "-A")
	r.git(h, "commit", "-q", "-m", "notes, again")
	r.git(h, "push", "-q", "-f", "origin", "main")
	r.sync()
	head := r.rev("main")

	again := r.mustRun("v1.1.0", "name: svc\nreplicas: 1\nprobe: /healthz\n", "updated")
	if again.Commit == rep.Commit {
		t.Fatal("the branch was not rebuilt")
	}
	if p := r.rev(branch + "^"); p != head {
		t.Errorf("rebuilt on %s, main is %s", p, head)
	}
	bare := filepath.Join(r.srv.Root, "acme/svc.git")
	if n := r.git("", "--git-dir", bare, "rev-list", "--count", "main.."+branch); n != "1" {
		t.Errorf("%s commits between main and the branch, want 1", n)
	}
	if out := r.git("", "--git-dir", bare, "branch", "--contains", old); out != "" {
		t.Errorf("the rewritten-away commit is still on %s", out)
	}
	// Rewritten again, and a newer version: rebuilt again, not refused.
	r.git(h, "commit", "-q", "--amend", "-m", "notes, once more")
	r.git(h, "push", "-q", "-f", "origin", "main")
	r.sync()
	r.mustRun("v1.2.0", "name: svc\nreplicas: 1\nprobe: /ready\n", "updated")
	if p := r.rev(branch + "^"); p != r.rev("main") {
		t.Errorf("rebuilt on %s, main is %s", p, r.rev("main"))
	}
}

// TestNotRebuiltOverSomeonesCommit: after main is rewritten, a branch with someone's commit
// on the bot's is still theirs.
func TestNotRebuiltOverSomeonesCommit(t *testing.T) {
	r := newRig(t)
	first := r.rev("main")
	r.commitMain("notes.txt", "one\n", "notes")
	r.mustRun("v1.1.0", "name: svc\nreplicas: 1\nprobe: /healthz\n", "created")
	h := filepath.Join(t.TempDir(), "human")
	r.git("", "clone", "-q", "-b", branch, r.cred, h)
	writeFile(t, h, "app.yaml", "name: svc\nreplicas: 2\nprobe: /healthz\n")
	r.git(h, "commit", "-q", "-am", "two replicas")
	r.git(h, "push", "-q", "origin", branch)
	human := r.rev("refs/heads/" + branch)
	r.git(h, "push", "-q", "-f", "origin", first+":refs/heads/main")
	r.sync()

	r.mustRun("v1.1.0", "name: svc\nreplicas: 1\nprobe: /healthz\n", "kept")
	_, err := r.run("v1.2.0", "name: svc\nreplicas: 1\nprobe: /ready\n")
	if fe := foreign(t, err); fe.Commit != human[:7] {
		t.Errorf("names %s, want the human's %s", fe.Commit, human[:7])
	}
	if got := r.rev("refs/heads/" + branch); got != human {
		t.Errorf("the branch moved from %s to %s", human, got)
	}
}

// racer is a proxy between the bot and the git server that, on the bot's next push, lets
// another push happen first: after the bot has read the branch and the server has told it
// where the branch is, just before its own update arrives.
type racer struct {
	proxy *httptest.Server
	mu    sync.Mutex
	first func()
}

func newRacer(t *testing.T, target string) *racer {
	u, err := url.Parse(target)
	if err != nil {
		t.Fatal(err)
	}
	rc := &racer{}
	rp := httputil.NewSingleHostReverseProxy(u)
	rc.proxy = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		if req.Method == http.MethodPost && strings.HasSuffix(req.URL.Path, "/git-receive-pack") {
			rc.mu.Lock()
			f := rc.first
			rc.first = nil
			rc.mu.Unlock()
			if f != nil {
				f()
			}
		}
		rp.ServeHTTP(w, req)
	}))
	t.Cleanup(rc.proxy.Close)
	return rc
}

// raced runs the bot through a racer that lets other push first; it returns the bot's
// report and error.
func (r *rig) raced(to, app string, other func()) (*Report, error) {
	r.t.Helper()
	rc := newRacer(r.t, r.srv.URL)
	rc.first = other
	o := r.opts(r.work, to, app)
	o.Remote.URL = rc.proxy.URL + "/acme/svc.git"
	return Run(r.t.Context(), o)
}

// TestRaceWithAnotherRun is issue 12, item 20: two bots run at once. The one whose push comes
// second is refused by the server; it says that another run updated the branch and that
// nothing was lost, never go-git's "command error on refs/heads/...: failed to update ref".
func TestRaceWithAnotherRun(t *testing.T) {
	app := "name: svc\nreplicas: 1\nprobe: /healthz\n"
	for _, exists := range []bool{false, true} {
		name := "create"
		if exists {
			name = "update"
		}
		t.Run(name+"/same update", func(t *testing.T) {
			r := newRig(t)
			if exists {
				r.mustRun("v1.0.1", "name: svc\nreplicas: 1\n# v1.0.1\n", "created")
			}
			other := filepath.Join(t.TempDir(), "other")
			r.git("", "clone", "-q", r.cred, other)
			var won *Report
			rep, err := r.raced("v1.1.0", app, func() {
				var err error
				if won, err = Run(t.Context(), r.opts(other, "v1.1.0", app)); err != nil {
					t.Errorf("the other run: %v", err)
				}
			})
			if err != nil {
				t.Fatalf("the run that came second: %v", err)
			}
			// The other run's commit is this very update: the branch holds it, nothing to do.
			if rep.Push != "unchanged" || !rep.Raced || rep.Commit != won.Commit || r.rev("refs/heads/"+branch) != won.Commit {
				t.Errorf("second: %+v, first: %+v, branch at %s", rep, won, r.rev("refs/heads/"+branch))
			}
		})
		t.Run(name+"/newer update", func(t *testing.T) {
			r := newRig(t)
			if exists {
				r.mustRun("v1.0.1", "name: svc\nreplicas: 1\n# v1.0.1\n", "created")
			}
			other := filepath.Join(t.TempDir(), "other")
			r.git("", "clone", "-q", r.cred, other)
			var won *Report
			_, err := r.raced("v1.1.0", app, func() {
				var err error
				if won, err = Run(t.Context(), r.opts(other, "v1.2.0", "name: svc\nreplicas: 1\nprobe: /ready\n")); err != nil {
					t.Errorf("the other run: %v", err)
				}
			})
			want := "/acme/svc.git: another idp run pushed " + won.Commit[:7] + ` ("chore(idp): update svc from v1.0.0 to v1.2.0") while this one worked; nothing was lost: this run pushed nothing over it. Run idp again to bring the branch up to date`
			if err == nil || !strings.HasPrefix(err.Error(), "push idp/update-svc to http://127.0.0.1:") || !strings.HasSuffix(err.Error(), want) {
				t.Errorf("error:\n%v\nwant:\n%s", err, want)
			}
			if got := r.rev("refs/heads/" + branch); got != won.Commit {
				t.Errorf("branch at %s, the other run pushed %s", got, won.Commit)
			}
		})
		t.Run(name+"/someone's push", func(t *testing.T) {
			r := newRig(t)
			if exists {
				r.mustRun("v1.0.1", "name: svc\nreplicas: 1\n# v1.0.1\n", "created")
			}
			var human string
			_, err := r.raced("v1.1.0", app, func() {
				h := filepath.Join(t.TempDir(), "human")
				r.git("", "clone", "-q", r.cred, h)
				writeFile(t, h, "app.yaml", "name: svc\nreplicas: 4\n")
				r.git(h, "commit", "-q", "-am", "four replicas")
				r.git(h, "push", "-q", "-f", "origin", "main:"+branch)
				human = r.rev("refs/heads/" + branch)
			})
			want := "/acme/svc.git: someone pushed " + human[:7] + ` (by Jane <jane@example.com>: "four replicas") to the branch while idp worked; nothing was lost: idp pushed nothing over it and leaves the branch to them`
			if err == nil || !strings.HasPrefix(err.Error(), "push idp/update-svc to http://127.0.0.1:") || !strings.HasSuffix(err.Error(), want) {
				t.Errorf("error:\n%v\nwant:\n%s", err, want)
			}
			if got := r.rev("refs/heads/" + branch); got != human {
				t.Errorf("branch at %s, the human pushed %s", got, human)
			}
		})
	}
}

// TestRaceWithADeletion: the branch is deleted (by a run that found main updated, say) while
// the bot pushes to it with a lease on the old tip.
func TestRaceWithADeletion(t *testing.T) {
	r := newRig(t)
	r.mustRun("v1.0.1", "name: svc\nreplicas: 1\n# v1.0.1\n", "created")
	_, err := r.raced("v1.1.0", "name: svc\nreplicas: 1\nprobe: /healthz\n", func() {
		r.git(r.work, "push", "-q", r.cred, ":refs/heads/"+branch)
	})
	if err == nil || !strings.HasSuffix(err.Error(), "/acme/svc.git: the branch was deleted while idp worked, by another run or someone; nothing was lost: idp pushed nothing. Run idp again") {
		t.Errorf("error: %v", err)
	}
	if got := r.rev("refs/heads/" + branch); got != "" {
		t.Errorf("the branch is back at %s", got)
	}
}

// TestOldCommitWithoutSeal: a commit the bot made before it sealed its commits is idp's when
// it is exactly what idp makes for this update on this head; otherwise it cannot be told from
// someone's and is left alone, saying so.
func TestOldCommitWithoutSeal(t *testing.T) {
	r := newRig(t)
	o := r.opts(r.work, "v1.1.0", "name: svc\nreplicas: 1\nprobe: /healthz\n")
	head := plumbing.NewHash(r.rev("main"))
	c, _, err := gitrepo.CommitOnto(o.Repo, head, o.Changes, o.Author, o.Title+"\n\n"+o.Body+"\n\n"+trailer(o)+"\n", o.Now)
	if err != nil {
		t.Fatal(err)
	}
	r.git(r.work, "push", "-q", r.cred, c.String()+":refs/heads/"+branch)
	rep := r.mustRun("v1.1.0", "name: svc\nreplicas: 1\nprobe: /healthz\n", "unchanged")
	if rep.Commit != c.String() {
		t.Errorf("unchanged at %s, pushed %s", rep.Commit, c)
	}
	_, err = r.run("v1.2.0", "name: svc\nreplicas: 1\nprobe: /ready\n")
	if fe := foreign(t, err); !strings.Contains(fe.Error(), "it has idp's name, but nothing proves idp made it (an idp older than this one, or someone, did)") {
		t.Errorf("error: %v", fe)
	}
	if r.rev("refs/heads/"+branch) != c.String() {
		t.Error("the branch moved")
	}
}
