package bot

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path"
	"slices"
	"strings"
	"time"

	git "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing/object"

	"github.com/idp-cli/idp/internal/forge"
	"github.com/idp-cli/idp/internal/gitauth"
	"github.com/idp-cli/idp/internal/gitrepo"
	"github.com/idp-cli/idp/internal/manifest"
	"github.com/idp-cli/idp/internal/provenance"
	"github.com/idp-cli/idp/internal/render"
	"github.com/idp-cli/idp/internal/source"
	"github.com/idp-cli/idp/internal/update"
)

// PushDeps is what pushing an update needs from the command layer.
type PushDeps struct {
	// Credentials finds the credential for the remote's URL (gitauth.For).
	Credentials func(url string) gitauth.Result
	// Explain rewords a transport error for url (gitauth.ExplainSSH).
	Explain func(url string, err error) error
	// Forge is the API for the pull request of the repository at url; called only with
	// PullRequest.
	Forge    func(url string) (*Forge, error)
	Progress io.Writer
	Now      func() time.Time
}

// PushOptions says where the bot pushes.
type PushOptions struct {
	Branch      string // default idp/update-<golden path>
	PullRequest bool
	// Display names the service in messages.
	Display string

	// Labels, Reviewers, Assignees and AutoMerge are set on the pull request when it is
	// opened or updated. A reviewer is a user, or a team as org/team; either may start with @.
	Labels, Reviewers, Assignees []string
	// ReviewersFromCodeowners also asks for a review the owners, in CODEOWNERS, of the files
	// the update changes; without a CODEOWNERS file, the service's owner answer.
	ReviewersFromCodeowners bool
	AutoMerge               bool
}

// Update is `idp update --push`: the update worked out without touching the service's files,
// then committed on top of the default branch and pushed to the bot's branch, with its pull
// request.
func Update(ctx context.Context, ud update.Deps, pd PushDeps, uo update.DoOptions, po PushOptions) (*update.Outcome, *Report, error) {
	uo.Mode = update.ModeBot
	out, err := update.Do(ctx, ud, uo)
	if err != nil || out.Newer || out.NeedsInput {
		return out, nil, err
	}
	rep, err := Push(ctx, pd, po, out.Planned, out.Result, out.NotRun)
	return out, rep, err
}

// LayerRun is the bot's run for one layer of a service: the update, and what was pushed, or
// the error that stopped it.
type LayerRun struct {
	Layer   string
	Outcome *update.Outcome
	Report  *Report
	Err     error
}

// UpdateLayers is Update for every layer of the service (or only uo.Layer): one branch and one
// pull request per layer, idp/update-<golden path>, each committed on top of the default
// branch, so that each layer's update is reviewed and merged on its own. A failure on one layer
// is that run's error and the others go on; the error returned is one that stopped them all.
// layered says the service has add-ons and every layer was run.
func UpdateLayers(ctx context.Context, ud update.Deps, pd PushDeps, uo update.DoOptions, po PushOptions) (runs []LayerRun, layered bool, err error) {
	uo.Mode = update.ModeBot
	todo, err := update.LayerRuns(ctx, ud, uo)
	if err != nil {
		return nil, false, err
	}
	if len(todo) == 1 {
		out, rep, err := Update(ctx, ud, pd, todo[0], po)
		return []LayerRun{{Layer: todo[0].Layer, Outcome: out, Report: rep, Err: err}}, false, nil
	}
	if po.Branch != "" {
		return nil, true, &source.RequestError{Err: errors.New("--branch names one branch, and each layer of the service has its own (idp/update-<golden path>); give --layer NAME with --branch")}
	}
	for _, o := range todo {
		out, rep, err := Update(ctx, ud, pd, o, po)
		runs = append(runs, LayerRun{Layer: o.Layer, Outcome: out, Report: rep, Err: err})
		if ctx.Err() != nil {
			return runs, true, ctx.Err()
		}
	}
	return runs, true, nil
}

// Push commits the update worked out in res on top of the default branch's head and pushes it
// to the bot's branch when it differs, and announces it by a pull request.
func Push(ctx context.Context, d PushDeps, o PushOptions, p *update.Planned, res *update.Result, notRun []manifest.Migration) (*Report, error) {
	repo, rel := p.Service.Repository()
	t, err := d.target(repo, o)
	if err != nil {
		return nil, err
	}
	pr := t.forge
	branch := o.Branch
	if branch == "" {
		branch = "idp/update-" + p.Name
	}
	unchanged := res.Unchanged(p.Service.Record)
	var changes []gitrepo.Change
	var conflicts []string
	if !unchanged {
		for _, w := range update.Writes(res.Changes) {
			changes = append(changes, gitrepo.Change{Path: path.Join(rel, w.Path), Remove: !w.Side.Exists, Mode: w.Side.Mode, Data: w.Side.Data})
		}
		data, err := provenance.Marshal(res.Record)
		if err != nil {
			return nil, err
		}
		changes = append(changes, gitrepo.Change{Path: path.Join(rel, provenance.FileName), Mode: 0o644, Data: data})
		for _, c := range res.Changes {
			if c.Action == update.Conflict {
				conflicts = append(conflicts, path.Join(rel, c.Path))
			}
		}
	}
	ppl := people(o.Reviewers, o.Assignees)
	if o.ReviewersFromCodeowners && o.PullRequest && !unchanged {
		var paths []string
		for _, c := range changes {
			paths = append(paths, c.Path)
		}
		owner, _ := res.Own().Recorded()["owner"].(string)
		owners, err := owners(repo, owner, paths)
		if err != nil {
			return nil, err
		}
		more := people(owners, nil)
		for _, r := range more.Reviewers {
			ppl.Reviewers = appendOnce(ppl.Reviewers, r)
		}
		for _, t := range more.Teams {
			ppl.Teams = appendOnce(ppl.Teams, t)
		}
	}
	return Run(ctx, Options{
		Repo:   repo,
		Remote: d.remote(t),
		Branch: branch, Author: gitrepo.DefaultAuthor, Now: d.Now(),
		Template: p.Name, From: res.From, To: res.To,
		Unchanged: unchanged, Changes: changes, Conflicts: conflicts,
		Title: Title(p.Name, res), Body: Body(p, res, rel, notRun),
		Forge:  pr,
		Labels: o.Labels, People: ppl, AutoMerge: o.AutoMerge,
		Newer: func(c *object.Commit) bool {
			return NewerIdp(c, path.Join(rel, provenance.FileName), p.Name, res.Own().IdpVersion)
		},
	})
}

// NewerIdp reports whether the .idp.yaml at file in c records, for the layer of golden path
// name, an idp release newer than mine: the idp version the bot's own commit would record. The
// golden path may pin idp to it (go-service's workflow pins idp's GitHub Action), and an older
// idp's bot would move that pin back.
func NewerIdp(c *object.Commit, file, name, mine string) bool {
	f, err := c.File(file)
	if err != nil {
		return false
	}
	data, err := f.Contents()
	if err != nil {
		return false
	}
	rec, err := provenance.Parse([]byte(data), file)
	if err != nil {
		return false
	}
	i := rec.Find(name)
	if i < 0 {
		return false
	}
	return render.Newer(rec.Layer(i).IdpVersion, mine)
}

// owners are who owns the files the update changes (paths, from the repository's root), in
// the default branch's CODEOWNERS; without a CODEOWNERS file, the owner answer the update
// records (a user, or a team as org/team).
func owners(repo *git.Repository, owner string, paths []string) ([]string, error) {
	rules, file, found, err := codeowners(repo)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", file, err)
	}
	if found {
		return ownersOf(rules, paths), nil
	}
	if owner = strings.TrimSpace(owner); owner != "" {
		return []string{owner}, nil
	}
	return nil, nil
}

// people sorts reviewers into users and teams (org/team), without a leading @.
func people(reviewers, assignees []string) forge.People {
	var p forge.People
	for _, r := range reviewers {
		r = strings.TrimPrefix(r, "@")
		if strings.Contains(r, "/") {
			p.Teams = appendOnce(p.Teams, r)
		} else {
			p.Reviewers = appendOnce(p.Reviewers, r)
		}
	}
	for _, a := range assignees {
		p.Assignees = appendOnce(p.Assignees, strings.TrimPrefix(a, "@"))
	}
	return p
}

func appendOnce(list []string, s string) []string {
	if s == "" || slices.Contains(list, s) {
		return list
	}
	return append(list, s)
}

// pushTarget is where the bot pushes: origin's URL, its credential and the forge for the pull
// request (nil without one).
type pushTarget struct {
	url   string
	cred  gitauth.Result
	forge *Forge
}

// target finds origin of the service's repository, the credential for it and, with
// PullRequest, its forge.
func (d PushDeps) target(repo *git.Repository, o PushOptions) (*pushTarget, error) {
	if repo == nil {
		return nil, fmt.Errorf("%s is not in a git repository; --push needs a clone of the service's repository", o.Display)
	}
	remote, err := repo.Remote(gitrepo.Remote)
	if err != nil {
		return nil, fmt.Errorf("%s has no remote named origin; --push pushes there", o.Display)
	}
	urls := remote.Config().URLs
	if len(urls) == 0 {
		return nil, fmt.Errorf("%s: the remote origin has no URL; set one with git remote set-url origin URL", o.Display)
	}
	t := &pushTarget{url: urls[0]}
	t.cred = d.Credentials(t.url)
	if t.cred.Err != nil {
		return nil, fmt.Errorf("origin %s: %w", gitauth.Redact(t.url), t.cred.Err)
	}
	if o.PullRequest {
		if t.forge, err = d.Forge(t.url); err != nil {
			return nil, err
		}
	}
	return t, nil
}

// remote is how Run pushes to the target.
func (d PushDeps) remote(t *pushTarget) gitrepo.PushOptions {
	return gitrepo.PushOptions{URL: t.url, Auth: t.cred.Auth, Hint: gitauth.HintFor(t.url, t.cred.Tried), Progress: d.Progress,
		Explain: func(err error) error {
			if d.Explain == nil {
				return err
			}
			return d.Explain(t.url, err)
		}}
}

// Title is the commit's subject and the pull request's title.
func Title(name string, res *update.Result) string {
	if res.From == res.To {
		return fmt.Sprintf("chore(idp): update %s answers at %s", name, res.To)
	}
	return fmt.Sprintf("chore(idp): update %s from %s to %s", name, res.From, res.To)
}

// Body is the commit's body and the pull request's description.
func Body(p *update.Planned, res *update.Result, rel string, notRun []manifest.Migration) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Moves this service from the golden path **%s %s** to **%s** by idp's three-way merge: local changes are kept.\n\n", p.Name, res.From, res.To)
	if len(res.Changes) > 0 {
		b.WriteString("| file | change |\n|---|---|\n")
		for _, c := range res.Changes {
			what := string(c.Action)
			if c.From != "" {
				what += " from `" + path.Join(rel, c.From) + "`"
			}
			if c.Reason != "" {
				what += ": " + c.Reason
			}
			fmt.Fprintf(&b, "| `%s` | %s |\n", path.Join(rel, c.Path), what)
		}
		b.WriteString("\n")
	}
	var conflicts []string
	for _, c := range res.Changes {
		if c.Action == update.Conflict {
			conflicts = append(conflicts, "`"+path.Join(rel, c.Path)+"`")
		}
	}
	if len(conflicts) > 0 {
		files := "1 file"
		if len(conflicts) > 1 {
			files = fmt.Sprintf("%d files", len(conflicts))
		}
		fmt.Fprintf(&b, "**Conflicts** in %s: %s. Resolve them on this branch (look for the conflict markers, or the .rej / .idp-new files beside them), then mark this pull request ready.\n\n",
			files, strings.Join(conflicts, ", "))
	}
	if kv := res.NewAnswerPairs(); len(kv) > 0 {
		fmt.Fprintf(&b, "**New answers** (defaults; change them in `.idp.yaml` and run `idp update` again): `%s`\n\n", strings.Join(kv, "`, `"))
	}
	if h := p.Held; h != nil {
		fmt.Fprintf(&b, "**%s %s is out but not in this pull request**: it needs %s, which only a person can answer. Add them under `answers:` in `%s` (or run `idp update` in a terminal); the next run then takes it.\n\n",
			p.Name, h.Version, h.Describe(), path.Join(rel, provenance.FileName))
	}
	for _, v := range p.Passed {
		fmt.Fprintf(&b, "**Not proposed**: %s %s.\n\n", p.Name, v.Describe())
	}
	if len(notRun) > 0 {
		fmt.Fprintf(&b, "**Migrations not run** by the bot; `%s` records them under `pending-migrations`. After merging, read them, then run `idp update --trust` (or run them yourself):\n\n", path.Join(rel, provenance.FileName))
		for _, mg := range notRun {
			fmt.Fprintf(&b, "- %s: `%s`\n", mg.Version, mg.Run)
		}
		b.WriteString("\n")
	}
	b.WriteString("Made by `idp update --push --pull-request`. The bot replaces this branch's commit when a newer version comes out and closes this pull request when the default branch no longer needs it; once someone else commits here, it leaves the branch alone.")
	return b.String()
}
