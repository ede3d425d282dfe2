package events

import (
	"context"
	"path"
	"strings"
	"time"
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

// BotRun is one repository's update in idp fleet update: its URL, golden path, versions, how
// it ended (ok, conflicts, needs-input or error) and how long it took.
type BotRun struct {
	Repo, GoldenPath, From, To, Outcome string
	Took                                time.Duration
}

// RecordFleet records idp fleet update's run as the bot's, one event per repository, as each
// repository's own idp update --push would; now is when the run ended. It stops at the first
// failure: the others would fail the same way.
func (r *Recorder) RecordFleet(ctx context.Context, runs []BotRun, now time.Time, idpVersion string) error {
	if r == nil {
		return nil
	}
	for _, run := range runs {
		ev := Event{Time: now.Add(-run.Took).UTC(), Command: "update", Mode: "bot", GoldenPath: run.GoldenPath, From: run.From, To: run.To,
			Service: strings.TrimSuffix(path.Base(strings.TrimSuffix(run.Repo, "/")), ".git"), DurationMS: run.Took.Milliseconds(),
			Outcome: run.Outcome, IdpVersion: idpVersion}
		if err := r.Record(ctx, ev); err != nil {
			return err
		}
	}
	return nil
}
