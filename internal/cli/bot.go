package cli

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/spf13/cobra"

	"github.com/idp-cli/idp/internal/bot"
	"github.com/idp-cli/idp/internal/forge"
	"github.com/idp-cli/idp/internal/gitauth"
)

// botOptions are the flags of bot mode, shared by update and fleet update.
type botOptions struct {
	Push        bool
	PullRequest bool
	Branch      string
	Provider    string
	Host        string

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

// pullRequestFlags are the flags that only mean something for a pull request.
var pullRequestFlags = []string{"label", "reviewer", "assignee", "reviewers-from-codeowners", "auto-merge"}

// parseAge reads a soak time: a Go duration (72h, 90m) or a number of days (3d).
func parseAge(s string) (time.Duration, error) {
	if days, ok := strings.CutSuffix(s, "d"); ok {
		n, err := strconv.ParseFloat(days, 64)
		if err != nil || n < 0 {
			return 0, fmt.Errorf("--min-age %q is not a duration; give one as 72h or 3d", s)
		}
		return time.Duration(n * float64(24*time.Hour)), nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d < 0 {
		return 0, fmt.Errorf("--min-age %q is not a duration; give one as 72h or 3d", s)
	}
	return d, nil
}

// pushOptions are the bot flags as the bot engine takes them.
func (o *botOptions) pushOptions(display string) bot.PushOptions {
	return bot.PushOptions{Branch: o.Branch, PullRequest: o.PullRequest, Display: display,
		Labels: o.Labels, Reviewers: o.Reviewers, Assignees: o.Assignees,
		ReviewersFromCodeowners: o.ReviewersFromCodeowners, AutoMerge: o.AutoMerge}
}

// validate checks the bot flags before any work.
func (o *botOptions) validate(cmd *cobra.Command) error {
	if o.PullRequest {
		o.Push = true
	}
	if !o.Push {
		for _, name := range []string{"branch", "provider", "host"} {
			if cmd.Flags().Changed(name) {
				return usageErrorf(cmd, fmt.Errorf("--%s goes with --push or --pull-request", name))
			}
		}
	}
	if !o.PullRequest {
		for _, name := range pullRequestFlags {
			if cmd.Flags().Changed(name) {
				return usageErrorf(cmd, fmt.Errorf("--%s is for the pull request: it goes with --pull-request", name))
			}
		}
	}
	for _, l := range o.Labels {
		if strings.TrimSpace(l) == "" || strings.Contains(l, ",") {
			return usageErrorf(cmd, fmt.Errorf("--label %q is not a label name: give one label, without commas, per --label", l))
		}
	}
	for _, r := range append(append([]string{}, o.Reviewers...), o.Assignees...) {
		if r = strings.TrimPrefix(r, "@"); r == "" || strings.ContainsAny(r, " ,") || strings.Count(r, "/") > 1 {
			return usageErrorf(cmd, fmt.Errorf("--reviewer and --assignee take a user name (or, for --reviewer, a team as org/team); got %q", r))
		}
	}
	for _, a := range o.Assignees {
		if strings.Contains(a, "/") {
			return usageErrorf(cmd, fmt.Errorf("--assignee %q: assignees are users, not teams", a))
		}
	}
	if o.minAgeArg != "" {
		d, err := parseAge(o.minAgeArg)
		if err != nil {
			return usageErrorf(cmd, err)
		}
		o.MinAge = d
	}
	if o.Provider != "" && forge.TokenVar(o.Provider) == "" {
		return usageErrorf(cmd, fmt.Errorf("--provider %q: use one of %s", o.Provider, strings.Join(forge.Names(), ", ")))
	}
	if o.Branch != "" && (strings.HasPrefix(o.Branch, "-") || plumbing.NewBranchReferenceName(o.Branch).Validate() != nil) {
		return usageErrorf(cmd, fmt.Errorf("--branch %q is not a valid branch name", o.Branch))
	}
	return nil
}

// forgeFor is the forge API for the pull request of the repository at remote url.
func (f *Factory) forgeFor(url string, o *botOptions) (*bot.Forge, error) {
	r, err := forge.ParseRemote(url)
	if err != nil {
		return nil, fmt.Errorf("--pull-request: %w", err)
	}
	provider, host := r.Provider, r.Host
	if o.Provider != "" {
		provider = o.Provider
	}
	if o.Host != "" {
		host = o.Host
	}
	if provider == "" {
		return nil, &UsageError{Err: fmt.Errorf("--pull-request: cannot tell which forge hosts %s; give --provider (%s)", gitauth.Redact(url), strings.Join(forge.Names(), ", "))}
	}
	token := f.forgeToken(provider)
	if token == "" {
		return nil, &forge.AuthError{Provider: provider, Reason: "no token for the pull request"}
	}
	api, err := forge.New(provider, forge.Options{Host: host, Token: token, HTTPClient: f.HTTPClient})
	if err != nil {
		return nil, err
	}
	return &bot.Forge{API: api, Owner: r.Owner, Name: r.Name}, nil
}

// forgeToken is the token for a forge's API: its own variable, else IDP_GIT_TOKEN.
func (f *Factory) forgeToken(provider string) string {
	if t := f.Getenv(forge.TokenVar(provider)); t != "" {
		return t
	}
	return f.Getenv("IDP_GIT_TOKEN")
}
