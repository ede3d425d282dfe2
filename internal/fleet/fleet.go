// Package fleet looks at many services at once: the list of repositories, reading each one's
// .idp.yaml without a checkout, a bounded pool of workers, and the drift of a service and of
// the whole fleet against the versions of its golden paths.
package fleet

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	git "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/config"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/plumbing/transport"
	"github.com/go-git/go-git/v5/storage/memory"

	"github.com/idp-cli/idp/internal/gitauth"
	"github.com/idp-cli/idp/internal/gitrepo"
	"github.com/idp-cli/idp/internal/provenance"
	"github.com/idp-cli/idp/internal/source"
	"github.com/idp-cli/idp/internal/userfile"
	"github.com/idp-cli/idp/internal/versions"
)

// ErrNoRecord means the repository has no .idp.yaml at its root: it is not a service made by
// idp.
var ErrNoRecord = errors.New("no " + provenance.FileName + " at the root of the default branch")

// Repo is one repository of a list: as written, and where it is.
type Repo struct {
	Name     string // as the list gives it
	Location string // a git URL, or an absolute path
}

// MaxReposSize is the largest list of repositories idp reads (about a hundred thousand lines).
const MaxReposSize = 16 << 20

// ReadRepos reads a list of repositories: one git URL or local path per line; blank lines and
// lines starting with # are skipped. Relative paths are taken from the file's directory. It
// reads at most MaxReposSize bytes, and returns ctx's error as soon as ctx is done, even while
// a FIFO keeps it waiting.
func ReadRepos(ctx context.Context, file string) ([]Repo, error) {
	data, err := userfile.Read(ctx, file, MaxReposSize)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, fmt.Errorf("--repos: %w", err)
	}
	var repos []Repo
	seen := map[string]int{}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if strings.ContainsAny(line, " \t") {
			return nil, fmt.Errorf("%s:%d: %q is not one repository; give one git URL or path per line", file, n, line)
		}
		loc := line
		if !source.IsGitURL(line) {
			if !filepath.IsAbs(line) {
				loc = filepath.Join(filepath.Dir(file), line)
			}
			if loc, err = filepath.Abs(loc); err != nil {
				return nil, err
			}
		}
		if first, dup := seen[loc]; dup {
			return nil, fmt.Errorf("%s:%d: %s is listed twice (first on line %d)", file, n, line, first)
		}
		seen[loc] = n
		repos = append(repos, Repo{Name: line, Location: loc})
	}
	if len(repos) == 0 {
		return nil, fmt.Errorf("%s lists no repositories; put one git URL or path per line", file)
	}
	return repos, sc.Err()
}

// Each runs fn for 0..n-1 on at most jobs goroutines, calling done (if set) after each, from
// one goroutine at a time. It stops handing out work when ctx is cancelled.
func Each(ctx context.Context, n, jobs int, fn func(ctx context.Context, i int), done func(finished int)) {
	if jobs < 1 {
		jobs = 1
	}
	work := make(chan int)
	var wg sync.WaitGroup
	var mu sync.Mutex
	finished := 0
	for range min(jobs, n) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range work {
				fn(ctx, i)
				mu.Lock()
				finished++
				if done != nil {
					done(finished)
				}
				mu.Unlock()
			}
		}()
	}
	for i := 0; i < n && ctx.Err() == nil; i++ {
		select {
		case work <- i:
		case <-ctx.Done():
		}
	}
	close(work)
	wg.Wait()
}

// service is one repository read for the fleet's view: its record, and where its history
// and files are.
type service struct {
	rec  *provenance.File
	repo *git.Repository // nil: no history (a plain directory)
	head plumbing.Hash
	// files are the service's files as they are: a local checkout's, else the head commit's.
	files serviceFiles
}

// readService reads the .idp.yaml at the root of repo's default branch, and opens its history:
// a local checkout's files (and its repository, if any), a local repository's HEAD, or a git
// URL cloned into memory, single branch and without tags, with no checkout and nothing
// written to disk.
func readService(ctx context.Context, repo string, auth transport.AuthMethod, hint string) (*service, error) {
	if !source.IsGitURL(repo) {
		data, err := os.ReadFile(filepath.Join(repo, provenance.FileName))
		if err == nil {
			rec, err := provenance.Parse(data, filepath.Join(repo, provenance.FileName))
			if err != nil {
				return nil, err
			}
			s := &service{rec: rec}
			if root, err := os.OpenRoot(repo); err == nil {
				s.files = dirFiles{root}
			}
			if r, err := git.PlainOpenWithOptions(repo, &git.PlainOpenOptions{EnableDotGitCommonDir: true}); err == nil {
				if head, err := r.Head(); err == nil {
					s.repo, s.head = r, head.Hash()
				}
			}
			return s, nil
		}
		if !errors.Is(err, fs.ErrNotExist) {
			return nil, err
		}
		r, err := git.PlainOpenWithOptions(repo, &git.PlainOpenOptions{EnableDotGitCommonDir: true})
		if err != nil {
			if _, serr := os.Stat(repo); serr != nil {
				return nil, fmt.Errorf("no such directory")
			}
			return nil, ErrNoRecord
		}
		return headService(r)
	}
	r, err := cloneHistory(ctx, repo, auth, hint)
	if err != nil {
		return nil, err
	}
	return headService(r)
}

// cloneHistory clones the default branch of url into memory: every commit, no tags, no
// checkout.
func cloneHistory(ctx context.Context, url string, auth transport.AuthMethod, hint string) (*git.Repository, error) {
	r, err := git.CloneContext(ctx, memory.NewStorage(), nil, &git.CloneOptions{
		URL: gitauth.Redact(url), Auth: auth, SingleBranch: true, Tags: git.NoTags,
	})
	if err != nil {
		if nb := remoteDefaultBranch(ctx, url, auth, err); nb != err {
			return nil, nb
		}
		return nil, gitrepo.TransportError("read", hint, err)
	}
	return r, nil
}

// NoDefaultBranchError is a repository with no default branch to read: nothing was pushed to
// it, or its HEAD names a branch it does not have (a bare repository made by git init --bare
// points at master; the service pushed main).
type NoDefaultBranchError struct {
	Head     string   // the branch HEAD names, when known
	Branches []string // the branches it has
}

func (e *NoDefaultBranchError) Error() string {
	if len(e.Branches) == 0 {
		return "the repository is empty: nothing has been pushed to it; push the service's main branch there (idp push --dir SERVICE --remote URL)"
	}
	head := "HEAD names no branch it has"
	if e.Head != "" {
		head = "HEAD names " + e.Head + ", a branch it does not have"
	}
	to := e.Branches[0]
	if slices.Contains(e.Branches, "main") {
		to = "main"
	}
	return fmt.Sprintf("the repository has no default branch: %s (its branches: %s); make %s its default branch: git symbolic-ref HEAD refs/heads/%s in the bare repository, or in the forge's repository settings",
		head, strings.Join(e.Branches, ", "), to, to)
}

// localDefaultBranch is the *NoDefaultBranchError of the repository r, whose HEAD did not resolve.
func localDefaultBranch(r *git.Repository) error {
	e := &NoDefaultBranchError{}
	if ref, err := r.Storer.Reference(plumbing.HEAD); err == nil && ref.Type() == plumbing.SymbolicReference {
		e.Head = ref.Target().Short()
	}
	if iter, err := r.Branches(); err == nil {
		iter.ForEach(func(ref *plumbing.Reference) error {
			e.Branches = append(e.Branches, ref.Name().Short())
			return nil
		})
	}
	slices.Sort(e.Branches)
	return e
}

// remoteDefaultBranch is the *NoDefaultBranchError of the repository at url when err, from
// cloning it, says that it has no HEAD or is empty; else err itself.
func remoteDefaultBranch(ctx context.Context, url string, auth transport.AuthMethod, err error) error {
	if !errors.Is(err, transport.ErrEmptyRemoteRepository) && !errors.Is(err, plumbing.ErrReferenceNotFound) &&
		!strings.Contains(err.Error(), `couldn't find remote ref "HEAD"`) {
		return err
	}
	e := &NoDefaultBranchError{}
	if local, ok := strings.CutPrefix(url, "file://"); ok || !source.IsGitURL(url) {
		if !ok {
			local = url
		}
		if r, oerr := git.PlainOpen(local); oerr == nil {
			return localDefaultBranch(r)
		}
	}
	remote := git.NewRemote(memory.NewStorage(), &config.RemoteConfig{Name: "origin", URLs: []string{gitauth.Redact(url)}})
	refs, lerr := remote.ListContext(ctx, &git.ListOptions{Auth: auth})
	if lerr != nil && !errors.Is(lerr, transport.ErrEmptyRemoteRepository) {
		return err
	}
	for _, ref := range refs {
		if ref.Name().IsBranch() {
			e.Branches = append(e.Branches, ref.Name().Short())
		}
	}
	slices.Sort(e.Branches)
	return e
}

func headService(r *git.Repository) (*service, error) {
	head, err := r.Head()
	if err != nil {
		return nil, localDefaultBranch(r)
	}
	c, err := r.CommitObject(head.Hash())
	if err != nil {
		return nil, err
	}
	f, err := c.File(provenance.FileName)
	if errors.Is(err, object.ErrFileNotFound) {
		return nil, ErrNoRecord
	}
	if err != nil {
		return nil, err
	}
	text, err := f.Contents()
	if err != nil {
		return nil, err
	}
	rec, err := provenance.Parse([]byte(text), provenance.FileName)
	if err != nil {
		return nil, err
	}
	tree, err := c.Tree()
	if err != nil {
		return nil, err
	}
	return &service{rec: rec, repo: r, head: head.Hash(), files: treeFiles{tree: tree}}, nil
}

// Drift is how far one service is behind its golden path's latest release.
type Drift struct {
	Latest string // the newest release (not a pre-release); "" when there is none
	// Behind counts the releases after the service's version, up to Latest; -1 when the
	// service's version is not a release of the golden path (a branch or a commit).
	Behind int
	// Days is the time from the service's release to the latest one, in whole days; -1 when
	// either date is unknown.
	Days int
}

// Measure computes the drift of version against vs, a golden path's versions newest first.
func Measure(version string, vs []versions.Version) Drift {
	d := Drift{Behind: -1, Days: -1}
	var latest, current *versions.Version
	for i := range vs {
		v := &vs[i]
		if latest == nil && v.Semver.Prerelease() == "" {
			latest = v
		}
		if v.Short() == version {
			current = v
		}
	}
	if latest == nil {
		return d
	}
	d.Latest = latest.Short()
	if current == nil {
		return d
	}
	d.Behind = 0
	for _, v := range vs {
		if v.Semver.Prerelease() == "" && v.Semver.GreaterThan(current.Semver) && !v.Semver.GreaterThan(latest.Semver) {
			d.Behind++
		}
	}
	if !latest.Date.IsZero() && !current.Date.IsZero() {
		d.Days = max(0, int(latest.Date.Sub(current.Date)/(24*time.Hour)))
	}
	if d.Behind == 0 {
		d.Days = 0
	}
	return d
}
