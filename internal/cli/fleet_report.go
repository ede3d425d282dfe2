package cli

import (
	"fmt"

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
		Args: usageArgs(noArgs),
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
	if err := o.validate(cmd, f, o.statusOptions().Check(o.Provider)); err != nil {
		return err
	}
	d, err := o.statusDeps(f)
	if err != nil {
		return err
	}
	res, err := fleetreport.Run(cmd.Context(), d, fleetreport.RunOptions{Status: o.statusOptions(), Provider: o.Provider, Title: o.Title, HTML: o.HTML})
	if err != nil {
		return err
	}
	if err := printResult(f, res); err != nil {
		return err
	}
	res.Status.WriteWarnings(f.IO.ErrOut)
	if res.Status.Summary.Failed > 0 {
		return &exitError{Code: ExitError}
	}
	return nil
}
