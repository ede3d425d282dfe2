package factory

import (
	"context"
	"fmt"
	"path/filepath"
	"time"

	"github.com/idp-cli/idp/internal/events"
	"github.com/idp-cli/idp/internal/fleet"
	"github.com/idp-cli/idp/internal/layer"
	"github.com/idp-cli/idp/internal/scaffold"
	"github.com/idp-cli/idp/internal/update"
)

// NoteCreated, NoteUpdate and NoteLayer are each command's part of its opt-in event
// (internal/events): what it made or moved.
func (f *Factory) NoteCreated(res *scaffold.Created)        { f.note(createdNote(res)) }
func (f *Factory) NoteLayer(res *layer.Result, dryRun bool) { f.note(layeredNote(res, dryRun)) }

// NoteUpdate notes idp update's outcome; a dry run of a service's layers one by one (no one
// outcome) is still noted as a dry run, not as an update made.
func (f *Factory) NoteUpdate(out *update.Outcome, m update.Mode) {
	n := updatedNote(out, m)
	if n == nil && (m == update.ModeDryRun || m == update.ModeDiff) {
		n = &events.Note{Mode: "dry-run"}
	}
	f.note(n)
}

func (f *Factory) note(n *events.Note) {
	if n != nil {
		f.event = n
	}
}

// recorder is the recorder of the config's events:, nil (nothing recorded) without them.
func (f *Factory) recorder() *events.Recorder {
	if f.Config == nil {
		return nil
	}
	return events.New(f.Config.Events, f.HTTPClient, f.Getenv)
}

// RecordFleetEvents records idp fleet update's run, one event per repository.
func (f *Factory) RecordFleetEvents(ctx context.Context, res *fleet.UpdateResult) {
	if res == nil {
		return
	}
	outcomes := map[string]string{"updated": "ok", "unchanged": "ok", "conflicts": "conflicts", "needsInput": "needs-input", "failed": "error"}
	runs := make([]events.BotRun, len(res.Rows))
	for i, row := range res.Rows {
		runs[i] = events.BotRun{Repo: row.Repo, GoldenPath: row.Template, From: row.From, To: row.To, Outcome: outcomes[row.Result], Took: row.Took}
	}
	f.warnEvent(f.recorder().RecordFleet(ctx, runs, f.Now(), f.Build.Version))
}

// RecordRun records the run of the command named command, begun at start and ended as
// outcome, when the config asks for events. A failure is a warning.
func (f *Factory) RecordRun(ctx context.Context, command string, start time.Time, outcome string) {
	if rec := f.recorder(); rec != nil {
		f.warnEvent(rec.RecordRun(ctx, events.Run{Command: command, Start: start, End: f.Now(), Outcome: outcome,
			Interactive: f.CanPrompt(), Note: f.event, IdpVersion: f.Build.Version}))
	}
}

func (f *Factory) warnEvent(err error) {
	if err != nil {
		fmt.Fprintf(f.IO.ErrOut, "idp: warning: %s\n", err)
	}
}

// createdNote is idp new's note; nil when it made nothing.
func createdNote(res *scaffold.Created) *events.Note {
	if res == nil || res.NewResult == nil || res.Record == nil {
		return nil
	}
	n := &events.Note{GoldenPath: res.Record.Template.Name, To: res.Record.Template.Version, Service: filepath.Base(res.Dir)}
	if res.DryRun {
		n.Mode = "dry-run" // said what it would make, and made nothing
	}
	if res.Template != nil {
		n.TimeSaved = res.Template.Manifest.TimeSavedDuration()
	}
	return n
}

// updatedNote is idp update's note; nil when it planned nothing.
func updatedNote(out *update.Outcome, mode update.Mode) *events.Note {
	if out == nil || out.Planned == nil {
		return nil
	}
	p := out.Planned
	n := &events.Note{GoldenPath: p.Name, From: p.Current, To: p.Wants}
	if out.Result != nil {
		n.From, n.To = out.Result.From, out.Result.To
	}
	if p.Service != nil {
		n.Service = filepath.Base(p.Service.Dir)
	}
	if p.Template != nil {
		n.TimeSaved = p.Template.Manifest.TimeSavedDuration()
	}
	switch mode {
	case update.ModeBot:
		n.Mode = "bot"
	case update.ModeDryRun, update.ModeDiff:
		n.Mode = "dry-run"
	}
	return n
}

// layeredNote is idp add's and idp adopt's note (remove records none); nil when there is no layer.
func layeredNote(res *layer.Result, dryRun bool) *events.Note {
	if res == nil {
		return nil
	}
	n := &events.Note{GoldenPath: res.Name, To: res.Version}
	if res.Service != nil {
		n.Service = filepath.Base(res.Service.Dir)
	}
	if dryRun {
		n.Mode = "dry-run"
	}
	return n
}
