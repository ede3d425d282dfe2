package cli

import (
	"github.com/spf13/cobra"

	"github.com/idp-cli/idp/internal/fleet"
	"github.com/idp-cli/idp/internal/forge"
	"github.com/idp-cli/idp/internal/progress"
)

func newFleetCmd(f *Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "fleet",
		Short: "See and update many services at once",
		Long: `Work on every service of a fleet: the repositories listed in a file (one git URL or local
path per line), or, for status, those of an organization on a forge.`,
		Example: `  idp fleet status --repos services.txt
  idp fleet update --repos services.txt --pull-request`,
		Args: usageArgs(noArgs),
	}
	cmd.AddCommand(newFleetStatusCmd(f), newFleetReportCmd(f), newFleetUpdateCmd(f))
	return cmd
}

// fleetOptions are the flags of every fleet command: which repositories (a list, or an
// owner's on a forge, filtered), which share of them, how many at once.
type fleetOptions struct {
	Repos, Provider, Owner, Host string
	Jobs                         int
	Offline                      bool
	Filter                       fleet.Filter
	ShardFlag                    string
	Shard                        fleet.Shard
}

func addFleetFlags(cmd *cobra.Command, o *fleetOptions) {
	fl := cmd.Flags()
	fl.StringVar(&o.Repos, "repos", "", "a `file` listing the repositories: one git URL or local path per line")
	fl.IntVar(&o.Jobs, "jobs", 8, "repositories worked on at once")
	fl.BoolVar(&o.Offline, "offline", false, "use the cached clones of the golden paths' sources as they are")
	fl.StringSliceVar(&o.Filter.Topics, "topic", nil, "with --owner, only repositories with one of these `topics`; repeatable")
	fl.StringArrayVar(&o.Filter.Include, "include", nil, "with --owner, only repositories whose name (or owner/name, with a slash) matches this `glob`; repeatable")
	fl.StringArrayVar(&o.Filter.Exclude, "exclude", nil, "with --owner, leave out repositories whose name (or owner/name) matches this `glob`; repeatable")
	fl.BoolVar(&o.Filter.Archived, "archived", false, "with --owner, also archived repositories")
	fl.BoolVar(&o.Filter.Forks, "forks", false, "with --owner, also forks")
	fl.StringVar(&o.ShardFlag, "shard", "", "work on shard `I/N` of the repositories (I from 0); default from JOB_COMPLETION_INDEX and IDP_SHARDS when set")
}

// validate turns the engine's check of the options into a usage error, then reads the shard
// (--shard, else a Kubernetes Indexed Job's index) and the forge's pace from the environment.
func (o *fleetOptions) validate(cmd *cobra.Command, f *Factory, checked error) error {
	err := checked
	if err == nil {
		o.Shard, err = fleet.ShardFor(o.ShardFlag, f.Getenv)
	}
	if err == nil {
		err = forge.SetWritesPerHourFrom(f.Getenv)
	}
	if err != nil {
		return usageErrorf(cmd, err)
	}
	// Waits for a forge's rate limits are told where the progress bar is.
	cmd.SetContext(forge.WithWaitNotice(cmd.Context(), func(w forge.Wait) { progress.Wait(f.IO.ErrOut, f.IO.ErrTTY, f.Logger, w.For, w.Why) }))
	return nil
}

// owners is the forge API that lists --owner's repositories; nil without --owner.
func (o *fleetOptions) owners(f *Factory) (forge.Provider, error) {
	if o.Owner == "" {
		return nil, nil
	}
	api, err := f.Forge(o.Provider, o.Host)
	if err != nil {
		return nil, &UsageError{Err: err}
	}
	return api, nil
}

// statusDeps are the services fleet status and fleet report read a fleet with.
func (o *fleetOptions) statusDeps(f *Factory) (fleet.StatusDeps, error) {
	owners, err := o.owners(f)
	return f.FleetStatusDeps(owners, o.Provider, o.Host, o.Offline), err
}
