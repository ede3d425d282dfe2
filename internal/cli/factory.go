package cli

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"os"
	"time"

	"golang.org/x/term"

	"github.com/idp-cli/idp/internal/answers"
	"github.com/idp-cli/idp/internal/gitrepo"
	"github.com/idp-cli/idp/internal/prompt"
)

// Build identifies this binary; main fills it from -ldflags.
type Build struct {
	Version string
	Commit  string
	Date    string
}

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
	Build  Build
	IO     *IOStreams
	Config *Config
	Now    func() time.Time
	Getenv func(string) string
	Logger *slog.Logger
	// catalogs, when set, shares opened sources between services (fleet commands).
	catalogs *catalogCache
	// quietGit silences git's own progress, where a progress bar of many repositories is
	// drawn instead (fleet commands).
	quietGit bool
	// Prompter, when set, replaces the huh prompter (tests).
	Prompter Prompter
	// HTTPClient is for forge APIs; nil means a default client.
	HTTPClient *http.Client
	// event is what the command knows for its opt-in event (events.go).
	event *eventNote
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

// progress is where clones, fetches and pushes report progress: stderr when it is a terminal,
// else nowhere.
func (f *Factory) progress() io.Writer {
	if f.IO.ErrTTY && !f.quietGit {
		return f.IO.ErrOut
	}
	return nil
}

// prompter returns the prompter, or nil when idp may not prompt.
func (f *Factory) prompter() Prompter {
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
