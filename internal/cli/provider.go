package cli

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"

	"github.com/go-git/go-git/v5/plumbing/transport"
	githttp "github.com/go-git/go-git/v5/plumbing/transport/http"
	"github.com/spf13/cobra"

	"github.com/idp-cli/idp/internal/answers"
	"github.com/idp-cli/idp/internal/forge"
	"github.com/idp-cli/idp/internal/gitauth"
	"github.com/idp-cli/idp/internal/gitrepo"
)

// publish creates (or, with --use-existing, reuses an empty) repository on a forge for a new
// service, before the service is written, and pushes to it after.
type publish struct {
	f           *Factory
	provider    forge.Provider
	token       string
	owner       string
	private     bool
	useExisting bool
	description string

	repo *forge.Created // once created or found
	name string
}

// gitUsers are the user names each forge takes with a token over HTTPS.
var gitUsers = map[string]string{"github": "x-access-token", "gitlab": "oauth2", "gitea": "git"}

// newPublish checks the provider flags before anything is asked or written.
func newPublish(cmd *cobra.Command, f *Factory, o *newOptions) (*publish, error) {
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
	tokenVar := forge.TokenVar(o.Provider)
	token := f.Getenv(tokenVar)
	if token == "" {
		token = f.Getenv("IDP_GIT_TOKEN")
	}
	p, err := forge.New(o.Provider, forge.Options{Host: o.Host, Token: token, HTTPClient: f.HTTPClient})
	if err != nil {
		return nil, usageErrorf(cmd, fmt.Errorf("--provider: %w", err))
	}
	if token == "" {
		return nil, usageErrorf(cmd, fmt.Errorf("--provider %s needs a token to create the repository: set %s (or IDP_GIT_TOKEN)", o.Provider, tokenVar))
	}
	return &publish{f: f, provider: p, token: token, owner: o.Owner, private: o.Private, useExisting: o.UseExisting}, nil
}

// beforeWrite creates the repository, or checks that --use-existing names an empty one.
func (p *publish) beforeWrite(ctx context.Context, dir string, ans *answers.Result) error {
	p.name = filepath.Base(dir)
	if abs, err := filepath.Abs(dir); err == nil {
		p.name = filepath.Base(abs) // -o . names the repository after the directory
	}
	if d, ok := ans.Answers["description"].(string); ok && d != "" {
		p.description = d
	}
	full := p.owner + "/" + p.name
	got, err := p.provider.Get(ctx, p.owner, p.name)
	switch {
	case err == nil && !p.useExisting:
		return fmt.Errorf("repository %s already exists at %s; choose another name, or pass --use-existing to push into it if it is empty", full, got.WebURL)
	case err == nil:
		empty, err := gitrepo.IsEmpty(ctx, got.CloneURL, p.auth(got.CloneURL), gitauth.HintFor(got.CloneURL, nil))
		if err != nil {
			return err
		}
		if !empty {
			return fmt.Errorf("repository %s already exists at %s and has commits; --use-existing pushes only into an empty repository", full, got.WebURL)
		}
		p.repo = got
		return nil
	case !errors.Is(err, forge.ErrNotFound):
		return err
	}
	p.repo, err = p.provider.Create(ctx, forge.Repo{Owner: p.owner, Name: p.name, Description: p.description, DefaultBranch: gitrepo.Branch, Private: p.private})
	if err != nil {
		return err
	}
	p.f.Logger.Debug("created repository", "repo", full, "url", p.repo.WebURL)
	return nil
}

// auth is the credential for pushing to the forge: what idp finds for the URL, else the token.
func (p *publish) auth(url string) transport.AuthMethod {
	if cred := p.f.gitAuth(url); cred.Auth != nil {
		return cred.Auth
	}
	return &githttp.BasicAuth{Username: gitUsers[p.provider.Name()], Password: p.token}
}

// push pushes main and makes it the default branch.
func (p *publish) push(ctx context.Context, dir string) error {
	if err := gitrepo.SetRemote(dir, p.repo.CloneURL); err != nil {
		return err
	}
	hint := fmt.Sprintf("the %s token was refused for the push; check that %s allows pushing (contents: write)", p.provider.Name(), forge.TokenVar(p.provider.Name()))
	if err := gitrepo.Push(ctx, dir, gitrepo.PushOptions{URL: p.repo.CloneURL, Auth: p.auth(p.repo.CloneURL), Hint: hint, Progress: p.f.progress()}); err != nil {
		return err
	}
	return p.provider.SetDefaultBranch(ctx, p.owner, p.name, gitrepo.Branch)
}
