// Package scaffold writes a rendered service to disk as a new git repository: everything goes to
// a temporary directory beside the target first and is renamed into place at the end, so an
// error or Ctrl-C leaves nothing behind.
package scaffold

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"time"

	"github.com/idp-cli/idp/internal/gitrepo"
	"github.com/idp-cli/idp/internal/provenance"
	"github.com/idp-cli/idp/internal/render"
	"github.com/idp-cli/idp/internal/servicedir"
)

// Options says what to write where.
type Options struct {
	Dir        string // the service directory to create
	Tree       *render.Tree
	Provenance []byte // content of .idp.yaml
	Author     gitrepo.Author
	Message    string
	Now        time.Time
	// InRepo is the root of the git repository the service goes inside (a monorepo): the
	// files are written and staged there, with no repository of their own.
	InRepo string
}

// Result is what Create made.
type Result struct {
	Dir    string
	Commit string
	Files  int // including .idp.yaml
}

// ExistsError is a target that is already there and holds something.
type ExistsError struct {
	Dir  string
	File bool // a file, not a directory
}

func (e *ExistsError) Error() string {
	return fmt.Sprintf("%s %s; choose another --output-dir or remove it", e.Dir, e.What())
}

// What says what is in the way: "is a file", or "already exists and is not empty".
func (e *ExistsError) What() string {
	if e.File {
		return "is a file, not a directory"
	}
	return "already exists and is not empty"
}

// CheckTarget refuses a target that exists and is not an empty directory.
func CheckTarget(dir string) error {
	entries, err := os.ReadDir(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil
	case err != nil:
		if info, serr := os.Stat(dir); serr == nil && !info.IsDir() {
			return &ExistsError{Dir: dir, File: true}
		}
		for d := filepath.Dir(dir); d != filepath.Dir(d); d = filepath.Dir(d) {
			if info, serr := os.Stat(d); serr == nil {
				if !info.IsDir() {
					return fmt.Errorf("cannot create %s: %s is a file, not a directory; choose another place", dir, d)
				}
				break
			}
		}
		return fmt.Errorf("check %s: %w", dir, err)
	case len(entries) > 0:
		return &ExistsError{Dir: dir}
	}
	return nil
}

// Create writes the service and commits it.
func Create(ctx context.Context, o Options) (*Result, error) {
	target, err := filepath.Abs(o.Dir)
	if err != nil {
		return nil, err
	}
	if err := CheckTarget(target); err != nil {
		return nil, err
	}
	st, err := NewStage(target)
	if err != nil {
		return nil, err
	}
	defer st.Abort()
	tmp := st.Dir

	root, err := os.OpenRoot(tmp)
	if err != nil {
		return nil, err
	}
	defer root.Close()
	entries := make([]gitrepo.Entry, 0, len(o.Tree.Files)+1)
	dirs := map[string]bool{".": true}
	for i := range o.Tree.Files {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		f := &o.Tree.Files[i]
		if err := writeFile(root, f, dirs); err != nil {
			return nil, err
		}
		entries = append(entries, gitrepo.Entry{Path: f.Path, Mode: f.Mode, Data: f.Data})
	}
	if err := root.WriteFile(provenance.FileName, o.Provenance, 0o644); err != nil {
		return nil, fmt.Errorf("write %s: %w", provenance.FileName, err)
	}
	entries = append(entries, gitrepo.Entry{Path: provenance.FileName, Mode: 0o644, Data: o.Provenance})
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	commit := ""
	if o.InRepo == "" {
		if commit, err = gitrepo.InitCommit(tmp, entries, o.Author, o.Message, o.Now); err != nil {
			return nil, err
		}
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if err := st.Finish(); err != nil {
		return nil, fmt.Errorf("move the new service into %s: %w", target, err)
	}
	if o.InRepo != "" {
		if err := gitrepo.Stage(o.InRepo, target); err != nil {
			return nil, fmt.Errorf("%w; the service's files are in %s, not staged", err, target)
		}
	}
	return &Result{Dir: target, Commit: commit, Files: len(entries)}, nil
}

// WriteTree writes a rendered tree under dir, which exists: a scratch copy, or a golden tree.
func WriteTree(dir string, tree *render.Tree) error {
	root, err := os.OpenRoot(dir)
	if err != nil {
		return err
	}
	defer root.Close()
	dirs := map[string]bool{".": true}
	for i := range tree.Files {
		if err := writeFile(root, &tree.Files[i], dirs); err != nil {
			return err
		}
	}
	return nil
}

// writeFile writes one file of a tree through root, so that nothing, not even a link the tree
// itself made, takes a write outside it.
func writeFile(root *os.Root, f *render.File, dirs map[string]bool) error {
	// render refuses such paths already; this holds on every OS (a \ or C: on Windows) and
	// whoever built the tree.
	if !filepath.IsLocal(filepath.FromSlash(f.Path)) {
		return fmt.Errorf("write %s: the path leaves the service; rename %s", f.Path, f.Source)
	}
	if c := servicedir.GitComponent(f.Path); c != "" {
		return fmt.Errorf("write %s: %q is the repository's .git on macOS or Windows; rename %s", f.Path, c, f.Source)
	}
	name := filepath.FromSlash(f.Path)
	if dir := path.Dir(f.Path); !dirs[dir] {
		if err := root.MkdirAll(filepath.FromSlash(dir), 0o755); err != nil {
			return fmt.Errorf("write %s: %w", f.Path, err)
		}
		for d := dir; d != "." && !dirs[d]; d = path.Dir(d) {
			dirs[d] = true
		}
	}
	if f.IsSymlink() {
		if err := root.Symlink(string(f.Data), name); err != nil {
			return fmt.Errorf("write link %s: %w", f.Path, err)
		}
		return nil
	}
	if err := root.WriteFile(name, f.Data, f.Mode.Perm()); err != nil {
		return fmt.Errorf("write %s: %w", f.Path, err)
	}
	return nil
}
