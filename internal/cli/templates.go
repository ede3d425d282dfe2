package cli

import (
	"github.com/spf13/cobra"

	"github.com/idp-cli/idp/internal/source"
)

func newTemplatesCmd(f *Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "templates",
		Short: "Golden paths on offer",
		Args:  usageArgs(noArgs),
	}
	var (
		src              string
		showAll, offline bool
	)
	list := &cobra.Command{
		Use:   "list",
		Short: "List golden paths with their type and title",
		Args:  usageArgs(noArgs),
		Example: `  idp templates list
  idp templates list --source https://git.example.com/platform/golden-paths.git --versions
  idp templates list --source ./golden-paths --output json`,
		RunE: func(cmd *cobra.Command, args []string) error {
			cat, err := f.OpenCatalog(cmd.Context(), f.Config.Source, offline)
			if err != nil {
				return withCmd(cmd, err)
			}
			l, err := source.List(cat, showAll, f.IO.ErrOut)
			if err != nil {
				return err
			}
			if err := printResult(f, l); err != nil {
				return err
			}
			return l.Unusable() // every golden path is broken: exit 1
		},
	}
	list.Flags().StringVarP(&src, "source", "s", "", "golden paths: a git `URL` or a directory (default: config source, else the ones built in)")
	list.Flags().BoolVar(&showAll, "versions", false, "show each golden path's newest versions and how many more (every one with --output json)")
	list.Flags().BoolVar(&offline, "offline", false, "use the cached clone of a git source as it is")
	cmd.AddCommand(list)
	return cmd
}
