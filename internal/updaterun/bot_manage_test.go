package updaterun

import (
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/idp-cli/idp/internal/testutil/gittest"
	"github.com/idp-cli/idp/internal/update"
)

// manage gives the pull request labels, reviewers, an assignee and auto-merge, as idp update's
// flags do.
func manage(o *Options) {
	o.Push.Labels = []string{"idp", "dependencies"}
	o.Push.Reviewers = []string{"bob", "@acme/platform"}
	o.Push.Assignees = []string{"carol"}
	o.Push.AutoMerge = true
}

func autoMerge(o *Options) { o.Push.AutoMerge = true }

// TestBotLabelsReviewersAutoMerge: the pull request the bot opens gets its labels (the missing
// one created in the repository, the one there reused), its reviewers, teams where the forge
// has team reviewers, its assignee and auto-merge; a run with nothing new sets nothing again.
func TestBotLabelsReviewersAutoMerge(t *testing.T) {
	for _, provider := range []string{"github", "gitlab", "gitea"} {
		t.Run(provider, func(t *testing.T) {
			r := newBotRig(t, provider)
			r.fake.AddLabel("acme", "shop", "dependencies")
			r.fake.AddUser("bob")
			r.fake.AddUser("carol")
			r.release("v1.1.0", "name: {{ .name }}\nprobe: /\nport: 9090\n")

			out := r.bot(0, manage)
			pr := out.Push.PullRequest
			if pr == nil || pr.Action != "created" || pr.Draft || !pr.AutoMerge {
				t.Fatalf("report: %+v", pr)
			}
			if !slices.Equal(pr.Labels, []string{"idp", "dependencies"}) || !slices.Equal(pr.Reviewers, []string{"bob"}) ||
				!slices.Equal(pr.TeamReviewers, []string{"acme/platform"}) || !slices.Equal(pr.Assignees, []string{"carol"}) {
				t.Errorf("report: %+v", pr)
			}
			m := r.fake.Managed("acme", "shop", pr.Number)
			wantTeams := []string{"platform"}
			if provider == "gitlab" {
				wantTeams = nil // GitLab's reviewers are users
			}
			if !slices.Equal(m.Labels, []string{"idp", "dependencies"}) || !slices.Equal(m.Reviewers, []string{"bob"}) ||
				!slices.Equal(m.TeamReviewers, wantTeams) || !slices.Equal(m.Assignees, []string{"carol"}) || !m.AutoMerge {
				t.Errorf("%s holds %+v", provider, m)
			}
			var names []string
			for _, l := range r.fake.Labels("acme", "shop") {
				names = append(names, l.Name)
			}
			if !slices.Equal(names, []string{"dependencies", "idp"}) {
				t.Errorf("labels of the repository: %v", names)
			}
			if provider != "gitlab" { // GitLab creates a missing label itself, from add_labels
				path := "POST /api/v3/repos/acme/shop/labels"
				if provider == "gitea" {
					path = "POST /api/v1/repos/acme/shop/labels"
				}
				if !slices.Contains(r.writes(), path) {
					t.Errorf("no label created: %v", r.writes())
				}
			}

			// Nothing new: nothing set again.
			before := len(r.writes())
			out = r.bot(0, manage)
			if out.Push.PullRequest.Action != "unchanged" || out.Push.PullRequest.AutoMerge || len(out.Push.PullRequest.Labels) > 0 {
				t.Errorf("second run: %+v", out.Push.PullRequest)
			}
			if w := r.writes(); len(w) != before {
				t.Errorf("second run wrote to the forge: %v", w[before:])
			}
		})
	}
}

// TestBotAutoMergeOnlyWithoutConflicts: a pull request with conflicts is never set to merge
// itself; one that was, and that a newer version brings conflicts to, has it cancelled.
func TestBotAutoMergeOnlyWithoutConflicts(t *testing.T) {
	for _, provider := range []string{"github", "gitlab", "gitea"} {
		t.Run(provider, func(t *testing.T) {
			r := newBotRig(t, provider)
			r.release("v1.1.0", "name: {{ .name }}\nprobe: /\nport: 9090\n")
			out := r.bot(0, autoMerge)
			n := out.Push.PullRequest.Number
			if !out.Push.PullRequest.AutoMerge || !r.fake.Managed("acme", "shop", n).AutoMerge {
				t.Fatalf("without conflicts: %+v", out.Push.PullRequest)
			}

			// The service changes the line v1.2.0 changes: the update now conflicts.
			r.commitMain(map[string]string{"app.yaml": "name: shop\nprobe: /live\nport: 8080\n"}, "own probe")
			r.release("v1.2.0", "name: {{ .name }}\nprobe: /healthz\nport: 9090\n")
			out = r.bot(Conflicts, autoMerge)
			if pr := out.Push.PullRequest; pr.Action != "updated" || pr.Number != n || pr.AutoMerge {
				t.Errorf("with conflicts: %+v", pr)
			}
			if r.fake.Managed("acme", "shop", n).AutoMerge {
				t.Errorf("auto-merge still on for a pull request with conflicts")
			}
		})
	}
}

// TestBotNoAutoMergeForAConflict: a pull request opened with conflicts is not asked to merge
// itself: no request for it reaches the forge.
func TestBotNoAutoMergeForAConflict(t *testing.T) {
	for _, provider := range []string{"github", "gitlab", "gitea"} {
		t.Run(provider, func(t *testing.T) {
			r := newBotRig(t, provider)
			r.commitMain(map[string]string{"app.yaml": "name: shop\nprobe: /live\nport: 8080\n"}, "own probe")
			r.release("v1.1.0", "name: {{ .name }}\nprobe: /healthz\nport: 8080\n")
			out := r.bot(Conflicts, func(o *Options) { o.Push.AutoMerge, o.Push.Labels = true, []string{"idp"} })
			pr := out.Push.PullRequest
			if pr.Action != "created" || !pr.Draft || pr.AutoMerge || r.fake.Managed("acme", "shop", pr.Number).AutoMerge {
				t.Errorf("report %+v, forge %+v", pr, r.fake.Managed("acme", "shop", pr.Number))
			}
			for _, w := range r.writes() {
				if strings.Contains(w, "graphql") || strings.HasSuffix(w, "/merge") {
					t.Errorf("auto-merge asked for: %s", w)
				}
			}
		})
	}
}

// TestBotReviewersFromCodeowners: ReviewersFromCodeowners asks the owners, in the default
// branch's CODEOWNERS, of the files the update changes (app.yaml's, and the catch-all's for
// .idp.yaml), besides the reviewers given; without CODEOWNERS, the owner answer.
func TestBotReviewersFromCodeowners(t *testing.T) {
	r := newBotRig(t, "github")
	gittest.Write(t, r.work, map[string]string{".github/CODEOWNERS": "* @acme/platform\napp.yaml @bob\nREADME.md @writer\n"})
	gittest.Git(t, r.work, "add", ".github/CODEOWNERS")
	r.commitMain(nil, "code owners")
	r.release("v1.1.0", "name: {{ .name }}\nprobe: /\nport: 9090\n")
	out := r.bot(0, func(o *Options) { o.Push.ReviewersFromCodeowners, o.Push.Reviewers = true, []string{"carol"} })
	pr := out.Push.PullRequest
	m := r.fake.Managed("acme", "shop", pr.Number)
	if !slices.Equal(m.Reviewers, []string{"carol", "bob"}) || !slices.Equal(m.TeamReviewers, []string{"platform"}) {
		t.Errorf("forge holds %+v; report %+v", m, pr)
	}

	// No CODEOWNERS: the owner answer, here a new parameter's default.
	g := newBotRig(t, "gitea")
	gittest.Write(t, g.src, map[string]string{"svc/template.yaml": svcManifest + "  - name: owner\n    default: dora\n"})
	g.release("v1.1.0", "name: {{ .name }}\nprobe: /\nport: 9090\n")
	out = g.bot(0, func(o *Options) { o.Push.ReviewersFromCodeowners = true })
	if m := g.fake.Managed("acme", "shop", out.Push.PullRequest.Number); !slices.Equal(m.Reviewers, []string{"dora"}) || len(m.TeamReviewers) > 0 {
		t.Errorf("owner answer: forge holds %+v", m)
	}
}

// TestBotPendingMigrations: the bot never runs a golden path's migrations; it records them in
// the .idp.yaml it commits (so that idp update --trust runs them after the merge), reports them
// in its JSON and says so in the pull request.
func TestBotPendingMigrations(t *testing.T) {
	r := newBotRig(t, "github")
	gittest.Write(t, r.src, map[string]string{"svc/template.yaml": svcManifest + "migrations:\n  - version: v1.1.0\n    run: ./scripts/rename-config.sh\n"})
	r.release("v1.1.0", "name: {{ .name }}\nprobe: /healthz\nport: 8080\n")

	out := r.bot(0)
	if !reflect.DeepEqual(out.PendingMigrations, []string{"v1.1.0"}) {
		t.Errorf("pendingMigrations = %q, want [v1.1.0]", out.PendingMigrations)
	}
	prs := r.fake.PullRequests("acme", "shop")
	if len(prs) != 1 {
		t.Fatalf("pull requests: %+v", prs)
	}
	for _, want := range []string{
		"**Migrations not run** by the bot; `.idp.yaml` records them under `pending-migrations`. After merging, read them, then run `idp update --trust` (or run them yourself):",
		"- v1.1.0: `./scripts/rename-config.sh`",
	} {
		if !strings.Contains(prs[0].Body, want) {
			t.Errorf("body lacks %q:\n%s", want, prs[0].Body)
		}
	}
	if rec := r.show(".idp.yaml"); !strings.Contains(rec, "\npending-migrations: [v1.1.0]\n") {
		t.Errorf("the bot's .idp.yaml does not record the migration:\n%s", rec)
	}
}

// testNow is the bot's clock in the soak tests.
var testNow = time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC)

func minAge(d time.Duration) func(*Options) { return func(o *Options) { o.Do.MinAge = d } }

// TestBotMinAge: a version tagged less than MinAge ago is not proposed, the newest one old
// enough is; once it has soaked long enough, it is.
func TestBotMinAge(t *testing.T) {
	r := newBotRig(t, "github")
	r.releaseAt("v1.1.0", "name: {{ .name }}\nprobe: /\nport: 9090\n", testNow.Add(-10*24*time.Hour))
	r.releaseAt("v1.2.0", "name: {{ .name }}\nprobe: /\nport: 9191\n", testNow.Add(-24*time.Hour))

	r.now = testNow
	out := r.bot(0, minAge(72*time.Hour))
	if out.To != "v1.1.0" || out.Push.PullRequest.Action != "created" {
		t.Fatalf("to %s, %+v", out.To, out.Push.PullRequest)
	}
	prs := r.fake.PullRequests("acme", "shop")
	if len(prs) != 1 || !strings.HasSuffix(prs[0].Title, "from v1.0.0 to v1.1.0") ||
		!strings.Contains(prs[0].Body, "**Not proposed**: svc v1.2.0 was tagged 2026-11-25 00:00 UTC, less than --min-age ago; it is taken from 2026-11-28 00:00 UTC.") {
		t.Errorf("pull request: %+v", prs)
	}
	if !strings.Contains(r.log.String(), "idp: svc v1.2.0 was tagged 2026-11-25 00:00 UTC, less than --min-age ago") {
		t.Errorf("log:\n%s", r.log.String())
	}
	tagged := testNow.Add(-24 * time.Hour)
	if want := []update.Passed{{Version: "v1.2.0", Reason: "min-age", Tagged: tagged, Until: tagged.Add(3 * 24 * time.Hour)}}; !reflect.DeepEqual(out.PassedOver, want) {
		t.Errorf("passedOver %+v, want %+v", out.PassedOver, want)
	}

	// Nothing is old enough: nothing is proposed, and nothing changes on the forge.
	r2 := newBotRig(t, "github")
	r2.releaseAt("v1.1.0", "name: {{ .name }}\nprobe: /\nport: 9090\n", testNow.Add(-time.Hour))
	r2.now = testNow
	out = r2.bot(0, minAge(72*time.Hour))
	if out.To != "v1.0.0" || out.Push.Push != "none" || out.Push.PullRequest.Action != "none" || len(r2.fake.PullRequests("acme", "shop")) != 0 {
		t.Errorf("too young: to %s, %+v %+v", out.To, out.Push, out.Push.PullRequest)
	}

	// Three days on, v1.2.0 has soaked: the pull request moves to it.
	r.now = testNow.Add(3 * 24 * time.Hour)
	out = r.bot(0, minAge(72*time.Hour))
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
	if got := r.show(".idp.yaml"); !strings.Contains(got, "version: v1.1.0") || !strings.Contains(got, "\nskip: [v1.2.0]\n") {
		t.Errorf("bot's .idp.yaml:\n%s", got)
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

// TestBotPullRequestPerLayer: a service with an add-on gets one pull request per layer, each
// from its own branch (idp/update-<golden path>) into main; a re-run opens no other.
func TestBotPullRequestPerLayer(t *testing.T) {
	r := newBotRig(t, "github")
	r.addDocs()
	gittest.Write(t, r.src, map[string]string{
		"svc/skeleton/app.yaml":       "name: {{ .name }}\nprobe: /healthz\nport: 8080\n",
		"docs/skeleton/docs/index.md": "# {{ .name }}\n\nStart here.\n",
	})
	gittest.Git(t, r.src, "commit", "-q", "-am", "v1.1.0")
	gittest.Git(t, r.src, "tag", "v1.1.0")

	bot := func() Layered {
		t.Helper()
		var out Layered
		res := r.botRun(0)
		if !res.Layered {
			t.Fatal("not layered")
		}
		r.decode(res, &out)
		return out
	}
	out := bot()
	if len(out.Layers) != 2 {
		t.Fatalf("layers: %+v", out.Layers)
	}
	prs := r.fake.PullRequests("acme", "shop")
	if len(prs) != 2 {
		t.Fatalf("pull requests: %+v", prs)
	}
	heads := map[string]string{}
	for _, pr := range prs {
		heads[pr.Head] = pr.Title
		if pr.Base != "main" || pr.State != "open" || pr.Draft {
			t.Errorf("pull request: %+v", pr)
		}
	}
	if !strings.HasSuffix(heads["idp/update-svc"], "update svc from v1.0.0 to v1.1.0") || !strings.HasSuffix(heads["idp/update-docs"], "update docs from v1.0.1 to v1.1.0") {
		t.Errorf("heads: %v", heads)
	}
	before := len(r.writes())
	bot()
	if n := len(r.fake.PullRequests("acme", "shop")); n != 2 || len(r.writes()) != before {
		t.Errorf("second run: %d pull requests, writes %v", n, r.writes()[before:])
	}
}
