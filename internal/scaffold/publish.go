package scaffold

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"

	"github.com/go-git/go-git/v5/plumbing/transport"
	githttp "github.com/go-git/go-git/v5/plumbing/transport/http"

	"github.com/idp-cli/idp/internal/answers"
	"github.com/idp-cli/idp/internal/forge"
	"github.com/idp-cli/idp/internal/gitauth"
	"github.com/idp-cli/idp/internal/gitrepo"
)

// ForgePublisher creates (or, with UseExisting, reuses an empty) repository on a forge for a
// new service, before the service is written, and pushes to it after.
type ForgePublisher struct {
	Provider    forge.Provider
	Token       string
	Owner       string
	Private     bool
	UseExisting bool
	// Credentials finds what idp would use for a URL; the token is the fallback.
	Credentials func(url string) gitauth.Result
	Progress    io.Writer

	description string
	repo        *forge.Created // once created or found
	name        string
}

// Describe sets the repository's description, unless the answers give one.
func (p *ForgePublisher) Describe(d string) { p.description = d }

// FullName is owner/name.
func (p *ForgePublisher) FullName() string { return p.Owner + "/" + p.name }

// Created is the repository once made or found.
func (p *ForgePublisher) Created() (cloneURL, webURL string, existed, made bool) {
	if p.repo == nil {
		return "", "", false, false
	}
	return gitauth.Redact(p.repo.CloneURL), p.repo.WebURL, p.repo.Existed, true
}

// BeforeWrite creates the repository, or checks that UseExisting names an empty one.
func (p *ForgePublisher) BeforeWrite(ctx context.Context, dir string, ans *answers.Result) error {
	p.name = filepath.Base(dir)
	if abs, err := filepath.Abs(dir); err == nil {
		p.name = filepath.Base(abs) // -o . names the repository after the directory
	}
	if d, ok := ans.Answers["description"].(string); ok && d != "" {
		p.description = d
	}
	full := p.Owner + "/" + p.name
	got, err := p.Provider.Get(ctx, p.Owner, p.name)
	switch {
	case err == nil && !p.UseExisting:
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
	p.repo, err = p.Provider.Create(ctx, forge.Repo{Owner: p.Owner, Name: p.name, Description: p.description, DefaultBranch: gitrepo.Branch, Private: p.Private})
	return err
}

// auth is the credential for pushing to the forge: what idp finds for the URL, else the token.
func (p *ForgePublisher) auth(url string) transport.AuthMethod {
	if p.Credentials != nil {
		if cred := p.Credentials(url); cred.Auth != nil {
			return cred.Auth
		}
	}
	return &githttp.BasicAuth{Username: forge.TokenUser(p.Provider.Name()), Password: p.Token}
}

// Push pushes main and makes it the default branch.
func (p *ForgePublisher) Push(ctx context.Context, dir string) error {
	if err := gitrepo.SetRemote(dir, p.repo.CloneURL); err != nil {
		return err
	}
	hint := fmt.Sprintf("the %s token was refused for the push; check that %s allows pushing (contents: write)", p.Provider.Name(), forge.TokenVar(p.Provider.Name()))
	if err := gitrepo.Push(ctx, dir, gitrepo.PushOptions{URL: p.repo.CloneURL, Auth: p.auth(p.repo.CloneURL), Hint: hint, Progress: p.Progress}); err != nil {
		return err
	}
	return p.Provider.SetDefaultBranch(ctx, p.Owner, p.name, gitrepo.Branch)
}
