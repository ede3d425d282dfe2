package factory

import (
	"context"
	"fmt"
	"io"

	"github.com/idp-cli/idp/internal/bot"
	"github.com/idp-cli/idp/internal/doctor"
	"github.com/idp-cli/idp/internal/fleet"
	"github.com/idp-cli/idp/internal/forge"
	"github.com/idp-cli/idp/internal/gitauth"
	"github.com/idp-cli/idp/internal/gitcli"
	"github.com/idp-cli/idp/internal/gitrepo"
	"github.com/idp-cli/idp/internal/layer"
	"github.com/idp-cli/idp/internal/scaffold"
	"github.com/idp-cli/idp/internal/source"
	"github.com/idp-cli/idp/internal/update"
	"github.com/idp-cli/idp/templates"
)

// UpdateDeps is what the update engine gets from this run: its sources, prompter (when ask and
// idp may prompt), trust and stderr.
func (f *Factory) UpdateDeps(offline, ask bool) update.Deps {
	d := update.Deps{OpenCatalog: f.CatalogOpener(offline), Trusted: f.Config.Trusts, Log: f.IO.ErrOut, Display: RelDir, Now: f.Now}
	if ask {
		if p := f.Asker(); p != nil {
			d.Prompter = p
		}
	}
	return d
}

// CreateDeps is what idp new's engine gets from this run: sources, prompter, trust, pushes and
// the first commit's author.
func (f *Factory) CreateDeps(offline bool) scaffold.CreateDeps {
	d := scaffold.CreateDeps{OpenCatalog: f.CatalogOpener(offline), Trusted: f.Config.Trusts,
		Log: f.IO.ErrOut, Display: RelDir, Push: f.PushTo, Author: f.Author(), Now: f.Now}
	if p := f.Asker(); p != nil {
		d.Prompter = p
	}
	return d
}

// LayerDeps is what the layer engines (add, remove, adopt) get from this run.
func (f *Factory) LayerDeps(offline bool) layer.Deps {
	d := layer.Deps{OpenCatalog: f.CatalogOpener(offline), Trusted: f.Config.Trusts,
		Log: f.IO.ErrOut, Author: f.Author(), Now: f.Now, Display: RelDir}
	if p := f.Asker(); p != nil {
		d.Prompter = p
	}
	return d
}

// PushDeps is what the bot gets from this run: credentials, and the forge (--provider and
// --host, else told by the URL) for a pull request.
func (f *Factory) PushDeps(provider, host string) bot.PushDeps {
	return bot.PushDeps{
		Credentials: f.GitAuth,
		Explain:     func(url string, err error) error { return gitauth.ExplainSSH(err, url, f.Getenv) },
		Forge: func(url string) (*bot.Forge, error) {
			return bot.ForgeFor(url, bot.ForgeOptions{Provider: provider, Host: host, Token: f.ForgeToken, HTTPClient: f.HTTPClient})
		},
		Progress: f.GitProgress(), Now: f.Now,
	}
}

// ForgeToken is the token for a forge's API: its own variable, else IDP_GIT_TOKEN.
func (f *Factory) ForgeToken(provider string) string {
	if t := f.Getenv(forge.TokenVar(provider)); t != "" {
		return t
	}
	return f.Getenv("IDP_GIT_TOKEN")
}

// Forge is the API client of a forge (github, gitlab, gitea) at host, with its token.
func (f *Factory) Forge(provider, host string) (forge.Provider, error) {
	return forge.New(provider, forge.Options{Host: host, Token: f.ForgeToken(provider), HTTPClient: f.HTTPClient})
}

// FleetStatusDeps are the services fleet status and fleet report read a fleet with; owners is
// the forge that lists --owner's repositories, nil without --owner.
func (f *Factory) FleetStatusDeps(owners forge.Provider, provider, host string, offline bool) fleet.StatusDeps {
	f.ShareCatalogs(true)
	return fleet.StatusDeps{
		Credentials: f.GitAuth, Progress: f, Now: f.Now, Forge: owners, OpenCatalog: f.CatalogOpener(offline),
		PullRequestsFor: fleet.PullRequestsVia(provider, host, f.ForgeToken, f.HTTPClient),
	}
}

// FleetUpdateDeps are the services fleet update runs the bot on each repository with; owners
// is the forge that lists --owner's repositories, nil without --owner.
func (f *Factory) FleetUpdateDeps(owners forge.Provider, provider, host string, offline bool) fleet.UpdateDeps {
	f.ShareCatalogs(true)
	ud := f.UpdateDeps(offline, false)
	ud.Log = io.Discard // each repository's story is its row
	return fleet.UpdateDeps{Update: ud, Push: f.PushDeps(provider, host), Credentials: f.GitAuth, Progress: f, Forge: owners,
		Explain: func(url string, err error) error { return gitauth.ExplainSSH(err, url, f.Getenv) }}
}

// DoctorDeps are what idp doctor checks with: the environment, git, the built-in golden paths,
// the HTTP client and the clock.
func (f *Factory) DoctorDeps() doctor.Deps {
	return doctor.Deps{
		Getenv: f.Getenv, Git: gitcli.Version, HTTPClient: f.HTTPClient, Now: f.Now, Progress: f.GitProgress(),
		Builtin: func() (*source.GitSource, error) { return source.OpenBuiltin(templates.History()) },
	}
}

// PushTo pushes a service's main to rawURL with the credentials idp finds for it.
func (f *Factory) PushTo(ctx context.Context, dir, rawURL string) error {
	cred := f.GitAuth(rawURL)
	if cred.Err != nil {
		return fmt.Errorf("push to %s: %w", gitauth.Redact(rawURL), cred.Err)
	}
	return gitrepo.Push(ctx, dir, gitrepo.PushOptions{
		URL: rawURL, Auth: cred.Auth, Hint: gitauth.HintFor(rawURL, cred.Tried), Progress: f.GitProgress(),
		Explain: func(err error) error { return gitauth.ExplainSSH(err, rawURL, f.Getenv) },
	})
}
