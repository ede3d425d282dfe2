package events

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestRecordRun: a command that makes or moves a service records one line, its mode from its
// note or else from whether idp could prompt; any other command records nothing.
func TestRecordRun(t *testing.T) {
	file := filepath.Join(t.TempDir(), "events.jsonl")
	rec := New(&Config{File: file}, nil, func(string) string { return "" })
	start := time.Date(2026, 11, 30, 12, 0, 0, 0, time.FixedZone("CET", 3600))
	end := start.Add(1500 * time.Millisecond)
	ctx := context.Background()
	for _, run := range []Run{
		{Command: "new", Start: start, End: end, Outcome: "ok", Interactive: true, IdpVersion: "v1.0.0",
			Note: &Note{GoldenPath: "go-service", To: "v1.2.0", Service: "payments", TimeSaved: 4 * time.Hour}},
		{Command: "update", Start: start, End: end, Outcome: "conflicts", Note: &Note{GoldenPath: "docs", To: "v2", Mode: "dry-run"}},
		{Command: "templates", Start: start, End: end, Outcome: "ok"},
		{Command: "add", Start: start, End: start, Outcome: "usage-error"},
	} {
		if err := rec.RecordRun(ctx, run); err != nil {
			t.Fatal(err)
		}
	}
	var nothing *Recorder
	if err := nothing.RecordRun(ctx, Run{Command: "new"}); err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(file)
	want := `{"time":"2026-11-30T11:00:00Z","command":"new","mode":"interactive","goldenPath":"go-service","versionTo":"v1.2.0","service":"payments","durationMs":1500,"outcome":"ok","timeSavedSeconds":14400,"idpVersion":"v1.0.0"}
{"time":"2026-11-30T11:00:00Z","command":"update","mode":"dry-run","goldenPath":"docs","versionTo":"v2","durationMs":1500,"outcome":"conflicts","idpVersion":""}
{"time":"2026-11-30T11:00:00Z","command":"add","mode":"no-input","durationMs":0,"outcome":"usage-error","idpVersion":""}
`
	if string(got) != want {
		t.Errorf("recorded:\n%s\nwant:\n%s", got, want)
	}
}

// TestRecordFleet: one event per repository, as the bot's update, timed back from the end.
func TestRecordFleet(t *testing.T) {
	file := filepath.Join(t.TempDir(), "events.jsonl")
	rec := New(&Config{File: file}, nil, func(string) string { return "" })
	end := time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
	res := []BotRun{
		{Repo: "https://git.example.com/team/payments.git", GoldenPath: "go-service", From: "v1", To: "v2", Outcome: "ok", Took: 2 * time.Second},
		{Repo: "git@example.com:team/orders/", Outcome: "needs-input", Took: time.Second},
	}
	if err := rec.RecordFleet(context.Background(), res, end, "v1.0.0"); err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(file)
	want := `{"time":"2026-11-30T11:59:58Z","command":"update","mode":"bot","goldenPath":"go-service","versionFrom":"v1","versionTo":"v2","service":"payments","durationMs":2000,"outcome":"ok","idpVersion":"v1.0.0"}
{"time":"2026-11-30T11:59:59Z","command":"update","mode":"bot","service":"orders","durationMs":1000,"outcome":"needs-input","idpVersion":"v1.0.0"}
`
	if string(got) != want {
		t.Errorf("recorded:\n%s\nwant:\n%s", got, want)
	}
	// A file that cannot be written is one error for the run, not one per repository.
	bad := New(&Config{File: filepath.Join(file, "not-a-dir", "x")}, nil, func(string) string { return "" })
	if err := bad.RecordFleet(context.Background(), res, end, "v1"); err == nil || strings.Count(err.Error(), "events file") != 1 {
		t.Errorf("unwritable: %v", err)
	}
}
