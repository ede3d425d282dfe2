package factory

import (
	"context"
	"fmt"
	"time"

	"github.com/idp-cli/idp/internal/events"
	"github.com/idp-cli/idp/internal/fleet"
	"github.com/idp-cli/idp/internal/layer"
	"github.com/idp-cli/idp/internal/scaffold"
	"github.com/idp-cli/idp/internal/update"
)

// NoteCreated, NoteUpdate and NoteLayer are each command's part of its opt-in event
// (internal/events): what it made or moved.
func (f *Factory) NoteCreated(res *scaffold.Created)             { f.note(events.Created(res)) }
func (f *Factory) NoteUpdate(out *update.Outcome, m update.Mode) { f.note(events.Updated(out, m)) }
func (f *Factory) NoteLayer(res *layer.Result, dryRun bool)      { f.note(events.Layered(res, dryRun)) }

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
	f.warnEvent(f.recorder().RecordFleet(ctx, res, f.Now(), f.Build.Version))
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
