package cli

import (
	"context"
	"fmt"
	"path"
	"strings"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/spf13/cobra"

	"github.com/idp-cli/idp/internal/bot"
	"github.com/idp-cli/idp/internal/forge"
	"github.com/idp-cli/idp/internal/gitauth"
	"github.com/idp-cli/idp/internal/gitrepo"
	"github.com/idp-cli/idp/internal/manifest"
	"github.com/idp-cli/idp/internal/provenance"
	"github.com/idp-cli/idp/internal/update"
)

// botOptions are the flags of bot mode, shared by update and fleet update.
type botOptions struct {
	Push        bool
	PullRequest bool
	Branch      string
	Provider    string
	Host        string
}

func addBotFlags(cmd *cobra.Command, o *botOptions, fleet bool) {
	fl := cmd.Flags()
	if !fleet {
		fl.BoolVar(&o.Push, "push", false, "commit the update on a branch of its own, on top of origin's default branch, and push it; your files are not touched")
	}
	fl.BoolVar(&o.PullRequest, "pull-request", false, "open or update a pull request for the pushed branch (implies --push)")
	fl.StringVar(&o.Branch, "branch", "", "the bot's `branch` (default idp/update-<template>)")
	fl.StringVar(&o.Provider, "provider", "", "the forge for the pull request: {github|gitlab|gitea} (default: from the remote's URL)")
	fl.StringVar(&o.Host, "host", "", "the forge's web `URL` for the pull request (default: from the remote's URL)")
	cmd.RegisterFlagCompletionFunc("provider", cobra.FixedCompletions(forge.Names(), cobra.ShellCompDirectiveNoFileComp))
}

// validate checks the bot flags before any work.
func (o *botOptions) validate(cmd *cobra.Command) error {
	if o.PullRequest {
		o.Push = true
	}
	if !o.Push {
		for _, name := range []string{"branch", "provider", "host"} {
			if cmd.Flags().Changed(name) {
				return usageErrorf(cmd, fmt.Errorf("--%s goes with --push or --pull-request", name))
			}
		}
	}
	if o.Provider != "" && forge.TokenVar(o.Provider) == "" {
		return usageErrorf(cmd, fmt.Errorf("--provider %q: use one of %s", o.Provider, strings.Join(forge.Names(), ", ")))
	}
	if o.Branch != "" && (strings.HasPrefix(o.Branch, "-") || plumbing.NewBranchReferenceName(o.Branch).Validate() != nil) {
		return usageErrorf(cmd, fmt.Errorf("--branch %q is not a valid branch name", o.Branch))
	}
	return nil
}

// pushUpdate is bot mode: the update worked out in res is committed on top of the default
// branch's head, pushed to the bot's branch when it differs, and announced by a pull request.
func (f *Factory) pushUpdate(ctx context.Context, o *botOptions, p *planned, res *update.Result, notRun []manifest.Migration) (*bot.Report, error) {
	repo, rel := p.svc.Repository()
	if repo == nil {
		return nil, fmt.Errorf("%s is not in a git repository; --push needs a clone of the service's repository", p.display())
	}
	remote, err := repo.Remote(gitrepo.Remote)
	if err != nil {
		return nil, fmt.Errorf("%s has no remote named origin; --push pushes there", p.display())
	}
	urls := remote.Config().URLs
	if len(urls) == 0 {
		return nil, fmt.Errorf("%s: the remote origin has no URL; set one with git remote set-url origin URL", p.display())
	}
	url := urls[0]
	cred := f.gitAuth(url)
	if cred.Err != nil {
		return nil, fmt.Errorf("origin %s: %w", gitauth.Redact(url), cred.Err)
	}
	var pr *bot.Forge
	if o.PullRequest {
		if pr, err = f.forgeFor(url, o); err != nil {
			return nil, err
		}
	}
	branch := o.Branch
	if branch == "" {
		branch = "idp/update-" + p.name
	}
	unchanged := res.Unchanged(p.svc.Record)
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
	return bot.Run(ctx, bot.Options{
		Repo: repo,
		Remote: gitrepo.PushOptions{URL: url, Auth: cred.Auth, Hint: gitauth.HintFor(url, cred.Tried), Progress: f.progress(),
			Explain: func(err error) error { return gitauth.ExplainSSH(err, url, f.Getenv) }},
		Branch: branch, Author: gitrepo.DefaultAuthor, Now: f.Now(),
		Template: p.name, From: res.From, To: res.To,
		Unchanged: unchanged, Changes: changes, Conflicts: conflicts,
		Title: botTitle(p.name, res), Body: botBody(p, res, rel, notRun),
		Forge: pr,
	})
}

// forgeFor is the forge API for the pull request of the repository at remote url.
func (f *Factory) forgeFor(url string, o *botOptions) (*bot.Forge, error) {
	r, err := forge.ParseRemote(url)
	if err != nil {
		return nil, fmt.Errorf("--pull-request: %w", err)
	}
	provider, host := r.Provider, r.Host
	if o.Provider != "" {
		provider = o.Provider
	}
	if o.Host != "" {
		host = o.Host
	}
	if provider == "" {
		return nil, &UsageError{Err: fmt.Errorf("--pull-request: cannot tell which forge hosts %s; give --provider (%s)", gitauth.Redact(url), strings.Join(forge.Names(), ", "))}
	}
	token := f.forgeToken(provider)
	if token == "" {
		return nil, &forge.AuthError{Provider: provider, Reason: "no token for the pull request"}
	}
	api, err := forge.New(provider, forge.Options{Host: host, Token: token, HTTPClient: f.HTTPClient})
	if err != nil {
		return nil, err
	}
	return &bot.Forge{API: api, Owner: r.Owner, Name: r.Name}, nil
}

func botTitle(name string, res *update.Result) string {
	if res.From == res.To {
		return fmt.Sprintf("chore(idp): update %s answers at %s", name, res.To)
	}
	return fmt.Sprintf("chore(idp): update %s from %s to %s", name, res.From, res.To)
}

// botBody is the commit's body and the pull request's description.
func botBody(p *planned, res *update.Result, rel string, notRun []manifest.Migration) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Moves this service from the golden path **%s %s** to **%s** by idp's three-way merge: local changes are kept.\n\n", p.name, res.From, res.To)
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
		fmt.Fprintf(&b, "**Conflicts** in %s: %s. Resolve them on this branch (look for the conflict markers, or the .rej / .idp-new files beside them), then mark this pull request ready.\n\n",
			plural(len(conflicts), "file"), strings.Join(conflicts, ", "))
	}
	if kv := newAnswerPairs(res); len(kv) > 0 {
		fmt.Fprintf(&b, "**New answers** (defaults; change them in `.idp.yaml` and run `idp update` again): `%s`\n\n", strings.Join(kv, "`, `"))
	}
	if h := p.held; h != nil {
		fmt.Fprintf(&b, "**%s %s is out but not in this pull request**: it needs %s, which only a person can answer. Add them under `answers:` in `%s` (or run `idp update` in a terminal); the next run then takes it.\n\n",
			p.name, h.Version, h.describe(), path.Join(rel, provenance.FileName))
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

// forgeToken is the token for a forge's API: its own variable, else IDP_GIT_TOKEN.
func (f *Factory) forgeToken(provider string) string {
	if t := f.Getenv(forge.TokenVar(provider)); t != "" {
		return t
	}
	return f.Getenv("IDP_GIT_TOKEN")
}

// botMigrations is what bot mode does with the golden path's migrations: it never runs them
// (they change files in place), so trusted ones for the versions the update crosses stop it;
// untrusted ones, and those .idp.yaml already records as not run, are returned, to be recorded
// and listed as not run.
func botMigrations(p *planned, trusted bool) ([]manifest.Migration, error) {
	mp := update.PlanMigrations(p.svc.Record, p.base.Template.Manifest, p.target.Template.Manifest, p.current, p.wants)
	if trusted && len(mp.Before)+len(mp.After) > 0 {
		return nil, fmt.Errorf("the update to %s %s has migrations, which change files in place, and --push never touches your files; run idp update without --push, commit and push", p.name, p.wants)
	}
	return mp.All(), nil
}
