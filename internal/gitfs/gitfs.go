// Package gitfs presents a git tree held in a go-git repository as an io/fs.FS, so a golden
// path can be read straight from a (bare) cache clone without checking it out.
//
// Semantics:
//   - Directories have mode fs.ModeDir|0755, regular blobs 0644, executable blobs 0755, and
//     symlinks fs.ModeSymlink|0777. ModTime is always zero.
//   - Open, Stat and ReadFile follow symlinks, like os.DirFS, but only within the tree: a link
//     that is absolute, climbs above the root or dangles gives an error. ReadDir and Lstat
//     report links as links, and ReadLink returns the target as stored in the blob.
//   - Submodules (gitlinks) and entries of any other mode are skipped: their content is not
//     in the repository, so listing them would only yield entries that cannot be opened.
//   - Entry names that go-git refuses to materialise (.git look-alikes, control characters)
//     are listed but cannot be opened or read.
package gitfs

import (
	"bytes"
	"errors"
	"io"
	"io/fs"
	"path"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"
)

// maxLinks bounds symlink resolution, as Linux's MAXSYMLINKS does, so link cycles end.
const maxLinks = 40

var (
	errOutside = errors.New("symlink leads outside the git tree")
	errTooMany = errors.New("too many levels of symbolic links")
	errIsDir   = errors.New("is a directory")
	errNotDir  = errors.New("not a directory")
	errNotLink = errors.New("not a symbolic link")
)

// gitFS is a git tree as a file system. It is safe for concurrent use.
type gitFS struct {
	// mu serialises go-git calls: object.Tree lazily fills a lookup cache and the object
	// storers are not documented as safe for concurrent readers.
	mu    sync.Mutex
	root  *object.Tree
	trees map[plumbing.Hash]*object.Tree // decoded subtrees: a render resolves each path from the root
}

var (
	_ fs.FS         = (*gitFS)(nil)
	_ fs.ReadDirFS  = (*gitFS)(nil)
	_ fs.ReadFileFS = (*gitFS)(nil)
	_ fs.StatFS     = (*gitFS)(nil)
	_ fs.ReadLinkFS = (*gitFS)(nil)
)

// New returns the files of tree as an fs.FS that also implements fs.ReadDirFS,
// fs.ReadFileFS, fs.StatFS and fs.ReadLinkFS. Nothing is read until asked for.
func New(tree *object.Tree) fs.FS {
	return &gitFS{root: tree}
}

// node is a resolved name: the root, or an entry of the tree parent.
type node struct {
	name   string // base name of the path asked for, which for a followed link is the link's
	entry  *object.TreeEntry
	parent *object.Tree
	tree   *object.Tree // set for directories
}

func (n *node) isDir() bool { return n.tree != nil }

// resolve finds name, following symlinks on the way and, if follow is set, a symlink at the
// end. The caller holds f.mu.
func (f *gitFS) resolve(op, name string, follow bool) (*node, error) {
	if !fs.ValidPath(name) {
		return nil, &fs.PathError{Op: op, Path: name, Err: fs.ErrInvalid}
	}
	base := path.Base(name)
	if name == "." {
		return &node{name: base, tree: f.root}, nil
	}
	stack := []*object.Tree{f.root} // directories from the root to the current one
	parts := strings.Split(name, "/")
	links := 0
	for len(parts) > 0 {
		c := parts[0]
		parts = parts[1:]
		switch c {
		case "", ".":
			continue
		case "..":
			if len(stack) == 1 {
				return nil, &fs.PathError{Op: op, Path: name, Err: errOutside}
			}
			stack = stack[:len(stack)-1]
			continue
		}
		dir := stack[len(stack)-1]
		e := lookup(dir, c)
		if e == nil {
			return nil, &fs.PathError{Op: op, Path: name, Err: fs.ErrNotExist}
		}
		last := len(parts) == 0
		switch e.Mode {
		case filemode.Symlink:
			if last && !follow {
				return &node{name: base, entry: e, parent: dir}, nil
			}
			if links++; links > maxLinks {
				return nil, &fs.PathError{Op: op, Path: name, Err: errTooMany}
			}
			target, err := readBlob(dir, e)
			if err != nil {
				return nil, &fs.PathError{Op: op, Path: name, Err: err}
			}
			if len(target) == 0 {
				return nil, &fs.PathError{Op: op, Path: name, Err: fs.ErrNotExist}
			}
			if path.IsAbs(string(target)) {
				return nil, &fs.PathError{Op: op, Path: name, Err: errOutside}
			}
			parts = append(strings.Split(string(target), "/"), parts...)
		case filemode.Dir:
			sub := f.trees[e.Hash]
			if sub == nil {
				var err error
				if sub, err = dir.Tree(c); err != nil {
					return nil, &fs.PathError{Op: op, Path: name, Err: err}
				}
				if f.trees == nil {
					f.trees = map[plumbing.Hash]*object.Tree{}
				}
				f.trees[e.Hash] = sub
			}
			if last {
				return &node{name: base, entry: e, parent: dir, tree: sub}, nil
			}
			stack = append(stack, sub)
		default:
			if !last {
				return nil, &fs.PathError{Op: op, Path: name, Err: fs.ErrNotExist}
			}
			return &node{name: base, entry: e, parent: dir}, nil
		}
	}
	// The path ended on "..", "." or a link to such, so it names the current directory.
	return &node{name: base, tree: stack[len(stack)-1]}, nil
}

// lookup returns dir's entry called name, or nil. It scans rather than calling
// Tree.FindEntry so that skipped entries (submodules) stay invisible.
func lookup(dir *object.Tree, name string) *object.TreeEntry {
	for i := range dir.Entries {
		if e := &dir.Entries[i]; e.Name == name && modeOf(e.Mode) != nil {
			return e
		}
	}
	return nil
}

// modeOf maps a git mode to an fs mode, or nil for entries the FS skips.
func modeOf(m filemode.FileMode) *fs.FileMode {
	var mode fs.FileMode
	switch m {
	case filemode.Dir:
		mode = fs.ModeDir | 0o755
	case filemode.Regular, filemode.Deprecated:
		mode = 0o644
	case filemode.Executable:
		mode = 0o755
	case filemode.Symlink:
		mode = fs.ModeSymlink | 0o777
	default:
		return nil
	}
	return &mode
}

func readBlob(dir *object.Tree, e *object.TreeEntry) ([]byte, error) {
	file, err := dir.TreeEntryFile(e)
	if err != nil {
		return nil, err
	}
	r, err := file.Reader()
	if err != nil {
		return nil, err
	}
	defer r.Close()
	var buf bytes.Buffer
	buf.Grow(int(file.Size))
	if _, err := buf.ReadFrom(r); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// info builds n's FileInfo. The caller holds f.mu.
func (f *gitFS) info(n *node) (*fileInfo, error) {
	if n.entry == nil || n.entry.Mode == filemode.Dir {
		return &fileInfo{name: n.name, mode: fs.ModeDir | 0o755}, nil
	}
	size, err := n.parent.Size(n.entry.Name)
	if err != nil {
		return nil, err
	}
	return &fileInfo{name: n.name, mode: *modeOf(n.entry.Mode), size: size}, nil
}

// Open opens name, following symlinks inside the tree. A directory's file implements
// fs.ReadDirFile; a regular file's content is read whole on Open.
func (f *gitFS) Open(name string) (fs.File, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	n, err := f.resolve("open", name, true)
	if err != nil {
		return nil, err
	}
	if n.isDir() {
		return &dir{path: name, info: fileInfo{name: n.name, mode: fs.ModeDir | 0o755}, entries: f.entries(n.tree)}, nil
	}
	data, err := readBlob(n.parent, n.entry)
	if err != nil {
		return nil, &fs.PathError{Op: "open", Path: name, Err: err}
	}
	info := fileInfo{name: n.name, mode: *modeOf(n.entry.Mode), size: int64(len(data))}
	return &file{path: name, info: info, r: bytes.NewReader(data)}, nil
}

// Stat returns name's FileInfo, following symlinks inside the tree.
func (f *gitFS) Stat(name string) (fs.FileInfo, error) {
	return f.stat("stat", name, true)
}

// Lstat returns name's FileInfo without following a symlink at the end of name.
func (f *gitFS) Lstat(name string) (fs.FileInfo, error) {
	return f.stat("lstat", name, false)
}

func (f *gitFS) stat(op, name string, follow bool) (fs.FileInfo, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	n, err := f.resolve(op, name, follow)
	if err != nil {
		return nil, err
	}
	info, err := f.info(n)
	if err != nil {
		return nil, &fs.PathError{Op: op, Path: name, Err: err}
	}
	return info, nil
}

// ReadLink returns the target of the symlink name, as stored in the tree.
func (f *gitFS) ReadLink(name string) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	n, err := f.resolve("readlink", name, false)
	if err != nil {
		return "", err
	}
	if n.isDir() || n.entry.Mode != filemode.Symlink {
		return "", &fs.PathError{Op: "readlink", Path: name, Err: errNotLink}
	}
	target, err := readBlob(n.parent, n.entry)
	if err != nil {
		return "", &fs.PathError{Op: "readlink", Path: name, Err: err}
	}
	return string(target), nil
}

// ReadFile returns name's content, following symlinks inside the tree.
func (f *gitFS) ReadFile(name string) ([]byte, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	n, err := f.resolve("readfile", name, true)
	if err != nil {
		return nil, err
	}
	if n.isDir() {
		return nil, &fs.PathError{Op: "read", Path: name, Err: errIsDir}
	}
	data, err := readBlob(n.parent, n.entry)
	if err != nil {
		return nil, &fs.PathError{Op: "readfile", Path: name, Err: err}
	}
	return data, nil
}

// ReadDir returns the directory name's entries sorted by name.
func (f *gitFS) ReadDir(name string) ([]fs.DirEntry, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	n, err := f.resolve("readdir", name, true)
	if err != nil {
		return nil, err
	}
	if !n.isDir() {
		return nil, &fs.PathError{Op: "readdir", Path: name, Err: errNotDir}
	}
	return f.entries(n.tree), nil
}

// entries lists t sorted by name; git orders a directory as if its name ended in a slash.
func (f *gitFS) entries(t *object.Tree) []fs.DirEntry {
	list := make([]fs.DirEntry, 0, len(t.Entries))
	for i := range t.Entries {
		e := &t.Entries[i]
		if modeOf(e.Mode) != nil {
			list = append(list, &dirEntry{fsys: f, parent: t, entry: e})
		}
	}
	slices.SortFunc(list, func(a, b fs.DirEntry) int { return strings.Compare(a.Name(), b.Name()) })
	return list
}

type fileInfo struct {
	name string
	size int64
	mode fs.FileMode
}

func (i *fileInfo) Name() string       { return i.name }
func (i *fileInfo) Size() int64        { return i.size }
func (i *fileInfo) Mode() fs.FileMode  { return i.mode }
func (i *fileInfo) ModTime() time.Time { return time.Time{} }
func (i *fileInfo) IsDir() bool        { return i.mode.IsDir() }
func (i *fileInfo) Sys() any           { return nil }

// dirEntry reports an entry as it is in the tree, without following links. Its size is
// looked up only when Info is called, since walkers rarely need it.
type dirEntry struct {
	fsys   *gitFS
	parent *object.Tree
	entry  *object.TreeEntry
}

func (d *dirEntry) Name() string               { return d.entry.Name }
func (d *dirEntry) IsDir() bool                { return d.entry.Mode == filemode.Dir }
func (d *dirEntry) Type() fs.FileMode          { return modeOf(d.entry.Mode).Type() }
func (d *dirEntry) String() string             { return fs.FormatDirEntry(d) }
func (d *dirEntry) Info() (fs.FileInfo, error) { return d.fsys.entryInfo(d.parent, d.entry) }

func (f *gitFS) entryInfo(parent *object.Tree, e *object.TreeEntry) (fs.FileInfo, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	info, err := f.info(&node{name: e.Name, entry: e, parent: parent})
	if err != nil {
		return nil, &fs.PathError{Op: "stat", Path: e.Name, Err: err}
	}
	return info, nil
}

// file is an opened regular file, its content already in memory.
type file struct {
	path   string
	info   fileInfo
	r      *bytes.Reader
	closed bool
}

func (f *file) Stat() (fs.FileInfo, error) { return &f.info, nil }

func (f *file) Read(p []byte) (int, error) {
	if f.closed {
		return 0, &fs.PathError{Op: "read", Path: f.path, Err: fs.ErrClosed}
	}
	return f.r.Read(p)
}

func (f *file) ReadAt(p []byte, off int64) (int, error) {
	if f.closed {
		return 0, &fs.PathError{Op: "read", Path: f.path, Err: fs.ErrClosed}
	}
	return f.r.ReadAt(p, off)
}

func (f *file) Seek(offset int64, whence int) (int64, error) {
	if f.closed {
		return 0, &fs.PathError{Op: "seek", Path: f.path, Err: fs.ErrClosed}
	}
	return f.r.Seek(offset, whence)
}

func (f *file) Close() error {
	if f.closed {
		return &fs.PathError{Op: "close", Path: f.path, Err: fs.ErrClosed}
	}
	f.closed = true
	return nil
}

// dir is an opened directory.
type dir struct {
	path    string
	info    fileInfo
	entries []fs.DirEntry
	off     int
}

func (d *dir) Stat() (fs.FileInfo, error) { return &d.info, nil }
func (d *dir) Close() error               { return nil }

func (d *dir) Read([]byte) (int, error) {
	return 0, &fs.PathError{Op: "read", Path: d.path, Err: errIsDir}
}

// ReadDir follows fs.ReadDirFile: n > 0 returns at most n entries and io.EOF at the end.
func (d *dir) ReadDir(n int) ([]fs.DirEntry, error) {
	rest := d.entries[d.off:]
	if n <= 0 {
		d.off = len(d.entries)
		return slices.Clone(rest), nil
	}
	if len(rest) == 0 {
		return nil, io.EOF
	}
	n = min(n, len(rest))
	d.off += n
	return slices.Clone(rest[:n]), nil
}

var _ fs.ReadDirFile = (*dir)(nil)
