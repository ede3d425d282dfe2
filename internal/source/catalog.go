package source

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"

	"github.com/go-git/go-git/v5/plumbing/transport"

	"github.com/idp-cli/idp/internal/builtin"
	"github.com/idp-cli/idp/internal/gitauth"
)

// Catalog is the golden paths on offer from one source, and the way to a chosen one at a
// version.
type Catalog struct {
	Src *Source    // what the list comes from
	Git *GitSource // set for git sources, which have versions
	All []*Template
	// Broken are the golden paths of the source that cannot be used (a template.yaml that does
	// not parse, two of one name), each with its error. All holds the rest.
	Broken []Broken
	// Local is set for a local directory that is a git repository: the files as they are on
	// disk (for --version work-tree) and the work tree's uncommitted changes.
	Local *Local

	log *slog.Logger
}

// OpenOptions is how to reach a source: where git sources are cached, the credentials for a
// URL, and the built-in golden paths.
type OpenOptions struct {
	CacheDir string
	Offline  bool // use the cache as it is
	Builtin  *builtin.History
	// Credentials finds the credential for a git URL (gitauth.For).
	Credentials func(url string) gitauth.Result
	// Explain rewords a transport error for url (gitauth.ExplainSSH).
	Explain  func(url string, err error) error
	Progress io.Writer
	// Named lists the source names of the config file and where it is, for the error when a
	// location is none of them.
	Named      []string
	ConfigFile string
	// Log gets what idp does with sources at debug level (--verbose); nil logs nothing.
	Log *slog.Logger
}

// RequestError is a mistake in what was asked for (a directory that is not there, a version
// that no tag matches): the command line's fault, not the source's.
type RequestError struct{ Err error }

func (e *RequestError) Error() string { return e.Err.Error() }
func (e *RequestError) Unwrap() error { return e.Err }

// OpenCatalog opens the source at loc: "" or builtin for the golden paths built into idp, a
// git URL, or a local directory.
func OpenCatalog(ctx context.Context, loc string, o OpenOptions) (*Catalog, error) {
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	c := &Catalog{log: o.Log}
	var err error
	switch {
	case loc == "" || loc == Builtin:
		if c.Git, err = OpenBuiltin(o.Builtin); err != nil {
			return nil, err
		}
		c.Src, c.All, err = c.Git.Catalog()
		return c.partial(err)
	case IsGitURL(loc):
		var cred gitauth.Result
		if o.Credentials != nil {
			cred = o.Credentials(loc)
		}
		if cred.Err != nil && !o.Offline {
			return nil, fmt.Errorf("source %s: %w", gitauth.Redact(loc), cred.Err)
		}
		var auth transport.AuthMethod = cred.Auth
		c.Git, err = OpenGit(ctx, loc, GitOptions{
			CacheDir: o.CacheDir, Offline: o.Offline, Auth: auth, Tried: cred.Tried, Progress: o.Progress, Log: o.Log,
			Explain: func(err error) error {
				if o.Explain == nil {
					return err
				}
				return o.Explain(loc, err)
			},
		})
		if err != nil {
			return nil, err
		}
		c.Src, c.All, err = c.Git.Catalog()
		return c.partial(err)
	}
	l, err := OpenLocal(ctx, loc)
	if err != nil {
		if len(o.Named) > 0 {
			err = fmt.Errorf("%w, or one of the sources named in %s: %s", err, o.ConfigFile, strings.Join(o.Named, ", "))
		}
		return nil, &RequestError{Err: err}
	}
	if l.Git != nil {
		// A git repository: read through git, so that its tags are its versions.
		c.Git, c.Local = l.Git, l
		c.Src, c.All, err = c.Git.Catalog()
		return c.partial(err)
	}
	if c.Src, err = Dir(l.Dir); err != nil {
		return nil, &RequestError{Err: err}
	}
	c.All, err = c.Src.Catalog()
	return c.partial(err)
}

// partial keeps the golden paths that could be read when only some could not: the catalog is
// usable, and Broken says what is missing from it and why.
func (c *Catalog) partial(err error) (*Catalog, error) {
	var be *BrokenError
	if errors.As(err, &be) {
		c.Broken = be.Broken
		return c, nil
	}
	if err != nil {
		return nil, err
	}
	return c, nil
}

// BrokenErr is the error of the golden path named name when it is one of the source's broken
// ones, else nil: what to tell someone who asked for it by name.
func (c *Catalog) BrokenErr(name string) error {
	for _, b := range c.Broken {
		if b.Name == name {
			return b.Err
		}
	}
	return nil
}

// At returns the golden path t at version (latest, a tag, a constraint, a branch or a commit,
// or WorkTree for a local repository's files as they are), and the source state it comes
// from. flag names where version came from, for the error.
func (c *Catalog) At(t *Template, flag, version string, pre bool) (*Source, *Template, error) {
	if version == WorkTree && c.Local != nil {
		// The work tree's files as they are, uncommitted changes and all: no version.
		plain, err := Dir(c.Local.Dir)
		if err != nil {
			return nil, nil, err
		}
		return find(plain, t, "the work tree "+c.Local.Dir)
	}
	if c.Git == nil {
		if version != "" && version != "latest" {
			return nil, nil, &RequestError{Err: fmt.Errorf("%s %s: the source %s has no versions; versions come from the tags of a git source", flag, version, c.Src.Location)}
		}
		return c.Src, t, nil
	}
	src, err := c.Git.At(t.Dir, version, pre)
	if err != nil {
		return nil, nil, &RequestError{Err: fmt.Errorf("%s %s: %w", flag, version, err)}
	}
	if c.log != nil {
		asked := version
		if asked == "" {
			asked = "latest"
		}
		c.log.Debug("version picked", "golden path", t.Manifest.Name, "asked", flag+" "+asked, "picked", src.Version, "commit", src.Commit, "pre-releases", pre)
	}
	return find(src, t, src.Location+" at "+src.Version)
}

func find(src *Source, t *Template, where string) (*Source, *Template, error) {
	all, err := src.Catalog()
	var be *BrokenError
	if errors.As(err, &be) {
		// Another golden path's fault is not this one's.
		for _, b := range be.Broken {
			if b.Dir == t.Dir {
				return nil, nil, b.Err
			}
		}
	} else if err != nil {
		return nil, nil, err
	}
	for _, at := range all {
		if at.Dir == t.Dir {
			return src, at, nil
		}
	}
	return nil, nil, fmt.Errorf("golden path %s is not in %s", t.Manifest.Name, where)
}

// CheckDirty refuses to make a service from a git work tree with uncommitted changes, which no
// version holds, unless version names a branch (what is committed there) or the work tree.
func (c *Catalog) CheckDirty(version string) error {
	if c.Local == nil || len(c.Local.Dirty) == 0 || version == WorkTree || c.Git.IsBranch(version) {
		return nil
	}
	return &RequestError{Err: &DirtyError{Dir: c.Local.Dir, Dirty: c.Local.Dirty}}
}

// Latest is the version a golden path's list row shows, and all its versions.
func (c *Catalog) Latest(t *Template) (string, []string) { return c.LatestIn(t.Dir) }

// LatestIn is Latest for the golden path in dir, which need not be one that can be read.
func (c *Catalog) LatestIn(dir string) (string, []string) {
	if c.Git == nil {
		return c.Src.Version, nil
	}
	var all []string
	latest := ""
	for _, v := range c.Git.Versions(dir) {
		all = append(all, v.Short())
		if latest == "" && v.Semver.Prerelease() == "" {
			latest = v.Short()
		}
	}
	return latest, all
}

// IsRequest reports whether err is a mistake in what was asked for.
func IsRequest(err error) bool {
	var re *RequestError
	return errors.As(err, &re)
}
