package cli

import (
	"fmt"
	"os"
	"strconv"
	"time"

	"github.com/spf13/cobra"

	"github.com/idp-cli/idp/internal/fleet"
	"github.com/idp-cli/idp/internal/forge"
)

// fleetScaleOptions are the flags for a fleet of thousands: which of an owner's repositories,
// which share of them this process takes, and where its results go.
type fleetScaleOptions struct {
	Topics, Include, Exclude []string
	Archived, Forks          bool
	ShardFlag                string
	Shard                    fleet.Shard
	Results, Resume          string   // fleet update
	From                     []string // fleet status
}

func addFleetScaleFlags(cmd *cobra.Command, o *fleetScaleOptions) {
	fl := cmd.Flags()
	fl.StringSliceVar(&o.Topics, "topic", nil, "with --owner, only repositories with one of these `topics`; repeatable")
	fl.StringArrayVar(&o.Include, "include", nil, "with --owner, only repositories whose name (or owner/name, with a slash) matches this `glob`; repeatable")
	fl.StringArrayVar(&o.Exclude, "exclude", nil, "with --owner, leave out repositories whose name (or owner/name) matches this `glob`; repeatable")
	fl.BoolVar(&o.Archived, "archived", false, "with --owner, also archived repositories")
	fl.BoolVar(&o.Forks, "forks", false, "with --owner, also forks")
	fl.StringVar(&o.ShardFlag, "shard", "", "work on shard `I/N` of the repositories (I from 0); default from JOB_COMPLETION_INDEX and IDP_SHARDS when set")
}

func (o *fleetScaleOptions) filter() fleet.Filter {
	return fleet.Filter{Topics: o.Topics, Include: o.Include, Exclude: o.Exclude, Archived: o.Archived, Forks: o.Forks}
}

// validate reads --shard (or a Kubernetes Indexed Job's index) and checks the filters, which
// need an owner to list.
func (o *fleetScaleOptions) validate(cmd *cobra.Command, f *Factory, owner string) error {
	getenv := f.Getenv
	if owner == "" {
		for _, name := range []string{"topic", "include", "exclude", "archived", "forks"} {
			if cmd.Flags().Changed(name) {
				return usageErrorf(cmd, fmt.Errorf("--%s filters an owner's repositories; it goes with --provider and --owner", name))
			}
		}
	}
	if err := o.filter().Validate(); err != nil {
		return usageErrorf(cmd, err)
	}
	var err error
	if o.ShardFlag != "" {
		o.Shard, err = fleet.ParseShard(o.ShardFlag)
	} else {
		o.Shard, _, err = fleet.ShardFromEnv(getenv)
	}
	if err != nil {
		return usageErrorf(cmd, err)
	}
	n := 0
	if v := getenv("IDP_FORGE_WRITES_PER_HOUR"); v != "" {
		if n, err = strconv.Atoi(v); err != nil {
			return usageErrorf(cmd, fmt.Errorf("IDP_FORGE_WRITES_PER_HOUR=%q: give a number of content-creating requests an hour (default %d; -1 for no pacing)", v, forge.DefaultWritesPerHour))
		}
	}
	forge.SetWritesPerHour(n)
	// Waits for a forge's rate limits are told where the progress bar is.
	cmd.SetContext(forge.WithWaitNotice(cmd.Context(), f.noticeWait))
	return nil
}

// noticeWait says why a fleet run stands still: on the progress bar's line on a terminal,
// else as a log line when the wait is long enough to be noticed.
func (f *Factory) noticeWait(w forge.Wait) {
	msg := fmt.Sprintf("waiting %s: %s", w.For.Round(time.Second), w.Why)
	switch {
	case f.IO.ErrTTY:
		fmt.Fprintf(f.IO.ErrOut, "\r%s\x1b[K", msg)
	case w.For >= time.Minute && f.Logger != nil:
		f.Logger.Warn(msg)
	}
}

func addFleetUpdateScaleFlags(cmd *cobra.Command, o *fleetUpdateOptions) {
	addFleetScaleFlags(cmd, &o.Scale)
	fl := cmd.Flags()
	fl.StringVar(&o.Owner, "owner", "", "update the repositories of this organization, group or user on --provider, instead of --repos")
	fl.StringVar(&o.Scale.Results, "results", "", "append each repository's outcome to this `file` as a JSON line as soon as it is done")
	fl.StringVar(&o.Scale.Resume, "resume", "", "skip the repositories this results `file` says are done (any result but failed)")
}

// openResults opens --results for appending: a resumed shard adds to the same file.
func openResults(path string) (*os.File, error) {
	if path == "" {
		return nil, nil
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("--results: %w", err)
	}
	return f, nil
}

// runFleetStatusFrom merges the --results files of a campaign's shards into one table and
// summary, as fleet update prints them.
func runFleetStatusFrom(cmd *cobra.Command, f *Factory, o *fleetStatusOptions) error {
	for _, name := range []string{"repos", "provider", "owner", "all", "divergence", "shard", "topic", "include", "exclude"} {
		if cmd.Flags().Changed(name) {
			return usageErrorf(cmd, fmt.Errorf("--from reads the results of fleet update; --%s does not go with it", name))
		}
	}
	rows, err := fleet.ReadResults(cmd.Context(), o.Scale.From...)
	if err != nil {
		return &UsageError{Err: fmt.Errorf("--from: %w", err)}
	}
	res := &fleet.UpdateResult{Rows: rows, Summary: fleet.SummarizeUpdate(rows)}
	if f.Config.Output == "json" {
		if err := printJSON(f.IO.Out, res); err != nil {
			return err
		}
	} else {
		printFleetUpdate(f.IO.Out, res.Rows, res.Summary)
	}
	if res.Summary["failed"] > 0 {
		return &exitError{Code: ExitError}
	}
	return nil
}

// fleetUpdateScaleDeps adds the forge that lists --owner and the --results file to a fleet
// update's services.
func (f *Factory) fleetUpdateScaleDeps(d *fleet.UpdateDeps, o *fleetUpdateOptions) error {
	if o.Owner != "" {
		api, err := forge.New(o.Provider, forge.Options{Host: o.Host, Token: f.forgeToken(o.Provider), HTTPClient: f.HTTPClient})
		if err != nil {
			return &UsageError{Err: err}
		}
		d.Forge = api
	}
	res, err := openResults(o.Scale.Results)
	if err != nil {
		return err
	}
	if res != nil {
		d.Results = res
	}
	return nil
}
