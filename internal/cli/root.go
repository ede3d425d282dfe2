// Package cli holds idp's cobra commands: each maps flags and arguments to options and calls one
// engine function. Main is the whole program and returns its exit code.
package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"runtime/debug"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/idp-cli/idp/internal/buildinfo"
	"github.com/idp-cli/idp/internal/config"
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
  6  idp check --strict: a file the golden path enforces differs from its render

Every flag can also be set as IDP_<FLAG> in the environment or as a key in
$XDG_CONFIG_HOME/idp/config.yaml; see 'idp help environment'.`

// Main runs idp with the process's streams and returns the exit code.
func Main(build Build, args []string) int {
	// Ctrl-C and SIGTERM cancel the command, which stops and cleans up; a second one ends idp at
	// once, as without idp's handler.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	context.AfterFunc(ctx, stop)
	if info, ok := debug.ReadBuildInfo(); ok {
		// `go install` sets no ldflags, but the module version or the commit is known.
		build = withBuildInfo(build, info)
	}
	f := &Factory{Build: build, IO: SystemIO(), Now: time.Now, Getenv: os.Getenv}
	return Run(ctx, f, args)
}

// Run runs idp with the given factory and arguments and returns the exit code.
func Run(ctx context.Context, f *Factory, args []string) int {
	root := NewRootCmd(f)
	if isCompletion(args) {
		plainFlagUsages(root)
	}
	root.SetArgs(args)
	root.SetIn(f.IO.In)
	root.SetOut(f.IO.Out)
	root.SetErr(f.IO.ErrOut)
	start := f.Now()
	cmd, err := unknownSubcommand(root, args)
	if err == nil {
		cmd, err = root.ExecuteContextC(ctx)
	}
	recordEvent(f, ctx, cmd, start, err)
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
		PersistentPreRunE: func(cmd *cobra.Command, args []string) error { return readConfig(f, cmd) },
	}
	pf := root.PersistentFlags()
	pf.String("output", "text", "print data as {text|json} (fleet status also csv)")
	pf.String("config", "", "config file (default $XDG_CONFIG_HOME/idp/config.yaml)")
	pf.Bool("verbose", false, "log debug messages to stderr")
	pf.Bool("no-input", false, "never prompt; fail with the list of missing input")
	pf.Bool("accessible", false, "prompt in plain lines, for screen readers (also when TERM=dumb)")
	root.Flags().BoolP("version", "v", false, "print idp's version, as idp version does")
	root.Version = f.Build.Version
	root.SetVersionTemplate(buildinfo.Info(f.Build).Line() + "\n")
	root.SetHelpCommand(newHelpCmd())
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error { return usageErrorf(c, config.FlagParseError(c.Flags(), err)) })
	root.RegisterFlagCompletionFunc("output", completeOutput)

	root.AddCommand(
		newNewCmd(f),
		newTemplatesCmd(f),
		newTemplateCmd(f),
		newPushCmd(f),
		newUpdateCmd(f),
		newDiffCmd(f),
		newCheckCmd(f),
		newAddCmd(f),
		newRemoveCmd(f),
		newAdoptCmd(f),
		newFleetCmd(f),
		newDoctorCmd(f),
		newVersionCmd(f),
		newEnvironmentTopic(),
	)
	return root
}

// configOptional marks, in a command's Annotations, one that runs even when the config file or
// an IDP_* variable cannot be read: it prints something that needs no settings.
const configOptional = "idp-config-optional"

func isConfigOptional(cmd *cobra.Command) bool {
	for c := cmd; c != nil; c = c.Parent() {
		if c.Annotations[configOptional] != "" {
			return true
		}
		switch c.Name() {
		case "help", cobra.ShellCompRequestCmd, cobra.ShellCompNoDescRequestCmd, "completion":
			return true
		}
	}
	return false
}

// newHelpCmd is idp help [command]: cobra's, except that a topic idp does not have is a usage
// error, with the topics it has.
func newHelpCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "help [command]",
		Short: "Help about any command",
		Long:  "Help for any command or topic: idp help <command> [subcommand], or idp help environment.",
		ValidArgsFunction: func(c *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
			cmd, _, err := c.Root().Find(args)
			if err != nil {
				return nil, cobra.ShellCompDirectiveNoFileComp
			}
			if cmd == nil {
				cmd = c.Root()
			}
			var names []string
			for _, sub := range cmd.Commands() {
				if (sub.IsAvailableCommand() || sub.IsAdditionalHelpTopicCommand()) && strings.HasPrefix(sub.Name(), toComplete) {
					names = append(names, sub.Name()+"\t"+sub.Short)
				}
			}
			return names, cobra.ShellCompDirectiveNoFileComp
		},
		RunE: func(c *cobra.Command, args []string) error {
			root := c.Root()
			cmd, rest, err := root.Find(args)
			// Words after a command without subcommands are its arguments (idp help new service).
			if err != nil || cmd == nil || (len(rest) > 0 && cmd.HasAvailableSubCommands()) {
				parent := root
				if cmd != nil && err == nil {
					parent = cmd
				}
				topic := strings.Join(args, " ")
				var names []string
				for _, sub := range parent.Commands() {
					if sub.IsAvailableCommand() || sub.IsAdditionalHelpTopicCommand() {
						names = append(names, sub.Name())
					}
				}
				msg := fmt.Sprintf("no help for %q", topic)
				if parent.SuggestionsMinimumDistance <= 0 {
					parent.SuggestionsMinimumDistance = 2 // as cobra sets it for the root only
				}
				if s := parent.SuggestionsFor(args[len(args)-1]); len(s) > 0 {
					msg += fmt.Sprintf(" (did you mean %s?)", strings.Join(s, " or "))
				}
				return &UsageError{Cmd: root, Err: fmt.Errorf("%s; %s has help for: %s", msg, parent.CommandPath(), strings.Join(names, ", "))}
			}
			cmd.InitDefaultHelpFlag()
			return cmd.Help()
		},
	}
}
