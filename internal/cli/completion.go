package cli

import (
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/idp-cli/idp/internal/source"
)

// Shell completion reads only what is on this machine: the cached clone of a git source
// (offline), the built-in golden paths and the service's .idp.yaml, so that a Tab never waits
// on the network.

// completeOutput offers the --output formats the command takes: csv only where its data is
// one table.
func completeOutput(cmd *cobra.Command, _ []string, _ string) ([]string, cobra.ShellCompDirective) {
	formats := []string{"text", "json"}
	if cmd.Annotations["output-csv"] != "" {
		formats = append(formats, "csv")
	}
	return formats, cobra.ShellCompDirectiveNoFileComp
}

// plainFlagUsages takes pflag's backquotes (the name of a flag's value in help) out of every
// flag's usage: completion shows the usage as it is written.
func plainFlagUsages(root *cobra.Command) {
	eachFlag(root, (*cobra.Command).LocalNonPersistentFlags, func(fl *pflag.Flag) { fl.Usage = strings.ReplaceAll(fl.Usage, "`", "") })
}

// isCompletion reports a run that completes a command line rather than runs it.
func isCompletion(args []string) bool {
	return len(args) > 0 && (args[0] == cobra.ShellCompRequestCmd || args[0] == cobra.ShellCompNoDescRequestCmd)
}

// completeSet offers the golden paths' parameters as key=, with their help, for --set; after
// the = it offers a parameter's options, if it has them.
func completeSet(toComplete string, all []*source.Template) ([]string, cobra.ShellCompDirective) {
	choices, values := source.ParamCompletions(toComplete, all)
	if values {
		return choices, cobra.ShellCompDirectiveNoFileComp
	}
	return choices, cobra.ShellCompDirectiveNoFileComp | cobra.ShellCompDirectiveNoSpace
}

// completeVersions offers latest and the versions the golden paths have, newest first: in
// that order, not the shell's sort, as the newest are the likeliest.
func completeVersions(cat *source.Catalog, all []*source.Template) ([]string, cobra.ShellCompDirective) {
	if cat == nil {
		return []string{"latest"}, cobra.ShellCompDirectiveNoFileComp
	}
	return cat.VersionCompletions(all), cobra.ShellCompDirectiveNoFileComp | cobra.ShellCompDirectiveKeepOrder
}

// completeServiceFlags completes --to (and --set, where the command has it) of a command on
// one service (update, diff, check) from the service's golden path.
func completeServiceFlags(cmd *cobra.Command, f *Factory, o *updateOptions) {
	cmd.RegisterFlagCompletionFunc("to", func(cmd *cobra.Command, _ []string, _ string) ([]string, cobra.ShellCompDirective) {
		return completeVersions(f.ServiceGoldenPath(cmd.Context(), o.Dir, o.Layer))
	})
	if cmd.Flags().Lookup("set") != nil {
		cmd.RegisterFlagCompletionFunc("set", func(cmd *cobra.Command, _ []string, toComplete string) ([]string, cobra.ShellCompDirective) {
			_, all := f.ServiceGoldenPath(cmd.Context(), o.Dir, o.Layer)
			return completeSet(toComplete, all)
		})
	}
}

func firstArg(args []string) string {
	if len(args) == 0 {
		return ""
	}
	return args[0]
}
