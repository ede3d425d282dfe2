package cli

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/idp-cli/idp/internal/merge"
	"github.com/idp-cli/idp/internal/update"
)

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
		Args: usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, args []string) error { return runUpdate(cmd, f, o, true) },
	}
	addUpdateFlags(cmd, o)
	cmd.Flags().StringArrayVar(&o.Set, "set", nil, "an answer as `key=value`; repeatable")
	addRenderFlags(cmd, &o.Render, f.Build.Version)
	completeServiceFlags(cmd, f, o)
	return cmd
}

func printDiff(f *Factory, p *update.Planned, res *update.Result) error {
	d := diffText(res)
	if f.Config.Output == "json" {
		doc := updateReport(p, res, true, nil)
		doc.Diff = &d
		return printJSON(f.IO.Out, doc)
	}
	_, err := fmt.Fprint(f.IO.Out, d)
	return err
}

// diffText is the update's changes as a unified diff.
func diffText(res *update.Result) string {
	var b strings.Builder
	for _, c := range res.Changes {
		old, new := "a/"+c.Path, "b/"+c.Path
		if c.From != "" {
			old = "a/" + c.From
		}
		before, after := "", ""
		if c.Before.Exists {
			before = string(c.Before.Data)
		} else {
			old = "/dev/null"
		}
		if c.After.Exists {
			after = string(c.After.Data)
		} else {
			new = "/dev/null"
		}
		if c.Before.Exists && c.After.Exists && c.Before.Mode != c.After.Mode {
			fmt.Fprintf(&b, "mode %s: %04o -> %04o\n", c.Path, c.Before.Mode.Perm(), c.After.Mode.Perm())
		}
		if before != after {
			b.WriteString(merge.Unified(old, new, c.Before.Data, c.After.Data))
		}
		if c.Extra != "" {
			b.WriteString(merge.Unified("/dev/null", "b/"+c.Extra, nil, c.ExtraData))
		}
	}
	return b.String()
}
