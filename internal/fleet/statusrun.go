package fleet

import (
	"context"
	"errors"

	"github.com/idp-cli/idp/internal/forge"
	"github.com/idp-cli/idp/internal/gitauth"
	"github.com/idp-cli/idp/internal/provenance"
	"github.com/idp-cli/idp/internal/source"
)

// Progress is a sink for work done out of a total; a command draws it as a bar on a terminal.
type Progress interface {
	Start(label string, total int) (set func(done int), finish func())
}

// NoProgress draws nothing.
type NoProgress struct{}

// Start does nothing.
func (NoProgress) Start(string, int) (func(int), func()) { return func(int) {}, func() {} }

// StatusDeps is what reading a fleet needs from the command layer.
type StatusDeps struct {
	// Credentials finds the credential for a git URL (gitauth.For).
	Credentials func(url string) gitauth.Result
	// Forge is the API of the forge to list --owner's repositories on; nil without --provider.
	Forge forge.Provider
	// OpenCatalog opens a golden paths' source (each at most once per run, as the caller
	// caches them).
	OpenCatalog func(ctx context.Context, loc string) (*source.Catalog, error)
	Progress    Progress
}

// StatusOptions says which repositories to read.
type StatusOptions struct {
	Repos string // a file listing them; or
	Owner string // whose repositories Forge lists
	Jobs  int
}

// StatusResult is every service's record and drift, and the fleet's summary.
type StatusResult struct {
	Rows    []Row
	Summary Summary
}

// ReadStatus reads each repository's .idp.yaml (from a list, or through a forge's API), then
// measures each service's drift from its golden path's versions.
func ReadStatus(ctx context.Context, d StatusDeps, o StatusOptions) (*StatusResult, error) {
	if d.Progress == nil {
		d.Progress = NoProgress{}
	}
	var rows []Row
	var err error
	if d.Forge != nil {
		rows, err = forgeRecords(ctx, d, o)
	} else {
		rows, err = repoRecords(ctx, d, o)
	}
	if err != nil {
		return nil, err
	}
	measure(ctx, d, rows)
	return &StatusResult{Rows: rows, Summary: Summarize(rows)}, nil
}

// ListError is a --repos file that cannot be read: the command line's fault.
type ListError struct{ Err error }

func (e *ListError) Error() string { return e.Err.Error() }
func (e *ListError) Unwrap() error { return e.Err }

// repoRecords reads the .idp.yaml of every repository in the list, in parallel.
func repoRecords(ctx context.Context, d StatusDeps, o StatusOptions) ([]Row, error) {
	repos, err := ReadRepos(ctx, o.Repos)
	if err != nil {
		return nil, &ListError{Err: err}
	}
	rows := make([]Row, len(repos))
	set, finish := d.Progress.Start("reading", len(repos))
	Each(ctx, len(repos), o.Jobs, func(ctx context.Context, i int) {
		repo := repos[i].Location
		rows[i].Repo = gitauth.Redact(repos[i].Name)
		cred := d.Credentials(repo)
		if cred.Err != nil {
			rows[i].Error = cred.Err.Error()
			return
		}
		rec, err := ReadRepoRecord(ctx, repo, cred.Auth, gitauth.HintFor(repo, cred.Tried))
		if err != nil {
			rows[i].Error = err.Error()
			return
		}
		rows[i].fill(rec)
	}, set)
	finish()
	return rows, ctx.Err()
}

// forgeRecords lists the owner's repositories on the forge and reads each one's .idp.yaml
// through the API; archived repositories and those without one (not services) get no row.
func forgeRecords(ctx context.Context, d StatusDeps, o StatusOptions) ([]Row, error) {
	listed, err := d.Forge.ListRepos(ctx, o.Owner)
	if err != nil {
		return nil, err
	}
	var repos []*forge.Listed
	for _, r := range listed {
		if !r.Archived {
			repos = append(repos, r)
		}
	}
	rows := make([]Row, len(repos))
	keep := make([]bool, len(repos))
	set, finish := d.Progress.Start("reading", len(repos))
	Each(ctx, len(repos), o.Jobs, func(ctx context.Context, i int) {
		r := repos[i]
		rows[i].Repo = r.Owner + "/" + r.Name
		data, err := d.Forge.ReadFile(ctx, r.Owner, r.Name, provenance.FileName, "")
		switch {
		case errors.Is(err, forge.ErrNotFound):
			return
		case err != nil:
			rows[i].Error = err.Error()
		default:
			rec, err := provenance.Parse(data, r.Owner+"/"+r.Name+"/"+provenance.FileName)
			if err != nil {
				rows[i].Error = err.Error()
			} else {
				rows[i].fill(rec)
			}
		}
		keep[i] = true
	}, set)
	finish()
	var out []Row
	for i := range rows {
		if keep[i] {
			out = append(out, rows[i])
		}
	}
	return out, ctx.Err()
}

func (r *Row) fill(rec *provenance.File) {
	r.Template, r.Source, r.Version = rec.Template.Name, rec.Template.Source, rec.Template.Version
	if r.Version == "" && len(rec.Template.Commit) >= 12 {
		r.Version = rec.Template.Commit[:12]
	}
}

// measure fills each row's drift from its source's tags.
func measure(ctx context.Context, d StatusDeps, rows []Row) {
	for i := range rows {
		r := &rows[i]
		if r.Error != "" {
			continue
		}
		c, err := d.OpenCatalog(ctx, r.Source)
		switch {
		case err != nil:
			r.Error = "source " + gitauth.Redact(r.Source) + ": " + err.Error()
			continue
		case c.Git == nil:
			r.Error = "source " + r.Source + " has no versions (not a git source)"
			continue
		}
		t := source.Find(c.All, r.Template)
		if t == nil {
			r.Error = "golden path " + r.Template + " is no longer in " + gitauth.Redact(r.Source)
			continue
		}
		r.SetDrift(Measure(r.Version, c.Git.Versions(t.Dir)))
	}
}
