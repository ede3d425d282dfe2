package source

import (
	git "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"

	"github.com/idp-cli/idp/internal/builtin"
)

// OpenBuiltin is the history of the golden paths built into idp as a git source, recorded in
// .idp.yaml as "builtin": its versions are the releases in templates/releases.yaml.
func OpenBuiltin(h *builtin.History) (*GitSource, error) {
	repo, err := builtin.Open(h)
	if err != nil {
		return nil, err
	}
	return openRepository(repo, Builtin)
}

// openRepository is a git source read straight from repo, without a clone or a cache.
func openRepository(repo *git.Repository, url string) (*GitSource, error) {
	g := &GitSource{URL: url, repo: repo}
	var err error
	if g.tags, err = readTags(repo); err != nil {
		return nil, err
	}
	return g, nil
}

// Oldest is the oldest released version of the golden path in dir, or "" when it has none.
func (g *GitSource) Oldest(dir string) string {
	vs := g.Versions(dir)
	for i := len(vs) - 1; i >= 0; i-- {
		if vs[i].Semver.Prerelease() == "" {
			return vs[i].Short()
		}
	}
	return ""
}

// Has reports whether the golden path in dir has the version, or the source has the commit.
func (g *GitSource) Has(dir, version, commit string) bool {
	if commit != "" && isHex(commit) {
		if _, err := g.repo.CommitObject(plumbing.NewHash(commit)); err == nil {
			return true
		}
	}
	for _, v := range g.Versions(dir) {
		if v.Short() == version || v.Name == version {
			return true
		}
	}
	return false
}
