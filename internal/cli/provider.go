package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/idp-cli/idp/internal/forge"
	"github.com/idp-cli/idp/internal/scaffold"
)

// newPublish checks the provider flags before anything is asked or written.
func newPublish(cmd *cobra.Command, f *Factory, o *newOptions) (*scaffold.ForgePublisher, error) {
	if o.Provider == "" {
		for _, fl := range []string{"owner", "host", "use-existing"} {
			if cmd.Flags().Changed(fl) {
				return nil, usageErrorf(cmd, fmt.Errorf("--%s goes with --provider github|gitlab|gitea", fl))
			}
		}
		return nil, nil
	}
	if o.Remote != "" {
		return nil, usageErrorf(cmd, fmt.Errorf("--remote and --provider: give one; --provider creates the repository and pushes to it"))
	}
	if o.Owner == "" {
		return nil, usageErrorf(cmd, fmt.Errorf("--provider %s needs --owner: the organization, group or user to create the repository under", o.Provider))
	}
	token := f.ForgeToken(o.Provider)
	p, err := forge.New(o.Provider, forge.Options{Host: o.Host, Token: token, HTTPClient: f.HTTPClient})
	if err != nil {
		return nil, usageErrorf(cmd, fmt.Errorf("--provider: %w", err))
	}
	if token == "" {
		return nil, usageErrorf(cmd, fmt.Errorf("--provider %s needs a token to create the repository: set %s (or IDP_GIT_TOKEN)", o.Provider, forge.TokenVar(o.Provider)))
	}
	return &scaffold.ForgePublisher{Provider: p, Token: token, Owner: o.Owner, Private: o.Private, UseExisting: o.UseExisting,
		Credentials: f.GitAuth, Progress: f.GitProgress()}, nil
}
