package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/idp-cli/idp/internal/fleet"
	"github.com/idp-cli/idp/internal/forge"
)

// fleetStatusOptions are the inputs of idp fleet status and idp fleet report.
type fleetStatusOptions struct {
	fleetOptions
	All        bool
	Branch     string
	Divergence bool
	From       []string
}

func addFleetStatusFlags(cmd *cobra.Command, o *fleetStatusOptions) {
	addFleetFlags(cmd, &o.fleetOptions)
	fl := cmd.Flags()
	fl.StringVar(&o.Provider, "provider", "", "the forge: {github|gitlab|gitea}; with --owner it lists the owner's repositories, with --repos it is where the bot's pull requests are")
	fl.StringVar(&o.Owner, "owner", "", "the organization, group or user whose repositories to list")
	fl.StringVar(&o.Host, "host", "", "the forge's web `URL` (default: the public github.com, gitlab.com or gitea.com)")
	fl.BoolVar(&o.All, "all", false, "also list the owner's repositories that are on no golden path")
	fl.StringVar(&o.Branch, "branch", "", "the bot's `branch` (default idp/update-<golden path>)")
	fl.BoolVar(&o.Divergence, "divergence", false, "render each service's recorded version and list the files that differ from it")
	cmd.RegisterFlagCompletionFunc("provider", cobra.FixedCompletions(forge.Names(), cobra.ShellCompDirectiveNoFileComp))
}

func newFleetStatusCmd(f *Factory) *cobra.Command {
	o := &fleetStatusOptions{}
	cmd := &cobra.Command{
		Use:   "status {--repos <file> | --provider <name> --owner <org>} [--all] [--divergence]",
		Short: "Every service's golden path and version, and how the fleet keeps up",
		Long: `For each repository: its golden path, version, the latest version, how many releases and days
it is behind (from the tags' dates), the lead time of the update that brought it onto its
version, and the state of the bot's pull request; then for each golden path: services, share
on the latest version, the oldest version in use, each release's lead time (median and 90th
percentile), and the bot's pull requests by state. A repository that cannot be read gets its
error in its row and the others go on.

Repositories come from --repos, or from a forge: --provider lists the repositories of --owner
through the forge's API and reads each one's .idp.yaml without cloning; those without one are
not on a golden path: they are counted ("4 of 6 repositories are on a golden path") and
listed with --all. Lead times come from each service's history of .idp.yaml on its default
branch: a repository's default branch is fetched into memory (every commit, no checkout, nothing
written to disk) to read it. The bot's pull requests are read through the forge's API: the forge that lists them, or for
--repos the one their URLs name (github.com, gitlab.example.com, ...) or --provider and
--host, with the forge's token (GITHUB_TOKEN, GITLAB_TOKEN, GITEA_TOKEN, else IDP_GIT_TOKEN).

--divergence renders each service's recorded version with its recorded answers and lists the
golden path's files the service changed or deleted (files.owned ones are the service's), and
per golden path the files that most services rewrite. docs/metrics.md says how each number is
computed.

Output is a table, or --output json (schema: docs/fleet-status.schema.json) or --output csv.
Exit status 1 when any repository failed.`,
		Example: `  idp fleet status --repos services.txt
  idp fleet status --provider github --owner acme --all
  idp fleet status --provider github --owner acme --output json | jq '.summary.adoption'
  idp fleet status --repos services.txt --divergence --output csv > fleet.csv`,
		Annotations: map[string]string{"output-csv": "yes"},
		Args:        usageArgs(noArgs),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(o.From) > 0 {
				return runFleetStatusFrom(cmd, f, o)
			}
			return runFleetStatus(cmd, f, o)
		},
	}
	addFleetStatusFlags(cmd, o)
	cmd.Flags().StringArrayVar(&o.From, "from", nil, "merge these fleet update --results `files` (a campaign's shards) into one summary; repeatable")
	return cmd
}

// statusOptions are the flags as the fleet status engine takes them.
func (o *fleetStatusOptions) statusOptions() fleet.StatusOptions {
	return fleet.StatusOptions{Repos: o.Repos, Owner: o.Owner, Jobs: o.Jobs, All: o.All, Branch: o.Branch,
		Divergence: o.Divergence, Filter: o.Filter, Shard: o.Shard}
}

func runFleetStatus(cmd *cobra.Command, f *Factory, o *fleetStatusOptions) error {
	if err := o.validate(cmd, f, o.statusOptions().Check(o.Provider)); err != nil {
		return err
	}
	d, err := o.statusDeps(f)
	if err != nil {
		return err
	}
	res, err := fleet.ReadStatus(cmd.Context(), d, o.statusOptions())
	if err != nil {
		return err
	}
	switch f.Config.Output {
	case "json":
		err = printJSON(f.IO.Out, res.JSON(o.All))
	case "csv":
		err = res.WriteCSV(f.IO.Out)
	default:
		err = res.WriteText(f.IO.Out, fleet.TextOptions{Divergence: o.Divergence, All: o.All})
	}
	if err != nil {
		return err
	}
	res.WriteWarnings(f.IO.ErrOut)
	if res.Summary.Failed > 0 {
		return &exitError{Code: ExitError}
	}
	return nil
}

// runFleetStatusFrom merges the --results files of a campaign's shards into one table and
// summary, as fleet update prints them.
func runFleetStatusFrom(cmd *cobra.Command, f *Factory, o *fleetStatusOptions) error {
	for _, name := range []string{"repos", "provider", "owner", "all", "divergence", "shard", "topic", "include", "exclude"} {
		if cmd.Flags().Changed(name) {
			return usageErrorf(cmd, fmt.Errorf("--from reads the results of fleet update; --%s does not go with it", name))
		}
	}
	res, err := fleet.MergeResults(cmd.Context(), o.From...)
	if err != nil {
		return err
	}
	if err := printResult(f, res); err != nil {
		return err
	}
	if res.Summary["failed"] > 0 {
		return &exitError{Code: ExitError}
	}
	return nil
}
