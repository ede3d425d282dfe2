package update

import (
	"bytes"
	"context"
	"fmt"
	"maps"
	"path/filepath"
	"slices"

	"github.com/idp-cli/idp/internal/answers"
	"github.com/idp-cli/idp/internal/manifest"
	"github.com/idp-cli/idp/internal/merge"
	"github.com/idp-cli/idp/internal/provenance"
	"github.com/idp-cli/idp/internal/render"
	"github.com/idp-cli/idp/internal/source"
)

// Version is a golden path at one version: the source state and the template in it.
type Version struct {
	Source   *source.Source
	Template *source.Template
}

// RunOptions is one update of a service.
type RunOptions struct {
	Service *Service
	Base    Version // what .idp.yaml records
	Target  Version
	// Answers holds --set, --values and the prompter; the recorded answers are added.
	Answers answers.Request
	Rej     bool
	DryRun  bool
	// Render bounds both renders' size and time; the zero value means render's defaults.
	Render render.Options
	// Pending are the versions whose migrations stay not run after this update (see
	// Versions), recorded in .idp.yaml for a later idp update --trust.
	Pending []string
	// After are the versions whose migrations the caller runs after the merge: recorded as
	// pending instead when the run is interrupted while it writes (see Result.Interrupted).
	After []string
}

// Result is what the update did, or would do with DryRun.
type Result struct {
	From, To   string
	Changes    []Change
	Conflicts  int      // files left in conflict
	NewAnswers []string // parameters answered for the first time
	// Record is .idp.yaml after the update: the whole file, its layer (Own) updated.
	Record *provenance.File
	layer  int
	// Interrupted says that ctx was cancelled (Ctrl-C) while the update was being written:
	// Run finished writing it, files and .idp.yaml, rather than leave it half-way; whatever
	// was to run after it (migrations, hooks) should not.
	Interrupted bool
}

// Run renders both versions, merges and, unless DryRun, writes the files and then .idp.yaml.
func Run(ctx context.Context, o RunOptions) (*Result, error) {
	svc := o.Service
	bm, tm := o.Base.Template.Manifest, o.Target.Template.Manifest
	own := svc.Own()
	recorded := own.Recorded()
	req := o.Answers
	req.Recorded = recorded
	ans, err := answers.Resolve(ctx, tm, req)
	if err != nil {
		return nil, err
	}
	baseData, err := answers.Data(bm, withSecrets(bm, svc.BaseAnswers(), ans.Answers))
	if err != nil {
		return nil, fmt.Errorf("render %s %s with the recorded answers: %w", bm.Name, o.Base.Source.Version, err)
	}
	// The base is what the service got, .idp.version included (the idp that rendered it). The
	// target of a newer golden-path version moves .idp.version to this idp, unless it is a
	// development build or older: what the golden path pins to idp moves with its releases. An
	// update that stays on its version (answers edited) keeps it, so that an idp release alone
	// changes no service, and idp check, which knows only the golden path's versions, agrees.
	baseRender, targetRender := o.Render.AsRendered(own.IdpVersion), o.Render.AsRendered(own.IdpVersion)
	if label(o.Base.Source) != label(o.Target.Source) {
		targetRender = o.Render.Updating(own.IdpVersion)
	}
	baseTree, err := render.RenderWith(ctx, o.Base.Template.FS, bm, baseData, baseRender)
	if err != nil {
		return nil, fmt.Errorf("render %s %s: %w", bm.Name, o.Base.Source.Version, err)
	}
	targetTree, err := render.RenderWith(ctx, o.Target.Template.FS, tm, ans.Data, targetRender)
	if err != nil {
		return nil, fmt.Errorf("render %s %s: %w", tm.Name, o.Target.Source.Version, err)
	}
	res := &Result{From: label(o.Base.Source), To: label(o.Target.Source), layer: svc.Layer}
	for _, p := range tm.Parameters {
		if _, had := recorded[p.Name]; !had {
			if _, has := ans.Answers[p.Name]; has && !p.Secret {
				res.NewAnswers = append(res.NewAnswers, p.Name)
			}
		}
	}
	plan := Options{
		Dir: svc.Dir, Base: baseTree, Target: targetTree,
		Owned:  append(append([]string(nil), bm.Files.Owned...), tm.Files.Owned...),
		Labels: merge.Labels{Ours: filepath.Base(svc.Dir), Base: tm.Name + " " + res.From, Theirs: tm.Name + " " + res.To},
		Rej:    o.Rej,
		Layer:  own.Template.Name, Ignore: svc.Record.Ignore,
	}
	if res.Changes, err = Plan(ctx, plan); err != nil {
		return nil, err
	}
	if targetRender.Version() != baseRender.Version() && slices.ContainsFunc(res.Changes, func(c Change) bool { return c.Action == Conflict }) {
		// The service changed what the golden path pins to idp (by hand, or Renovate's digest
		// pin): a file that conflicts only because the update moves that pin keeps the
		// service's, and takes the golden path's other changes.
		if plan.Target, err = render.RenderWith(ctx, o.Target.Template.FS, tm, ans.Data, baseRender); err != nil {
			return nil, fmt.Errorf("render %s %s: %w", tm.Name, o.Target.Source.Version, err)
		}
		kept, err := Plan(ctx, plan)
		if err != nil {
			return nil, err
		}
		res.Changes = keepPins(res.Changes, kept)
	}
	for _, c := range res.Changes {
		if c.Action == Conflict {
			res.Conflicts++
		}
	}
	next := &provenance.File{
		Template:          provenance.Template{Source: own.Template.Source, Name: tm.Name, Version: o.Target.Source.Version, Commit: o.Target.Source.Commit},
		Answers:           ans.Recordable(tm),
		IdpVersion:        targetRender.Recorded(own.IdpVersion),
		PendingMigrations: o.Pending,
	}
	res.Record = svc.Record.WithLayer(svc.Layer, next)
	if o.DryRun {
		return res, nil
	}
	if err := ctx.Err(); err != nil {
		return nil, err // nothing written yet
	}
	// From here on a cancelled ctx does not stop the writes: a service half-updated, its
	// .idp.yaml on the old version, is worse than one whole update that the user can undo.
	if err := Apply(svc.Dir, res.Changes); err != nil {
		return nil, err
	}
	if ctx.Err() != nil {
		res.Interrupted = true
		l := res.Own()
		l.PendingMigrations = slices.Concat(l.PendingMigrations, o.After)
		res.Record = res.Record.WithLayer(svc.Layer, l)
	}
	// .idp.yaml last: an update cut short leaves the old version recorded, so it can run again.
	if err := WriteRecord(svc.Dir, res.Record); err != nil {
		return nil, err
	}
	return res, nil
}

// keepPins takes, for each path that conflicts in moved (the update with .idp.version moved to
// this idp), kept's change of it (the same update with .idp.version as the service had it) when
// that one does not conflict: the conflict came from the pin alone.
func keepPins(moved, kept []Change) []Change {
	byPath := map[string]Change{}
	for _, c := range kept {
		byPath[c.Path] = c
	}
	var out []Change
	for _, c := range moved {
		if c.Action == Conflict {
			k, ok := byPath[c.Path]
			switch {
			case !ok:
				continue // nothing to do for it once the pin stays
			case k.Action != Conflict:
				c = k
			}
		}
		out = append(out, c)
	}
	return out
}

// WriteRecord writes rec as the .idp.yaml of the service in dir, through the service's root.
func WriteRecord(dir string, rec *provenance.File) error {
	data, err := provenance.Marshal(rec)
	if err != nil {
		return err
	}
	return writeSide(dir, provenance.FileName, Side{Exists: true, Data: data, Mode: 0o644})
}

// withSecrets adds to the base's answers the secret ones given for the target: a secret is
// never recorded, so the base would render it empty and every line that prints it would differ
// from the service's file, a conflict on each update. With the same value on both sides, the
// golden path's change is merged as for any other answer.
func withSecrets(bm *manifest.Manifest, base, target map[string]any) map[string]any {
	out := maps.Clone(base)
	if out == nil {
		out = map[string]any{}
	}
	for _, p := range bm.Parameters {
		if !p.Secret {
			continue
		}
		if _, ok := out[p.Name]; ok {
			continue
		}
		if v, ok := target[p.Name]; ok {
			out[p.Name] = v
		}
	}
	return out
}

func label(s *source.Source) string {
	if s.Version != "" {
		return s.Version
	}
	return s.Commit[:12]
}

// Unchanged reports whether the update has nothing to do: no file changes and .idp.yaml would
// stay as it is.
func (r *Result) Unchanged(current *provenance.File) bool {
	if len(r.Changes) > 0 {
		return false
	}
	// Compared as written: answers read back from the file and answers resolved now may differ
	// in Go type (a list of any against []string) while meaning the same.
	a, err := provenance.Marshal(current)
	if err != nil {
		return false
	}
	b, err := provenance.Marshal(r.Record)
	return err == nil && bytes.Equal(a, b)
}

// Own is the updated layer's record, as a file of its own.
func (r *Result) Own() *provenance.File { return r.Record.Layer(r.layer) }

// NewAnswerPairs are the parameters answered for the first time, as key=value.
func (r *Result) NewAnswerPairs() []string {
	var kv []string
	for _, k := range r.NewAnswers {
		for _, a := range r.Own().Answers {
			if a.Key == k {
				kv = append(kv, fmt.Sprintf("%s=%v", k, a.Value))
			}
		}
	}
	return kv
}
