// Package updaterun is idp update and idp diff on one service: each layer's update written,
// previewed, shown as a diff or pushed as the bot, and what to say of it, as text or JSON.
package updaterun

import (
	"context"
	"fmt"
	"strings"

	"github.com/idp-cli/idp/internal/bot"
	"github.com/idp-cli/idp/internal/update"
)

// Deps is what an update run needs from the command layer.
type Deps struct {
	Update update.Deps
	Push   bot.PushDeps // for update.ModeBot
	// Hint rewords a layer's error for its line (the render limit flags, say).
	Hint func(error) error
}

// Options is one run: Do.Mode says whether it writes, previews (dry run, diff) or pushes as the
// bot (with Push).
type Options struct {
	Do   update.DoOptions
	Push bot.PushOptions
}

// Layer is the run of one layer: the update, what the bot pushed, or the error that stopped
// that layer (the bot goes on with the others).
type Layer struct {
	Name    string
	Outcome *update.Outcome
	Report  *bot.Report
	Err     error
}

// Result is what a run did, or would do.
type Result struct {
	Mode update.Mode
	// Layered says the service has add-ons and every layer was run: the layers are reported
	// one by one. Otherwise Layers has one, reported as an update of the service.
	Layered bool
	Layers  []Layer
	deps    Deps
}

// Run updates the service in o.Do.Dir, every layer in order or only o.Do.Layer, as update.DoLayers
// does, or as the bot (bot.UpdateLayers) in update.ModeBot. An error that stops a layered run
// after some layers comes with the result so far; any other comes alone.
func Run(ctx context.Context, d Deps, o Options) (*Result, error) {
	r := &Result{Mode: o.Do.Mode, deps: d}
	if r.Mode == update.ModeBot {
		runs, layered, err := bot.UpdateLayers(ctx, d.Update, d.Push, o.Do, o.Push)
		if err != nil {
			return nil, err
		}
		if !layered && runs[0].Err != nil {
			return nil, runs[0].Err
		}
		r.Layered = layered
		for _, run := range runs {
			r.Layers = append(r.Layers, Layer{Name: run.Layer, Outcome: run.Outcome, Report: run.Report, Err: run.Err})
		}
		return r, nil
	}
	lo, err := update.DoLayers(ctx, d.Update, o.Do)
	if err != nil && (lo == nil || !lo.Layered) {
		return nil, err
	}
	r.Layered = lo.Layered
	for _, out := range lo.Outcomes {
		r.Layers = append(r.Layers, Layer{Name: out.Name, Outcome: out})
	}
	return r, err
}

// Outcome is the update of a service without layers (or of the --layer), for its event; nil
// when every layer of a service with add-ons ran.
func (r *Result) Outcome() *update.Outcome {
	if r == nil || r.Layered || len(r.Layers) == 0 {
		return nil
	}
	return r.Layers[0].Outcome
}

// Status is what a run leaves for a person, for the exit status.
type Status int

// The statuses beyond a run that needs nothing more.
const (
	Conflicts    Status = iota + 1 // files left in conflict
	NeedsInput                     // a newer version needs answers only a person can give
	LayersFailed                   // the bot failed on some layers and pushed the others
)

// Left is a run that ended with something left for a person; Msg says what when the output has
// not.
type Left struct {
	Status Status
	Msg    string
}

func (e *Left) Error() string { return e.Msg }

// InterruptedError is a run cancelled (Ctrl-C) once it had begun writing: the update was
// finished rather than left half-way; what was to run after it did not.
type InterruptedError struct{ msg string }

func (e *InterruptedError) Error() string { return e.msg }
func (e *InterruptedError) Unwrap() error { return context.Canceled }

// Err is how the run ends: nil when it leaves nothing to do, an *InterruptedError, or a *Left.
func (r *Result) Err() error {
	if !r.Layered {
		out, rep := r.Layers[0].Outcome, r.Layers[0].Report
		switch {
		case out.Newer:
			return nil
		case out.NeedsInput:
			return &Left{Status: NeedsInput, Msg: r.needsInput(out.Planned)}
		case out.Interrupted:
			return interrupted(out)
		case r.Mode == update.ModeBot && out.Result.Conflicts > 0 && rep.Push != "kept",
			r.Mode == update.ModeWrite && out.Result.Conflicts > 0:
			return &Left{Status: Conflicts}
		}
		return nil
	}
	failed, conflicts, needs := 0, false, false
	var stop error
	for _, l := range r.Layers {
		out := l.Outcome
		switch {
		case l.Err != nil:
			failed++
		case out.NeedsInput:
			needs = true
		case out.Newer || out.Result == nil:
		case out.Interrupted && stop == nil:
			stop = interrupted(out)
		case r.Mode == update.ModeBot && out.Result.Conflicts > 0 && l.Report.Push != "kept",
			r.Mode == update.ModeWrite && out.Result.Conflicts > 0:
			conflicts = true
		}
	}
	switch {
	case failed > 0:
		return &Left{Status: LayersFailed, Msg: fmt.Sprintf("%d of %d layers failed; the others were pushed as printed", failed, len(r.Layers))}
	case stop != nil:
		return stop
	case conflicts:
		return &Left{Status: Conflicts}
	case needs && r.Mode != update.ModeDiff:
		return &Left{Status: NeedsInput}
	}
	return nil
}

// interrupted says that the update is whole and what did not run after it.
func interrupted(out *update.Outcome) error {
	var skipped []string
	if out.SkippedAfter {
		skipped = append(skipped, "its migrations for after the merge were not run (.idp.yaml records them: idp update --trust runs them)")
	}
	if out.SkippedHooks {
		skipped = append(skipped, "its update hooks were not run")
	}
	msg := "interrupted while writing the update: idp finished writing it rather than leave the service half-updated, so every file and .idp.yaml are written"
	if len(skipped) > 0 {
		msg += "; " + strings.Join(skipped, ", and ")
	}
	return &InterruptedError{msg + "; review it with git diff, or undo it as printed above"}
}

func (r *Result) needsInput(p *update.Planned) string {
	return fmt.Sprintf("%s is on %s %s; %s needs %s, which only a person can answer: pass --set KEY=VALUE or --values FILE, add them under answers: in .idp.yaml, or run idp update in a terminal",
		r.deps.Update.Name(p.Service), p.Name, p.Current, p.Held.Version, p.Held.Describe())
}
