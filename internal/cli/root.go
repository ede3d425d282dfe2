// Package cli holds idp's cobra commands: each maps flags and arguments to options and calls one
// engine function. Main is the whole program and returns its exit code.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"runtime/debug"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/idp-cli/idp/internal/neterr"
	"github.com/idp-cli/idp/internal/prompt"
)

const rootLong = `idp turns a platform team's golden paths into new services and keeps those services on the
golden path as it moves.

Exit codes:
  0  success
  1  error
  2  usage error, missing input, or cancelled
  3  update left conflicts
  4  idp check: a newer version of the golden path exists
  5  update without input (the bot, fleet update): the newer version needs answers only a
     person can give; the message names it and its parameters

Every flag can also be set as IDP_<FLAG> in the environment or as a key in
$XDG_CONFIG_HOME/idp/config.yaml; see 'idp help environment'.`

// Main runs idp with the process's streams and returns the exit code.
func Main(build Build, args []string) int {
	// Ctrl-C and SIGTERM cancel the command, which stops and cleans up; a second one ends idp at
	// once, as without idp's handler.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	context.AfterFunc(ctx, stop)
	if build.Version == "dev" {
		// `go install .../cmd/idp@v1.2.3` sets no ldflags, but the module version is known.
		if info, ok := debug.ReadBuildInfo(); ok && info.Main.Version != "" && info.Main.Version != "(devel)" {
			build.Version = info.Main.Version
		}
	}
	f := &Factory{Build: build, IO: SystemIO(), Now: time.Now, Getenv: os.Getenv}
	return Run(ctx, f, args)
}

// Run runs idp with the given factory and arguments and returns the exit code.
func Run(ctx context.Context, f *Factory, args []string) int {
	root := NewRootCmd(f)
	root.SetArgs(args)
	root.SetIn(f.IO.In)
	root.SetOut(f.IO.Out)
	root.SetErr(f.IO.ErrOut)
	cmd, err := root.ExecuteContextC(ctx)
	if err == nil {
		return ExitOK
	}
	code := exitCode(err)
	err = neterr.Explain(err)
	if msg := err.Error(); msg != "" {
		// Go says "context canceled" for a command stopped by Ctrl-C or SIGTERM.
		msg = strings.ReplaceAll(msg, context.Canceled.Error(), "cancelled")
		fmt.Fprintf(f.IO.ErrOut, "idp: %s\n", msg)
	}
	var ue *UsageError
	if errors.As(err, &ue) && ue.Cmd != nil {
		cmd = ue.Cmd
	}
	if code == ExitUsage && cmd != nil && !errors.Is(err, context.Canceled) && !errors.Is(err, prompt.ErrCancelled) {
		fmt.Fprintf(f.IO.ErrOut, "Run '%s --help' for usage.\n", cmd.CommandPath())
	}
	return code
}

// NewRootCmd builds the command tree.
func NewRootCmd(f *Factory) *cobra.Command {
	root := &cobra.Command{
		Use:           "idp <command> [flags]",
		Short:         "Self-service golden paths: new services, kept up to date",
		Long:          rootLong,
		SilenceErrors: true,
		SilenceUsage:  true,
		Example: `  # Create a service from the built-in Go golden path
  idp new service payments --set owner=team-payments

  # The golden paths on offer
  idp templates list`,
		PersistentPreRunE: func(cmd *cobra.Command, args []string) error {
			cfg, err := loadConfig(cmd, f.Getenv)
			if err != nil {
				return err
			}
			f.Config = cfg
			level := slog.LevelWarn
			if cfg.Verbose {
				level = slog.LevelDebug
			}
			f.Logger = slog.New(slog.NewTextHandler(f.IO.ErrOut, &slog.HandlerOptions{Level: level}))
			if cfg.File != "" {
				f.Logger.Debug("read config", "file", cfg.File)
			}
			return nil
		},
	}
	pf := root.PersistentFlags()
	pf.String("output", "text", "print data as {text|json} (fleet status also csv)")
	pf.String("config", "", "config file (default $XDG_CONFIG_HOME/idp/config.yaml)")
	pf.Bool("verbose", false, "log debug messages to stderr")
	pf.Bool("no-input", false, "never prompt; fail with the list of missing input")
	pf.Bool("accessible", false, "prompt in plain lines, for screen readers (also when TERM=dumb)")
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error { return usageErrorf(c, flagParseError(c, err)) })
	root.RegisterFlagCompletionFunc("output", cobra.FixedCompletions([]string{"text", "json", "csv"}, cobra.ShellCompDirectiveNoFileComp))

	root.AddCommand(
		newNewCmd(f),
		newTemplatesCmd(f),
		newTemplateCmd(f),
		newPushCmd(f),
		newUpdateCmd(f),
		newDiffCmd(f),
		newCheckCmd(f),
		newFleetCmd(f),
		newDoctorCmd(f),
		newVersionCmd(f),
		newEnvironmentTopic(),
	)
	return root
}

// printJSON writes v as indented JSON to w.
func printJSON(w io.Writer, v any) error {
	enc := newJSONEncoder(w)
	return enc.Encode(v)
}
