package cli

import (
	"fmt"
	"runtime"

	"github.com/spf13/cobra"
)

func newVersionCmd(f *Factory) *cobra.Command {
	return &cobra.Command{
		Use:     "version",
		Short:   "Print idp's version, commit and build date",
		Args:    usageArgs(cobra.NoArgs),
		Example: "  idp version\n  idp version --output json",
		RunE: func(cmd *cobra.Command, args []string) error {
			b := f.Build
			if f.Config.Output == "json" {
				return printJSON(f.IO.Out, map[string]string{
					"version": b.Version, "commit": b.Commit, "date": b.Date, "go": runtime.Version(),
				})
			}
			line := "idp " + b.Version
			if b.Commit != "" {
				line += " (commit " + b.Commit
				if b.Date != "" {
					line += ", built " + b.Date
				}
				line += ")"
			}
			_, err := fmt.Fprintln(f.IO.Out, line)
			return err
		},
	}
}
