// Package factory builds, once, the services idp's commands need: streams, configuration,
// logger, prompter, catalogs of golden paths, credentials, forge clients, progress and the
// opt-in events. It holds no flow: the commands in internal/cli hand what it builds to the
// engines (gh's pkg/cmdutil.Factory).
package factory

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"golang.org/x/term"

	"github.com/idp-cli/idp/internal/answers"
	"github.com/idp-cli/idp/internal/buildinfo"
	"github.com/idp-cli/idp/internal/config"
	"github.com/idp-cli/idp/internal/events"
	"github.com/idp-cli/idp/internal/gitrepo"
	"github.com/idp-cli/idp/internal/progress"
	"github.com/idp-cli/idp/internal/prompt"
	"github.com/idp-cli/idp/internal/source"
)

// IOStreams are the process's streams and whether each is a terminal.
type IOStreams struct {
	In     io.Reader
	Out    io.Writer
	ErrOut io.Writer
	InTTY  bool
	OutTTY bool
	ErrTTY bool
}

// SystemIO returns the process's real streams.
func SystemIO() *IOStreams {
	return &IOStreams{
		In: os.Stdin, Out: os.Stdout, ErrOut: os.Stderr,
		InTTY:  term.IsTerminal(int(os.Stdin.Fd())),
		OutTTY: term.IsTerminal(int(os.Stdout.Fd())),
		ErrTTY: term.IsTerminal(int(os.Stderr.Fd())),
	}
}

// Prompter asks the user things; the huh implementation in package prompt, a double in tests.
type Prompter interface {
	answers.Prompter
	Choose(ctx context.Context, title string, choices []prompt.Choice) (string, error)
}

// Factory builds, once, the services that commands need.
type Factory struct {
	Build  buildinfo.Info
	IO     *IOStreams
	Config *config.Config
	Now    func() time.Time
	Getenv func(string) string
	Logger *slog.Logger
	// Prompter, when set, replaces the huh prompter (tests).
	Prompter Prompter
	// HTTPClient is for forge APIs; nil means a default client.
	HTTPClient *http.Client

	// catalogs, when set, shares opened sources between services (fleet commands).
	catalogs *source.Shared
	// quietGit silences git's own progress, where a progress bar of many repositories is
	// drawn instead (fleet commands).
	quietGit bool
	// event is what the command knows for its opt-in event (events.go).
	event *events.Note
}

// UseConfig is what the factory holds once the config is read: it, and a logger at its level.
func (f *Factory) UseConfig(cfg *config.Config) {
	f.Config, f.Logger = cfg, cfg.Logger(f.IO.ErrOut)
}

// CanPrompt reports whether idp may ask the user: stdin and stdout are terminals and input is
// not turned off by --no-input, IDP_NO_INPUT or CI.
func (f *Factory) CanPrompt() bool {
	if f.Config.NoInput || f.Getenv("CI") != "" {
		return false
	}
	if f.Prompter != nil {
		return true
	}
	return f.IO.InTTY && f.IO.OutTTY
}

// GitProgress is where clones, fetches and pushes report progress: stderr when it is a
// terminal, else nowhere.
func (f *Factory) GitProgress() io.Writer {
	if f.IO.ErrTTY && !f.quietGit {
		return f.IO.ErrOut
	}
	return nil
}

// Asker returns the prompter, or nil when idp may not prompt.
func (f *Factory) Asker() Prompter {
	if !f.CanPrompt() {
		return nil
	}
	if f.Prompter == nil {
		f.Prompter = &prompt.Huh{
			In: f.IO.In, Out: f.IO.ErrOut, InIsTerminal: f.IO.InTTY,
			Accessible: f.Config.Accessible || f.Getenv("TERM") == "dumb",
			Verbose:    f.Config.Verbose,
		}
	}
	return f.Prompter
}

// Start is the factory as a fleet.Progress: a bar on stderr when it is a terminal.
func (f *Factory) Start(label string, total int) (func(int), func()) {
	var w io.Writer
	if f.IO.ErrTTY {
		w = f.IO.ErrOut
	}
	b := progress.New(w, label, total)
	return b.Set, b.Finish
}

// Author signs a new service's first commit: IDP_GIT_AUTHOR_NAME and _EMAIL, else git config,
// else a default.
func (f *Factory) Author() gitrepo.Author {
	a := gitrepo.Author{Name: f.Getenv("IDP_GIT_AUTHOR_NAME"), Email: f.Getenv("IDP_GIT_AUTHOR_EMAIL")}
	if a.Name == "" || a.Email == "" {
		cfg := gitrepo.ConfiguredAuthor()
		if a.Name == "" {
			a.Name = cfg.Name
		}
		if a.Email == "" {
			a.Email = cfg.Email
		}
	}
	if a.Name == "" {
		a.Name = gitrepo.DefaultAuthor.Name
	}
	if a.Email == "" {
		a.Email = gitrepo.DefaultAuthor.Email
	}
	return a
}

// RelDir names a directory for the user: relative to the working directory when under it.
func RelDir(dir string) string {
	if wd, err := filepath.Abs("."); err == nil {
		if rel, err := filepath.Rel(wd, dir); err == nil && !strings.HasPrefix(rel, "..") {
			return rel
		}
	}
	return dir
}
