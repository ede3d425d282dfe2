// Package gitrepo holds idp's git work on local repositories, done with go-git: making a new
// service's repository with its first commit.
package gitrepo

import (
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	git "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/config"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/format/index"
	"github.com/go-git/go-git/v5/plumbing/object"
)

// Branch is the branch a new service starts on.
const Branch = "main"

// Author signs commits.
type Author struct {
	Name  string
	Email string
}

// DefaultAuthor is the fallback when neither the environment nor git config name anyone.
var DefaultAuthor = Author{Name: "idp", Email: "idp@localhost"}

// ConfiguredAuthor reads user.name and user.email from the global git config; a field is empty
// where git config has none.
func ConfiguredAuthor() Author {
	cfg, err := config.LoadConfig(config.GlobalScope)
	if err != nil || cfg == nil {
		return Author{}
	}
	return Author{Name: cfg.User.Name, Email: cfg.User.Email}
}

// Entry is a file to commit. Mode is 0644, 0755 or fs.ModeSymlink (Data is then the target).
type Entry struct {
	Path string
	Mode fs.FileMode
	Data []byte
}

// InitCommit makes dir (whose files are already written) a git repository on branch main with
// one commit of entries. The objects are built in memory and written as one packfile, so a
// service of hundreds of files costs two file creations in .git rather than one per object.
// It returns the commit hash.
func InitCommit(dir string, entries []Entry, author Author, msg string, when time.Time) (string, error) {
	repo, err := git.PlainInitWithOptions(dir, &git.PlainInitOptions{
		InitOptions: git.InitOptions{DefaultBranch: plumbing.NewBranchReferenceName(Branch)},
	})
	if err != nil {
		return "", fmt.Errorf("git init %s: %w", dir, err)
	}
	objs := &objectSet{seen: map[plumbing.Hash]bool{}}
	root := &treeNode{children: map[string]*treeNode{}}
	idx := &index.Index{Version: 2}
	for _, e := range entries {
		h := objs.add(plumbing.BlobObject, e.Data)
		mode := modeOf(e.Mode)
		root.add(strings.Split(e.Path, "/"), h, mode)
		ie := &index.Entry{Hash: h, Name: e.Path, Mode: mode, Size: uint32(len(e.Data))}
		if info, err := os.Lstat(filepath.Join(dir, filepath.FromSlash(e.Path))); err == nil {
			ie.ModifiedAt, ie.CreatedAt = info.ModTime(), info.ModTime()
			ie.Size = uint32(info.Size())
			fillSys(ie, info)
		}
		idx.Entries = append(idx.Entries, ie)
	}
	treeHash, err := root.write(objs)
	if err != nil {
		return "", err
	}
	sig := object.Signature{Name: author.Name, Email: author.Email, When: when}
	commit := &object.Commit{Author: sig, Committer: sig, Message: msg, TreeHash: treeHash}
	ch, err := objs.encode(commit)
	if err != nil {
		return "", err
	}
	if err := writePackFiles(filepath.Join(dir, git.GitDirName), objs.list); err != nil {
		return "", err
	}
	if err := repo.Storer.SetReference(plumbing.NewHashReference(plumbing.NewBranchReferenceName(Branch), ch)); err != nil {
		return "", fmt.Errorf("set branch %s: %w", Branch, err)
	}
	sort.Slice(idx.Entries, func(i, j int) bool { return idx.Entries[i].Name < idx.Entries[j].Name })
	if err := repo.Storer.SetIndex(idx); err != nil {
		return "", fmt.Errorf("write index: %w", err)
	}
	return ch.String(), nil
}

func modeOf(m fs.FileMode) filemode.FileMode {
	switch {
	case m&fs.ModeSymlink != 0:
		return filemode.Symlink
	case m&0o111 != 0:
		return filemode.Executable
	}
	return filemode.Regular
}

// objectSet collects the objects of a commit, each once: files with the same content share a
// blob, and equal directories a tree.
type objectSet struct {
	list []packObject
	seen map[plumbing.Hash]bool
}

func (s *objectSet) add(t plumbing.ObjectType, data []byte) plumbing.Hash {
	h := plumbing.ComputeHash(t, data)
	if !s.seen[h] {
		s.seen[h] = true
		s.list = append(s.list, packObject{hash: h, typ: t, data: data})
	}
	return h
}

// encode adds a tree or commit in git's encoding.
func (s *objectSet) encode(o interface {
	Encode(plumbing.EncodedObject) error
}) (plumbing.Hash, error) {
	obj := &plumbing.MemoryObject{}
	if err := o.Encode(obj); err != nil {
		return plumbing.ZeroHash, err
	}
	r, err := obj.Reader()
	if err != nil {
		return plumbing.ZeroHash, err
	}
	defer r.Close()
	data, err := io.ReadAll(r)
	if err != nil {
		return plumbing.ZeroHash, err
	}
	return s.add(obj.Type(), data), nil
}

type treeNode struct {
	children map[string]*treeNode // nil for a file
	hash     plumbing.Hash
	mode     filemode.FileMode
}

func (n *treeNode) add(parts []string, h plumbing.Hash, mode filemode.FileMode) {
	if len(parts) == 1 {
		n.children[parts[0]] = &treeNode{hash: h, mode: mode}
		return
	}
	child, ok := n.children[parts[0]]
	if !ok {
		child = &treeNode{children: map[string]*treeNode{}}
		n.children[parts[0]] = child
	}
	child.add(parts[1:], h, mode)
}

// treeOrder is the key git sorts tree entries by: the name, a directory's taken with a trailing
// slash.
func treeOrder(name string, dir bool) string {
	if dir {
		return name + "/"
	}
	return name
}

// write stores the tree bottom-up, in git's order (treeOrder).
func (n *treeNode) write(objs *objectSet) (plumbing.Hash, error) {
	names := make([]string, 0, len(n.children))
	for name := range n.children {
		names = append(names, name)
	}
	key := func(name string) string { return treeOrder(name, n.children[name].children != nil) }
	sort.Slice(names, func(i, j int) bool { return key(names[i]) < key(names[j]) })
	t := &object.Tree{}
	for _, name := range names {
		c := n.children[name]
		if c.children != nil {
			h, err := c.write(objs)
			if err != nil {
				return plumbing.ZeroHash, err
			}
			t.Entries = append(t.Entries, object.TreeEntry{Name: name, Mode: filemode.Dir, Hash: h})
			continue
		}
		t.Entries = append(t.Entries, object.TreeEntry{Name: name, Mode: c.mode, Hash: c.hash})
	}
	return objs.encode(t)
}

// CommitAll commits every change in the worktree of the repository at dir (new, changed and
// deleted files) on the current branch, and returns the commit, or "" when nothing changed.
func CommitAll(dir string, author Author, msg string, when time.Time) (string, error) {
	repo, err := git.PlainOpenWithOptions(dir, &git.PlainOpenOptions{EnableDotGitCommonDir: true})
	if err != nil {
		return "", err
	}
	wt, err := repo.Worktree()
	if err != nil {
		return "", err
	}
	st, err := wt.Status()
	if err != nil {
		return "", fmt.Errorf("git status: %w", err)
	}
	if st.IsClean() {
		return "", nil
	}
	if err := wt.AddWithOptions(&git.AddOptions{All: true}); err != nil {
		return "", fmt.Errorf("git add: %w", err)
	}
	sig := &object.Signature{Name: author.Name, Email: author.Email, When: when}
	h, err := wt.Commit(msg, &git.CommitOptions{Author: sig, Committer: sig})
	if err != nil {
		return "", fmt.Errorf("git commit: %w", err)
	}
	return h.String(), nil
}
