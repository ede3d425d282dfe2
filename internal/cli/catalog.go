package cli

import (
	"context"
	"fmt"
	"maps"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	"github.com/idp-cli/idp/internal/gitauth"
	"github.com/idp-cli/idp/internal/source"
	"github.com/idp-cli/idp/templates"
)

// catalog is the golden paths on offer from one source, and the way to a chosen one at a version.
type catalog struct {
	src *source.Source    // what the list comes from
	git *source.GitSource // set for git sources, which have versions
	all []*source.Template
	// For a local directory that is a git repository: the files as they are on disk (for
	// --version work-tree) and the work tree's uncommitted changes.
	local *source.Local
}

// openCatalog opens --source (else the configured source, else the built-in golden paths).
func (f *Factory) openCatalog(ctx context.Context, loc string, offline bool) (*catalog, error) {
	if loc == "" {
		loc = f.Config.Source
	}
	loc = f.Config.resolveSource(loc)
	if f.catalogs != nil {
		return f.catalogs.open(loc, offline, func() (*catalog, error) { return f.openCatalogAt(ctx, loc, offline) })
	}
	return f.openCatalogAt(ctx, loc, offline)
}

func (f *Factory) openCatalogAt(ctx context.Context, loc string, offline bool) (*catalog, error) {
	c := &catalog{}
	var err error
	switch {
	case loc == "" || loc == source.Builtin:
		if c.git, err = source.OpenBuiltin(templates.History()); err != nil {
			return nil, err
		}
		c.src, c.all, err = c.git.Catalog()
		return c, err
	case source.IsGitURL(loc):
		cred := f.gitAuth(loc)
		if cred.Err != nil && !offline {
			return nil, fmt.Errorf("source %s: %w", gitauth.Redact(loc), cred.Err)
		}
		c.git, err = source.OpenGit(ctx, loc, source.GitOptions{
			CacheDir: f.cacheDir(), Offline: offline, Auth: cred.Auth, Tried: cred.Tried, Progress: f.progress(),
			Explain: func(err error) error { return gitauth.ExplainSSH(err, loc, f.Getenv) },
		})
		if err != nil {
			return nil, err
		}
		c.src, c.all, err = c.git.Catalog()
		return c, err
	default:
		l, err := source.OpenLocal(ctx, loc)
		if err != nil {
			if names := slices.Sorted(maps.Keys(f.Config.Sources)); len(names) > 0 {
				err = fmt.Errorf("%w, or one of the sources named in %s: %s", err, f.Config.File, strings.Join(names, ", "))
			}
			return nil, &UsageError{Err: err}
		}
		if l.Git != nil {
			// A git repository: read through git, so that its tags are its versions.
			c.git, c.local = l.Git, l
			c.src, c.all, err = c.git.Catalog()
			return c, err
		}
		if c.src, err = source.Dir(l.Dir); err != nil {
			return nil, &UsageError{Err: err}
		}
	}
	c.all, err = c.src.Catalog()
	return c, err
}

// at returns the golden path t at version (latest, a tag, a constraint, a branch or a commit),
// and the source state it comes from. flag names where version came from, for the error.
func (c *catalog) at(t *source.Template, flag, version string, pre bool) (*source.Source, *source.Template, error) {
	if version == source.WorkTree && c.local != nil {
		// The work tree's files as they are, uncommitted changes and all: no version.
		plain, err := source.Dir(c.local.Dir)
		if err != nil {
			return nil, nil, err
		}
		all, err := plain.Catalog()
		if err != nil {
			return nil, nil, err
		}
		for _, at := range all {
			if at.Dir == t.Dir {
				return plain, at, nil
			}
		}
		return nil, nil, fmt.Errorf("golden path %s is not in the work tree %s", t.Manifest.Name, c.local.Dir)
	}
	if c.git == nil {
		if version != "" && version != "latest" {
			return nil, nil, &UsageError{Err: fmt.Errorf("%s %s: the source %s has no versions; versions come from the tags of a git source", flag, version, c.src.Location)}
		}
		return c.src, t, nil
	}
	src, err := c.git.At(t.Dir, version, pre)
	if err != nil {
		return nil, nil, &UsageError{Err: fmt.Errorf("%s %s: %w", flag, version, err)}
	}
	all, err := src.Catalog()
	if err != nil {
		return nil, nil, err
	}
	for _, at := range all {
		if at.Dir == t.Dir {
			return src, at, nil
		}
	}
	return nil, nil, fmt.Errorf("golden path %s is not in %s at %s", t.Manifest.Name, src.Location, src.Version)
}

// checkDirty refuses to make a service from a git work tree with uncommitted changes, which no
// version holds, unless version names a branch (what is committed there) or the work tree.
func (c *catalog) checkDirty(version string) error {
	if c.local == nil || len(c.local.Dirty) == 0 || version == source.WorkTree || c.git.IsBranch(version) {
		return nil
	}
	return &UsageError{Err: &source.DirtyError{Dir: c.local.Dir, Dirty: c.local.Dirty}}
}

// latest is the version a golden path's list row shows.
func (c *catalog) latest(t *source.Template) (string, []string) {
	if c.git == nil {
		return c.src.Version, nil
	}
	var all []string
	latest := ""
	for _, v := range c.git.Versions(t.Dir) {
		all = append(all, v.Short())
		if latest == "" && v.Semver.Prerelease() == "" {
			latest = v.Short()
		}
	}
	return latest, all
}

// cacheDir is where git sources are cloned: $XDG_CACHE_HOME/idp/sources, else ~/.cache/idp/sources.
func (f *Factory) cacheDir() string {
	base := f.Getenv("XDG_CACHE_HOME")
	if base == "" {
		base = filepath.Join(f.Getenv("HOME"), ".cache")
	}
	return filepath.Join(base, "idp", "sources")
}

// gitAuth finds the credential for a git URL and says where it looked.
func (f *Factory) gitAuth(rawURL string) gitauth.Result {
	r := gitauth.For(rawURL, f.Getenv)
	if r.From != "" {
		f.Logger.Debug("git credentials", "url", gitauth.Redact(rawURL), "from", r.From)
	}
	return r
}

// shareCatalogs makes openCatalog open each source once for the rest of the run, for commands
// that work on many services of the same golden paths.
func (f *Factory) shareCatalogs() {
	f.catalogs = &catalogCache{m: map[string]*catalogEntry{}}
}

type catalogCache struct {
	mu sync.Mutex
	m  map[string]*catalogEntry
}

type catalogEntry struct {
	once sync.Once
	c    *catalog
	err  error
}

func (cc *catalogCache) open(loc string, offline bool, open func() (*catalog, error)) (*catalog, error) {
	cc.mu.Lock()
	key := fmt.Sprint(loc, offline)
	e := cc.m[key]
	if e == nil {
		e = &catalogEntry{}
		cc.m[key] = e
	}
	cc.mu.Unlock()
	e.once.Do(func() { e.c, e.err = open() })
	return e.c, e.err
}
