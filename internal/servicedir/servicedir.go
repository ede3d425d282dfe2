// Package servicedir is a service's directory opened as one os.Root: every read, write, rename,
// chmod and removal that idp makes under a service goes through it, so no link (planted by a
// golden path or already in the service) and no `..` can reach outside, by construction. It
// also never goes through a link inside the service: a path whose parent is a link is
// "blocked", and the caller decides what that means (update makes it a conflict).
package servicedir

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"strings"
	"syscall"
)

// Dir is an open service directory.
type Dir struct {
	root *os.Root
}

// Open opens dir, which must exist.
func Open(dir string) (*Dir, error) {
	r, err := os.OpenRoot(dir)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", dir, err)
	}
	return &Dir{root: r}, nil
}

// Close releases the directory.
func (d *Dir) Close() error { return d.root.Close() }

// Name is the directory as it was opened.
func (d *Dir) Name() string { return d.root.Name() }

// Kind is what is at a path.
type Kind int

// The kinds of entry.
const (
	Missing Kind = iota
	File
	Link
	Directory
	Other // a device, socket or pipe
)

func (k Kind) String() string {
	return [...]string{"nothing", "a file", "a link", "a directory", "a special file"}[k]
}

// Entry is what Read finds at a path.
type Entry struct {
	Kind Kind
	Data []byte      // a file's content or a link's target (slash-separated)
	Mode fs.FileMode // a file's: 0644 or 0755
}

// BlockedError is a path that idp would reach only through something in the way: a link (which
// idp never follows inside a service), a file where a directory should be, or a special file.
type BlockedError struct {
	Path string // the path asked for
	By   string // the ancestor in the way
	Kind Kind   // what By is
}

func (e *BlockedError) Error() string {
	return fmt.Sprintf("%s is %s in the service, in the way of %s", e.By, e.Kind, e.Path)
}

func kindOf(m fs.FileMode) Kind {
	switch {
	case m&fs.ModeSymlink != 0:
		return Link
	case m.IsDir():
		return Directory
	case m.IsRegular():
		return File
	}
	return Other
}

// clean checks a slash-separated path relative to the service: local, and no component that is
// .git on any file system.
func clean(name string) (string, error) {
	if name == "" || path.IsAbs(name) || strings.Contains(name, "\\") || !fs.ValidPath(name) || name == "." {
		return "", fmt.Errorf("%q is not a path inside the service", name)
	}
	if c := GitComponent(name); c != "" {
		return "", fmt.Errorf("%q: %q is the repository's .git on some file systems; idp does not write there", name, c)
	}
	return name, nil
}

// Blocker returns the first proper ancestor of name that is not a real directory, or nil when
// every ancestor is a directory or missing.
func (d *Dir) Blocker(name string) (*BlockedError, error) {
	name, err := clean(name)
	if err != nil {
		return nil, err
	}
	for i := 0; i < len(name); i++ {
		if name[i] != '/' {
			continue
		}
		dir := name[:i]
		fi, err := d.root.Lstat(dir)
		switch {
		case isMissing(err):
			return nil, nil
		case err != nil:
			return nil, fmt.Errorf("%s: %w", dir, unwrapPath(err))
		case !fi.IsDir():
			return &BlockedError{Path: name, By: dir, Kind: kindOf(fi.Mode())}, nil
		}
	}
	return nil, nil
}

func isMissing(err error) bool {
	return errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR)
}

// Read returns what is at name, never following a link: a link is returned as its target. A
// path behind a link or a file is a *BlockedError.
func (d *Dir) Read(name string) (Entry, error) {
	b, err := d.Blocker(name)
	if err != nil {
		return Entry{}, err
	}
	if b != nil {
		return Entry{}, b
	}
	fi, err := d.root.Lstat(name)
	switch {
	case isMissing(err):
		return Entry{}, nil
	case err != nil:
		return Entry{}, fmt.Errorf("%s: %w", name, unwrapPath(err))
	}
	e := Entry{Kind: kindOf(fi.Mode())}
	switch e.Kind {
	case Link:
		target, err := d.root.Readlink(name)
		if err != nil {
			return Entry{}, fmt.Errorf("%s: %w", name, unwrapPath(err))
		}
		e.Data = []byte(strings.ReplaceAll(target, string(os.PathSeparator), "/"))
	case File:
		f, err := d.root.OpenFile(name, os.O_RDONLY|noFollow, 0)
		if err != nil {
			return Entry{}, fmt.Errorf("%s: %w", name, unwrapPath(err))
		}
		defer f.Close()
		st, err := f.Stat()
		if err != nil || !st.Mode().IsRegular() {
			return Entry{}, fmt.Errorf("%s changed while idp read it; run again", name)
		}
		data, err := io.ReadAll(f)
		if err != nil {
			return Entry{}, fmt.Errorf("read %s: %w", name, unwrapPath(err))
		}
		e.Data = data
		e.Mode = 0o644
		if st.Mode().Perm()&0o111 != 0 {
			e.Mode = 0o755
		}
	}
	return e, nil
}

// Write puts a file (mode 0644 or 0755) or a link (fs.ModeSymlink, data its target) at name,
// through a temporary file renamed into place, creating parent directories. It refuses a path
// behind a link or a file; what is at name itself (a file or a link) is replaced.
func (d *Dir) Write(name string, data []byte, mode fs.FileMode) error {
	b, err := d.Blocker(name)
	if err != nil {
		return err
	}
	if b != nil {
		return b
	}
	if dir := path.Dir(name); dir != "." {
		if err := d.root.MkdirAll(dir, 0o755); err != nil {
			return fmt.Errorf("create %s: %w", dir, unwrapPath(err))
		}
	}
	if fi, err := d.root.Lstat(name); err == nil && fi.IsDir() {
		return &BlockedError{Path: name, By: name, Kind: Directory}
	}
	tmp := path.Join(path.Dir(name), ".idp-tmp-"+random()+"-"+path.Base(name))
	if len(path.Base(tmp)) > 200 {
		tmp = path.Join(path.Dir(name), ".idp-tmp-"+random())
	}
	if mode&fs.ModeSymlink != 0 {
		err = d.root.Symlink(string(data), tmp)
	} else {
		err = d.writeFile(tmp, data, mode.Perm())
	}
	if err == nil {
		err = d.root.Rename(tmp, name)
	}
	if err != nil {
		d.root.Remove(tmp)
		return fmt.Errorf("write %s: %w", name, unwrapPath(err))
	}
	return nil
}

func (d *Dir) writeFile(name string, data []byte, perm fs.FileMode) error {
	f, err := d.root.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL|noFollow, perm)
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	if err == nil {
		err = f.Chmod(perm) // past the umask: the mode is the golden path's
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// Remove deletes the file or link at name (never what a link points to), then the parent
// directories it leaves empty. A missing file is no error; a path behind a link or a file is a
// *BlockedError.
func (d *Dir) Remove(name string) error {
	b, err := d.Blocker(name)
	if err != nil {
		return err
	}
	if b != nil {
		return b
	}
	fi, err := d.root.Lstat(name)
	switch {
	case isMissing(err):
		return nil
	case err != nil:
		return fmt.Errorf("remove %s: %w", name, unwrapPath(err))
	case fi.IsDir():
		return &BlockedError{Path: name, By: name, Kind: Directory}
	}
	if err := d.root.Remove(name); err != nil && !isMissing(err) {
		return fmt.Errorf("remove %s: %w", name, unwrapPath(err))
	}
	for dir := path.Dir(name); dir != "."; dir = path.Dir(dir) {
		fi, err := d.root.Lstat(dir)
		if err != nil || !fi.IsDir() {
			break
		}
		if d.root.Remove(dir) != nil { // not empty
			break
		}
	}
	return nil
}

// Exists reports whether anything (a file, link or directory) is at name, without following
// links; a path behind a link or file counts as taken.
func (d *Dir) Exists(name string) (bool, error) {
	e, err := d.Read(name)
	var b *BlockedError
	if errors.As(err, &b) {
		return true, nil
	}
	return e.Kind != Missing, err
}

// MkdirAll makes a directory and its parents, refusing to go through a link.
func (d *Dir) MkdirAll(name string) error {
	b, err := d.Blocker(name + "/x")
	if err != nil {
		return err
	}
	if b != nil {
		return b
	}
	if err := d.root.MkdirAll(name, 0o755); err != nil {
		return fmt.Errorf("create %s: %w", name, unwrapPath(err))
	}
	return nil
}

// Root is the underlying os.Root, for callers that walk the service (fs.WalkDir over FS()).
func (d *Dir) Root() *os.Root { return d.root }

func random() string {
	var b [6]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// unwrapPath drops an *fs.PathError's operation and path, which the callers say in their own
// words, keeping the reason ("permission denied", "path escapes from parent").
func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	var le *os.LinkError
	if errors.As(err, &le) {
		return le.Err
	}
	return err
}
