package cli

import (
	"slices"
	"strings"
	"testing"
)

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

			out := r.bot(0, "--label", "idp", "--label", "dependencies", "--reviewer", "bob", "--reviewer", "@acme/platform",
				"--assignee", "carol", "--auto-merge")
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
				if !slices.Contains(r.writes(), labelsPath(provider)) {
					t.Errorf("no label created: %v", r.writes())
				}
			}

			// Nothing new: nothing set again.
			before := len(r.writes())
			out = r.bot(0, "--label", "idp", "--label", "dependencies", "--reviewer", "bob", "--reviewer", "@acme/platform",
				"--assignee", "carol", "--auto-merge")
			if out.Push.PullRequest.Action != "unchanged" || out.Push.PullRequest.AutoMerge || len(out.Push.PullRequest.Labels) > 0 {
				t.Errorf("second run: %+v", out.Push.PullRequest)
			}
			if w := r.writes(); len(w) != before {
				t.Errorf("second run wrote to the forge: %v", w[before:])
			}
		})
	}
}

// labelsPath is the request that creates a label in acme/shop.
func labelsPath(provider string) string {
	if provider == "gitea" {
		return "POST /api/v1/repos/acme/shop/labels"
	}
	return "POST /api/v3/repos/acme/shop/labels"
}

// TestBotAutoMergeOnlyWithoutConflicts: a pull request with conflicts is never set to merge
// itself; one that was, and that a newer version brings conflicts to, has it cancelled.
func TestBotAutoMergeOnlyWithoutConflicts(t *testing.T) {
	for _, provider := range []string{"github", "gitlab", "gitea"} {
		t.Run(provider, func(t *testing.T) {
			r := newBotRig(t, provider)
			r.release("v1.1.0", "name: {{ .name }}\nprobe: /\nport: 9090\n")
			out := r.bot(0, "--auto-merge")
			n := out.Push.PullRequest.Number
			if !out.Push.PullRequest.AutoMerge || !r.fake.Managed("acme", "shop", n).AutoMerge {
				t.Fatalf("without conflicts: %+v", out.Push.PullRequest)
			}

			// The service changes the line v1.2.0 changes: the update now conflicts.
			r.commitMain(map[string]string{"app.yaml": "name: shop\nprobe: /live\nport: 8080\n"}, "own probe")
			r.release("v1.2.0", "name: {{ .name }}\nprobe: /healthz\nport: 9090\n")
			out = r.bot(ExitConflicts, "--auto-merge")
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
			out := r.bot(ExitConflicts, "--auto-merge", "--label", "idp")
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
	} {
		res := run(t, nil, nil, args...)
		if res.code != ExitUsage {
			t.Errorf("%v: exit %d, want %d\n%s", args, res.code, ExitUsage, res.stderr)
		}
	}
}

// TestBotReviewersFromCodeowners: --reviewers-from-codeowners asks the owners, in the default
// branch's CODEOWNERS, of the files the update changes (app.yaml's, and the catch-all's for
// .idp.yaml), besides --reviewer; without CODEOWNERS, the owner answer.
func TestBotReviewersFromCodeowners(t *testing.T) {
	r := newBotRig(t, "github")
	writeFiles(t, r.work, map[string]string{".github/CODEOWNERS": "* @acme/platform\napp.yaml @bob\nREADME.md @writer\n"})
	gitIn(t, r.work, "add", ".github/CODEOWNERS")
	r.commitMain(nil, "code owners")
	r.release("v1.1.0", "name: {{ .name }}\nprobe: /\nport: 9090\n")
	out := r.bot(0, "--reviewers-from-codeowners", "--reviewer", "carol")
	pr := out.Push.PullRequest
	m := r.fake.Managed("acme", "shop", pr.Number)
	if !slices.Equal(m.Reviewers, []string{"carol", "bob"}) || !slices.Equal(m.TeamReviewers, []string{"platform"}) {
		t.Errorf("forge holds %+v; report %+v", m, pr)
	}

	// No CODEOWNERS: the owner answer, here a new parameter's default.
	g := newBotRig(t, "gitea")
	writeFiles(t, g.src, map[string]string{
		"svc/template.yaml": "apiVersion: idp/v1\nkind: Template\ntype: service\nparameters:\n  - name: name\n    required: true\n  - name: owner\n    default: dora\n",
	})
	g.release("v1.1.0", "name: {{ .name }}\nprobe: /\nport: 9090\n")
	out = g.bot(0, "--reviewers-from-codeowners")
	if m := g.fake.Managed("acme", "shop", out.Push.PullRequest.Number); !slices.Equal(m.Reviewers, []string{"dora"}) || len(m.TeamReviewers) > 0 {
		t.Errorf("owner answer: forge holds %+v", m)
	}
}
