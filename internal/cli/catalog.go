package cli

import (
	"context"
	"maps"
	"slices"

	"github.com/idp-cli/idp/internal/gitauth"
	"github.com/idp-cli/idp/internal/source"
	"github.com/idp-cli/idp/templates"
)

// openCatalog opens --source (else the configured source, else the built-in golden paths).
func (f *Factory) openCatalog(ctx context.Context, loc string, offline bool) (*source.Catalog, error) {
	if loc == "" {
		loc = f.Config.Source
	}
	loc = f.Config.resolveSource(loc)
	open := func() (*source.Catalog, error) { return source.OpenCatalog(ctx, loc, f.sourceOptions(offline)) }
	if f.catalogs != nil {
		return f.catalogs.Open(loc, offline, open)
	}
	return open()
}

// sourceOptions is how this run reaches sources: its cache, credentials and progress.
func (f *Factory) sourceOptions(offline bool) source.OpenOptions {
	return source.OpenOptions{
		CacheDir: f.cacheDir(), Offline: offline, Builtin: templates.History(),
		Credentials: f.gitAuth,
		Explain:     func(url string, err error) error { return gitauth.ExplainSSH(err, url, f.Getenv) },
		Progress:    f.progress(),
		Named:       slices.Sorted(maps.Keys(f.Config.Sources)), ConfigFile: f.Config.File,
		Log: f.Logger,
	}
}

// cacheDir is where git sources are cloned (source.CacheDir).
func (f *Factory) cacheDir() string { return source.CacheDir(f.Getenv) }

// gitAuth finds the credential for a git URL and says where it looked.
func (f *Factory) gitAuth(rawURL string) gitauth.Result {
	r := gitauth.For(rawURL, f.Getenv)
	if r.From != "" {
		f.Logger.Debug("git credentials", "url", gitauth.Redact(rawURL), "from", r.From)
	}
	return r
}

// catalogCache is the factory's field for shareCatalogs.
type catalogCache = source.Shared

// shareCatalogs makes openCatalog open each source once for the rest of the run, for commands
// that work on many services of the same golden paths.
func (f *Factory) shareCatalogs() { f.catalogs = &catalogCache{} }

// catalogOpener is openCatalog for an engine's dependencies.
func (f *Factory) catalogOpener(offline bool) func(ctx context.Context, loc string) (*source.Catalog, error) {
	return func(ctx context.Context, loc string) (*source.Catalog, error) {
		return f.openCatalog(ctx, loc, offline)
	}
}
