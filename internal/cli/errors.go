package cli

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/idp-cli/idp/internal/answers"
	"github.com/idp-cli/idp/internal/prompt"
	"github.com/idp-cli/idp/internal/source"
)

// Exit codes, documented in `idp --help`.
const (
	ExitOK        = 0
	ExitError     = 1
	ExitUsage     = 2 // usage error, missing input, or cancelled
	ExitConflicts = 3 // update left conflicts
	ExitBehind    = 4 // idp check: a newer version exists (so that 1 always means an error)
	// ExitNeedsInput: update without input could take no newer version, the next one needs
	// answers only a person can give; the bot's workflow reads it as "needs a person".
	ExitNeedsInput = 5
	// ExitEnforced: idp check --strict found a file the golden path enforces (files.enforced)
	// that differs from the recorded version's render.
	ExitEnforced = 6
)

// UsageError is a mistake in how idp was called: a bad flag, argument or missing input.
type UsageError struct {
	Err error
	Cmd *cobra.Command // for the "see --help" hint; may be nil
}

func (e *UsageError) Error() string { return e.Err.Error() }
func (e *UsageError) Unwrap() error { return e.Err }

func usageErrorf(cmd *cobra.Command, err error) error { return &UsageError{Err: err, Cmd: cmd} }

// exitError ends a command with a code, and a message when Msg is set (the command has
// already printed what matters otherwise).
type exitError struct {
	Code int
	Msg  string
}

func (e *exitError) Error() string { return e.Msg }

// exitCode maps an error to the documented exit codes.
func exitCode(err error) int {
	var ue *UsageError
	var me *answers.MissingError
	var ie *answers.InvalidError
	var ee *exitError
	switch {
	case err == nil:
		return ExitOK
	case errors.As(err, &ee):
		return ee.Code
	case errors.As(err, &ue), errors.As(err, &me), errors.As(err, &ie), source.IsRequest(err),
		errors.Is(err, prompt.ErrCancelled), errors.Is(err, context.Canceled):
		return ExitUsage
	case strings.HasPrefix(err.Error(), "unknown command "), strings.HasPrefix(err.Error(), "unknown flag"):
		return ExitUsage
	}
	return ExitError
}

// usageArgs wraps a cobra argument check so that its error counts as a usage error.
func usageArgs(check cobra.PositionalArgs) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if err := check(cmd, args); err != nil {
			return usageErrorf(cmd, err)
		}
		return nil
	}
}

// noArgs is cobra.NoArgs in idp's words: a command that takes no arguments says so, and names
// the flag that gives the directory an argument may have meant. A command with subcommands
// (idp fleet) says the argument is not one of them, as cobra does.
func noArgs(cmd *cobra.Command, args []string) error {
	if len(args) == 0 || cmd.HasSubCommands() {
		return cobra.NoArgs(cmd, args)
	}
	msg := fmt.Sprintf("%s takes no arguments (given: %s)", cmd.CommandPath(), strings.Join(args, " "))
	if fl := cmd.Flags().Lookup("dir"); fl != nil {
		_, what := pflag.UnquoteUsage(fl)
		if i := strings.IndexAny(what, "(:"); i > 0 {
			what = what[:i]
		}
		msg += fmt.Sprintf("; give %s with --dir", strings.TrimSpace(what))
	}
	return errors.New(msg)
}

// unknownSubcommand is the usage error of a word after a command that only groups others (idp
// fleet nosuch), which cobra would answer with the group's help and exit 0; nil otherwise.
func unknownSubcommand(root *cobra.Command, args []string) (*cobra.Command, error) {
	root.InitDefaultCompletionCmd(args...) // as Execute adds it, so that idp completion nosh is one
	cmd, rest, err := root.Find(args)
	if err != nil || cmd == root || cmd.Runnable() || !cmd.HasAvailableSubCommands() ||
		len(rest) == 0 || strings.HasPrefix(rest[0], "-") || rest[0] == "help" {
		return nil, nil
	}
	msg := fmt.Sprintf("unknown command %q for %q", rest[0], cmd.CommandPath())
	if cmd.SuggestionsMinimumDistance <= 0 {
		cmd.SuggestionsMinimumDistance = 2 // as cobra sets it for idp's own commands
	}
	if s := cmd.SuggestionsFor(rest[0]); len(s) > 0 {
		msg += "\n\nDid you mean this?\n\t" + strings.Join(s, "\n\t") + "\n"
	}
	return cmd, usageErrorf(cmd, errors.New(msg))
}
