package fleet

import (
	"cmp"
	"context"
	"errors"
	"slices"
	"sync"
	"time"

	"github.com/idp-cli/idp/internal/bot"
	"github.com/idp-cli/idp/internal/forge"
	"github.com/idp-cli/idp/internal/gitauth"
	"github.com/idp-cli/idp/internal/provenance"
	"github.com/idp-cli/idp/internal/render"
	"github.com/idp-cli/idp/internal/source"
	"github.com/idp-cli/idp/internal/versions"
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
	// PullRequestsFor finds the forge API of a listed repository's URL, for the bot's pull
	// requests; nil, or a nil answer, when there is none (a local path, an unknown host, no
	// token). Repositories listed through Forge use Forge.
	PullRequestsFor func(url string) *PullRequestsAt
	// OpenCatalog opens a golden paths' source (each at most once per run, as the caller
	// caches them).
	OpenCatalog func(ctx context.Context, loc string) (*source.Catalog, error)
	Progress    Progress
	// Now is the clock for the age of open pull requests; nil means time.Now.
	Now func() time.Time
}

// StatusOptions says which repositories to read, and what to measure.
type StatusOptions struct {
	Repos string // a file listing them; or
	Owner string // whose repositories Forge lists
	Jobs  int
	// All lists the owner's repositories that are not on a golden path (StatusResult.NotOnGoldenPath).
	All bool
	// Branch is the bot's branch; "" means its default, idp/update-<golden path>.
	Branch string
	// Divergence renders each service's recorded version and compares its files.
	Divergence bool
	Render     render.Options
	// Filter picks which of Owner's repositories to read; Shard is this run's share of them
	// (or of the Repos list).
	Filter Filter
	Shard  Shard
}

// Repository is one of an owner's repositories that is not on a golden path.
type Repository struct {
	Repo   string `json:"repo"`
	WebURL string `json:"webURL,omitempty"`
}

// StatusResult is every service's record, drift, history, pull requests and divergence, and
// the fleet's summary.
type StatusResult struct {
	Rows []Row
	// NotOnGoldenPath are the owner's repositories without .idp.yaml, with StatusOptions.All.
	NotOnGoldenPath []Repository
	Summary         Summary
}

// entry is what the engine keeps of one row while it works.
type entry struct {
	svc *service
	// cloneURL is where a repository listed on a forge is cloned from, for its history.
	cloneURL string
	prs      *PullRequestsAt
}

// ReadStatus reads each repository's .idp.yaml (from a list, or through a forge's API) and its
// history, measures each service's drift and lead times from its golden path's versions,
// reads the bot's pull requests, and with Divergence renders what each service's files would
// be and compares.
func ReadStatus(ctx context.Context, d StatusDeps, o StatusOptions) (*StatusResult, error) {
	if d.Progress == nil {
		d.Progress = NoProgress{}
	}
	if d.Now == nil {
		d.Now = time.Now
	}
	res := &StatusResult{}
	var entries []entry
	var adoption *Adoption
	var err error
	if d.Forge != nil {
		res.Rows, entries, adoption, res.NotOnGoldenPath, err = forgeRecords(ctx, d, o)
	} else {
		res.Rows, entries, err = repoRecords(ctx, d, o)
	}
	if err != nil {
		return nil, err
	}
	tags := measure(ctx, d, o, res.Rows, entries)
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	res.Summary = Summarize(res.Rows, tags)
	res.Summary.Adoption = adoption
	return res, nil
}

// ListError is a --repos file that cannot be read: the command line's fault.
type ListError struct{ Err error }

func (e *ListError) Error() string { return e.Err.Error() }
func (e *ListError) Unwrap() error { return e.Err }

// repoRecords reads the .idp.yaml and history of every repository in the list, in parallel.
func repoRecords(ctx context.Context, d StatusDeps, o StatusOptions) ([]Row, []entry, error) {
	repos, err := ReadRepos(ctx, o.Repos)
	if err != nil {
		return nil, nil, &ListError{Err: err}
	}
	repos = slices.DeleteFunc(repos, func(r Repo) bool { return !o.Shard.Has(r.FullName()) })
	rows := make([]Row, len(repos))
	entries := make([]entry, len(repos))
	set, finish := d.Progress.Start("reading", len(repos))
	Each(ctx, len(repos), o.Jobs, func(ctx context.Context, i int) {
		repo := repos[i].Location
		rows[i].Repo = gitauth.Redact(repos[i].Name)
		cred := d.Credentials(repo)
		if cred.Err != nil {
			rows[i].Error = cred.Err.Error()
			return
		}
		svc, err := readService(ctx, repo, cred.Auth, gitauth.HintFor(repo, cred.Tried))
		if err != nil {
			rows[i].Error = err.Error()
			return
		}
		rows[i].fill(svc.rec)
		entries[i].svc = svc
		if d.PullRequestsFor != nil && source.IsGitURL(repo) {
			entries[i].prs = d.PullRequestsFor(repo)
		}
	}, set)
	finish()
	return rows, entries, ctx.Err()
}

// forgeRecords lists the owner's repositories on the forge and reads each one's .idp.yaml
// through the API; archived repositories and those without one (not services) get no row,
// and are counted in the adoption.
func forgeRecords(ctx context.Context, d StatusDeps, o StatusOptions) ([]Row, []entry, *Adoption, []Repository, error) {
	listed, err := d.Forge.ListRepos(ctx, o.Owner)
	if err != nil {
		return nil, nil, nil, nil, err
	}
	ad := &Adoption{}
	var repos []*forge.Listed
	for _, r := range listed {
		switch why := o.Filter.Why(r); {
		case why == "archived":
			ad.Archived++
		case why != "" || !o.Shard.Has(r.Owner+"/"+r.Name): // not this run's
		default:
			repos = append(repos, r)
		}
	}
	rows := make([]Row, len(repos))
	entries := make([]entry, len(repos))
	has := make([]bool, len(repos))    // a .idp.yaml, or an error reading it
	unread := make([]bool, len(repos)) // an error reading it
	set, finish := d.Progress.Start("reading", len(repos))
	read := func(ctx context.Context, r *forge.Listed) ([]byte, error) {
		return d.Forge.ReadFile(ctx, r.Owner, r.Name, provenance.FileName, "")
	}
	var pulls PullRequestLister = d.Forge
	if b, ok := d.Forge.(forge.BatchReader); ok {
		// One query reads forge.BatchSize repositories' files and the bot's pull requests
		// (GitHub's GraphQL).
		got, pre, err := readBatched(ctx, b, repos, o.Branch, set)
		if err != nil {
			finish()
			return nil, nil, nil, nil, err
		}
		read = func(_ context.Context, r *forge.Listed) ([]byte, error) {
			f := got[forge.RepoRef{Owner: r.Owner, Name: r.Name}]
			return f.Data, f.Err
		}
		pulls = &prefetched{api: d.Forge, got: pre}
		set = func(int) {} // the queries moved it
	}
	Each(ctx, len(repos), o.Jobs, func(ctx context.Context, i int) {
		r := repos[i]
		rows[i].Repo = r.Owner + "/" + r.Name
		data, err := read(ctx, r)
		switch {
		case errors.Is(err, forge.ErrNotFound):
			return
		case err != nil:
			rows[i].Error = err.Error()
			unread[i] = true
		default:
			rec, err := provenance.Parse(data, r.Owner+"/"+r.Name+"/"+provenance.FileName)
			if err != nil {
				rows[i].Error = err.Error()
			} else {
				rows[i].fill(rec)
				entries[i] = entry{svc: &service{rec: rec}, cloneURL: r.CloneURL,
					prs: &PullRequestsAt{API: pulls, Owner: r.Owner, Name: r.Name}}
			}
		}
		has[i] = true
	}, set)
	finish()
	var out []Row
	var keep []entry
	var not []Repository
	ad.Repositories = len(repos)
	for i := range rows {
		switch {
		case !has[i]:
			ad.NotOnGoldenPath++
			if o.All {
				not = append(not, Repository{Repo: rows[i].Repo, WebURL: repos[i].WebURL})
			}
			continue
		case unread[i]:
			ad.Unknown++
		default:
			ad.OnGoldenPath++
		}
		out = append(out, rows[i])
		keep = append(keep, entries[i])
	}
	if ad.Repositories > 0 {
		ad.Share = float64(ad.OnGoldenPath) / float64(ad.Repositories)
	}
	return out, keep, ad, not, ctx.Err()
}

// guessBranches is how many of the bot's branches seen so far each query asks every
// repository's pull requests of, before its .idp.yaml says which it has.
const guessBranches = 2

// readBatched reads the .idp.yaml of repos through b, forge.BatchSize at a time, so that the
// progress moves with each query, and the bot's pull requests of each service in the same
// queries: those of the branches most services so far have (in a fleet on a few golden paths,
// all of them) with its .idp.yaml, and any other in the next query. 1,000 repositories take
// 10 queries, where a REST call per service took 900.
func readBatched(ctx context.Context, b forge.BatchReader, repos []*forge.Listed, branch string, set func(int)) (map[forge.RepoRef]forge.FileRead, map[forge.PullsRef]forge.PullsRead, error) {
	got := make(map[forge.RepoRef]forge.FileRead, len(repos))
	pulls := map[forge.PullsRef]forge.PullsRead{}
	seen := map[string]int{} // the bot's branches of the services read so far
	var later []forge.PullsRef
	for lo := 0; lo < len(repos) || len(later) > 0; lo += forge.BatchSize {
		part := repos[min(lo, len(repos)):min(lo+forge.BatchSize, len(repos))]
		refs := make([]forge.RepoRef, 0, len(part))
		for _, r := range part {
			refs = append(refs, forge.RepoRef{Owner: r.Owner, Name: r.Name})
		}
		ask := later
		guess := mostSeen(seen, guessBranches)
		for _, r := range refs {
			for _, br := range guess {
				ask = append(ask, forge.PullsRef{RepoRef: r, Head: br})
			}
		}
		files, prs, err := b.ReadBatch(ctx, refs, provenance.FileName, ask)
		if err != nil {
			return nil, nil, err
		}
		for k, v := range prs {
			pulls[k] = v
		}
		later = nil
		for _, r := range refs {
			f := files[r]
			got[r] = f
			if f.Err != nil {
				continue
			}
			rec, err := provenance.Parse(f.Data, r.Owner+"/"+r.Name+"/"+provenance.FileName)
			if err != nil {
				continue
			}
			for _, br := range botBranches(rec, branch) {
				seen[br]++
				if !slices.Contains(guess, br) {
					later = append(later, forge.PullsRef{RepoRef: r, Head: br})
				}
			}
		}
		set(min(lo+forge.BatchSize, len(repos)))
	}
	return got, pulls, nil
}

// botBranches are the branches the bot pushes a service's updates to: branch (or the
// default) for its golden path, the default for each layer's.
func botBranches(rec *provenance.File, branch string) []string {
	out := []string{cmp.Or(branch, bot.DefaultBranch(rec.Template.Name))}
	for _, l := range rec.Layers {
		if br := bot.DefaultBranch(l.Template.Name); !slices.Contains(out, br) {
			out = append(out, br)
		}
	}
	return out
}

// mostSeen is the n branches seen most often, the most first (by name when as often).
func mostSeen(seen map[string]int, n int) []string {
	out := make([]string, 0, len(seen))
	for br := range seen {
		out = append(out, br)
	}
	slices.SortFunc(out, func(a, b string) int { return cmp.Or(cmp.Compare(seen[b], seen[a]), cmp.Compare(a, b)) })
	return out[:min(n, len(out))]
}

// prefetched answers the pull requests readBatched read, once each (a service's row reads
// them once, and the bodies are let go), and asks api for any other.
type prefetched struct {
	api PullRequestLister
	mu  sync.Mutex
	got map[forge.PullsRef]forge.PullsRead
}

func (p *prefetched) PullRequests(ctx context.Context, owner, name, head string) ([]*forge.PullRequest, error) {
	k := forge.PullsRef{RepoRef: forge.RepoRef{Owner: owner, Name: name}, Head: head}
	p.mu.Lock()
	r, ok := p.got[k]
	delete(p.got, k)
	p.mu.Unlock()
	if ok {
		return r.PRs, r.Err
	}
	return p.api.PullRequests(ctx, owner, name, head)
}

func (r *Row) fill(rec *provenance.File) {
	r.Template, r.Source, r.Version = rec.Template.Name, rec.Template.Source, version(rec.Template)
	for _, l := range rec.Layers {
		r.Layers = append(r.Layers, Row{Repo: r.Repo, Template: l.Template.Name, Source: l.Template.Source, Version: version(l.Template)})
	}
}

// pathInfo is a golden path's source and versions, found once per run.
type pathInfo struct {
	catalog *source.Catalog
	tmpl    *source.Template
	vs      []versions.Version
	err     string
}

// measure fills each row's drift from its source's tags, then, on Jobs workers, its history
// with lead times, the bot's pull requests and its divergence. It returns the versions of each
// golden path.
func measure(ctx context.Context, d StatusDeps, o StatusOptions, rows []Row, entries []entry) map[PathKey][]versions.Version {
	paths := map[PathKey]*pathInfo{}
	tags := map[PathKey][]versions.Version{}
	drift := func(r *Row) {
		k := PathKey{r.Template, r.Source}
		p := paths[k]
		if p == nil {
			p = findPath(ctx, d, r.Template, r.Source)
			paths[k] = p
			if p.err == "" {
				tags[k] = p.vs
			}
		}
		if p.err != "" {
			r.Error = p.err
			return
		}
		r.SetDrift(Measure(r.Version, p.vs))
	}
	for i := range rows {
		if rows[i].Error != "" {
			continue
		}
		drift(&rows[i])
		for j := range rows[i].Layers {
			drift(&rows[i].Layers[j])
		}
	}
	now := d.Now()
	renders := &renderCache{m: map[string]*renderEntry{}}
	set, finish := d.Progress.Start("measuring", len(rows))
	Each(ctx, len(rows), o.Jobs, func(ctx context.Context, i int) {
		r, e := &rows[i], &entries[i]
		if r.Error != "" || e.svc == nil {
			return
		}
		// The service's history and files are done with once its row is measured: keeping
		// every clone until the end made memory grow with the fleet.
		defer func() { e.svc = nil }()
		if e.svc.repo == nil && e.cloneURL != "" {
			cred := d.Credentials(e.cloneURL)
			if cred.Err != nil {
				r.Warnings = append(r.Warnings, "history: "+cred.Err.Error())
			} else if repo, err := cloneHistory(ctx, e.cloneURL, cred.Auth, gitauth.HintFor(e.cloneURL, cred.Tried)); err != nil {
				r.Warnings = append(r.Warnings, "history: "+err.Error())
			} else if svc, err := headService(repo); err != nil {
				r.Warnings = append(r.Warnings, "history: "+err.Error())
			} else {
				e.svc.repo, e.svc.head, e.svc.files = svc.repo, svc.head, svc.files
			}
		}
		var moves []Move
		if e.svc.repo != nil {
			all, err := History(e.svc.repo, e.svc.head, provenance.FileName)
			if err != nil {
				r.Warnings = append(r.Warnings, "history: "+err.Error())
			} else {
				moves = all
			}
		}
		for l := 0; l <= len(r.Layers); l++ {
			lr, branch := r, o.Branch
			if l > 0 {
				lr, branch = &r.Layers[l-1], ""
			}
			if lr.Error != "" {
				continue
			}
			lp := paths[PathKey{lr.Template, lr.Source}]
			if moves != nil {
				lr.Moves = movesOf(moves, lr.Template)
				leadTimes(lr.Moves, lp.vs)
			}
			if e.prs != nil {
				prs, err := botPullRequests(ctx, e.prs, branch, lr.Template, now)
				if err != nil {
					r.Warnings = append(r.Warnings, "pull requests of "+lr.Template+": "+err.Error())
				} else {
					lr.PullRequests = prs
				}
			}
			if o.Divergence {
				if e.svc.files == nil {
					r.Warnings = append(r.Warnings, "divergence: the service's files could not be read")
					continue
				}
				diverged, err := renders.diverged(ctx, lp, e.svc.rec.Layer(l), e.svc.files, o.Render)
				if err != nil {
					r.Warnings = append(r.Warnings, "divergence of "+lr.Template+": "+err.Error())
				} else {
					lr.Diverged = diverged
				}
			}
		}
	}, set)
	finish()
	return tags
}

// findPath opens a golden path's source and finds it there.
func findPath(ctx context.Context, d StatusDeps, name, loc string) *pathInfo {
	c, err := d.OpenCatalog(ctx, loc)
	switch {
	case err != nil:
		return &pathInfo{err: "source " + gitauth.Redact(loc) + ": " + err.Error()}
	case c.Git == nil:
		return &pathInfo{err: "source " + loc + " has no versions (not a git source)"}
	}
	t := source.Find(c.All, name)
	if t == nil {
		if err := c.BrokenErr(name); err != nil {
			return &pathInfo{err: "golden path " + name + " cannot be read: " + err.Error()}
		}
		return &pathInfo{err: "golden path " + name + " is no longer in " + gitauth.Redact(loc)}
	}
	return &pathInfo{catalog: c, tmpl: t, vs: c.Git.Versions(t.Dir)}
}

// leadTimes sets the lead time of each move that is an update to a release with a known date:
// from the release's tag to the commit. A commit before the tag (a service that took the
// version from a branch before it was tagged) counts as no wait.
func leadTimes(moves []Move, vs []versions.Version) {
	for i := range moves {
		m := &moves[i]
		if m.From == "" {
			continue
		}
		for _, v := range vs {
			if v.Short() == m.Version && v.Semver.Prerelease() == "" && !v.Date.IsZero() {
				m.LeadTimeSeconds = seconds(m.At.Sub(v.Date))
				break
			}
		}
	}
}

// renderCache shares the golden path at a version between services: the render itself
// depends on each one's answers.
type renderCache struct {
	mu sync.Mutex
	m  map[string]*renderEntry
}

type renderEntry struct {
	once sync.Once
	tmpl *source.Template
	err  error
}

// at is the golden path of p at the version rec records, found once per run.
func (rc *renderCache) at(p *pathInfo, rec *provenance.File) (*source.Template, error) {
	v := rec.Template.Version
	if v == "" {
		v = rec.Template.Commit
	}
	rc.mu.Lock()
	e := rc.m[rec.Template.Source+"\x00"+p.tmpl.Dir+"\x00"+v]
	if e == nil {
		e = &renderEntry{}
		rc.m[rec.Template.Source+"\x00"+p.tmpl.Dir+"\x00"+v] = e
	}
	rc.mu.Unlock()
	e.once.Do(func() { _, e.tmpl, e.err = p.catalog.At(p.tmpl, "version", v, true) })
	return e.tmpl, e.err
}

func (rc *renderCache) diverged(ctx context.Context, p *pathInfo, rec *provenance.File, files serviceFiles, o render.Options) ([]DivergedFile, error) {
	at, err := rc.at(p, rec)
	if err != nil {
		return nil, err
	}
	tree, err := renderRecorded(ctx, at, rec, o)
	if err != nil {
		return nil, err
	}
	return divergence(tree, at.Manifest.Files.Owned, files)
}
