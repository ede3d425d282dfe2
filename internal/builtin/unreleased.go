package builtin

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"

	git "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/storage/memory"
)

// Unreleased says, one line per golden path, where templates/ (dir, on disk) differs from the
// newest release of each golden path, and which golden paths were never released.
func Unreleased(repo *git.Repository, dir string, releases []Release) ([]string, error) {
	newest := map[string]Release{}
	for _, r := range releases {
		newest[r.GoldenPath] = r
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		if _, err := os.Stat(filepath.Join(dir, e.Name(), "template.yaml")); err != nil {
			continue
		}
		r, ok := newest[e.Name()]
		if !ok {
			out = append(out, fmt.Sprintf("templates/%s has never been released: add it to templates/releases.yaml", e.Name()))
			continue
		}
		c, err := repo.CommitObject(plumbing.NewHash(r.Commit))
		if err != nil {
			return nil, err
		}
		tree, err := c.Tree()
		if err != nil {
			return nil, err
		}
		var changed []string
		for _, name := range []string{"template.yaml", "skeleton"} {
			released, err := tree.FindEntry(filepath.ToSlash(filepath.Join("templates", e.Name(), name)))
			if err != nil {
				return nil, err
			}
			now, err := hashPath(filepath.Join(dir, e.Name(), name))
			if err != nil {
				return nil, err
			}
			if now != released.Hash {
				changed = append(changed, name)
			}
		}
		if len(changed) > 0 {
			out = append(out, fmt.Sprintf("templates/%s has changes not released yet (in %v since %s): release them with a new entry in templates/releases.yaml", e.Name(), changed, r.Version))
		}
	}
	return out, nil
}

// hashPath is the git object hash a file or directory on disk would have.
func hashPath(p string) (plumbing.Hash, error) {
	st := memory.NewStorage()
	h, _, err := hashInto(st, p)
	return h, err
}

func hashInto(st *memory.Storage, p string) (plumbing.Hash, filemode.FileMode, error) {
	fi, err := os.Lstat(p)
	if err != nil {
		return plumbing.ZeroHash, 0, err
	}
	switch {
	case fi.Mode()&os.ModeSymlink != 0:
		target, err := os.Readlink(p)
		if err != nil {
			return plumbing.ZeroHash, 0, err
		}
		return plumbing.ComputeHash(plumbing.BlobObject, []byte(filepath.ToSlash(target))), filemode.Symlink, nil
	case fi.IsDir():
		entries, err := os.ReadDir(p)
		if err != nil {
			return plumbing.ZeroHash, 0, err
		}
		t := &object.Tree{}
		for _, e := range entries {
			h, m, err := hashInto(st, filepath.Join(p, e.Name()))
			if err != nil {
				return plumbing.ZeroHash, 0, err
			}
			t.Entries = append(t.Entries, object.TreeEntry{Name: e.Name(), Mode: m, Hash: h})
		}
		sort.Sort(object.TreeEntrySorter(t.Entries)) // git's order: a directory sorts as name + "/"
		obj := st.NewEncodedObject()
		if err := t.Encode(obj); err != nil {
			return plumbing.ZeroHash, 0, err
		}
		return obj.Hash(), filemode.Dir, nil
	}
	data, err := os.ReadFile(p)
	if err != nil {
		return plumbing.ZeroHash, 0, err
	}
	m := filemode.Regular
	if fi.Mode().Perm()&0o111 != 0 {
		m = filemode.Executable
	}
	return plumbing.ComputeHash(plumbing.BlobObject, data), m, nil
}
