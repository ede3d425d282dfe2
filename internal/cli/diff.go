package cli

import "github.com/spf13/cobra"

func newDiffCmd(f *Factory) *cobra.Command {
	o := &updateOptions{Conflict: "inline"}
	cmd := &cobra.Command{
		Use:   "diff",
		Short: "Show what 'idp update' would change, as a unified diff",
		Long: `Print the unified diff that 'idp update' would apply to the service's files, conflict markers
included, without writing anything. Like 'idp update --dry-run', it asks nothing: new
parameters take --set or their defaults, and idp says on stderr which took a default.`,
		Example: `  idp diff
  idp diff --to v1.4.0 | less`,
		Args: usageArgs(noArgs),
		RunE: func(cmd *cobra.Command, args []string) error { return runUpdate(cmd, f, o, true) },
	}
	addUpdateFlags(cmd, o)
	cmd.Flags().StringArrayVar(&o.Set, "set", nil, "an answer as `key=value`; repeatable")
	addRenderFlags(cmd, &o.Render, f.Build.Version)
	completeServiceFlags(cmd, f, o)
	return cmd
}
