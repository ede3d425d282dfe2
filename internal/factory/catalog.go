package factory

import (
	"context"
	"maps"
	"slices"

	"github.com/idp-cli/idp/internal/gitauth"
	"github.com/idp-cli/idp/internal/source"
	"github.com/idp-cli/idp/internal/update"
	"github.com/idp-cli/idp/templates"
)

// OpenCatalog opens loc (else the configured source, else the built-in golden paths).
func (f *Factory) OpenCatalog(ctx context.Context, loc string, offline bool) (*source.Catalog, error) {
	if loc == "" {
		loc = f.Config.Source
	}
	loc = f.Config.ResolveSource(loc)
	open := func() (*source.Catalog, error) { return source.OpenCatalog(ctx, loc, f.SourceOptions(offline)) }
	if f.catalogs != nil {
		return f.catalogs.Open(loc, offline, open)
	}
	return open()
}

// CatalogOpener is OpenCatalog for an engine's dependencies.
func (f *Factory) CatalogOpener(offline bool) func(ctx context.Context, loc string) (*source.Catalog, error) {
	return func(ctx context.Context, loc string) (*source.Catalog, error) {
		return f.OpenCatalog(ctx, loc, offline)
	}
}

// ShareCatalogs makes OpenCatalog open each source once for the rest of the run, for commands
// that work on many services of the same golden paths. With quietGit, git's own progress is
// silent, where a bar over many repositories is drawn instead.
func (f *Factory) ShareCatalogs(quietGit bool) {
	f.catalogs = &source.Shared{}
	f.quietGit = f.quietGit || quietGit
}

// SourceOptions is how this run reaches sources: its cache, credentials and progress.
func (f *Factory) SourceOptions(offline bool) source.OpenOptions {
	return source.OpenOptions{
		CacheDir: f.CacheDir(), Offline: offline, Builtin: templates.History(),
		Credentials: f.GitAuth,
		Explain:     func(url string, err error) error { return gitauth.ExplainSSH(err, url, f.Getenv) },
		Progress:    f.GitProgress(),
		Named:       slices.Sorted(maps.Keys(f.Config.Sources)), ConfigFile: f.Config.File,
		Log: f.Logger,
	}
}

// CacheDir is where git sources are cloned (source.CacheDir).
func (f *Factory) CacheDir() string { return source.CacheDir(f.Getenv) }

// GitAuth finds the credential for a git URL and says where it looked.
func (f *Factory) GitAuth(rawURL string) gitauth.Result {
	r := gitauth.For(rawURL, f.Getenv)
	if r.From != "" {
		f.Logger.Debug("git credentials", "url", gitauth.Redact(rawURL), "from", r.From)
	}
	return r
}

// GoldenPaths picks the golden paths a command line names, for completion: from the cached
// catalog of src, named (if given) or else of kind (if given). Nil when there are none or the
// source cannot be read offline.
func (f *Factory) GoldenPaths(ctx context.Context, src, name, kind string) (*source.Catalog, []*source.Template) {
	cat, err := f.OpenCatalog(ctx, src, true)
	if err != nil {
		return nil, nil
	}
	return cat, cat.Pick(name, kind)
}

// ServiceGoldenPath is the golden path of the service in dir (its layer named layer, else its
// base), from the cached catalog of its source.
func (f *Factory) ServiceGoldenPath(ctx context.Context, dir, layer string) (*source.Catalog, []*source.Template) {
	if t, ok := update.Recorded(dir, layer); ok {
		return f.GoldenPaths(ctx, t.Source, t.Name, "")
	}
	return nil, nil
}

// AddOnGoldenPath is the add-on named name from src, else from the source of the base golden
// path of the service in dir, as idp add finds it.
func (f *Factory) AddOnGoldenPath(ctx context.Context, src, dir, name string) (*source.Catalog, []*source.Template) {
	if src == "" {
		t, _ := update.Recorded(dir, "")
		src = t.Source
	}
	return f.GoldenPaths(ctx, src, name, "")
}
