// Package fleetrig builds, for tests, a fleet whose numbers are known: services in their own
// repositories on a real git server, listed by a forge fake that serves the bot's pull
// requests in the forge's documented shapes, made from a golden path whose releases were
// tagged at known dates.
//
// The golden path svc has v1.0.0 (tagged 2026-01-01) and v1.1.0 (2026-03-01, changes
// app.yaml). The owner acme has:
//
//	shop     made at v1.0.0; the bot's pull request #1 (opened 03-02) merged with a merge
//	         commit on 03-03: on v1.1.0, lead time 2 days, time to merge 1 day
//	billing  made at v1.0.0; the bot's pull request (opened 03-05) squashed on 03-11: on
//	         v1.1.0, lead time 10 days, time to merge 6 days
//	search   made at v1.0.0; the bot's pull request, a draft, open since 03-02
//	ledger   made at v1.0.0; the team changed app.yaml, deleted config.yaml and rewrote
//	         README.md (owned: not divergence) on 02-01; the bot's pull request (opened 03-02)
//	         closed unmerged on 03-04
//	docs, wiki  no .idp.yaml: not on a golden path
//	old      archived
//
// Now is 2026-03-12: search's draft is 10 days old.
package fleetrig

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/idp-cli/idp/internal/forge/forgetest"
	"github.com/idp-cli/idp/internal/testutil/gitserver"
)

// Rig is the fleet.
type Rig struct {
	Provider string
	Fake     *forgetest.Fake
	Git      *gitserver.Server
	// Source is the golden paths' source: a local git repository, as .idp.yaml records it.
	Source string
	Now    time.Time
}

// Owner is the organization whose repositories the fake lists.
const Owner = "acme"

// Day is a date of 2026, at 00:00 UTC.
func Day(month time.Month, day int) time.Time {
	return time.Date(2026, month, day, 0, 0, 0, 0, time.UTC)
}

// Template files at v1.0.0, and app.yaml at v1.1.0.
const (
	manifest = "apiVersion: idp/v1\nkind: Template\ntype: service\ntitle: Service\nparameters:\n  - name: name\n    required: true\nfiles:\n  owned: [README.md]\n"
	appV1    = "name: {{ .name }}\n"
	appV11   = "name: {{ .name }}\nprobe: /healthz\n"
)

// New builds the fleet on a fake of provider (github, gitlab or gitea).
func New(t testing.TB, provider string) *Rig {
	t.Helper()
	r := &Rig{Provider: provider, Now: Day(time.March, 12)}
	r.Source = filepath.Join(t.TempDir(), "golden-paths")
	write(t, r.Source, map[string]string{
		"svc/template.yaml":        manifest,
		"svc/skeleton/app.yaml":    appV1,
		"svc/skeleton/config.yaml": "port: 8080\n",
		"svc/skeleton/README.md":   "# {{ .name }}\n",
	})
	git(t, r.Source, Day(time.January, 1), "init", "-q", "-b", "main")
	git(t, r.Source, Day(time.January, 1), "add", "-A")
	git(t, r.Source, Day(time.January, 1), "commit", "-q", "-m", "v1")
	git(t, r.Source, Day(time.January, 1), "tag", "v1.0.0")
	write(t, r.Source, map[string]string{"svc/skeleton/app.yaml": appV11})
	git(t, r.Source, Day(time.March, 1), "commit", "-q", "-am", "probe")
	git(t, r.Source, Day(time.March, 1), "tag", "v1.1.0")

	r.Git = gitserver.StartAnonymousRead(t, "x-access-token", "rig-token")
	r.Fake = forgetest.New(t, provider)
	for _, name := range []string{"billing", "docs", "ledger", "old", "search", "shop", "wiki"} {
		r.Fake.AddRepo(forgetest.Repo{Owner: Owner, Name: name, Archived: name == "old", CloneURL: r.Git.URL + "/" + Owner + "/" + name + ".git"})
	}

	// shop: a merge commit brings v1.1.0 onto main.
	shop := r.service(t, "shop", Day(time.January, 10))
	r.botBranch(t, shop, "shop", Day(time.March, 2))
	git(t, shop, Day(time.March, 3), "checkout", "-q", "main")
	git(t, shop, Day(time.March, 3), "merge", "-q", "--no-ff", "-m", "Merge the bot's pull request", "idp/update-svc")
	r.publish(t, shop, "shop", "merged", Day(time.March, 2), Day(time.March, 3))

	// billing: squashed, a single commit on main.
	billing := r.service(t, "billing", Day(time.January, 11))
	r.botBranch(t, billing, "billing", Day(time.March, 5))
	git(t, billing, Day(time.March, 11), "checkout", "-q", "main")
	git(t, billing, Day(time.March, 11), "merge", "-q", "--squash", "idp/update-svc")
	git(t, billing, Day(time.March, 11), "commit", "-q", "-m", "Update svc to v1.1.0 (#1)")
	r.publish(t, billing, "billing", "merged", Day(time.March, 5), Day(time.March, 11))

	// search: the bot's draft is open.
	search := r.service(t, "search", Day(time.January, 12))
	r.botBranch(t, search, "search", Day(time.March, 2))
	git(t, search, Day(time.March, 2), "checkout", "-q", "main")
	r.publish(t, search, "search", "draft", Day(time.March, 2), time.Time{})

	// ledger: the team changed two of the golden path's files and declined the bot's update.
	ledger := r.service(t, "ledger", Day(time.January, 13))
	write(t, ledger, map[string]string{"app.yaml": "name: ledger\nreplicas: 3\n", "README.md": "# Ledger\n\nOur own words.\n"})
	os.Remove(filepath.Join(ledger, "config.yaml"))
	git(t, ledger, Day(time.February, 1), "add", "-A")
	git(t, ledger, Day(time.February, 1), "commit", "-q", "-m", "our changes")
	r.botBranch(t, ledger, "ledger", Day(time.March, 2))
	git(t, ledger, Day(time.March, 2), "checkout", "-q", "main")
	r.publish(t, ledger, "ledger", "closed", Day(time.March, 2), Day(time.March, 4))

	// Not on a golden path, and an archived one.
	for _, name := range []string{"docs", "wiki"} {
		dir := filepath.Join(t.TempDir(), name)
		write(t, dir, map[string]string{"README.md": "# " + name + "\n"})
		git(t, dir, Day(time.January, 2), "init", "-q", "-b", "main")
		git(t, dir, Day(time.January, 2), "add", "-A")
		git(t, dir, Day(time.January, 2), "commit", "-q", "-m", "one")
		r.push(t, dir, name)
	}
	old := r.service(t, "old", Day(time.January, 3))
	r.push(t, old, "old")
	r.Fake.SetFile(Owner, "old", ".idp.yaml", []byte(Record(r.Source, "old", "v1.0.0")))
	return r
}

// Record is the .idp.yaml of service name at version.
func Record(source, name, version string) string {
	return fmt.Sprintf("template:\n  source: %s\n  name: svc\n  version: %s\nanswers:\n  name: %s\n", source, version, name)
}

// service makes a repository of service name at v1.0.0, committed at day.
func (r *Rig) service(t testing.TB, name string, day time.Time) string {
	dir := filepath.Join(t.TempDir(), name)
	write(t, dir, map[string]string{
		".idp.yaml":   Record(r.Source, name, "v1.0.0"),
		"app.yaml":    "name: " + name + "\n",
		"config.yaml": "port: 8080\n",
		"README.md":   "# " + name + "\n",
	})
	git(t, dir, day, "init", "-q", "-b", "main")
	git(t, dir, day, "add", "-A")
	git(t, dir, day, "commit", "-q", "-m", "Made by idp from svc v1.0.0")
	return dir
}

// botBranch commits the update to v1.1.0 on the bot's branch, and stays on it.
func (r *Rig) botBranch(t testing.TB, dir, name string, day time.Time) {
	git(t, dir, day, "checkout", "-q", "-b", "idp/update-svc")
	write(t, dir, map[string]string{".idp.yaml": Record(r.Source, name, "v1.1.0"), "app.yaml": "name: " + name + "\nprobe: /healthz\n"})
	git(t, dir, day, "commit", "-q", "-am", "chore(idp): update svc from v1.0.0 to v1.1.0")
}

// publish pushes main (and the bot's branch), sets .idp.yaml on the forge as main has it, and
// adds the bot's pull request in state (open, draft, merged or closed).
func (r *Rig) publish(t testing.TB, dir, name, state string, created, closed time.Time) {
	r.push(t, dir, name)
	data, err := exec.Command("git", "-C", dir, "show", "main:.idp.yaml").Output()
	if err != nil {
		t.Fatal(err)
	}
	r.Fake.SetFile(Owner, name, ".idp.yaml", data)
	// Someone's own pull request on another branch is not the bot's.
	r.Fake.AddPullRequest(Owner, name, forgetest.PullRequest{Title: "Add a feature", Head: "feature", Base: "main"})
	r.pull(t, name, state, created, closed)
}

func (r *Rig) pull(t testing.TB, name, state string, created, closed time.Time) {
	title := "Update svc to v1.1.0"
	pr := forgetest.PullRequest{Head: "idp/update-svc", Base: "main", State: state, Created: created, Closed: closed,
		Body: "The golden path svc has a new version.\n\n<!-- idp-update template=svc from=v1.0.0 to=v1.1.0 -->\n"}
	if state == "draft" {
		pr.State, pr.Draft = "open", true
		title = map[string]string{"github": "", "gitlab": "Draft: ", "gitea": "WIP: "}[r.Provider] + title
	}
	pr.Title = title
	r.Fake.AddPullRequest(Owner, name, pr)
}

func (r *Rig) push(t testing.TB, dir, name string) {
	r.Git.NewBare(t, Owner+"/"+name)
	git(t, dir, time.Time{}, "push", "-q", "--all", r.Git.CredentialURL(Owner+"/"+name))
}

func write(t testing.TB, dir string, files map[string]string) {
	t.Helper()
	for p, data := range files {
		if err := os.MkdirAll(filepath.Join(dir, filepath.Dir(p)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, p), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// git runs git in dir with author and committer dates at day.
func git(t testing.TB, dir string, day time.Time, args ...string) {
	t.Helper()
	if args[0] == "init" {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.com", "GIT_COMMITTER_NAME=t",
		"GIT_COMMITTER_EMAIL=t@example.com", "GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL="+os.DevNull)
	if !day.IsZero() {
		d := day.Format(time.RFC3339)
		cmd.Env = append(cmd.Env, "GIT_AUTHOR_DATE="+d, "GIT_COMMITTER_DATE="+d)
	}
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
	}
}
