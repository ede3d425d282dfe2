package source

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	git "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"

	"github.com/idp-cli/idp/internal/gitcli"
	"github.com/idp-cli/idp/internal/versions"
)

// WorkTree is the --version that asks for a git work tree's files as they are on disk, with
// uncommitted changes: a plain directory, without versions.
const WorkTree = "work-tree"

// Local is a local directory source: a git repository (the root of a work tree, or a bare
// repository) is read through git, its tags its versions; any other directory is read as it is
// and has no versions.
type Local struct {
	Dir   string     // absolute
	Git   *GitSource // set for a repository with version tags
	Dirty []string   // a work tree's uncommitted changes under Dir, as git status shows them
}

// OpenLocal opens the directory source dir. A repository without any version tag is read as a
// plain directory, as before it had one.
func OpenLocal(ctx context.Context, dir string) (*Local, error) {
	d, err := Dir(dir)
	if err != nil {
		return nil, err
	}
	l := &Local{Dir: d.Location}
	repo, err := git.PlainOpenWithOptions(l.Dir, &git.PlainOpenOptions{EnableDotGitCommonDir: true})
	if errors.Is(err, git.ErrRepositoryNotExists) {
		return l, nil
	}
	if err != nil {
		return nil, fmt.Errorf("source %s: read it as a git repository: %w", dir, err)
	}
	g, err := openRepository(repo, l.Dir)
	if err != nil {
		return nil, fmt.Errorf("source %s: %w", dir, err)
	}
	if !hasVersion(g) {
		return l, nil
	}
	l.Git = g
	if _, err := os.Stat(filepath.Join(l.Dir, ".git")); err == nil {
		st, err := gitcli.Status(ctx, l.Dir)
		if err != nil {
			return nil, fmt.Errorf("source %s: %w", dir, err)
		}
		for _, e := range st {
			l.Dirty = append(l.Dirty, strings.TrimSpace(e.Code)+" "+e.Path)
		}
	}
	return l, nil
}

// hasVersion reports whether any tag names a version, of the whole source or of a golden path.
func hasVersion(g *GitSource) bool {
	for _, t := range g.tags {
		name := t.Name[strings.LastIndex(t.Name, "/")+1:]
		if len(versions.ForTemplate(".", []versions.Tag{{Name: name}})) > 0 {
			return true
		}
	}
	return false
}

// DirtyError is a work tree source with uncommitted changes, which no version holds.
type DirtyError struct {
	Dir   string
	Dirty []string
}

func (e *DirtyError) Error() string {
	shown, more := e.Dirty, ""
	if len(shown) > 3 {
		shown, more = shown[:3], fmt.Sprintf(" and %d more", len(e.Dirty)-3)
	}
	return fmt.Sprintf("source %s has uncommitted changes (%s%s), which no version holds; commit and tag them, give --version a tag or branch to use what is committed, or --version %s to use the files as they are (the service then cannot be updated)",
		e.Dir, strings.Join(shown, ", "), more, WorkTree)
}

// IsBranch reports whether name is a branch of the source.
func (g *GitSource) IsBranch(name string) bool {
	if name == "" {
		return false
	}
	_, err := g.repo.Reference(plumbing.NewBranchReferenceName(name), true)
	return err == nil
}
