package cli

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/idp-cli/idp/internal/events"
	"github.com/idp-cli/idp/internal/fleet"
	"github.com/idp-cli/idp/internal/layer"
	"github.com/idp-cli/idp/internal/prompt"
	"github.com/idp-cli/idp/internal/scaffold"
	"github.com/idp-cli/idp/internal/update"
)

// eventNote is what the command knows for its opt-in event (internal/events); the note* are
// each command's part of it.
type eventNote = events.Note

func (f *Factory) noteCreated(res *scaffold.Created)             { f.note(events.Created(res)) }
func (f *Factory) noteUpdate(out *update.Outcome, m update.Mode) { f.note(events.Updated(out, m)) }
func (f *Factory) noteLayer(res *layer.Result, dryRun bool)      { f.note(events.Layered(res, dryRun)) }

func (f *Factory) note(n *eventNote) {
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

// recordFleetEvents records idp fleet update's run, one event per repository.
func (f *Factory) recordFleetEvents(ctx context.Context, res *fleet.UpdateResult) {
	f.warnEvent(f.recorder().RecordFleet(ctx, res, f.Now(), f.Build.Version))
}

// recordEvent records the run of cmd, begun at start and ended with err, when the config asks
// for events and cmd makes or moves a service. A failure is a warning.
func (f *Factory) recordEvent(ctx context.Context, cmd *cobra.Command, start time.Time, err error) {
	if rec := f.recorder(); rec != nil && cmd != nil && cmd.Parent() == cmd.Root() {
		f.warnEvent(rec.RecordRun(ctx, events.Run{Command: cmd.Name(), Start: start, End: f.Now(), Outcome: eventOutcome(err),
			Interactive: f.CanPrompt(), Note: f.event, IdpVersion: f.Build.Version}))
	}
}

func (f *Factory) warnEvent(err error) {
	if err != nil {
		fmt.Fprintf(f.IO.ErrOut, "idp: warning: %s\n", err)
	}
}

// eventOutcome is how a command ended, in a word.
func eventOutcome(err error) string {
	if errors.Is(err, context.Canceled) || errors.Is(err, prompt.ErrCancelled) {
		return "cancelled"
	}
	if word, ok := map[int]string{ExitOK: "ok", ExitConflicts: "conflicts", ExitNeedsInput: "needs-input", ExitUsage: "usage-error"}[exitCode(err)]; ok {
		return word
	}
	return "error"
}
