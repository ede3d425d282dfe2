package cli

import (
	"context"
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/idp-cli/idp/internal/fleet"
	"github.com/idp-cli/idp/internal/render"
	"github.com/idp-cli/idp/internal/update"
)

type fleetUpdateOptions struct {
	fleetOptions
	Bot             botOptions
	Render          render.Options
	To              string
	Pre             bool
	Set             []string
	ValuesFile      string
	Conflict        string
	Results, Resume string
}

func newFleetUpdateCmd(f *Factory) *cobra.Command {
	o := &fleetUpdateOptions{}
	cmd := &cobra.Command{
		Use:   "update {--repos <file> | --provider <name> --owner <org>} [--shard I/N] [--pull-request]",
		Short: "Run the update bot on every service of a fleet",
		Long: `For each repository in --repos: clone it, work out the update to the latest version of its
golden path, and push it to the bot's branch as 'idp update --push' does (with --pull-request,
open or update its pull request). Repositories are worked on in parallel (--jobs); a failure
on one is reported and the others go on. Then a summary: updated, unchanged, conflicts, failed.

--to keeps the fleet within a range (a pinned '^1' while a major release is rolled out by
hand); --set and --values answer what a newer version asks, for every repository; --conflict
rej puts the golden path's hunks beside the files. Without them, a service whose newer version
needs an answer only a person can give takes the newest version that needs none, and the table
says which version is held and what it needs ("needs input" when none can be taken).

--provider and --owner update an owner's repositories on a forge instead of a list
(--topic, --include, --exclude, --archived, --forks pick which); --shard I/N takes one share of
them, so that N jobs of a CI matrix or a Kubernetes Indexed Job cover the fleet once;
--results records each repository's outcome as a JSON line as it finishes, and --resume skips
those a cut-short run finished (docs/scale.md).

Exit status 1 when any repository failed, else 3 when any was left with conflicts, else 5 when
any needs a person to answer a newer version's parameters; 2 when cancelled (Ctrl-C), with the
repositories not started listed (run again, with --resume, to finish).`,
		Example: `  idp fleet update --repos services.txt --pull-request --jobs 8
  idp fleet update --repos services.txt --pull-request --to '^1'
  idp fleet update --repos services.txt --pull-request --set slack=#platform-alerts`,
		Args: usageArgs(noArgs),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runFleetUpdate(cmd, f, o)
		},
	}
	addFleetFlags(cmd, &o.fleetOptions)
	addBotFlags(cmd, &o.Bot, true)
	addRenderFlags(cmd, &o.Render, f.Build.Version)
	fl := cmd.Flags()
	fl.StringVar(&o.Owner, "owner", "", "update the repositories of this organization, group or user on --provider, instead of --repos")
	fl.StringVar(&o.Results, "results", "", "append each repository's outcome to this `file` as a JSON line as soon as it is done")
	fl.StringVar(&o.Resume, "resume", "", "skip the repositories this results `file` says are done (any result but failed)")
	fl.StringVar(&o.To, "to", "latest", "the `version` to move every service to: latest, a tag, or a constraint such as ^1")
	fl.BoolVar(&o.Pre, "pre", false, "let latest and constraints pick pre-release versions")
	fl.StringArrayVar(&o.Set, "set", nil, "answer a parameter for every repository, as `KEY=VALUE`; repeatable")
	fl.StringVar(&o.ValuesFile, "values", "", "answers for every repository from a YAML or JSON `file`")
	fl.StringVar(&o.Conflict, "conflict", "inline", "how conflicts are left: {inline|rej}")
	cmd.RegisterFlagCompletionFunc("to", func(cmd *cobra.Command, _ []string, _ string) ([]string, cobra.ShellCompDirective) {
		return completeVersions(f.GoldenPaths(cmd.Context(), "", "", "")) // the configured source's
	})
	return cmd
}

func (o *fleetUpdateOptions) validate(cmd *cobra.Command, f *Factory) error {
	o.Provider, o.Host, o.Bot.Push = o.Bot.Provider, o.Bot.Host, true // --provider and --host also say where --owner is
	if err := o.fleetOptions.validate(cmd, f, o.updateOptions(cmd).Check(o.Provider)); err != nil {
		return err
	}
	if err := o.Bot.validate(cmd); err != nil {
		return err
	}
	if o.Conflict != "inline" && o.Conflict != "rej" {
		return usageErrorf(cmd, fmt.Errorf("--conflict %q: use inline or rej", o.Conflict))
	}
	return nil
}

// updateOptions are the flags as the fleet update engine takes them.
func (o *fleetUpdateOptions) updateOptions(cmd *cobra.Command) fleet.UpdateOptions {
	return fleet.UpdateOptions{Repos: o.Repos, Owner: o.Owner, Filter: o.Filter, Shard: o.Shard, Resume: o.Resume, Results: o.Results, Jobs: o.Jobs,
		Do: update.DoOptions{To: o.To, ToGiven: cmd.Flags().Changed("to"), Pre: o.Pre, Set: o.Set, ValuesFile: o.ValuesFile,
			Rej: o.Conflict == "rej", Render: o.Render, MinAge: o.Bot.MinAge},
		Push: o.Bot.pushOptions("")}
}

func runFleetUpdate(cmd *cobra.Command, f *Factory, o *fleetUpdateOptions) error {
	if err := o.validate(cmd, f); err != nil {
		return err
	}
	owners, err := o.owners(f)
	if err != nil {
		return err
	}
	deps := f.FleetUpdateDeps(owners, o.Bot.Provider, o.Bot.Host, o.Offline)
	deps.Hint = renderLimitHint
	uo := o.updateOptions(cmd)
	uo.Do.Verbose = f.Config.Verbose
	res, err := fleet.Update(cmd.Context(), deps, uo)
	if res == nil {
		return err
	}
	f.RecordFleetEvents(cmd.Context(), res)
	if err := printResult(f, res); err != nil {
		return err
	}
	if errors.Is(err, context.Canceled) {
		return err // idp: cancelled, exit 2, whatever the rows done so far say
	}
	if code := map[string]int{"failed": ExitError, "conflicts": ExitConflicts, "needsInput": ExitNeedsInput}[res.Worst()]; code != 0 {
		return &exitError{Code: code}
	}
	return err
}
