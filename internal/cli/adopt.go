package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/idp-cli/idp/internal/bot"
	"github.com/idp-cli/idp/internal/factory"
	"github.com/idp-cli/idp/internal/layer"
	"github.com/idp-cli/idp/internal/source"
)

type adoptOptions struct {
	layer.AdoptOptions
	Offline  bool
	Conflict string
	Bot      botOptions
}

func newAdoptCmd(f *Factory) *cobra.Command {
	o := &adoptOptions{}
	cmd := &cobra.Command{
		Use:   "adopt --template <golden path> [--source <source>]",
		Short: "Bring a repository that idp did not make onto a golden path",
		Long: `Bring an existing repository onto a golden path, so that 'idp update' keeps it there from now
on. The golden path is rendered with its answers and merged into the repository against an
empty base: files only the golden path has are added, files both have with different content
become conflicts (marked in the file; exit status 3), and files only the repository has are left
as they are. .idp.yaml is written. Nothing is committed: review, resolve, then commit.

The repository must be a git work tree without uncommitted changes, so that git can undo it.

With --push (or --pull-request) nothing is written to the files: the adoption is committed on top
of origin's default branch and pushed to idp/adopt-<golden path>, with a pull request (a draft
when there are conflicts, to resolve on the branch), as the update bot does; once the default
branch has .idp.yaml, a run deletes the branch and closes its pull request. So a platform team
can adopt many repositories by pull request.`,
		Example: `  # Onto the built-in Go golden path
  idp adopt --template go-service --set name=payments --set owner=team-payments

  # Onto your platform's golden path, looking first
  idp adopt -s https://git.example.com/platform/golden-paths.git -t go-service --dry-run

  # As a pull request, in a fresh clone
  idp adopt -t go-service --set name=payments --set owner=team-payments --no-input --pull-request`,
		Args: usageArgs(noArgs),
		RunE: func(cmd *cobra.Command, args []string) error {
			if o.Template == "" {
				return usageErrorf(cmd, fmt.Errorf("--template is required: the golden path to adopt ('idp templates list' shows them)"))
			}
			if o.Conflict != "inline" && o.Conflict != "rej" {
				return usageErrorf(cmd, fmt.Errorf("--conflict %q: use inline or rej", o.Conflict))
			}
			if err := o.Bot.validate(cmd); err != nil {
				return err
			}
			if o.Bot.Push && o.DryRun {
				return usageErrorf(cmd, fmt.Errorf("--dry-run and --push do not go together; --dry-run alone shows what the pull request would hold"))
			}
			o.Answers.Verbose, o.Rej = f.Config.Verbose, o.Conflict == "rej"
			if o.Bot.Push {
				res, rep, err := bot.Adopt(cmd.Context(), f.LayerDeps(o.Offline), f.PushDeps(o.Bot.Provider, o.Bot.Host), o.AdoptOptions,
					bot.PushOptions{Branch: o.Bot.Branch, PullRequest: o.Bot.PullRequest, Display: o.Dir})
				if err != nil {
					return renderLimitHint(withCmd(cmd, err))
				}
				return printResult(f, &bot.Adopted{Result: res, Report: rep, Display: factory.RelDir})
			}
			res, err := layer.Adopt(cmd.Context(), f.LayerDeps(o.Offline), o.AdoptOptions)
			if err != nil {
				return renderLimitHint(withCmd(cmd, err))
			}
			return printLayerResult(f, res, "adopt", o.DryRun)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&o.Dir, "dir", ".", "the repository's `directory`")
	fl.StringVarP(&o.Template, "template", "t", "", "the golden path `name` to adopt")
	fl.StringVarP(&o.Source, "source", "s", "", "golden paths: a git `URL` or a directory (default: config source, else the ones built in)")
	fl.StringVar(&o.Version, "version", "latest", "golden path version: latest, a tag, a constraint (^1.2), a branch or a commit")
	fl.BoolVar(&o.Pre, "pre", false, "let latest and constraints pick pre-release versions")
	fl.BoolVar(&o.Offline, "offline", false, "use the cached clone of a git source as it is")
	fl.StringArrayVar(&o.Answers.Set, "set", nil, "an answer as `key=value`; repeatable")
	fl.StringVar(&o.Answers.ValuesFile, "values", "", "answers from a YAML or JSON `file`")
	fl.BoolVar(&o.DryRun, "dry-run", false, "print what would change; write nothing")
	fl.StringVar(&o.Conflict, "conflict", "inline", "conflicts as {inline|rej}: markers in the file, or the golden path's hunks in FILE.rej")
	addRenderFlags(cmd, &o.Render, f.Build.Version)
	addBotFlags(cmd, &o.Bot, false)
	cmd.Flags().Lookup("branch").Usage = "the bot's `branch` (default idp/adopt-<template>)"
	cmd.RegisterFlagCompletionFunc("template", func(cmd *cobra.Command, args []string, _ string) ([]string, cobra.ShellCompDirective) {
		if cat, _ := f.GoldenPaths(cmd.Context(), o.Source, "", ""); cat != nil {
			return source.Names(source.Bases(cat.All)), cobra.ShellCompDirectiveNoFileComp
		}
		return nil, cobra.ShellCompDirectiveError
	})
	completeAnswers(cmd, func(cmd *cobra.Command, _ []string) (*source.Catalog, []*source.Template) {
		return f.GoldenPaths(cmd.Context(), o.Source, o.Template, "")
	})
	return cmd
}
