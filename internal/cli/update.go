package cli

import (
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/idp-cli/idp/internal/render"
	"github.com/idp-cli/idp/internal/update"
	"github.com/idp-cli/idp/internal/updaterun"
)

type updateOptions struct {
	Dir, Layer, To, Conflict, ValuesFile        string
	Pre, Offline, DryRun, AllowDowngrade, Trust bool
	Set                                         []string
	Bot                                         botOptions
	Render                                      render.Options
}

func newUpdateCmd(f *Factory) *cobra.Command {
	o := &updateOptions{}
	cmd := &cobra.Command{
		Use:   "update",
		Short: "Move a service to a newer version of its golden path, keeping local changes",
		Long: `Move the service to a newer version of its golden path by a three-way merge: the version in
.idp.yaml rendered with the recorded answers is the base, the target version rendered with the
answers (and any new parameters) is the other side, and your files are the third.

A file changed on one side only takes that side. Text changed on both sides is merged line by
line; overlapping changes become conflict markers (or, with --conflict rej, FILE.rej holds the
golden path's hunks). A binary changed on both sides keeps yours and puts the golden path's in
FILE.idp-new. Files the golden path marks as owned are never touched. .idp.yaml is written last.

The service must have no uncommitted changes, so that git can undo the update. Exit status 3
means conflicts are left to resolve.

A service with add-ons (idp add) is updated layer by layer: its base golden path first, then each
add-on in the order .idp.yaml lists them, each written before the next; --layer NAME updates one.
Paths under ignore: in .idp.yaml are never touched. See docs/layers.md.

With --push (the bot), nothing is written to your files: the update is committed on top of
origin's default branch, which HEAD must be at, and pushed to the branch idp/update-<template>
(one per layer),
replacing the bot's earlier commit there, and only when it differs. With --pull-request the
branch gets a pull request (a draft when there are conflicts), opened once and updated after;
it is closed when the default branch no longer needs it. A branch where someone else has
committed is left alone. See docs/bots.md.`,
		Example: `  # To the latest version, asking for new parameters in a terminal
  idp update

  # In CI: no prompts, new parameters from flags or their defaults
  idp update --no-input --set log_level=info

  # See what would change, then update to a given version
  idp update --dry-run --to v1.4.0
  idp diff --to v1.4.0

  # As a CI bot: one branch and one pull request per service (and per layer), updated in place
  idp update --no-input --pull-request

  # Only the techdocs add-on
  idp update --layer techdocs`,
		Args: usageArgs(noArgs),
		RunE: func(cmd *cobra.Command, args []string) error { return runUpdate(cmd, f, o, false) },
	}
	fl := cmd.Flags()
	addUpdateFlags(cmd, o)
	fl.BoolVar(&o.DryRun, "dry-run", false, "print what would change; write nothing and ask nothing (as idp diff)")
	fl.StringVar(&o.Conflict, "conflict", "inline", "conflicts as {inline|rej}: markers in the file, or the golden path's hunks in FILE.rej")
	fl.BoolVar(&o.AllowDowngrade, "allow-downgrade", false, "let --to name a version older than the service's")
	fl.StringArrayVar(&o.Set, "set", nil, "an answer as `key=value`, new or changed; repeatable")
	fl.StringVar(&o.ValuesFile, "values", "", "answers from a YAML or JSON `file`")
	fl.BoolVar(&o.Trust, "trust", false, "run the golden path's migrations and hooks (commands) even though its source is not in trusted-sources")
	addBotFlags(cmd, &o.Bot, false)
	addRenderFlags(cmd, &o.Render, f.Build.Version)
	cmd.RegisterFlagCompletionFunc("conflict", cobra.FixedCompletions([]string{"inline", "rej"}, cobra.ShellCompDirectiveNoFileComp))
	completeServiceFlags(cmd, f, o)
	return cmd
}

// addUpdateFlags are the flags update, diff and check share.
func addUpdateFlags(cmd *cobra.Command, o *updateOptions) {
	fl := cmd.Flags()
	fl.StringVar(&o.Dir, "dir", ".", "the service's `directory`: where .idp.yaml is, here or in a directory above")
	fl.StringVar(&o.To, "to", "latest", "target `version`: latest, a tag, a constraint (^1.2), a branch or a commit")
	fl.BoolVar(&o.Pre, "pre", false, "let latest and constraints pick pre-release versions")
	fl.BoolVar(&o.Offline, "offline", false, "use the cached clone of the golden paths' source as it is")
	fl.StringVar(&o.Layer, "layer", "", "only this layer: the base golden path or an add-on, by `name` (default: every layer, in order)")
	cmd.RegisterFlagCompletionFunc("layer", func(cmd *cobra.Command, args []string, _ string) ([]string, cobra.ShellCompDirective) {
		svc, err := update.Open(o.Dir)
		if err != nil {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		return svc.Record.Names(), cobra.ShellCompDirectiveNoFileComp
	})
}

// runUpdate is idp update and, with diff, idp diff.
func runUpdate(cmd *cobra.Command, f *Factory, o *updateOptions, diff bool) error {
	toGiven := cmd.Flags().Changed("to")
	if o.Conflict != "inline" && o.Conflict != "rej" {
		return usageErrorf(cmd, fmt.Errorf("--conflict %q: use inline or rej", o.Conflict))
	}
	if o.AllowDowngrade && !toGiven {
		return usageErrorf(cmd, fmt.Errorf("--allow-downgrade goes with --to, naming the older version"))
	}
	if err := o.Bot.validate(cmd); err != nil {
		return err
	}
	if o.Bot.Push && (o.DryRun || diff) {
		return usageErrorf(cmd, fmt.Errorf("--dry-run and --push do not go together; idp diff shows what the bot would commit"))
	}
	mode := update.ModeWrite
	switch {
	case diff:
		mode = update.ModeDiff
	case o.DryRun:
		mode = update.ModeDryRun
	case o.Bot.Push:
		mode = update.ModeBot
	}
	f.ShareCatalogs(false) // layers from one source open it once
	res, err := updaterun.Run(cmd.Context(), updaterun.Deps{
		Update: f.UpdateDeps(o.Offline, mode == update.ModeWrite || mode == update.ModeBot),
		Push:   f.PushDeps(o.Bot.Provider, o.Bot.Host), Hint: renderLimitHint,
	}, updaterun.Options{Do: update.DoOptions{
		Dir: o.Dir, Layer: o.Layer, To: o.To, ToGiven: toGiven, Pre: o.Pre, AllowDowngrade: o.AllowDowngrade,
		Set: o.Set, ValuesFile: o.ValuesFile, Verbose: f.Config.Verbose, Rej: o.Conflict == "rej", Mode: mode,
		Trust: o.Trust, Render: o.Render, MinAge: o.Bot.MinAge,
	}, Push: o.Bot.pushOptions(o.Dir)})
	if res != nil {
		f.NoteUpdate(res.Outcome(), mode)
		if perr := res.Write(f.IO.Out, f.IO.ErrOut, f.Config.Output == "json"); perr != nil {
			return perr
		}
	}
	if err != nil {
		return renderLimitHint(withCmd(cmd, err))
	}
	var left *updaterun.Left
	if err := res.Err(); !errors.As(err, &left) {
		return err
	}
	return &exitError{Code: leftCodes[left.Status], Msg: left.Msg}
}

// leftCodes are the exit statuses of what an update leaves for a person.
var leftCodes = map[updaterun.Status]int{
	updaterun.Conflicts: ExitConflicts, updaterun.NeedsInput: ExitNeedsInput, updaterun.LayersFailed: ExitError,
}
