package cli

import (
	"fmt"
	"text/tabwriter"

	"github.com/spf13/cobra"
)

func newTemplatesCmd(f *Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "templates",
		Short: "Golden paths on offer",
		Args:  usageArgs(cobra.NoArgs),
	}
	var src string
	list := &cobra.Command{
		Use:   "list",
		Short: "List golden paths with their type and title",
		Args:  usageArgs(cobra.NoArgs),
		Example: `  idp templates list
  idp templates list --source ./golden-paths --output json`,
		RunE: func(cmd *cobra.Command, args []string) error {
			s, err := f.Source(f.Config.Source)
			if err != nil {
				return usageErrorf(cmd, err)
			}
			all, err := s.Catalog()
			if err != nil {
				return err
			}
			if len(all) == 0 {
				return errNoGoldenPaths(s.Location)
			}
			if f.Config.Output == "json" {
				type item struct {
					Name        string   `json:"name"`
					Type        string   `json:"type"`
					Title       string   `json:"title"`
					Description string   `json:"description"`
					Version     string   `json:"version,omitempty"`
					Parameters  []string `json:"parameters"`
				}
				items := make([]item, 0, len(all))
				for _, t := range all {
					m := t.Manifest
					items = append(items, item{m.Name, m.Type, m.Title, m.Description, s.Version, m.ParamNames()})
				}
				return printJSON(f.IO.Out, map[string]any{"source": s.Location, "templates": items})
			}
			tw := tabwriter.NewWriter(f.IO.Out, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "NAME\tTYPE\tVERSION\tTITLE")
			for _, t := range all {
				v := s.Version
				if v == "" {
					v = "-"
				}
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", t.Manifest.Name, t.Manifest.Type, v, t.Manifest.Title)
			}
			return tw.Flush()
		},
	}
	list.Flags().StringVarP(&src, "source", "s", "", "golden paths `directory` (default: config source, else the ones built in)")
	cmd.AddCommand(list)
	return cmd
}
