package factory

import (
	"bytes"
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/idp-cli/idp/internal/config"
	"github.com/idp-cli/idp/internal/events"
	"github.com/idp-cli/idp/internal/fleet"
	"github.com/idp-cli/idp/internal/gitrepo"
	"github.com/idp-cli/idp/internal/layer"
	"github.com/idp-cli/idp/internal/update"
)

func newFactory(env map[string]string, tty bool) (*Factory, *bytes.Buffer) {
	var errOut bytes.Buffer
	f := &Factory{
		IO:     &IOStreams{In: strings.NewReader(""), Out: &bytes.Buffer{}, ErrOut: &errOut, InTTY: tty, OutTTY: tty, ErrTTY: tty},
		Config: &config.Config{}, Now: time.Now, Getenv: func(k string) string { return env[k] },
		Logger: slog.New(slog.DiscardHandler),
	}
	return f, &errOut
}

func TestForgeTokenPrefersTheForgesOwnVariable(t *testing.T) {
	f, _ := newFactory(map[string]string{"GITHUB_TOKEN": "gh", "IDP_GIT_TOKEN": "any"}, false)
	if got := f.ForgeToken("github"); got != "gh" {
		t.Errorf("github: %q, want gh", got)
	}
	if got := f.ForgeToken("gitlab"); got != "any" {
		t.Errorf("gitlab: %q, want IDP_GIT_TOKEN's any", got)
	}
}

func TestCanPromptAndAsker(t *testing.T) {
	for _, tc := range []struct {
		name    string
		env     map[string]string
		tty     bool
		noInput bool
		want    bool
	}{
		{"terminal", nil, true, false, true},
		{"not a terminal", nil, false, false, false},
		{"CI", map[string]string{"CI": "true"}, true, false, false},
		{"--no-input", nil, true, true, false},
	} {
		f, _ := newFactory(tc.env, tc.tty)
		f.Config.NoInput = tc.noInput
		if got := f.CanPrompt(); got != tc.want {
			t.Errorf("%s: CanPrompt %v, want %v", tc.name, got, tc.want)
		}
		if got := f.Asker() != nil; got != tc.want {
			t.Errorf("%s: Asker given %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestGitProgressIsQuietForFleetsAndWithoutATerminal(t *testing.T) {
	f, errOut := newFactory(nil, true)
	if f.GitProgress() != errOut {
		t.Fatal("a terminal's stderr should get git's progress")
	}
	f.ShareCatalogs(false)
	if f.GitProgress() != errOut {
		t.Fatal("sharing catalogs alone should keep git's progress")
	}
	f.ShareCatalogs(true)
	if f.GitProgress() != nil {
		t.Fatal("a fleet's bar replaces git's progress")
	}
	if g, _ := newFactory(nil, false); g.GitProgress() != nil {
		t.Fatal("no progress without a terminal")
	}
}

func TestAuthorFromEnvironmentFirst(t *testing.T) {
	f, _ := newFactory(map[string]string{"IDP_GIT_AUTHOR_NAME": "Ada", "IDP_GIT_AUTHOR_EMAIL": "ada@example.com"}, false)
	if got := f.Author(); got != (gitrepo.Author{Name: "Ada", Email: "ada@example.com"}) {
		t.Errorf("Author: %+v", got)
	}
}

func TestRelDir(t *testing.T) {
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	if got := RelDir(filepath.Join(wd, "a", "b")); got != filepath.Join("a", "b") {
		t.Errorf("under the working directory: %q", got)
	}
	if got, want := RelDir(filepath.Dir(wd)), filepath.Dir(wd); got != want {
		t.Errorf("above the working directory: %q, want %q", got, want)
	}
}

func TestOpenCatalogOncePerRunWhenShared(t *testing.T) {
	f, _ := newFactory(map[string]string{"XDG_CACHE_HOME": t.TempDir()}, false)
	ctx := context.Background()
	a, err := f.OpenCatalog(ctx, "", true) // no source configured: the built-in golden paths
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := f.OpenCatalog(ctx, "", true); b == a {
		t.Fatal("without ShareCatalogs each command opens its own catalog")
	}
	f.ShareCatalogs(false)
	c, _ := f.OpenCatalog(ctx, "", true)
	if d, _ := f.OpenCatalog(ctx, "", true); d != c {
		t.Fatal("with ShareCatalogs the source is opened once")
	}
	if _, all := f.GoldenPaths(ctx, "", "go-service", ""); len(all) != 1 || all[0].Manifest.Name != "go-service" {
		t.Fatalf("GoldenPaths go-service: %v", all)
	}
}

func TestEventNotes(t *testing.T) {
	if createdNote(nil) != nil || updatedNote(nil, update.ModeBot) != nil || updatedNote(&update.Outcome{}, update.ModeBot) != nil || layeredNote(nil, false) != nil {
		t.Error("a note for nothing done")
	}
	n := updatedNote(&update.Outcome{Planned: &update.Planned{Name: "go-service", Current: "v1", Wants: "v2"}}, update.ModeDiff)
	if *n != (events.Note{GoldenPath: "go-service", From: "v1", To: "v2", Mode: "dry-run"}) {
		t.Errorf("update note %+v", n)
	}
	if n := layeredNote(&layer.Result{Name: "docs", Version: "v2"}, true); *n != (events.Note{GoldenPath: "docs", To: "v2", Mode: "dry-run"}) {
		t.Errorf("layer note %+v", n)
	}
}

// TestRecordFleetEvents: each repository's row of fleet update is the bot's event, its result
// in the events' words.
func TestRecordFleetEvents(t *testing.T) {
	file := filepath.Join(t.TempDir(), "events.jsonl")
	f, errOut := newFactory(nil, false)
	f.Config.Events = &events.Config{File: file}
	f.Build.Version = "v1.0.0"
	f.Now = func() time.Time { return time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC) }
	f.RecordFleetEvents(context.Background(), &fleet.UpdateResult{Rows: []fleet.UpdateRow{
		{Repo: "https://git.example.com/team/payments.git", Template: "go-service", From: "v1", To: "v2", Result: "unchanged", Took: 2 * time.Second},
		{Repo: "git@example.com:team/orders/", Result: "failed", Took: time.Second},
	}})
	got, _ := os.ReadFile(file)
	want := `{"time":"2026-11-30T11:59:58Z","command":"update","mode":"bot","goldenPath":"go-service","versionFrom":"v1","versionTo":"v2","service":"payments","durationMs":2000,"outcome":"ok","idpVersion":"v1.0.0"}
{"time":"2026-11-30T11:59:59Z","command":"update","mode":"bot","service":"orders","durationMs":1000,"outcome":"error","idpVersion":"v1.0.0"}
`
	if string(got) != want || errOut.Len() != 0 {
		t.Errorf("recorded:\n%s\nwant:\n%s\nstderr: %s", got, want, errOut)
	}
}
