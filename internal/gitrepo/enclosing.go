package gitrepo

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	git "github.com/go-git/go-git/v5"
)

// Enclosing is the root of the git work tree that dir (absolute, possibly not there yet) would
// be inside, or "" when it is in none.
func Enclosing(dir string) string {
	for d := dir; ; d = filepath.Dir(d) {
		if _, err := os.Stat(d); err == nil {
			repo, err := git.PlainOpenWithOptions(d, &git.PlainOpenOptions{DetectDotGit: true, EnableDotGitCommonDir: true})
			if err != nil {
				return ""
			}
			wt, err := repo.Worktree()
			if err != nil {
				return "" // a bare repository: no work tree to be inside
			}
			root := wt.Filesystem.Root()
			if r, err := filepath.EvalSymlinks(root); err == nil {
				root = r
			}
			return root
		}
		if filepath.Dir(d) == d {
			return ""
		}
	}
}

// Stage adds the files under dir (inside the work tree at root) to that repository's index, as
// git add does: the new service is part of the enclosing repository, for its owner to commit.
func Stage(root, dir string) error {
	repo, err := git.PlainOpenWithOptions(root, &git.PlainOpenOptions{EnableDotGitCommonDir: true})
	if err != nil {
		return fmt.Errorf("open the repository at %s: %w", root, err)
	}
	wt, err := repo.Worktree()
	if err != nil {
		return err
	}
	real := dir
	if r, err := filepath.EvalSymlinks(dir); err == nil {
		real = r
	}
	rel, err := filepath.Rel(root, real)
	if err != nil || rel == ".." || filepath.IsAbs(rel) || len(rel) > 2 && rel[:3] == ".."+string(filepath.Separator) {
		return errors.New(dir + " is not inside the repository at " + root)
	}
	if err := wt.AddWithOptions(&git.AddOptions{Path: filepath.ToSlash(rel)}); err != nil {
		return fmt.Errorf("stage %s in the repository at %s: %w", rel, root, err)
	}
	return nil
}
