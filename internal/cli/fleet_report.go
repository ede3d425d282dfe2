package cli

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/idp-cli/idp/internal/fleetreport"
)

type fleetReportOptions struct {
	fleetStatusOptions
	HTML  string
	Title string
}

func newFleetReportCmd(f *Factory) *cobra.Command {
	o := &fleetReportOptions{}
	cmd := &cobra.Command{
		Use:   "report {--repos <file> | --provider <name> --owner <org>} --html <file>",
		Short: "The fleet's adoption, versions, lead time and the bot's pull requests, as one page",
		Long: `Read the fleet as idp fleet status does (same inputs, same numbers) and write one self-contained
HTML page with charts a platform team puts in a review: adoption, services per golden path and
version, lead time per release, the bot's pull requests now and over time for each release, the
most diverged files (with --divergence), and a sortable table of every service with its errors.

The page loads nothing from anywhere (no fonts, scripts or images; a Content-Security-Policy
forbids it), so it opens offline, from file:// or as a mail attachment. Every chart has its
numbers in words and in a table, and its series are told apart by pattern, not colour alone.

--output json prints the report's data instead of (or, with --html, as well as) the page.`,
		Example: `  idp fleet report --provider github --owner acme --all --divergence --html fleet.html
  idp fleet report --repos services.txt --html fleet.html
  idp fleet report --repos services.txt --output json | jq '.burndowns'`,
		Args: usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runFleetReport(cmd, f, o)
		},
	}
	addFleetStatusFlags(cmd, &o.fleetStatusOptions)
	fl := cmd.Flags()
	fl.StringVar(&o.HTML, "html", "", "write the page to this `file`")
	fl.StringVar(&o.Title, "title", "", "the page's title (default \"Golden paths: fleet report\")")
	return cmd
}

func runFleetReport(cmd *cobra.Command, f *Factory, o *fleetReportOptions) error {
	if o.HTML == "" && f.Config.Output != "json" {
		return usageErrorf(cmd, fmt.Errorf("give --html FILE for the page, or --output json for its data"))
	}
	if err := o.validate(cmd); err != nil {
		return err
	}
	res, err := readFleetStatus(cmd, f, &o.fleetStatusOptions)
	if err != nil {
		return err
	}
	scope := o.Repos
	if o.Owner != "" {
		scope = o.Owner + " on " + o.Provider
	}
	d := fleetreport.Build(res, fleetreport.Options{Title: o.Title, Generated: f.Now(), Scope: scope})
	if o.HTML != "" {
		if err := writeReport(o.HTML, d); err != nil {
			return err
		}
		if f.Config.Output != "json" {
			fmt.Fprintf(f.IO.Out, "Wrote %s: %s, %s.\n", o.HTML, plural(res.Summary.Services, "service"), plural(len(d.Burndowns), "release with bot pull requests"))
		}
	}
	if f.Config.Output == "json" {
		if err := printJSON(f.IO.Out, d); err != nil {
			return err
		}
	}
	printFleetWarnings(f.IO.ErrOut, res.Rows)
	if res.Summary.Failed > 0 {
		return &exitError{Code: ExitError}
	}
	return nil
}

// writeReport writes the page to a temporary file beside path, then renames it into place:
// an interrupted run leaves the previous report whole.
func writeReport(path string, d *fleetreport.Data) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".idp-report-*.html")
	if err != nil {
		return fmt.Errorf("--html %s: %w", path, err)
	}
	defer os.Remove(tmp.Name())
	if err := fleetreport.WriteHTML(tmp, d); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Chmod(0o644); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("--html %s: %w", path, err)
	}
	return nil
}
