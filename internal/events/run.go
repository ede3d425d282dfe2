package events

import (
	"context"
	"path"
	"path/filepath"
	"strings"
	"time"

	"github.com/idp-cli/idp/internal/fleet"
	"github.com/idp-cli/idp/internal/layer"
	"github.com/idp-cli/idp/internal/scaffold"
	"github.com/idp-cli/idp/internal/update"
)

// commands are the commands that make or move a service: the only ones that record an event,
// and only when the config file's events: says where (docs/metrics.md).
var commands = map[string]bool{"new": true, "add": true, "adopt": true, "update": true}

// Note is what a command knows of its golden path, for its event.
type Note struct {
	GoldenPath, From, To, Service, Mode string
	TimeSaved                           time.Duration
}

// Run is one run of an idp command, as its event tells it.
type Run struct {
	Command     string // new, add, adopt or update; any other records nothing
	Start, End  time.Time
	Outcome     string // ok, conflicts, needs-input, cancelled, usage-error or error
	Interactive bool   // idp could prompt: the mode, when Note names none
	Note        *Note  // what the command knew of its golden path, if anything
	IdpVersion  string
}

// RecordRun records run's event when its command is one that makes or moves a service; it
// returns what failed, for a warning.
func (r *Recorder) RecordRun(ctx context.Context, run Run) error {
	if r == nil || !commands[run.Command] {
		return nil
	}
	ev := Event{Time: run.Start.UTC(), Command: run.Command, DurationMS: run.End.Sub(run.Start).Milliseconds(), Outcome: run.Outcome, IdpVersion: run.IdpVersion}
	if n := run.Note; n != nil {
		ev.GoldenPath, ev.From, ev.To, ev.Service, ev.Mode = n.GoldenPath, n.From, n.To, n.Service, n.Mode
		if n.TimeSaved > 0 {
			s := int64(n.TimeSaved / time.Second)
			ev.TimeSavedSeconds = &s
		}
	}
	if ev.Mode == "" {
		ev.Mode = "no-input"
		if run.Interactive {
			ev.Mode = "interactive"
		}
	}
	return r.Record(ctx, ev)
}

// RecordFleet records idp fleet update's run as the bot's, one event per repository, as each
// repository's own idp update --push would; now is when the run ended. It stops at the first
// failure: the others would fail the same way.
func (r *Recorder) RecordFleet(ctx context.Context, res *fleet.UpdateResult, now time.Time, idpVersion string) error {
	if r == nil || res == nil {
		return nil
	}
	outcomes := map[string]string{"updated": "ok", "unchanged": "ok", "conflicts": "conflicts", "needsInput": "needs-input", "failed": "error"}
	for _, row := range res.Rows {
		ev := Event{Time: now.Add(-row.Took).UTC(), Command: "update", Mode: "bot", GoldenPath: row.Template, From: row.From, To: row.To,
			Service: strings.TrimSuffix(path.Base(strings.TrimSuffix(row.Repo, "/")), ".git"), DurationMS: row.Took.Milliseconds(),
			Outcome: outcomes[row.Result], IdpVersion: idpVersion}
		if err := r.Record(ctx, ev); err != nil {
			return err
		}
	}
	return nil
}

// Created is idp new's note; nil when it made nothing.
func Created(res *scaffold.Created) *Note {
	if res == nil || res.NewResult == nil || res.Record == nil {
		return nil
	}
	n := &Note{GoldenPath: res.Record.Template.Name, To: res.Record.Template.Version, Service: filepath.Base(res.Dir)}
	if res.Template != nil {
		n.TimeSaved = res.Template.Manifest.TimeSavedDuration()
	}
	return n
}

// Updated is idp update's note; nil when it planned nothing.
func Updated(out *update.Outcome, mode update.Mode) *Note {
	if out == nil || out.Planned == nil {
		return nil
	}
	p := out.Planned
	n := &Note{GoldenPath: p.Name, From: p.Current, To: p.Wants}
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

// Layered is idp add's and idp adopt's note (remove records none); nil when there is no layer.
func Layered(res *layer.Result, dryRun bool) *Note {
	if res == nil {
		return nil
	}
	n := &Note{GoldenPath: res.Name, To: res.Version}
	if res.Service != nil {
		n.Service = filepath.Base(res.Service.Dir)
	}
	if dryRun {
		n.Mode = "dry-run"
	}
	return n
}
