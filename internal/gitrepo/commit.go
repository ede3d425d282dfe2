package gitrepo

import (
	"fmt"
	"io/fs"
	"sort"
	"strings"
	"time"

	git "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"
)

// Change is one path of a commit made by CommitOnto: its new content, or its removal.
type Change struct {
	Path   string // slash-separated, from the repository's root
	Remove bool
	Mode   fs.FileMode // 0644, 0755 or fs.ModeSymlink (Data is then the target)
	Data   []byte
}

// CommitOnto makes a commit whose parent is parent and whose tree is parent's tree with
// changes applied, without touching the worktree, the index or any reference: the bot builds
// its commit this way so that the checkout it runs in stays as it was. Only the directories on
// the changed paths are rewritten. It returns the commit and its tree.
func CommitOnto(repo *git.Repository, parent plumbing.Hash, changes []Change, author Author, msg string, when time.Time) (commit, tree plumbing.Hash, err error) {
	if tree, err = TreeOnto(repo, parent, changes); err != nil {
		return plumbing.ZeroHash, plumbing.ZeroHash, err
	}
	commit, err = CommitTree(repo, tree, parent, author, msg, when)
	return commit, tree, err
}

// TreeOnto stores the tree of parent with changes applied, as CommitOnto commits it, and
// returns its hash; the bot names the tree in its commit's message.
func TreeOnto(repo *git.Repository, parent plumbing.Hash, changes []Change) (plumbing.Hash, error) {
	pc, err := repo.CommitObject(parent)
	if err != nil {
		return plumbing.ZeroHash, fmt.Errorf("read commit %s: %w", parent, err)
	}
	root := &lazyTree{repo: repo, hash: pc.TreeHash}
	for _, c := range changes {
		parts := strings.Split(c.Path, "/")
		if c.Remove {
			err = root.remove(parts)
		} else {
			err = root.put(parts, c)
		}
		if err != nil {
			return plumbing.ZeroHash, fmt.Errorf("%s: %w", c.Path, err)
		}
	}
	return root.write()
}

// CommitTree stores a commit of tree on parent, by author as author and committer.
func CommitTree(repo *git.Repository, tree, parent plumbing.Hash, author Author, msg string, when time.Time) (plumbing.Hash, error) {
	sig := object.Signature{Name: author.Name, Email: author.Email, When: when}
	return store(repo, &object.Commit{Author: sig, Committer: sig, Message: msg, TreeHash: tree, ParentHashes: []plumbing.Hash{parent}})
}

// lazyTree is a directory of the commit being built. Its entries are read from the parent's
// tree only when a change reaches into it; an untouched directory keeps its hash.
type lazyTree struct {
	repo    *git.Repository
	hash    plumbing.Hash // the stored tree, while unchanged
	entries map[string]*lazyEntry
	dirty   bool
}

type lazyEntry struct {
	mode filemode.FileMode
	hash plumbing.Hash // a blob, or a stored tree when dir is nil
	dir  *lazyTree     // loaded subdirectory
}

func (t *lazyTree) load() error {
	if t.entries != nil {
		return nil
	}
	t.entries = map[string]*lazyEntry{}
	if t.hash.IsZero() {
		return nil
	}
	tree, err := t.repo.TreeObject(t.hash)
	if err != nil {
		return fmt.Errorf("read tree %s: %w", t.hash, err)
	}
	for _, e := range tree.Entries {
		t.entries[e.Name] = &lazyEntry{mode: e.Mode, hash: e.Hash}
	}
	return nil
}

// sub returns the subdirectory name, creating it when create is set; nil when it is absent.
func (t *lazyTree) sub(name string, create bool) (*lazyTree, error) {
	e := t.entries[name]
	switch {
	case e == nil && !create:
		return nil, nil
	case e == nil || e.mode != filemode.Dir:
		// A file where a directory is wanted is replaced, as git does when a file becomes a
		// directory of the same name.
		e = &lazyEntry{mode: filemode.Dir, dir: &lazyTree{repo: t.repo, entries: map[string]*lazyEntry{}, dirty: true}}
		t.entries[name] = e
	case e.dir == nil:
		e.dir = &lazyTree{repo: t.repo, hash: e.hash}
	}
	return e.dir, e.dir.load()
}

func (t *lazyTree) put(parts []string, c Change) error {
	if err := t.load(); err != nil {
		return err
	}
	t.dirty = true
	if len(parts) > 1 {
		d, err := t.sub(parts[0], true)
		if err != nil {
			return err
		}
		return d.put(parts[1:], c)
	}
	h, err := storeBlob(t.repo, c.Data)
	if err != nil {
		return err
	}
	t.entries[parts[0]] = &lazyEntry{mode: modeOf(c.Mode), hash: h}
	return nil
}

func (t *lazyTree) remove(parts []string) error {
	if err := t.load(); err != nil {
		return err
	}
	if len(parts) == 1 {
		if _, ok := t.entries[parts[0]]; ok {
			delete(t.entries, parts[0])
			t.dirty = true
		}
		return nil
	}
	d, err := t.sub(parts[0], false)
	if d == nil || err != nil {
		return err
	}
	if err := d.remove(parts[1:]); err != nil {
		return err
	}
	t.dirty = t.dirty || d.dirty
	return nil
}

// write stores the changed directories bottom-up and returns this one's hash. A directory left
// empty is dropped by its parent, as git has no empty trees.
func (t *lazyTree) write() (plumbing.Hash, error) {
	if !t.dirty {
		return t.hash, nil
	}
	tree := &object.Tree{}
	for name, e := range t.entries {
		if e.dir != nil {
			h, err := e.dir.write()
			if err != nil {
				return plumbing.ZeroHash, err
			}
			if len(e.dir.entries) == 0 {
				continue
			}
			e.hash = h
		}
		tree.Entries = append(tree.Entries, object.TreeEntry{Name: name, Mode: e.mode, Hash: e.hash})
	}
	sortEntries(tree.Entries)
	h, err := store(t.repo, tree)
	t.hash, t.dirty = h, false
	return h, err
}

// sortEntries orders entries as git does.
func sortEntries(es []object.TreeEntry) {
	sort.Slice(es, func(i, j int) bool {
		return treeOrder(es[i].Name, es[i].Mode == filemode.Dir) < treeOrder(es[j].Name, es[j].Mode == filemode.Dir)
	})
}

func storeBlob(repo *git.Repository, data []byte) (plumbing.Hash, error) {
	obj := repo.Storer.NewEncodedObject()
	obj.SetType(plumbing.BlobObject)
	w, err := obj.Writer()
	if err != nil {
		return plumbing.ZeroHash, err
	}
	if _, err := w.Write(data); err != nil {
		return plumbing.ZeroHash, err
	}
	if err := w.Close(); err != nil {
		return plumbing.ZeroHash, err
	}
	return repo.Storer.SetEncodedObject(obj)
}

func store(repo *git.Repository, o interface {
	Encode(plumbing.EncodedObject) error
}) (plumbing.Hash, error) {
	obj := repo.Storer.NewEncodedObject()
	if err := o.Encode(obj); err != nil {
		return plumbing.ZeroHash, err
	}
	return repo.Storer.SetEncodedObject(obj)
}
