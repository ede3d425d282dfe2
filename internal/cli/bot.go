package cli

import (
	"fmt"
	"strings"

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
	cmd.RegisterFlagCompletionFunc("provider", cobra.FixedCompletions(forge.Names(), cobra.ShellCompDirectiveNoFileComp))
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
