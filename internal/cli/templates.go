package cli

import (
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/idp-cli/idp/internal/source"
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
			if len(all) == 0 && len(cat.Broken) == 0 {
				return errNoGoldenPaths(s.Location)
			}
			if err := printTemplates(f, cat, showAll); err != nil {
				return err
			}
			if len(all) == 0 {
				// Every golden path is broken: the source is of no use as it is.
				return &exitError{Code: ExitError, Msg: fmt.Sprintf("no golden path of %s can be used; tell its owners, or give --source another", s.Location)}
			}
			return nil
		},
	}
	list.Flags().StringVarP(&src, "source", "s", "", "golden paths: a git `URL` or a directory (default: config source, else the ones built in)")
	list.Flags().BoolVar(&showAll, "versions", false, "show each golden path's newest versions and how many more (every one with --output json)")
	list.Flags().BoolVar(&offline, "offline", false, "use the cached clone of a git source as it is")
	cmd.AddCommand(list)
	return cmd
}

// printTemplates lists the catalog's golden paths, and those it has that cannot be used with
// their errors: in the table (and on stderr, whole) or in the JSON, each with its error.
func printTemplates(f *Factory, cat *source.Catalog, showAll bool) error {
	if f.Config.Output == "json" {
		type item struct {
			Name        string   `json:"name"`
			Type        string   `json:"type"`
			Title       string   `json:"title"`
			Description string   `json:"description"`
			Version     string   `json:"version,omitempty"`
			Versions    []string `json:"versions,omitempty"`
			Parameters  []string `json:"parameters"`
			Error       string   `json:"error,omitempty"`
		}
		items := make([]item, 0, len(cat.All)+len(cat.Broken))
		for _, t := range cat.All {
			m := t.Manifest
			latest, vs := cat.Latest(t)
			items = append(items, item{m.Name, m.Type, m.Title, m.Description, latest, vs, m.ParamNames(), ""})
		}
		for _, b := range cat.Broken {
			latest, vs := cat.LatestIn(b.Dir)
			items = append(items, item{b.Name, b.Type, "", "", latest, vs, []string{}, b.Err.Error()})
		}
		return printJSON(f.IO.Out, map[string]any{"source": cat.Src.Location, "templates": items})
	}
	tw := tabwriter.NewWriter(f.IO.Out, 0, 4, 2, ' ', 0)
	header := "NAME\tTYPE\tVERSION\tTITLE"
	if showAll {
		header += "\tVERSIONS"
	}
	fmt.Fprintln(tw, header)
	row := func(name, typ, title, v string, vs []string) {
		if v == "" {
			v = "-"
		}
		if typ == "" {
			typ = "-"
		}
		line := fmt.Sprintf("%s\t%s\t%s\t%s", name, typ, v, title)
		if showAll {
			line += "\t" + versionsCell(vs)
		}
		fmt.Fprintln(tw, line)
	}
	for _, t := range cat.All {
		v, vs := cat.Latest(t)
		row(t.Manifest.Name, t.Manifest.Type, t.Manifest.Title, v, vs)
	}
	for _, b := range cat.Broken {
		v, vs := cat.LatestIn(b.Dir)
		row(b.Name, b.Type, "(cannot be used; the error is below)", v, vs)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	for _, b := range cat.Broken {
		fmt.Fprintf(f.IO.ErrOut, "idp: golden path %s cannot be used: %s\n", b.Name, b.Err)
	}
	return nil
}

// cellVersions is how many versions a row of templates list --versions shows: a golden path with
// years of releases would otherwise fill the screen with one cell.
const cellVersions = 3

// versionsCell is the newest versions, newest first, and a count of the others.
func versionsCell(vs []string) string {
	if len(vs) <= cellVersions {
		return strings.Join(vs, " ")
	}
	return fmt.Sprintf("%s (+%d)", strings.Join(vs[:cellVersions], " "), len(vs)-cellVersions)
}
