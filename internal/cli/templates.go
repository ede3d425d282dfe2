package cli

import (
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"
)

func newTemplatesCmd(f *Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "templates",
		Short: "Golden paths on offer",
		Args:  usageArgs(cobra.NoArgs),
	}
	var (
		src              string
		showAll, offline bool
	)
	list := &cobra.Command{
		Use:   "list",
		Short: "List golden paths with their type and title",
		Args:  usageArgs(cobra.NoArgs),
		Example: `  idp templates list
  idp templates list --source https://git.example.com/platform/golden-paths.git --versions
  idp templates list --source ./golden-paths --output json`,
		RunE: func(cmd *cobra.Command, args []string) error {
			cat, err := f.openCatalog(cmd.Context(), f.Config.Source, offline)
			if err != nil {
				return withCmd(cmd, err)
			}
			s, all := cat.Src, cat.All
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
					Versions    []string `json:"versions,omitempty"`
					Parameters  []string `json:"parameters"`
				}
				items := make([]item, 0, len(all))
				for _, t := range all {
					m := t.Manifest
					latest, vs := cat.Latest(t)
					items = append(items, item{m.Name, m.Type, m.Title, m.Description, latest, vs, m.ParamNames()})
				}
				return printJSON(f.IO.Out, map[string]any{"source": s.Location, "templates": items})
			}
			tw := tabwriter.NewWriter(f.IO.Out, 0, 4, 2, ' ', 0)
			header := "NAME\tTYPE\tVERSION\tTITLE"
			if showAll {
				header += "\tVERSIONS"
			}
			fmt.Fprintln(tw, header)
			for _, t := range all {
				v, vs := cat.Latest(t)
				if v == "" {
					v = "-"
				}
				row := fmt.Sprintf("%s\t%s\t%s\t%s", t.Manifest.Name, t.Manifest.Type, v, t.Manifest.Title)
				if showAll {
					row += "\t" + strings.Join(vs, " ")
				}
				fmt.Fprintln(tw, row)
			}
			return tw.Flush()
		},
	}
	list.Flags().StringVarP(&src, "source", "s", "", "golden paths: a git `URL` or a directory (default: config source, else the ones built in)")
	list.Flags().BoolVar(&showAll, "versions", false, "list every version of each golden path")
	list.Flags().BoolVar(&offline, "offline", false, "use the cached clone of a git source as it is")
	cmd.AddCommand(list)
	return cmd
}
