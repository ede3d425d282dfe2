package cli

import (
	"context"
	"errors"
	"fmt"
	"path"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/idp-cli/idp/internal/events"
	"github.com/idp-cli/idp/internal/fleet"
	"github.com/idp-cli/idp/internal/layer"
	"github.com/idp-cli/idp/internal/prompt"
	"github.com/idp-cli/idp/internal/scaffold"
	"github.com/idp-cli/idp/internal/update"
)

// eventCommands are the commands that make or move a service: the only ones that record an
// event, and only when the config file's events: says where (docs/metrics.md).
var eventCommands = map[string]bool{"new": true, "add": true, "adopt": true, "update": true}

// eventNote is what a command knows of its golden path, for its event.
type eventNote struct {
	goldenPath, from, to, service, mode string
	timeSaved                           time.Duration
}

// noteCreated is idp new's part of its event.
func (f *Factory) noteCreated(res *scaffold.Created) {
	if res == nil || res.NewResult == nil || res.Record == nil {
		return
	}
	n := &eventNote{goldenPath: res.Record.Template.Name, to: res.Record.Template.Version, service: filepath.Base(res.Dir)}
	if res.Template != nil {
		n.timeSaved = res.Template.Manifest.TimeSavedDuration()
	}
	f.event = n
}

// noteUpdate is idp update's part of its event.
func (f *Factory) noteUpdate(out *update.Outcome, mode update.Mode) {
	if out == nil || out.Planned == nil {
		return
	}
	p := out.Planned
	n := &eventNote{goldenPath: p.Name, from: p.Current, to: p.Wants}
	if out.Result != nil {
		n.from, n.to = out.Result.From, out.Result.To
	}
	if p.Service != nil {
		n.service = filepath.Base(p.Service.Dir)
	}
	if p.Template != nil {
		n.timeSaved = p.Template.Manifest.TimeSavedDuration()
	}
	switch mode {
	case update.ModeBot:
		n.mode = "bot"
	case update.ModeDryRun, update.ModeDiff:
		n.mode = "dry-run"
	}
	f.event = n
}

// noteLayer is idp add's and idp adopt's part of their events (remove records none).
func (f *Factory) noteLayer(res *layer.Result, dryRun bool) {
	if res == nil {
		return
	}
	n := &eventNote{goldenPath: res.Name, to: res.Version}
	if res.Service != nil {
		n.service = filepath.Base(res.Service.Dir)
	}
	if dryRun {
		n.mode = "dry-run"
	}
	f.event = n
}

// recordFleetEvents records idp fleet update's run as the bot's, one event per repository, as
// each repository's own idp update --push would.
func (f *Factory) recordFleetEvents(ctx context.Context, res *fleet.UpdateResult) {
	if f.Config == nil || f.Config.Events == nil || res == nil {
		return
	}
	rec := events.New(f.Config.Events, f.HTTPClient, f.Getenv)
	if rec == nil {
		return
	}
	outcomes := map[string]string{"updated": "ok", "unchanged": "ok", "conflicts": "conflicts", "needsInput": "needs-input", "failed": "error"}
	for _, r := range res.Rows {
		ev := events.Event{Time: f.Now().Add(-r.Took).UTC(), Command: "update", Mode: "bot", GoldenPath: r.Template, From: r.From, To: r.To,
			Service: strings.TrimSuffix(path.Base(strings.TrimSuffix(r.Repo, "/")), ".git"), DurationMS: r.Took.Milliseconds(),
			Outcome: outcomes[r.Result], IdpVersion: f.Build.Version}
		if err := rec.Record(ctx, ev); err != nil {
			fmt.Fprintf(f.IO.ErrOut, "idp: warning: %s\n", err)
			return // one warning: the others would fail the same way
		}
	}
}

// recordEvent records the run of cmd, begun at start and ended with err, when the config asks
// for events and cmd is one that makes or moves a service. A failure is a warning.
func (f *Factory) recordEvent(ctx context.Context, cmd *cobra.Command, start time.Time, err error) {
	if f.Config == nil || f.Config.Events == nil || cmd == nil || !eventCommands[cmd.Name()] || cmd.Parent() != cmd.Root() {
		return
	}
	rec := events.New(f.Config.Events, f.HTTPClient, f.Getenv)
	if rec == nil {
		return
	}
	ev := events.Event{Time: start.UTC(), Command: cmd.Name(), DurationMS: f.Now().Sub(start).Milliseconds(), Outcome: eventOutcome(err), IdpVersion: f.Build.Version}
	if n := f.event; n != nil {
		ev.GoldenPath, ev.From, ev.To, ev.Service, ev.Mode = n.goldenPath, n.from, n.to, n.service, n.mode
		if n.timeSaved > 0 {
			s := int64(n.timeSaved / time.Second)
			ev.TimeSavedSeconds = &s
		}
	}
	if ev.Mode == "" {
		ev.Mode = "no-input"
		if f.CanPrompt() {
			ev.Mode = "interactive"
		}
	}
	if err := rec.Record(ctx, ev); err != nil {
		fmt.Fprintf(f.IO.ErrOut, "idp: warning: %s\n", err)
	}
}

// eventOutcome is how a command ended, in a word.
func eventOutcome(err error) string {
	switch {
	case err == nil:
		return "ok"
	case errors.Is(err, context.Canceled) || errors.Is(err, prompt.ErrCancelled):
		return "cancelled"
	}
	switch exitCode(err) {
	case ExitOK:
		return "ok"
	case ExitConflicts:
		return "conflicts"
	case ExitNeedsInput:
		return "needs-input"
	case ExitUsage:
		return "usage-error"
	}
	return "error"
}
