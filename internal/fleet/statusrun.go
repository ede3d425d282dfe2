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
//
// It works through the repositories chunkSize at a time, reading and measuring each chunk
// before the next, so that what it holds of a repository while it works (its parsed
// .idp.yaml, its cloned history, its pull requests) is let go once its row is made: memory
// grows with the rows alone.
func ReadStatus(ctx context.Context, d StatusDeps, o StatusOptions) (*StatusResult, error) {
	if d.Progress == nil {
		d.Progress = NoProgress{}
	}
	if d.Now == nil {
		d.Now = time.Now
	}
	res := &StatusResult{}
	m := &measurer{d: d, o: o, paths: map[PathKey]*pathInfo{}, tags: map[PathKey][]versions.Version{},
		renders: &renderCache{m: map[string]*renderEntry{}}, now: d.Now()}
	var adoption *Adoption
	var err error
	if d.Forge != nil {
		adoption, res.NotOnGoldenPath, err = forgeRecords(ctx, d, o, m)
	} else {
		err = repoRecords(ctx, d, o, m)
	}
	if err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	res.Rows = m.rows
	res.Summary = Summarize(res.Rows, m.tags)
	res.Summary.Adoption = adoption
	return res, nil
}

// chunkSize is how many repositories ReadStatus reads and measures at a time: one batched
// query's worth.
const chunkSize = forge.BatchSize

// repoRecords reads the .idp.yaml and history of every repository in the list, in parallel,
// and measures them, a chunk at a time.
func repoRecords(ctx context.Context, d StatusDeps, o StatusOptions, m *measurer) error {
	repos, err := ReadRepos(ctx, o.Repos)
	if err != nil {
		return &ListError{Err: err}
	}
	repos = slices.DeleteFunc(repos, func(r Repo) bool { return !o.Shard.Has(r.FullName()) })
	set, finish := d.Progress.Start("reading", len(repos))
	defer finish()
	for lo := 0; lo < len(repos) && ctx.Err() == nil; lo += chunkSize {
		part := repos[lo:min(lo+chunkSize, len(repos))]
		rows := make([]Row, len(part))
		entries := make([]entry, len(part))
		Each(ctx, len(part), o.Jobs, func(ctx context.Context, i int) {
			repo := part[i].Location
			rows[i].Repo = gitauth.Redact(part[i].Name)
			cred := d.Credentials(repo)
			if cred.Err != nil {
				rows[i].failed(cred.Err)
				return
			}
			svc, err := readService(ctx, repo, cred.Auth, gitauth.HintFor(repo, cred.Tried))
			if err != nil {
				rows[i].failed(err)
				return
			}
			rows[i].fill(svc.rec)
			entries[i].svc = svc
			if d.PullRequestsFor != nil && source.IsGitURL(repo) {
				entries[i].prs = d.PullRequestsFor(repo)
			}
		}, func(int) {})
		m.measure(ctx, rows, entries, func(done int) { set(lo + done) })
	}
	return ctx.Err()
}

// forgeChunk is a chunk of an owner's repositories: their .idp.yaml when a batched query read
// them, and the bot's pull requests read with them.
type forgeChunk struct {
	repos []*forge.Listed
	files map[forge.RepoRef]forge.FileRead
	pulls map[forge.PullsRef]forge.PullsRead
}

// forgeRecords lists the owner's repositories on the forge and reads each one's .idp.yaml
// through the API, and measures them, a chunk at a time; archived repositories and those
// without one (not services) get no row, and are counted in the adoption.
func forgeRecords(ctx context.Context, d StatusDeps, o StatusOptions, m *measurer) (*Adoption, []Repository, error) {
	listed, err := d.Forge.ListRepos(ctx, o.Owner)
	if err != nil {
		return nil, nil, err
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
	listed = nil
	var not []Repository
	set, finish := d.Progress.Start("reading", len(repos))
	defer finish()
	done := 0
	measure := func(c *forgeChunk) {
		rows, entries := forgeChunkRecords(ctx, d, o, c, ad, &not)
		m.measure(ctx, rows, entries, func(n int) { set(done + n*len(c.repos)/max(len(rows), 1)) })
		done += len(c.repos)
		set(done)
		clear(c.repos) // the listing of repositories done is let go too
	}
	if b, ok := d.Forge.(forge.BatchReader); ok {
		// One query reads forge.BatchSize repositories' files and the bot's pull requests
		// (GitHub's or GitLab's GraphQL); a chunk is complete once the query after it has read
		// the pull requests its own could not guess, and is measured while the next query runs.
		br := &batchReads{b: b, branch: o.Branch, seen: map[string]int{}}
		var prev, ready *forgeChunk // read, awaiting the next query; complete, awaiting measure
		for lo := 0; lo < len(repos) || prev != nil; lo += chunkSize {
			if err := ctx.Err(); err != nil {
				return nil, nil, err
			}
			var c *forgeChunk
			if lo < len(repos) {
				c = &forgeChunk{repos: repos[lo:min(lo+chunkSize, len(repos))]}
			}
			read := make(chan error, 1)
			go func() { read <- br.read(ctx, c, prev) }()
			if ready != nil {
				measure(ready)
			}
			if err := <-read; err != nil {
				return nil, nil, err
			}
			ready, prev = prev, c
		}
		if ready != nil {
			measure(ready)
		}
	} else {
		for lo := 0; lo < len(repos) && ctx.Err() == nil; lo += chunkSize {
			measure(&forgeChunk{repos: repos[lo:min(lo+chunkSize, len(repos))]})
		}
	}
	ad.Repositories = len(repos)
	if ad.Repositories > 0 {
		ad.Share = float64(ad.OnGoldenPath) / float64(ad.Repositories)
	}
	return ad, not, ctx.Err()
}

// forgeChunkRecords reads the .idp.yaml of a chunk's repositories (from its batched read, else
// one API call each) into rows, counting each in the adoption.
func forgeChunkRecords(ctx context.Context, d StatusDeps, o StatusOptions, c *forgeChunk, ad *Adoption, not *[]Repository) ([]Row, []entry) {
	rows := make([]Row, len(c.repos))
	entries := make([]entry, len(c.repos))
	has := make([]bool, len(c.repos))    // a .idp.yaml, or an error reading it
	unread := make([]bool, len(c.repos)) // an error reading it
	read := func(ctx context.Context, r *forge.Listed) ([]byte, error) {
		return d.Forge.ReadFile(ctx, r.Owner, r.Name, provenance.FileName, "")
	}
	var pulls PullRequestLister = d.Forge
	if c.files != nil {
		read = func(_ context.Context, r *forge.Listed) ([]byte, error) {
			f := c.files[forge.RepoRef{Owner: r.Owner, Name: r.Name}]
			return f.Data, f.Err
		}
		pulls = &prefetched{api: d.Forge, got: c.pulls}
	}
	Each(ctx, len(c.repos), o.Jobs, func(ctx context.Context, i int) {
		r := c.repos[i]
		rows[i].Repo = r.Owner + "/" + r.Name
		data, err := read(ctx, r)
		switch {
		case errors.Is(err, forge.ErrNotFound):
			return
		case err != nil:
			rows[i].Error, rows[i].notService = err.Error(), "unknown"
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
	}, func(int) {})
	var out []Row
	var keep []entry
	for i := range rows {
		switch {
		case !has[i]:
			ad.NotOnGoldenPath++
			if o.All {
				*not = append(*not, Repository{Repo: rows[i].Repo, WebURL: c.repos[i].WebURL})
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
	return out, keep
}

// guessBranches is how many of the bot's branches seen so far each query asks every
// repository's pull requests of, before its .idp.yaml says which it has.
const guessBranches = 2

// batchReads reads chunks' .idp.yaml through a BatchReader, forge.BatchSize repositories per
// query, and the bot's pull requests of each service in the same queries: those of the
// branches most services so far have (in a fleet on a few golden paths, all of them) with its
// .idp.yaml, and any other in the next query. 1,000 repositories take 10 queries, where a REST
// call per service took 900.
type batchReads struct {
	b      forge.BatchReader
	branch string
	seen   map[string]int // the bot's branches of the services read so far
	later  []forge.PullsRef
}

// read reads c's files and guessed pull requests, and the pull requests of prev that were not
// guessed; c is nil after the last chunk.
func (br *batchReads) read(ctx context.Context, c, prev *forgeChunk) error {
	var refs []forge.RepoRef
	ask := br.later
	guess := mostSeen(br.seen, guessBranches)
	if c != nil {
		refs = make([]forge.RepoRef, 0, len(c.repos))
		for _, r := range c.repos {
			ref := forge.RepoRef{Owner: r.Owner, Name: r.Name}
			refs = append(refs, ref)
			for _, b := range guess {
				ask = append(ask, forge.PullsRef{RepoRef: ref, Head: b})
			}
		}
	}
	if len(refs) == 0 && len(ask) == 0 {
		return nil
	}
	files, prs, err := br.b.ReadBatch(ctx, refs, provenance.FileName, ask)
	if err != nil {
		return err
	}
	br.later = nil
	if c != nil {
		c.files, c.pulls = files, map[forge.PullsRef]forge.PullsRead{}
	}
	for k, v := range prs {
		if _, mine := files[k.RepoRef]; mine && c != nil {
			c.pulls[k] = v
		} else if prev != nil {
			prev.pulls[k] = v
		}
	}
	for _, r := range refs {
		f := files[r]
		if f.Err != nil {
			continue
		}
		rec, err := provenance.Parse(f.Data, r.Owner+"/"+r.Name+"/"+provenance.FileName)
		if err != nil {
			continue
		}
		for _, b := range botBranches(rec, br.branch) {
			br.seen[b]++
			if !slices.Contains(guess, b) {
				br.later = append(br.later, forge.PullsRef{RepoRef: r, Head: b})
			}
		}
	}
	return nil
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

// prefetched answers the pull requests a batched query read, once each (a service's row reads
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

// measurer measures chunks of rows, and keeps them; the golden paths' versions and renders
// are shared between chunks.
type measurer struct {
	d       StatusDeps
	o       StatusOptions
	paths   map[PathKey]*pathInfo
	tags    map[PathKey][]versions.Version // the versions of each golden path
	renders *renderCache
	now     time.Time
	rows    []Row
	strs    map[string]string // for intern
}

// measure fills each row's drift from its source's tags, then, on Jobs workers, its history
// with lead times, the bot's pull requests and its divergence, and keeps the rows; entries
// are let go. set tells how many of rows are done.
func (m *measurer) measure(ctx context.Context, rows []Row, entries []entry, set func(int)) {
	d, o, paths, tags, renders, now := m.d, m.o, m.paths, m.tags, m.renders, m.now
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
	for i := range rows {
		m.intern(&rows[i])
	}
	m.rows = append(m.rows, rows...)
}

// intern makes the rows' names and versions, the same in most rows, share one copy each: the
// rows are what a run keeps of each repository.
func (m *measurer) intern(r *Row) {
	if m.strs == nil {
		m.strs = map[string]string{}
	}
	one := func(s *string) {
		if v, ok := m.strs[*s]; ok {
			*s = v
		} else {
			m.strs[*s] = *s
		}
	}
	one(&r.Template)
	one(&r.Source)
	one(&r.Version)
	one(&r.Latest)
	for j := range r.Moves {
		one(&r.Moves[j].Template)
		one(&r.Moves[j].Version)
		one(&r.Moves[j].From)
	}
	for j := range r.Layers {
		m.intern(&r.Layers[j])
	}
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
