package cli

import (
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/idp-cli/idp/internal/bot"
	"github.com/idp-cli/idp/internal/forge"
)

// botOptions are the flags of bot mode, shared by update, adopt and fleet update.
type botOptions struct {
	Push, PullRequest      bool
	Branch, Provider, Host string

	// What the pull request gets: labels, reviewers, assignees, auto-merge.
	Labels, Reviewers, Assignees []string
	ReviewersFromCodeowners      bool
	AutoMerge                    bool
	// MinAge is the soak time: a version tagged less long ago is not proposed.
	MinAge    time.Duration
	minAgeArg string
}

func addBotFlags(cmd *cobra.Command, o *botOptions, fleet bool) {
	fl := cmd.Flags()
	if !fleet {
		fl.BoolVar(&o.Push, "push", false, "commit the update on a branch of its own, on top of origin's default branch, and push it; your files are not touched")
	}
	fl.BoolVar(&o.PullRequest, "pull-request", false, "open or update a pull request for the pushed branch (implies --push)")
	fl.StringVar(&o.Branch, "branch", "", "the bot's `branch` (default idp/update-<template>)")
	fl.StringVar(&o.Provider, "provider", "", "the forge for the pull request: {github|gitlab|gitea} (default: from the remote's URL)")
	fl.StringVar(&o.Host, "host", "", "the forge's web `URL` for the pull request (default: from the remote's URL)")
	fl.StringArrayVar(&o.Labels, "label", nil, "a `label` for the pull request, created in the repository if missing; repeatable")
	fl.StringArrayVar(&o.Reviewers, "reviewer", nil, "ask a `user` (or a team, as org/team) to review the pull request; repeatable")
	fl.StringArrayVar(&o.Assignees, "assignee", nil, "assign the pull request to a `user`; repeatable")
	fl.BoolVar(&o.ReviewersFromCodeowners, "reviewers-from-codeowners", false, "ask the owners, in CODEOWNERS, of the files the update changes to review (without CODEOWNERS: the owner answer)")
	fl.BoolVar(&o.AutoMerge, "auto-merge", false, "have the forge merge the pull request once its checks pass (never one with conflicts)")
	fl.StringVar(&o.minAgeArg, "min-age", "", "soak time: do not take a version tagged less than this `duration` ago (72h, 3d)")
	cmd.RegisterFlagCompletionFunc("provider", cobra.FixedCompletions(forge.Names(), cobra.ShellCompDirectiveNoFileComp))
	for _, name := range []string{"label", "reviewer", "assignee", "min-age"} {
		cmd.RegisterFlagCompletionFunc(name, cobra.NoFileCompletions)
	}
}

// pushOptions are the bot flags as the bot engine takes them.
func (o *botOptions) pushOptions(display string) bot.PushOptions {
	return bot.PushOptions{Branch: o.Branch, PullRequest: o.PullRequest, Display: display,
		Labels: o.Labels, Reviewers: o.Reviewers, Assignees: o.Assignees,
		ReviewersFromCodeowners: o.ReviewersFromCodeowners, AutoMerge: o.AutoMerge}
}

// validate checks the bot flags before any work.
func (o *botOptions) validate(cmd *cobra.Command) error {
	o.Push = o.Push || o.PullRequest
	for _, name := range []string{"branch", "provider", "host"} {
		if !o.Push && cmd.Flags().Changed(name) {
			return usageErrorf(cmd, fmt.Errorf("--%s goes with --push or --pull-request", name))
		}
	}
	for _, name := range []string{"label", "reviewer", "assignee", "reviewers-from-codeowners", "auto-merge"} {
		if !o.PullRequest && cmd.Flags().Changed(name) {
			return usageErrorf(cmd, fmt.Errorf("--%s is for the pull request: it goes with --pull-request", name))
		}
	}
	if err := o.pushOptions("").Check(); err != nil {
		return usageErrorf(cmd, err)
	}
	if o.minAgeArg != "" {
		d, err := bot.ParseAge(o.minAgeArg)
		if err != nil {
			return usageErrorf(cmd, err)
		}
		o.MinAge = d
	}
	if o.Provider != "" && forge.TokenVar(o.Provider) == "" {
		return usageErrorf(cmd, fmt.Errorf("--provider %q: use one of %s", o.Provider, strings.Join(forge.Names(), ", ")))
	}
	return nil
}
