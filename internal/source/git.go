package source

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"

	git "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/config"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/plumbing/transport"

	"github.com/idp-cli/idp/internal/gitauth"
	"github.com/idp-cli/idp/internal/gitfs"
	"github.com/idp-cli/idp/internal/versions"
)

var scpLike = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[A-Za-z0-9._-]+@[A-Za-z0-9._-]+:[^/]`) })

// IsGitURL reports whether s names a git repository rather than a local directory:
// https://, http://, ssh://, file:// or git@host:path.
func IsGitURL(s string) bool {
	for _, scheme := range []string{"https://", "http://", "ssh://", "file://", "git://"} {
		if strings.HasPrefix(s, scheme) {
			return true
		}
	}
	return scpLike().MatchString(s)
}

// GitOptions says where the cache is and how to reach the source.
type GitOptions struct {
	CacheDir string // sources are cloned into CacheDir/<hash of the URL>
	Offline  bool   // use the cache as it is
	Auth     transport.AuthMethod
	Tried    []string // where the caller looked for Auth, for the message when it is refused
	Progress io.Writer
	// Explain, when set, rewords a transport error (gitauth.ExplainSSH) before it is reported.
	Explain func(error) error
	// Log gets what idp does with the source at debug level (--verbose); nil logs nothing.
	Log *slog.Logger
}

func (o GitOptions) log() *slog.Logger {
	if o.Log == nil {
		return slog.New(slog.DiscardHandler)
	}
	return o.Log
}

func (o GitOptions) explain(err error) error {
	if o.Explain == nil || err == nil {
		return err
	}
	return o.Explain(err)
}

// GitSource is a git repository of golden paths, cloned (bare) into the cache.
type GitSource struct {
	URL    string // as recorded: without credentials
	repo   *git.Repository
	tags   []versions.Tag
	Cloned bool // this run made the clone (rather than fetching into an existing one)
}

// OpenGit clones rawURL into the cache, or fetches what changed when the cache has it already.
// Concurrent runs take turns through a lock on the cache entry.
func OpenGit(ctx context.Context, rawURL string, o GitOptions) (*GitSource, error) {
	clean := gitauth.Redact(rawURL)
	auth := o.Auth
	if strings.HasPrefix(rawURL, "file://") {
		if _, err := exec.LookPath("git-upload-pack"); err != nil {
			if _, err := exec.LookPath("git"); err != nil {
				return nil, fmt.Errorf("source %s: file:// sources need the git command, which is not installed; install git or give the directory path instead", clean)
			}
		}
	}
	sum := sha256.Sum256([]byte(clean))
	dir := filepath.Join(o.CacheDir, hex.EncodeToString(sum[:12]))
	if err := os.MkdirAll(o.CacheDir, 0o755); err != nil {
		return nil, fmt.Errorf("source cache %s: %w", o.CacheDir, err)
	}
	// What killed or failed runs left goes first, so that the cache holds only clones.
	sweepCache(o.CacheDir)
	unlock, err := lockFile(dir + ".lock")
	if err != nil {
		return nil, fmt.Errorf("lock source cache %s: %w", dir, err)
	}
	defer unlock()

	g := &GitSource{URL: clean}
	log := o.log()
	log.Debug("git source", "url", clean, "cache", dir, "offline", o.Offline)
	repo, err := git.PlainOpen(dir)
	switch {
	case err == nil && o.Offline:
		log.Debug("using the cached clone as it is (--offline)")
	case err == nil:
		if err := refresh(ctx, repo, clean, o); err != nil {
			return nil, err
		}
	case o.Offline:
		return nil, fmt.Errorf("source %s is not in the cache; run once without --offline", clean)
	default:
		tmp := dir + ".tmp"
		os.RemoveAll(tmp)
		// A clone git cannot open (a disk that filled up, a hand edit) is cloned again.
		os.RemoveAll(dir)
		// A first clone that fails leaves nothing behind: no clone cut short, no lock file. The
		// lock file goes while this run holds it; one waiting for it then takes a new one.
		failed := func(err error) (*GitSource, error) {
			os.RemoveAll(tmp)
			os.Remove(dir + ".lock")
			return nil, err
		}
		if o.Progress != nil {
			fmt.Fprintf(o.Progress, "Cloning %s\n", clean)
		}
		log.Debug("not in the cache: cloning", "url", clean)
		repo, err = git.PlainCloneContext(ctx, tmp, true, &git.CloneOptions{
			URL: clean, Auth: auth, Mirror: true, Tags: git.AllTags, Progress: o.Progress,
		})
		if err != nil && isNoHead(err) {
			// A clone needs the remote's HEAD: a bare repository whose HEAD names a branch
			// never pushed (git init --bare, then only main pushed) has none, and idp needs
			// only the branches and tags, which a plain fetch brings.
			os.RemoveAll(tmp)
			repo, err = git.PlainInit(tmp, true)
			if err == nil {
				err = fetchAll(ctx, repo, clean, auth, o.Progress)
			}
		}
		if err != nil {
			return failed(gitError(clean, "clone", o.explain(err), o.Tried))
		}
		if err := os.Rename(tmp, dir); err != nil {
			return failed(fmt.Errorf("source cache: %w", err))
		}
		if repo, err = git.PlainOpen(dir); err != nil {
			os.RemoveAll(dir)
			return failed(err)
		}
		g.Cloned = true
	}
	g.repo = repo
	defer func() { log.Debug("read the tags", "url", clean, "tags", len(g.tags)) }()
	if g.tags, err = readTags(repo); err != nil {
		return nil, err
	}
	return g, nil
}

// isNoHead reports go-git's errors for a remote without a usable HEAD.
func isNoHead(err error) bool {
	return errors.Is(err, plumbing.ErrReferenceNotFound) || strings.Contains(err.Error(), "reference not found") || strings.Contains(err.Error(), `couldn't find remote ref "HEAD"`)
}

// fetchAll fetches every branch and tag of url into the bare repository repo, and points its HEAD
// where the remote's points, when the remote says.
func fetchAll(ctx context.Context, repo *git.Repository, url string, auth transport.AuthMethod, progress io.Writer) error {
	remote, err := repo.CreateRemote(&config.RemoteConfig{Name: "origin", URLs: []string{url}})
	if err != nil {
		return err
	}
	listed, err := remote.ListContext(ctx, &git.ListOptions{Auth: auth})
	if err != nil {
		return err
	}
	if len(listed) == 0 {
		return transport.ErrEmptyRemoteRepository
	}
	err = remote.FetchContext(ctx, &git.FetchOptions{
		RemoteName: "origin", RemoteURL: url, Auth: auth, Progress: progress,
		RefSpecs: []config.RefSpec{"+refs/heads/*:refs/heads/*", "+refs/tags/*:refs/tags/*"},
		Tags:     git.AllTags, Force: true,
	})
	if err != nil && !errors.Is(err, git.NoErrAlreadyUpToDate) {
		return err
	}
	setHead(repo, listed)
	return nil
}

// setHead points the cache's HEAD at the branch the remote's HEAD names, when it names one.
func setHead(repo *git.Repository, listed []*plumbing.Reference) {
	for _, ref := range listed {
		if ref.Name() == plumbing.HEAD && ref.Type() == plumbing.SymbolicReference {
			repo.Storer.SetReference(plumbing.NewSymbolicReference(plumbing.HEAD, ref.Target()))
			return
		}
	}
	for _, ref := range listed { // no symref capability: the branch at HEAD's commit
		if ref.Name() == plumbing.HEAD {
			for _, b := range listed {
				if b.Name().IsBranch() && b.Hash() == ref.Hash() {
					repo.Storer.SetReference(plumbing.NewSymbolicReference(plumbing.HEAD, b.Name()))
					return
				}
			}
		}
	}
}

// refresh brings the cached mirror up to date: one look at the remote's refs, and a fetch
// only when they differ from the cache's. go-git's own Prune rewrites every ref file on each
// fetch, so refs gone upstream are deleted here instead.
func refresh(ctx context.Context, repo *git.Repository, clean string, o GitOptions) error {
	remote := git.NewRemote(nil, &config.RemoteConfig{Name: "origin", URLs: []string{clean}})
	listed, err := remote.ListContext(ctx, &git.ListOptions{Auth: o.Auth})
	if err != nil {
		return gitError(clean, "fetch", o.explain(err), o.Tried)
	}
	want := map[plumbing.ReferenceName]plumbing.Hash{}
	for _, ref := range listed {
		if ref.Type() == plumbing.HashReference && (ref.Name().IsBranch() || ref.Name().IsTag()) {
			want[ref.Name()] = ref.Hash()
		}
	}
	have := map[plumbing.ReferenceName]plumbing.Hash{}
	iter, err := repo.References()
	if err != nil {
		return err
	}
	iter.ForEach(func(ref *plumbing.Reference) error {
		if ref.Type() == plumbing.HashReference && (ref.Name().IsBranch() || ref.Name().IsTag()) {
			have[ref.Name()] = ref.Hash()
		}
		return nil
	})
	setHead(repo, listed)
	if maps.Equal(want, have) {
		o.log().Debug("the cache is up to date with the remote's refs", "url", clean, "refs", len(want))
		return nil
	}
	o.log().Debug("fetching: the remote's refs differ from the cache's", "url", clean, "remote refs", len(want), "cached refs", len(have))
	if o.Progress != nil {
		fmt.Fprintf(o.Progress, "Fetching %s\n", clean)
	}
	err = repo.FetchContext(ctx, &git.FetchOptions{
		RemoteName: "origin", RemoteURL: clean, Auth: o.Auth, Progress: o.Progress,
		RefSpecs: []config.RefSpec{"+refs/heads/*:refs/heads/*", "+refs/tags/*:refs/tags/*"},
		Tags:     git.AllTags, Force: true,
	})
	if err != nil && !errors.Is(err, git.NoErrAlreadyUpToDate) {
		return gitError(clean, "fetch", o.explain(err), o.Tried)
	}
	for name := range have {
		if _, ok := want[name]; !ok {
			if err := repo.Storer.RemoveReference(name); err != nil {
				return fmt.Errorf("source cache: remove %s: %w", name, err)
			}
		}
	}
	return nil
}

func gitError(src, op string, err error, tried []string) error {
	switch {
	case errors.Is(err, transport.ErrAuthenticationRequired), errors.Is(err, transport.ErrAuthorizationFailed):
		return fmt.Errorf("source %s: %s refused: %s", src, op, gitauth.HintFor(src, tried))
	case errors.Is(err, transport.ErrRepositoryNotFound):
		return fmt.Errorf("source %s: no repository there; check the URL", src)
	case errors.Is(err, transport.ErrEmptyRemoteRepository):
		return fmt.Errorf("source %s: the repository is empty; push golden paths and tag a version first", src)
	}
	return fmt.Errorf("source %s: %s: %w", src, op, err)
}

func readTags(repo *git.Repository) ([]versions.Tag, error) {
	iter, err := repo.Tags()
	if err != nil {
		return nil, err
	}
	var tags []versions.Tag
	err = iter.ForEach(func(ref *plumbing.Reference) error {
		t := versions.Tag{Name: ref.Name().Short()}
		c, err := peel(repo, ref.Hash())
		if err != nil {
			return nil // a tag on a tree or blob is not a version
		}
		t.Commit, t.Date = c.Hash.String(), c.Committer.When
		tags = append(tags, t)
		return nil
	})
	sort.Slice(tags, func(i, j int) bool { return tags[i].Name < tags[j].Name })
	return tags, err
}

// peel follows annotated tags to the commit.
func peel(repo *git.Repository, h plumbing.Hash) (*object.Commit, error) {
	if tag, err := repo.TagObject(h); err == nil {
		return tag.Commit()
	}
	return repo.CommitObject(h)
}

// Versions lists the golden path's versions in dir, newest first.
func (g *GitSource) Versions(dir string) []versions.Version {
	return versions.ForTemplate(dir, g.tags)
}

// Catalog lists the golden paths as of the newest whole-source version tag, or the default
// branch when there is none. As for Source.Catalog, a *BrokenError comes with the golden paths
// that could be read.
func (g *GitSource) Catalog() (*Source, []*Template, error) {
	vs := versions.ForTemplate(".", g.tags)
	var src *Source
	var err error
	if v, perr := versions.Pick("latest", vs, false); perr == nil {
		src, err = g.at(v.Commit, v.Name)
	} else {
		src, err = g.head()
	}
	if err != nil {
		return nil, nil, err
	}
	all, err := src.Catalog()
	return src, all, err
}

// At returns the source as of the golden path in dir at version request: latest, a tag, a
// semver constraint, a branch or a commit.
func (g *GitSource) At(dir, request string, pre bool) (*Source, error) {
	vs := g.Versions(dir)
	v, err := versions.Pick(request, vs, pre)
	if err == nil {
		return g.at(v.Commit, v.Short())
	}
	if ref, rerr := g.repo.Reference(plumbing.NewBranchReferenceName(request), true); rerr == nil {
		return g.at(ref.Hash().String(), request)
	}
	if len(request) >= 7 && isHex(request) {
		if h, rerr := g.repo.ResolveRevision(plumbing.Revision(request)); rerr == nil {
			return g.at(h.String(), h.String()[:12])
		}
	}
	if errors.Is(err, versions.ErrNotAVersion) {
		// Neither a version nor a branch or commit: say so, with the versions there are.
		err = &versions.NotFoundError{Request: "it as a tag, constraint, branch or commit", Have: vs}
	}
	return nil, err
}

func isHex(s string) bool {
	for _, r := range s {
		if !strings.ContainsRune("0123456789abcdef", r) {
			return false
		}
	}
	return true
}

// head is the source at its default branch; without one (HEAD names a branch that does not
// exist), at its newest tag, since a source with tags needs no branch.
func (g *GitSource) head() (*Source, error) {
	ref, err := g.repo.Head()
	if err == nil {
		return g.at(ref.Hash().String(), ref.Name().Short())
	}
	var newest *versions.Tag
	for i := range g.tags {
		if newest == nil || g.tags[i].Date.After(newest.Date) {
			newest = &g.tags[i]
		}
	}
	if newest != nil {
		return g.at(newest.Commit, newest.Name)
	}
	if sym, serr := g.repo.Storer.Reference(plumbing.HEAD); serr == nil && sym.Type() == plumbing.SymbolicReference {
		return nil, fmt.Errorf("source %s: HEAD points to %s, which does not exist; push it or set HEAD (git symbolic-ref HEAD refs/heads/main)", g.URL, sym.Target())
	}
	return nil, fmt.Errorf("source %s has no branch and no tag; push golden paths and tag a version", g.URL)
}

func (g *GitSource) at(commit, version string) (*Source, error) {
	c, err := g.repo.CommitObject(plumbing.NewHash(commit))
	if err != nil {
		return nil, fmt.Errorf("source %s: commit %s: %w", g.URL, commit, err)
	}
	tree, err := c.Tree()
	if err != nil {
		return nil, err
	}
	return &Source{Location: g.URL, Version: version, Commit: c.Hash.String(), fsys: gitfs.New(tree)}, nil
}
