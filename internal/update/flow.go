package update

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/Masterminds/semver/v3"

	"github.com/idp-cli/idp/internal/answers"
	"github.com/idp-cli/idp/internal/manifest"
	"github.com/idp-cli/idp/internal/provenance"
	"github.com/idp-cli/idp/internal/render"
	"github.com/idp-cli/idp/internal/shell"
	"github.com/idp-cli/idp/internal/source"
	"github.com/idp-cli/idp/internal/versions"
)

// Deps is what updating a service needs from the command layer.
type Deps struct {
	// OpenCatalog opens the golden paths' source that .idp.yaml records.
	OpenCatalog func(ctx context.Context, loc string) (*source.Catalog, error)
	// Prompter asks for new parameters; nil when idp may not ask.
	Prompter answers.Prompter
	// Trusted reports whether a source is under trusted-sources (its migrations and hooks run).
	Trusted func(loc string) bool
	// Log is where idp says what it runs and does not run (stderr).
	Log io.Writer
	// Display names the service's directory in messages (relative to where idp runs).
	Display func(dir string) string
	// Now is the clock --min-age counts from; nil is time.Now.
	Now func() time.Time
}

func (d Deps) display(dir string) string {
	if d.Display == nil {
		return dir
	}
	return d.Display(dir)
}

// Planned is an update worked out up to rendering: the service and both versions.
type Planned struct {
	Service        *Service
	Base, Target   Version
	Name           string // the golden path
	Current, Wants string // versions, for messages
	Downgrade      bool
	Behind         int       // released versions after the current one, up to the target
	TargetDate     time.Time // when the target was tagged, if it is a tag
	// Held is the newest version within --to that the update could not take without input (it
	// needs answers only a person can give); the target is then the newest one it can take.
	Held *Held
	// Passed are the newer versions within --to the update passed over: too young for
	// --min-age, or skipped by .idp.yaml (Settle).
	Passed   []Passed
	passes   func(versions.Version) (Passed, bool)
	Catalog  *source.Catalog
	Template *source.Template
}

// Held is a version the update could not take without input, and what it needs.
type Held struct {
	Version string   `json:"version"`
	Missing []string `json:"missing"` // the parameters to answer
	Titles  []string `json:"-"`       // name (title), for messages
}

// Describe lists what the held version needs, with titles.
func (h *Held) Describe() string { return strings.Join(h.Titles, ", ") }

// Resolve opens the service in dir and its source, and finds the recorded version and the
// target (to: latest, a tag, a constraint, a branch or a commit) of its base golden path.
func Resolve(ctx context.Context, d Deps, dir, to string, pre bool) (*Planned, error) {
	return ResolveLayer(ctx, d, dir, "", to, pre)
}

// ResolveLayer is Resolve for the service's layer named layer ("" the base).
func ResolveLayer(ctx context.Context, d Deps, dir, layer, to string, pre bool) (*Planned, error) {
	svc, err := OpenLayer(dir, layer)
	if err != nil {
		return nil, err
	}
	rec := svc.Own().Template
	cat, err := d.OpenCatalog(ctx, rec.Source)
	if err != nil {
		return nil, fmt.Errorf("%w (the source recorded in %s)", err, d.display(svc.Dir)+"/.idp.yaml")
	}
	tmpl := source.Find(cat.All, rec.Name)
	if tmpl == nil {
		if err := cat.BrokenErr(rec.Name); err != nil {
			return nil, err // there, but its template.yaml cannot be read
		}
		return nil, fmt.Errorf("golden path %s is no longer in %s; golden paths there: %s", rec.Name, rec.Source, strings.Join(source.Names(cat.All), ", "))
	}
	p := &Planned{Service: svc, Name: rec.Name, Current: rec.Version, Catalog: cat, Template: tmpl}
	name := d.display(svc.Dir)
	if name == "." {
		name = filepath.Base(svc.Dir)
	}
	if cat.Git == nil {
		return nil, fmt.Errorf("the source %s has no versions, so %s cannot be updated from it; updates need a git source with version tags", rec.Source, name)
	}
	at := rec.Commit
	if at == "" {
		at = rec.Version
	}
	if rec.Source == source.Builtin && !cat.Git.Has(tmpl.Dir, rec.Version, rec.Commit) {
		// Made by an idp from before the built-in golden paths had versions: it recorded idp's
		// own version (dev, v0.x), and its files are the first release's.
		at = cat.Git.Oldest(tmpl.Dir)
		rec.Version, p.Current = at, at
	} else if err := svc.CheckVersion(cat, tmpl, svc.Layer); err != nil {
		return nil, err
	}
	p.Base.Source, p.Base.Template, err = cat.At(tmpl, "version", at, true)
	if err != nil {
		return nil, fmt.Errorf("%w (recorded in %s)", errors.Unwrap(err), filepath.Join(name, ".idp.yaml"))
	}
	if rec.Version != "" {
		p.Base.Source.Version = rec.Version
	}
	p.Target.Source, p.Target.Template, err = cat.At(tmpl, "--to", to, pre)
	if err != nil {
		return nil, err
	}
	// A typo under answers: (ownr:) is named, not taken for a missing answer later.
	if err := answers.CheckRecorded(svc.Own().Recorded(), filepath.Join(name, provenance.FileName), p.Base.Template.Manifest, p.Target.Template.Manifest); err != nil {
		return nil, err
	}
	p.Wants = p.Target.Source.Version
	cur, err1 := semver.NewVersion(rec.Version)
	tgt, err2 := semver.NewVersion(p.Wants)
	p.Downgrade = err1 == nil && err2 == nil && tgt.LessThan(cur)
	for _, v := range cat.Git.Versions(tmpl.Dir) {
		if v.Short() == p.Wants {
			p.TargetDate = v.Date
		}
		if err1 == nil && err2 == nil && v.Semver.GreaterThan(cur) && !v.Semver.GreaterThan(tgt) && (v.Semver.Prerelease() == "" || pre) {
			p.Behind++
		}
	}
	return p, nil
}

// UpToDate reports whether the service is on the target already (idp check).
func (p *Planned) UpToDate() bool {
	return p.Behind == 0 && (p.Downgrade || p.Target.Source.Commit == p.Service.Own().Template.Commit || p.Wants == p.Current)
}

// HoldBack makes an update that cannot ask (--no-input, CI, the bot, fleet update) take the
// newest version within --to that needs no new answers, so that a major release that adds a
// required parameter does not stop every service's bot: it keeps rolling out the last minor and
// says which version needs a person and for what. The target stays when it needs nothing.
func (p *Planned) HoldBack(ctx context.Context, req answers.Request, pre bool) error {
	candidates := []string{p.Wants}
	if cur, err := semver.NewVersion(p.Current); err == nil {
		tgt, _ := semver.NewVersion(p.Wants)
		for _, v := range p.Catalog.Git.Versions(p.Template.Dir) {
			if p.passes != nil {
				if _, passed := p.passes(v); passed {
					continue // too young, or skipped: not a version to fall back on
				}
			}
			if v.Short() != p.Wants && v.Semver.GreaterThan(cur) && (tgt == nil || v.Semver.LessThan(tgt)) && (v.Semver.Prerelease() == "" || pre) {
				candidates = append(candidates, v.Short()) // newest first
			}
		}
	}
	req.Recorded = p.Service.Own().Recorded()
	for i, version := range candidates {
		src, tmpl := p.Target.Source, p.Target.Template
		if i > 0 {
			var err error
			if src, tmpl, err = p.Catalog.At(p.Template, "--to", version, true); err != nil {
				return err
			}
		}
		_, err := answers.Resolve(ctx, tmpl.Manifest, req)
		var me *answers.MissingError
		if !errors.As(err, &me) {
			if i > 0 { // an older version is the target
				p.Target.Source, p.Target.Template, p.Wants = src, tmpl, version
				p.Behind -= i
			}
			return nil // a version that needs nothing, or an error the update itself reports
		}
		if i == 0 {
			p.Held = &Held{Version: version, Missing: me.Names()}
			for _, prm := range me.Params {
				t := prm.Name
				if prm.Title != "" {
					t += " (" + prm.Title + ")"
				}
				p.Held.Titles = append(p.Held.Titles, t)
			}
		}
	}
	// Nothing newer can be taken without input: stay where the service is.
	p.Wants = p.Current
	return nil
}

// NewParams maps each parameter the target has and the recorded version does not to the
// version that first added it, for the question that asks for it ("new in v1.1.0").
func (p *Planned) NewParams(pre bool) map[string]string {
	bm, tm := p.Base.Template.Manifest, p.Target.Template.Manifest
	out := map[string]string{}
	for _, prm := range tm.Parameters {
		if bm.Param(prm.Name) == nil {
			out[prm.Name] = p.Wants
		}
	}
	if len(out) == 0 || p.Catalog.Git == nil {
		return out
	}
	cur, err1 := semver.NewVersion(p.Current)
	tgt, err2 := semver.NewVersion(p.Wants)
	if err1 != nil || err2 != nil {
		return out
	}
	var between []versions.Version
	for _, v := range p.Catalog.Git.Versions(p.Template.Dir) {
		if v.Semver.GreaterThan(cur) && v.Semver.LessThan(tgt) && (v.Semver.Prerelease() == "" || pre) {
			between = append(between, v)
		}
	}
	slices.SortFunc(between, func(a, b versions.Version) int { return a.Semver.Compare(b.Semver) })
	found := map[string]bool{}
	for _, v := range between {
		_, t, err := p.Catalog.At(p.Template, "--to", v.Short(), true)
		if err != nil {
			continue
		}
		for name := range out {
			if !found[name] && t.Manifest.Param(name) != nil {
				out[name], found[name] = v.Short(), true
			}
		}
	}
	return out
}

// Mode is what an update does with what it works out.
type Mode int

// The modes: write the service's files; say what would change (update --dry-run, idp diff);
// work it out for the bot, which commits it elsewhere and never touches the files.
const (
	ModeWrite Mode = iota
	ModeDryRun
	ModeDiff
	ModeBot
)

// DoOptions is one run of an update.
type DoOptions struct {
	Dir string
	// Layer is the golden path of the layer to update: "" the base (see DoLayers for all).
	Layer   string
	To      string
	ToGiven bool // --to was given (a downgrade needs it)
	Pre     bool
	// AllowDowngrade lets --to name an older version.
	AllowDowngrade bool
	// MinAge is the soak time: a version tagged less long ago is not taken (Settle).
	MinAge     time.Duration
	Set        []string
	ValuesFile string
	Values     map[string]any // answers already read from ValuesFile (fleet update reads it once)
	Verbose    bool           // refused answers show their patterns
	Rej        bool
	Mode       Mode
	Trust      bool // run migrations and hooks though the source is not trusted
	Render     render.Options

	// cleanChecked: DoLayers checked the service before its first layer, whose update makes it
	// dirty for the next.
	cleanChecked bool
}

// Outcome is what an update did, or would do.
type Outcome struct {
	*Planned
	Result *Result
	// Newer: the service is on a version newer than the latest, and --to was not given.
	Newer bool
	// NeedsInput: nothing newer can be taken without answers only a person can give (Held).
	NeedsInput bool
	NotRun     []manifest.Migration // migrations not run, recorded as pending
	// Interrupted: Ctrl-C came while the update was written; it was finished, and what was
	// to run after it did not (SkippedAfter: migrations, SkippedHooks: hooks).
	Interrupted                bool
	SkippedAfter, SkippedHooks bool
}

// DowngradeError is --to naming a version older than the service's without --allow-downgrade.
type DowngradeError struct{ To, Current string }

func (e *DowngradeError) Error() string {
	return fmt.Sprintf("--to %s is older than %s, the service's version; pass --allow-downgrade to go back", e.To, e.Current)
}

// Do updates the service in o.Dir: resolves the versions, takes the newest one it can without
// input, runs the migrations that may run, merges (writing only in Write mode), and runs the
// update hooks. What it runs and does not run it says on d.Log. Once the versions are resolved,
// an error comes with the outcome so far (which service, which versions).
func Do(ctx context.Context, d Deps, o DoOptions) (*Outcome, error) {
	p, err := ResolveLayer(ctx, d, o.Dir, o.Layer, o.To, o.Pre)
	if err != nil {
		return nil, err
	}
	out := &Outcome{Planned: p}
	if p.Downgrade {
		if !o.ToGiven {
			out.Newer = true
			return out, nil
		}
		if !o.AllowDowngrade {
			return out, &source.RequestError{Err: &DowngradeError{To: o.To, Current: p.Current}}
		}
	}
	if !p.Downgrade {
		now := time.Now
		if d.Now != nil {
			now = d.Now
		}
		if err := p.Settle(o.To, o.MinAge, now(), o.Pre); err != nil {
			return out, err
		}
		for _, v := range p.Passed {
			fmt.Fprintf(d.Log, "idp: %s %s\n", p.Name, v.Describe())
		}
	}
	writes := o.Mode == ModeWrite
	if (writes || o.Mode == ModeBot) && !o.cleanChecked {
		if err := p.Service.CheckClean(ctx); err != nil {
			return out, err
		}
		// Merging over an earlier update's conflict markers would bury them.
		if ls, err := p.Service.Leftovers(ctx, p.Service.Record.Names()...); err != nil {
			return out, err
		} else if len(ls) > 0 {
			return out, &LeftoverError{Leftovers: ls}
		}
	}
	req := answers.Request{Set: o.Set, Verbose: o.Verbose}
	preview := o.Mode == ModeDryRun || o.Mode == ModeDiff
	if !preview {
		// A preview asks nothing (new parameters take --set, --values or their defaults), so
		// that idp diff and idp update --dry-run show the same.
		req.Prompter = d.Prompter
	}
	if o.Values != nil {
		req.Values, req.ValuesFile = o.Values, o.ValuesFile
	} else if o.ValuesFile != "" {
		if req.Values, err = answers.ReadValuesFile(ctx, o.ValuesFile); err != nil {
			return out, err
		}
		req.ValuesFile = o.ValuesFile
	}
	if req.Prompter == nil && !p.Downgrade {
		if err := p.HoldBack(ctx, req, o.Pre); err != nil {
			return out, err
		}
		if p.Held != nil && p.Wants == p.Current {
			out.NeedsInput = true
			return out, nil
		}
	}
	mp := PlanMigrations(p.Service.Own(), p.Base.Template.Manifest, p.Target.Template.Manifest, p.Current, p.Wants)
	trusted := o.Trust || (d.Trusted != nil && d.Trusted(p.Service.Own().Template.Source))
	if o.Mode == ModeBot {
		if out.NotRun, err = BotMigrations(p, trusted); err != nil {
			return out, err
		}
	}
	for _, v := range mp.Gone {
		fmt.Fprintf(d.Log, "idp: .idp.yaml records the migrations for %s as not run, but the golden path has none for it any more; dropped from the record\n", v)
	}
	runs := writes && trusted
	if runs {
		// Those an earlier update did not run come first: their versions' merges are done.
		for _, mg := range append(mp.Pending, mp.Before...) {
			fmt.Fprintf(d.Log, "idp: running migration for %s: %s\n", mg.Version, mg.Run)
			if err := RunMigration(ctx, p.Service.Dir, mg, p.Current, p.Wants, d.Log); err != nil {
				return out, fmt.Errorf("%w; nothing was merged, the service is as it was (a migration may have changed files: check git status)", err)
			}
		}
	} else if o.Mode != ModeBot {
		out.NotRun = mp.All()
	}
	if !p.Downgrade {
		req.NewIn = p.NewParams(o.Pre)
	}
	var after []string
	if runs {
		after = Versions(mp.After)
	}
	res, err := Run(ctx, RunOptions{
		Service: p.Service, Base: p.Base, Target: p.Target, Answers: req,
		Rej: o.Rej, DryRun: !writes, Render: o.Render,
		Pending: Versions(out.NotRun), After: after,
	})
	if err != nil {
		return out, err
	}
	out.Result = res
	if preview {
		notePreviewAnswers(d.Log, res, req, req.NewIn)
	}
	if res.Interrupted {
		out.Interrupted = true
		out.SkippedAfter = runs && len(mp.After) > 0
		out.SkippedHooks = trusted && len(Hooks(p.Target.Template.Manifest, "update")) > 0
		return out, nil
	}
	if runs {
		for _, mg := range mp.After {
			fmt.Fprintf(d.Log, "idp: running migration for %s: %s\n", mg.Version, mg.Run)
			if err := RunMigration(ctx, p.Service.Dir, mg, p.Current, p.Wants, d.Log); err != nil {
				return out, fmt.Errorf("%w; the update itself is written: fix what the migration should have done, or undo with git", err)
			}
		}
	} else if len(out.NotRun) > 0 && o.Mode != ModeDiff {
		logNotRun(d.Log, mp, out.NotRun, writes || o.Mode == ModeBot)
	}
	if writes && !res.Unchanged(p.Service.Record) {
		// Hooks run in the service after the merge, never in the scratch renders of the two
		// versions; their changes are left with the update's, for review.
		if _, err := RunHooks(ctx, d.Log, Hooks(p.Target.Template.Manifest, "update"), trusted, p.Name, p.Wants, p.Service.Dir, d.display(p.Service.Dir)); err != nil {
			return out, fmt.Errorf("%w; the update itself is written: review it with git diff", err)
		}
	}
	return out, nil
}

// BotMigrations is what bot mode does with the golden path's migrations: it never runs them
// (they change files in place), so trusted ones for the versions the update crosses stop it;
// untrusted ones, and those .idp.yaml already records as not run, are returned, to be recorded
// and listed as not run.
func BotMigrations(p *Planned, trusted bool) ([]manifest.Migration, error) {
	mp := PlanMigrations(p.Service.Own(), p.Base.Template.Manifest, p.Target.Template.Manifest, p.Current, p.Wants)
	if trusted && len(mp.Before)+len(mp.After) > 0 {
		return nil, fmt.Errorf("the update to %s %s has migrations, which change files in place, and --push never touches your files; run idp update without --push, commit and push", p.Name, p.Wants)
	}
	return mp.All(), nil
}

// RunHooks runs hooks in dir when trusted, and otherwise says on log which it did not run and
// how to run them (display names dir for the user). ran reports whether any ran.
func RunHooks(ctx context.Context, log io.Writer, hooks []manifest.Hook, trusted bool, template, version, dir, display string) (ran bool, err error) {
	if len(hooks) == 0 {
		return false, nil
	}
	if !trusted {
		fmt.Fprintf(log, "idp: the golden path's hooks were not run: they run only with --trust or for a source under trusted-sources in the config; to run them yourself:\n")
		for _, h := range hooks {
			// Quoted whole, so that a hook's own ; or exit runs in the service or not at all.
			fmt.Fprintf(log, "  (cd %s && sh -c %s)\n", shell.Quote(display), shell.Quote(h.Run))
		}
		return false, nil
	}
	for _, h := range hooks {
		fmt.Fprintf(log, "idp: running hook: %s\n", h.Run)
		if err := RunHook(ctx, dir, h, template, version, log); err != nil {
			return true, err
		}
	}
	return true, nil
}

// logNotRun lists the golden path's migrations that were not run, and where they are recorded
// for a later idp update --trust.
func logNotRun(log io.Writer, mp *MigrationPlan, notRun []manifest.Migration, recorded bool) {
	fmt.Fprintf(log, "idp: the golden path's migrations were not run (they run only with --trust or for a source in trusted-sources):\n")
	for _, mg := range notRun {
		when := "after the merge"
		switch {
		case slices.ContainsFunc(mp.Pending, func(p manifest.Migration) bool { return p == mg }):
			when = "not run by an earlier update"
		case mg.When == "before":
			when = "before the merge"
		}
		fmt.Fprintf(log, "  %s (%s): %s\n", mg.Version, when, mg.Run)
	}
	verb := "would record"
	if recorded {
		verb = "records"
	}
	fmt.Fprintf(log, "idp: .idp.yaml %s them under pending-migrations; once you have read them, idp update --trust runs them\n", verb)
}

// notePreviewAnswers says, for idp diff and update --dry-run (which ask nothing), which new
// parameters the preview gave their defaults, and that idp update will ask for them.
func notePreviewAnswers(log io.Writer, res *Result, req answers.Request, newIn map[string]string) {
	given := map[string]bool{}
	for k := range req.Values {
		given[k] = true
	}
	for _, s := range req.Set {
		k, _, _ := strings.Cut(s, "=")
		given[strings.TrimSpace(k)] = true
	}
	for _, k := range res.NewAnswers {
		if given[k] {
			continue
		}
		for _, a := range res.Own().Answers {
			if a.Key != k {
				continue
			}
			what := k + " has no answer yet"
			if v := newIn[k]; v != "" {
				what = k + " is new in " + v
			}
			shown := answers.Format(a.Value)
			if shown == "" {
				shown = `""`
			}
			fmt.Fprintf(log, "idp: %s; this preview asks nothing and takes its default, %s; idp update asks for it in a terminal, or give --set %s=VALUE\n",
				what, shown, k)
		}
	}
}
