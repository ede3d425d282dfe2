package cli

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/Masterminds/semver/v3"
	"github.com/spf13/cobra"

	"github.com/idp-cli/idp/internal/answers"
	"github.com/idp-cli/idp/internal/bot"
	"github.com/idp-cli/idp/internal/manifest"
	"github.com/idp-cli/idp/internal/render"
	"github.com/idp-cli/idp/internal/source"
	"github.com/idp-cli/idp/internal/update"
)

type updateOptions struct {
	Dir            string
	To             string
	Pre            bool
	Offline        bool
	DryRun         bool
	Conflict       string
	AllowDowngrade bool
	Set            []string
	ValuesFile     string
	Trust          bool
	Bot            botOptions
	Render         render.Options
}

func newUpdateCmd(f *Factory) *cobra.Command {
	o := &updateOptions{}
	cmd := &cobra.Command{
		Use:   "update",
		Short: "Move a service to a newer version of its golden path, keeping local changes",
		Long: `Move the service to a newer version of its golden path by a three-way merge: the version in
.idp.yaml rendered with the recorded answers is the base, the target version rendered with the
answers (and any new parameters) is the other side, and your files are the third.

A file changed on one side only takes that side. Text changed on both sides is merged line by
line; overlapping changes become conflict markers (or, with --conflict rej, FILE.rej holds the
golden path's hunks). A binary changed on both sides keeps yours and puts the golden path's in
FILE.idp-new. Files the golden path marks as owned are never touched. .idp.yaml is written last.

The service must have no uncommitted changes, so that git can undo the update. Exit status 3
means conflicts are left to resolve.

With --push (the bot), nothing is written to your files: the update is committed on top of
origin's default branch, which HEAD must be at, and pushed to the branch idp/update-<template>,
replacing the bot's earlier commit there, and only when it differs. With --pull-request the
branch gets a pull request (a draft when there are conflicts), opened once and updated after;
it is closed when the default branch no longer needs it. A branch where someone else has
committed is left alone. See docs/bots.md.`,
		Example: `  # To the latest version, asking for new parameters in a terminal
  idp update

  # In CI: no prompts, new parameters from flags or their defaults
  idp update --no-input --set log_level=info

  # See what would change, then update to a given version
  idp update --dry-run --to v1.4.0
  idp diff --to v1.4.0

  # As a CI bot: one branch and one pull request per service, updated in place on re-runs
  idp update --no-input --pull-request`,
		Args: usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, args []string) error { return runUpdate(cmd, f, o, false) },
	}
	fl := cmd.Flags()
	addUpdateFlags(cmd, o)
	fl.BoolVar(&o.DryRun, "dry-run", false, "print what would change; write nothing and ask nothing (as idp diff)")
	fl.StringVar(&o.Conflict, "conflict", "inline", "conflicts as {inline|rej}: markers in the file, or the golden path's hunks in FILE.rej")
	fl.BoolVar(&o.AllowDowngrade, "allow-downgrade", false, "let --to name a version older than the service's")
	fl.StringArrayVar(&o.Set, "set", nil, "an answer as `key=value`, new or changed; repeatable")
	fl.StringVar(&o.ValuesFile, "values", "", "answers from a YAML or JSON `file`")
	fl.BoolVar(&o.Trust, "trust", false, "run the golden path's migrations and hooks (commands) even though its source is not in trusted-sources")
	addBotFlags(cmd, &o.Bot, false)
	addRenderFlags(cmd, &o.Render)
	cmd.RegisterFlagCompletionFunc("conflict", cobra.FixedCompletions([]string{"inline", "rej"}, cobra.ShellCompDirectiveNoFileComp))
	return cmd
}

// addUpdateFlags are the flags update, diff and check share.
func addUpdateFlags(cmd *cobra.Command, o *updateOptions) {
	fl := cmd.Flags()
	fl.StringVar(&o.Dir, "dir", ".", "the service's `directory` (where .idp.yaml is)")
	fl.StringVar(&o.To, "to", "latest", "target `version`: latest, a tag, a constraint (^1.2), a branch or a commit")
	fl.BoolVar(&o.Pre, "pre", false, "let latest and constraints pick pre-release versions")
	fl.BoolVar(&o.Offline, "offline", false, "use the cached clone of the golden paths' source as it is")
}

// planned is an update worked out up to rendering: the service and both versions.
type planned struct {
	svc            *update.Service
	base, target   update.Version
	name           string // the golden path
	current, wants string // versions, for messages
	downgrade      bool
	cat            *source.Catalog
	tmpl           *source.Template
	// held is the newest version within --to that the update could not take without input
	// (it needs answers only a person can give); the target is then the newest one it can.
	held       *heldVersion
	behind     int       // released versions after the current one, up to the target
	targetDate time.Time // when the target was tagged, if it is a tag
}

// resolveVersions opens the service and its source and finds the recorded and target versions.
func resolveVersions(cmd *cobra.Command, f *Factory, o *updateOptions) (*planned, error) {
	svc, err := update.Open(o.Dir)
	if err != nil {
		return nil, err
	}
	rec := svc.Record.Template
	cat, err := f.openCatalog(cmd.Context(), rec.Source, o.Offline)
	if err != nil {
		return nil, fmt.Errorf("%w (the source recorded in %s)", err, relDir(svc.Dir)+"/.idp.yaml")
	}
	tmpl := source.Find(cat.All, rec.Name)
	if tmpl == nil {
		return nil, fmt.Errorf("golden path %s is no longer in %s; golden paths there: %s", rec.Name, rec.Source, strings.Join(source.Names(cat.All), ", "))
	}
	p := &planned{svc: svc, name: rec.Name, current: rec.Version, cat: cat, tmpl: tmpl}
	if cat.Git == nil {
		return nil, fmt.Errorf("the source %s has no versions, so %s cannot be updated from it; updates need a git source with version tags", rec.Source, p.display())
	}
	at := rec.Commit
	if at == "" {
		at = rec.Version
	}
	if rec.Source == source.Builtin && !cat.Git.Has(tmpl.Dir, rec.Version, rec.Commit) {
		// Made by an idp from before the built-in golden paths had versions: it recorded idp's
		// own version (dev, v0.x), and its files are the first release's.
		at = cat.Git.Oldest(tmpl.Dir)
		rec.Version, p.current = at, at
	}
	p.base.Source, p.base.Template, err = cat.At(tmpl, "version", at, true)
	if err != nil {
		return nil, fmt.Errorf("%w (recorded in %s)", errors.Unwrap(err), filepath.Join(p.display(), ".idp.yaml"))
	}
	if rec.Version != "" {
		p.base.Source.Version = rec.Version
	}
	p.target.Source, p.target.Template, err = cat.At(tmpl, "--to", o.To, o.Pre)
	if err != nil {
		return nil, withCmd(cmd, err)
	}
	p.wants = p.target.Source.Version
	cur, err1 := semver.NewVersion(rec.Version)
	tgt, err2 := semver.NewVersion(p.wants)
	p.downgrade = err1 == nil && err2 == nil && tgt.LessThan(cur)
	for _, v := range cat.Git.Versions(tmpl.Dir) {
		if v.Short() == p.wants {
			p.targetDate = v.Date
		}
		if err1 == nil && err2 == nil && v.Semver.GreaterThan(cur) && !v.Semver.GreaterThan(tgt) && (v.Semver.Prerelease() == "" || o.Pre) {
			p.behind++
		}
	}
	return p, nil
}

// display names the service in messages: its directory relative to here, or its name when it
// is here.
func (p *planned) display() string {
	if rel := relDir(p.svc.Dir); rel != "." {
		return rel
	}
	return filepath.Base(p.svc.Dir)
}

func runUpdate(cmd *cobra.Command, f *Factory, o *updateOptions, diff bool) error {
	if o.Conflict != "inline" && o.Conflict != "rej" {
		return usageErrorf(cmd, fmt.Errorf("--conflict %q: use inline or rej", o.Conflict))
	}
	if o.AllowDowngrade && !cmd.Flags().Changed("to") {
		return usageErrorf(cmd, fmt.Errorf("--allow-downgrade goes with --to, naming the older version"))
	}
	if err := o.Bot.validate(cmd); err != nil {
		return err
	}
	if o.Bot.Push && (o.DryRun || diff) {
		return usageErrorf(cmd, fmt.Errorf("--dry-run and --push do not go together; idp diff shows what the bot would commit"))
	}
	p, err := resolveVersions(cmd, f, o)
	if err != nil {
		return err
	}
	rel := p.display()
	if p.downgrade {
		if !cmd.Flags().Changed("to") {
			return f.say("%s is on %s %s, newer than the latest %s; nothing to update.\n", rel, p.name, p.current, p.wants)
		}
		if !o.AllowDowngrade {
			return usageErrorf(cmd, fmt.Errorf("--to %s is older than %s, the service's version; pass --allow-downgrade to go back", o.To, p.current))
		}
	}
	writes := !diff && !o.DryRun && !o.Bot.Push
	if writes || o.Bot.Push {
		if err := p.svc.CheckClean(cmd.Context()); err != nil {
			return err
		}
	}
	req := answers.Request{Set: o.Set, Verbose: f.Config.Verbose}
	preview := diff || o.DryRun
	if !preview {
		// A preview asks nothing (new parameters take --set, --values or their defaults), so
		// that idp diff and idp update --dry-run show the same.
		req.Prompter = f.prompter()
	}
	if o.ValuesFile != "" {
		if req.Values, err = answers.ReadValuesFile(cmd.Context(), o.ValuesFile); err != nil {
			return err
		}
		req.ValuesFile = o.ValuesFile
	}
	if req.Prompter == nil && !p.downgrade {
		if err := p.holdBack(cmd.Context(), req, o.Pre); err != nil {
			return err
		}
		if p.held != nil && p.wants == p.current {
			return needsInput(f, p)
		}
	}
	mp := update.PlanMigrations(p.svc.Record, p.base.Template.Manifest, p.target.Template.Manifest, p.current, p.wants)
	trusted := o.Trust || f.Config.trusts(p.svc.Record.Template.Source)
	var notRun []manifest.Migration
	if o.Bot.Push {
		if notRun, err = botMigrations(p, trusted); err != nil {
			return err
		}
	}
	for _, v := range mp.Gone {
		fmt.Fprintf(f.IO.ErrOut, "idp: .idp.yaml records the migrations for %s as not run, but the golden path has none for it any more; dropped from the record\n", v)
	}
	runs := writes && trusted
	if runs {
		// Those an earlier update did not run come first: their versions' merges are done.
		for _, mg := range append(mp.Pending, mp.Before...) {
			fmt.Fprintf(f.IO.ErrOut, "idp: running migration for %s: %s\n", mg.Version, mg.Run)
			if err := update.RunMigration(cmd.Context(), p.svc.Dir, mg, p.current, p.wants, f.IO.ErrOut); err != nil {
				return fmt.Errorf("%w; nothing was merged, the service is as it was (a migration may have changed files: check git status)", err)
			}
		}
	} else if !o.Bot.Push {
		notRun = mp.All()
	}
	if !p.downgrade {
		req.NewIn = p.newParams(o.Pre)
	}
	res, err := update.Run(cmd.Context(), update.RunOptions{
		Service: p.svc, Base: p.base, Target: p.target, Answers: req,
		Rej: o.Conflict == "rej", DryRun: !writes, Render: o.Render,
		Pending: update.Versions(notRun), After: afterVersions(runs, mp),
	})
	if err != nil {
		return renderLimitHint(withCmd(cmd, err))
	}
	if preview {
		notePreviewAnswers(f, res, req, req.NewIn)
	}
	if res.Interrupted {
		return interrupted(f, p, res, runs && len(mp.After) > 0, trusted && len(update.Hooks(p.target.Template.Manifest, "update")) > 0)
	}
	if runs {
		for _, mg := range mp.After {
			fmt.Fprintf(f.IO.ErrOut, "idp: running migration for %s: %s\n", mg.Version, mg.Run)
			if err := update.RunMigration(cmd.Context(), p.svc.Dir, mg, p.current, p.wants, f.IO.ErrOut); err != nil {
				return fmt.Errorf("%w; the update itself is written: fix what the migration should have done, or undo with git", err)
			}
		}
	} else if len(notRun) > 0 && !diff {
		printNotRun(f, mp, notRun, writes || o.Bot.Push)
	}
	if writes && !res.Unchanged(p.svc.Record) {
		// Hooks run in the service after the merge, never in the scratch renders of the two
		// versions; their changes are left with the update's, for review.
		if _, err := f.runHooks(cmd.Context(), update.Hooks(p.target.Template.Manifest, "update"), o.Trust, p.svc.Record.Template.Source, p.name, p.wants, p.svc.Dir); err != nil {
			return fmt.Errorf("%w; the update itself is written: review it with git diff", err)
		}
	}
	if diff {
		return printDiff(f, p, res)
	}
	if o.Bot.Push {
		rep, err := f.pushUpdate(cmd.Context(), &o.Bot, p, res, notRun)
		if err != nil {
			return err
		}
		if err := printPush(f, p, res, rep); err != nil {
			return err
		}
		printHeld(f, p)
		if res.Conflicts > 0 && rep.Push != "kept" {
			return &exitError{Code: ExitConflicts}
		}
		return nil
	}
	if err := printUpdate(f, p, res, o.DryRun); err != nil {
		return err
	}
	printHeld(f, p)
	if res.Conflicts > 0 && !o.DryRun {
		return &exitError{Code: ExitConflicts}
	}
	return nil
}

// heldVersion is a version the update could not take without input, and what it needs.
type heldVersion struct {
	Version string   `json:"version"`
	Missing []string `json:"missing"` // the parameters to answer
	Titles  []string `json:"-"`       // name (title), for messages
}

func (h *heldVersion) describe() string { return strings.Join(h.Titles, ", ") }

// holdBack makes an update that cannot ask (--no-input, CI, the bot, fleet update) take the
// newest version within --to that needs no new answers, so that a major release that adds a
// required parameter does not stop every service's bot: it keeps rolling out the last minor and
// says which version needs a person and for what. The target stays when it needs nothing.
func (p *planned) holdBack(ctx context.Context, req answers.Request, pre bool) error {
	candidates := []string{p.wants}
	if cur, err := semver.NewVersion(p.current); err == nil {
		tgt, _ := semver.NewVersion(p.wants)
		for _, v := range p.cat.Git.Versions(p.tmpl.Dir) {
			if v.Short() != p.wants && v.Semver.GreaterThan(cur) && (tgt == nil || v.Semver.LessThan(tgt)) && (v.Semver.Prerelease() == "" || pre) {
				candidates = append(candidates, v.Short()) // newest first
			}
		}
	}
	req.Recorded = p.svc.Record.Recorded()
	for i, version := range candidates {
		src, tmpl := p.target.Source, p.target.Template
		if i > 0 {
			var err error
			if src, tmpl, err = p.cat.At(p.tmpl, "--to", version, true); err != nil {
				return err
			}
		}
		_, err := answers.Resolve(ctx, tmpl.Manifest, req)
		var me *answers.MissingError
		if !errors.As(err, &me) {
			if i > 0 { // an older version is the target
				p.target.Source, p.target.Template, p.wants = src, tmpl, version
				p.behind -= i
			}
			return nil // a version that needs nothing, or an error the update itself reports
		}
		if i == 0 {
			p.held = &heldVersion{Version: version, Missing: me.Names()}
			for _, prm := range me.Params {
				t := prm.Name
				if prm.Title != "" {
					t += " (" + prm.Title + ")"
				}
				p.held.Titles = append(p.held.Titles, t)
			}
		}
	}
	// Nothing newer can be taken without input: stay where the service is.
	p.wants = p.current
	return nil
}

// printHeld says on stderr which newer version the update left for a person, and why.
func printHeld(f *Factory, p *planned) {
	if p.held == nil {
		return
	}
	fmt.Fprintf(f.IO.ErrOut, "idp: %s %s was not taken: it needs %s, which only a person can answer; pass --set KEY=VALUE or --values FILE, add them under answers: in .idp.yaml, or run idp update in a terminal\n",
		p.name, p.held.Version, p.held.describe())
}

// needsInput ends an update that cannot take any newer version without answers: its own exit
// status, which the shipped workflow treats as "a person must answer", not as a failure.
func needsInput(f *Factory, p *planned) error {
	msg := fmt.Sprintf("%s is on %s %s; %s needs %s, which only a person can answer: pass --set KEY=VALUE or --values FILE, add them under answers: in .idp.yaml, or run idp update in a terminal",
		p.display(), p.name, p.current, p.held.Version, p.held.describe())
	if f.Config.Output == "json" {
		if err := printJSON(f.IO.Out, map[string]any{
			"service": p.display(), "template": p.name, "from": p.current, "to": p.current,
			"status": "needsInput", "held": p.held,
		}); err != nil {
			return err
		}
	}
	return &exitError{Code: ExitNeedsInput, Msg: msg}
}

// afterVersions are the versions of the migrations to run after the merge, if they run.
func afterVersions(runs bool, mp *update.MigrationPlan) []string {
	if !runs {
		return nil
	}
	return update.Versions(mp.After)
}

// interrupted ends an update that Ctrl-C stopped while it was being written: update.Run
// finished writing it, so the summary is printed as for any update, and the exit status (2,
// cancelled) and message say that it is whole and what did not run after it.
func interrupted(f *Factory, p *planned, res *update.Result, migrations, hooks bool) error {
	if err := printUpdate(f, p, res, false); err != nil {
		return err
	}
	var skipped []string
	if migrations {
		skipped = append(skipped, "its migrations for after the merge were not run (.idp.yaml records them: idp update --trust runs them)")
	}
	if hooks {
		skipped = append(skipped, "its update hooks were not run")
	}
	msg := "interrupted while writing the update: idp finished writing it rather than leave the service half-updated, so every file and .idp.yaml are written"
	if len(skipped) > 0 {
		msg += "; " + strings.Join(skipped, ", and ")
	}
	return &interruptedError{msg + "; review it with git diff, or undo it as printed above"}
}

// interruptedError is a run cancelled once it had written what it says: exit 2, as any
// cancelled run, without the usage hint.
type interruptedError struct{ msg string }

func (e *interruptedError) Error() string { return e.msg }
func (e *interruptedError) Unwrap() error { return context.Canceled }

// printNotRun lists on stderr the golden path's migrations that were not run, and where they
// are recorded for a later idp update --trust.
func printNotRun(f *Factory, mp *update.MigrationPlan, notRun []manifest.Migration, recorded bool) {
	fmt.Fprintf(f.IO.ErrOut, "idp: the golden path's migrations were not run (they run only with --trust or for a source in trusted-sources):\n")
	for _, mg := range notRun {
		when := "after the merge"
		switch {
		case slices.ContainsFunc(mp.Pending, func(p manifest.Migration) bool { return p == mg }):
			when = "not run by an earlier update"
		case mg.When == "before":
			when = "before the merge"
		}
		fmt.Fprintf(f.IO.ErrOut, "  %s (%s): %s\n", mg.Version, when, mg.Run)
	}
	verb := "would record"
	if recorded {
		verb = "records"
	}
	fmt.Fprintf(f.IO.ErrOut, "idp: .idp.yaml %s them under pending-migrations; once you have read them, idp update --trust runs them\n", verb)
}

// say prints a line of text output, or nothing with --output json.
func (f *Factory) say(format string, args ...any) error {
	if f.Config.Output == "json" {
		return nil
	}
	_, err := fmt.Fprintf(f.IO.Out, format, args...)
	return err
}

type updateJSON struct {
	Service    string          `json:"service"`
	Template   string          `json:"template"`
	From       string          `json:"from"`
	To         string          `json:"to"`
	DryRun     bool            `json:"dryRun"`
	Changes    []update.Change `json:"changes"`
	Conflicts  int             `json:"conflicts"`
	NewAnswers []string        `json:"newAnswers"`
	// PendingMigrations are the versions whose migrations were not run, recorded so in
	// .idp.yaml for a later idp update --trust.
	PendingMigrations []string `json:"pendingMigrations"`
	// Push is what bot mode did with the branch and the pull request.
	Push *bot.Report `json:"push,omitempty"`
	// Held is the newer version an update without input did not take, and what it needs.
	Held *heldVersion `json:"held,omitempty"`
}

func updateReport(p *planned, res *update.Result, dryRun bool, rep *bot.Report) updateJSON {
	changes := res.Changes
	if changes == nil {
		changes = []update.Change{}
	}
	return updateJSON{
		Service: p.display(), Template: p.name, From: res.From, To: res.To, DryRun: dryRun,
		Changes: changes, Conflicts: res.Conflicts, NewAnswers: append([]string{}, res.NewAnswers...),
		PendingMigrations: append([]string{}, res.Record.PendingMigrations...),
		Push:              rep, Held: p.held,
	}
}

func printUpdate(f *Factory, p *planned, res *update.Result, dryRun bool) error {
	rel := p.display()
	if f.Config.Output == "json" {
		return printJSON(f.IO.Out, updateReport(p, res, dryRun, nil))
	}
	w := f.IO.Out
	notRun := ""
	if pending := res.Record.PendingMigrations; len(pending) > 0 {
		notRun = fmt.Sprintf("Migrations not run: %s; .idp.yaml records them, and 'idp update --trust' runs them.\n", strings.Join(pending, ", "))
	}
	if res.Unchanged(p.svc.Record) {
		fmt.Fprintf(w, "%s is on %s %s; nothing to update.\n%s", rel, p.name, res.To, notRun)
		return nil
	}
	verb := "Updated"
	if dryRun {
		verb = "Would update"
	}
	ran := p.svc.Record.PendingMigrations
	if notRun != "" || dryRun {
		ran = nil
	}
	if len(ran) > 0 && res.From == res.To && len(res.Changes) == 0 && len(res.NewAnswers) == 0 {
		// Only the migrations an earlier update did not run had something to do.
		fmt.Fprintf(w, "Ran the migrations .idp.yaml recorded as not run in %s: %s.\n", rel, strings.Join(ran, ", "))
	} else {
		printChanges(f, p, res, verb, "")
		if len(ran) > 0 {
			fmt.Fprintf(w, "Ran the migrations .idp.yaml recorded as not run: %s.\n", strings.Join(ran, ", "))
		}
	}
	fmt.Fprint(w, notRun)
	if dryRun {
		return nil
	}
	fmt.Fprintln(w)
	if res.Conflicts > 0 {
		them := "them"
		if res.Conflicts == 1 {
			them = "it"
		}
		fmt.Fprintf(w, "%s left in conflict: resolve %s, then commit.\n", plural(res.Conflicts, "file"), them)
	} else {
		fmt.Fprintf(w, "Review with 'git diff', then commit.\n")
	}
	undo := "git checkout HEAD -- . && git clean -fd ."
	if relDir(p.svc.Dir) != "." {
		undo = "(cd " + rel + " && " + undo + ")"
	}
	fmt.Fprintf(w, "To undo the update: %s\n", undo)
	return nil
}

// printChanges prints the per-file summary: "<verb> <service> from <template> vX to vY<where>:".
func printChanges(f *Factory, p *planned, res *update.Result, verb, where string) {
	w := f.IO.Out
	span := res.From + " to " + res.To
	if res.From == res.To {
		span = res.To + " (new answers)"
	}
	fmt.Fprintf(w, "%s %s from %s %s%s:\n", verb, p.display(), p.name, span, where)
	for _, c := range res.Changes {
		line := c.Path
		if c.From != "" {
			line = c.From + " -> " + c.Path
		}
		if c.Reason != "" {
			line += ": " + c.Reason
		}
		fmt.Fprintf(w, "  %-9s %s\n", c.Action, line)
	}
	if len(res.Changes) == 0 {
		fmt.Fprintf(w, "  no file changes\n")
	}
	if kv := newAnswerPairs(res); len(kv) > 0 {
		fmt.Fprintf(w, "New answers: %s\n", strings.Join(kv, ", "))
	}
}

// printPush reports bot mode: the update, then what happened to the branch and pull request.
func printPush(f *Factory, p *planned, res *update.Result, rep *bot.Report) error {
	if f.Config.Output == "json" {
		return printJSON(f.IO.Out, updateReport(p, res, false, rep))
	}
	w := f.IO.Out
	if res.Unchanged(p.svc.Record) {
		fmt.Fprintf(w, "%s is on %s %s on %s; nothing to update.\n", p.display(), p.name, res.To, rep.Base)
	} else {
		printChanges(f, p, res, "Committed the update of", " on "+rep.Branch)
	}
	switch rep.Push {
	case "created", "updated":
		fmt.Fprintf(w, "Pushed %s (%s, on top of %s): %s.\n", rep.Branch, rep.Commit[:7], rep.Base, rep.Push)
	case "unchanged":
		if rep.Raced {
			fmt.Fprintf(w, "Another run pushed this same update to %s (%s) while this one worked; nothing pushed, nothing lost.\n", rep.Branch, rep.Commit[:7])
			break
		}
		fmt.Fprintf(w, "Branch %s already holds this update (%s); nothing pushed.\n", rep.Branch, rep.Commit[:7])
	case "deleted":
		fmt.Fprintf(w, "Deleted the branch %s: %s no longer needs it.\n", rep.Branch, rep.Base)
	case "kept":
		fmt.Fprintf(w, "Branch %s has commits idp did not make, for this same update; left as it is.\n", rep.Branch)
	}
	if pr := rep.PullRequest; pr != nil {
		switch pr.Action {
		case "created", "updated", "unchanged", "closed":
			draft := ""
			if pr.Draft {
				draft = " (draft: conflicts to resolve)"
			}
			fmt.Fprintf(w, "Pull request #%d %s%s: %s\n", pr.Number, pr.Action, draft, pr.URL)
		case "declined":
			fmt.Fprintf(w, "Pull request #%d for %s was closed unmerged; not opened again until a newer version: %s\n", pr.Number, res.To, pr.URL)
		}
	}
	return nil
}

// newAnswerPairs are the parameters answered for the first time, as key=value.
func newAnswerPairs(res *update.Result) []string {
	var kv []string
	for _, k := range res.NewAnswers {
		for _, a := range res.Record.Answers {
			if a.Key == k {
				kv = append(kv, fmt.Sprintf("%s=%v", k, a.Value))
			}
		}
	}
	return kv
}
