package gitfs_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	git "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/plumbing/storer"

	"github.com/idp-cli/idp/internal/answers"
	"github.com/idp-cli/idp/internal/gitfs"
	"github.com/idp-cli/idp/internal/manifest"
	"github.com/idp-cli/idp/internal/render"
)

// binary holds NUL bytes and every other byte value, so nothing may treat it as text.
var binary = func() []byte {
	b := []byte("\x89PNG\r\n\x1a\n\x00\x00")
	for i := range 256 {
		b = append(b, byte(i))
	}
	return b
}()

// files is the worktree committed by commitTree; a value starting with "->" is a symlink.
var files = map[string]string{
	"README.md":        "hello\n",
	"bin/run.sh":       "#!/bin/sh\necho hi\n",
	"data.bin":         string(binary),
	"dir/a.txt":        "a\n",
	"dir/sub/deep.txt": "deep\nno final newline",
	"dir/uplink":       "->../README.md",
	"dir-x":            "sorts before dir/ in git, after dir by name\n",
	"dir.txt":          "likewise\n",
	"dirlink":          "->dir",
	"empty.txt":        "",
	"link":             "->README.md",
}

// commitTree writes files (plus extra, in place of any with the same name) into a new
// repository in a temporary directory, commits them with go-git and returns the repository,
// its directory and HEAD's tree.
func commitTree(t *testing.T, extra map[string]string) (*git.Repository, string, *object.Tree) {
	t.Helper()
	dir := t.TempDir()
	repo, err := git.PlainInit(dir, false)
	if err != nil {
		t.Fatal(err)
	}
	all := map[string]string{}
	for k, v := range files {
		all[k] = v
	}
	for k, v := range extra {
		all[k] = v
	}
	for name, content := range all {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if target, ok := strings.CutPrefix(content, "->"); ok {
			err = os.Symlink(target, p)
		} else {
			mode := os.FileMode(0o644)
			if strings.HasSuffix(name, ".sh") {
				mode = 0o755
			}
			err = os.WriteFile(p, []byte(content), mode)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	return repo, dir, commitAll(t, repo)
}

func commitAll(t *testing.T, repo *git.Repository) *object.Tree {
	t.Helper()
	wt, err := repo.Worktree()
	if err != nil {
		t.Fatal(err)
	}
	if err := wt.AddWithOptions(&git.AddOptions{All: true}); err != nil {
		t.Fatal(err)
	}
	sig := &object.Signature{Name: "t", Email: "t@example.com", When: time.Unix(1700000000, 0)}
	h, err := wt.Commit("files", &git.CommitOptions{Author: sig})
	if err != nil {
		t.Fatal(err)
	}
	c, err := repo.CommitObject(h)
	if err != nil {
		t.Fatal(err)
	}
	tree, err := c.Tree()
	if err != nil {
		t.Fatal(err)
	}
	return tree
}

func expectedPaths() []string {
	var want []string
	for name := range files {
		want = append(want, name)
	}
	return append(want, "bin", "dir", "dir/sub")
}

func TestFSConformance(t *testing.T) {
	_, _, tree := commitTree(t, nil)
	// TestFS also runs itself on fs.Sub(fsys, "bin"), since a name with a slash is expected.
	if err := fstest.TestFS(gitfs.New(tree), expectedPaths()...); err != nil {
		t.Fatal(err)
	}
}

func TestContents(t *testing.T) {
	_, _, tree := commitTree(t, nil)
	fsys := gitfs.New(tree)
	for name, content := range files {
		if target, ok := strings.CutPrefix(content, "->"); ok {
			got, err := fs.ReadLink(fsys, name)
			if err != nil || got != target {
				t.Errorf("ReadLink(%s) = %q, %v; want %q", name, got, err, target)
			}
			continue
		}
		got, err := fs.ReadFile(fsys, name)
		if err != nil || !bytes.Equal(got, []byte(content)) {
			t.Errorf("ReadFile(%s) = %q, %v; want %q", name, got, err, content)
		}
		// Open and read in small pieces, past the generic ReadFile path.
		f, err := fsys.Open(name)
		if err != nil {
			t.Fatal(err)
		}
		got, err = io.ReadAll(io.LimitReader(f, 1<<20))
		if err != nil || !bytes.Equal(got, []byte(content)) {
			t.Errorf("Open(%s)+ReadAll = %q, %v", name, got, err)
		}
		if err := f.Close(); err != nil {
			t.Error(err)
		}
	}
	// Reading through links follows them.
	for link, want := range map[string]string{"link": "hello\n", "dir/uplink": "hello\n", "dirlink/sub/deep.txt": files["dir/sub/deep.txt"]} {
		got, err := fs.ReadFile(fsys, link)
		if err != nil || string(got) != want {
			t.Errorf("ReadFile(%s) = %q, %v; want %q", link, got, err, want)
		}
	}
	// ReadFile hands out a fresh slice each time, as fs.ReadFileFS requires.
	a, _ := fs.ReadFile(fsys, "README.md")
	a[0] = 'X'
	if b, _ := fs.ReadFile(fsys, "README.md"); string(b) != "hello\n" {
		t.Errorf("ReadFile content shared between calls: %q", b)
	}
}

func TestModes(t *testing.T) {
	_, _, tree := commitTree(t, nil)
	fsys := gitfs.New(tree)
	for _, tc := range []struct {
		name        string
		stat, lstat fs.FileMode
		size        int64 // of Lstat
	}{
		{".", fs.ModeDir | 0o755, fs.ModeDir | 0o755, 0},
		{"README.md", 0o644, 0o644, 6},
		{"bin/run.sh", 0o755, 0o755, int64(len(files["bin/run.sh"]))},
		{"data.bin", 0o644, 0o644, int64(len(binary))},
		{"empty.txt", 0o644, 0o644, 0},
		{"dir/sub", fs.ModeDir | 0o755, fs.ModeDir | 0o755, 0},
		{"link", 0o644, fs.ModeSymlink | 0o777, int64(len("README.md"))},
		{"dirlink", fs.ModeDir | 0o755, fs.ModeSymlink | 0o777, int64(len("dir"))},
	} {
		st, err := fs.Stat(fsys, tc.name)
		if err != nil || st.Mode() != tc.stat {
			t.Errorf("Stat(%s) = %v, %v; want %v", tc.name, st.Mode(), err, tc.stat)
			continue
		}
		lst, err := fs.Lstat(fsys, tc.name)
		if err != nil || lst.Mode() != tc.lstat || lst.Size() != tc.size || !lst.ModTime().IsZero() {
			t.Errorf("Lstat(%s) = %v size %d mtime %v, %v; want %v size %d", tc.name, lst.Mode(), lst.Size(), lst.ModTime(), err, tc.lstat, tc.size)
		}
		if want := tc.name; want != "." && st.Name() != filepath.Base(want) {
			t.Errorf("Stat(%s).Name() = %q", tc.name, st.Name())
		}
	}
	// The renderer takes modes from the DirEntry, which must not follow links.
	entries, err := fs.ReadDir(fsys, ".")
	if err != nil {
		t.Fatal(err)
	}
	types := map[string]fs.FileMode{}
	for _, e := range entries {
		info, err := e.Info()
		if err != nil {
			t.Fatal(err)
		}
		if info.Mode().Type() != e.Type() || info.IsDir() != e.IsDir() {
			t.Errorf("%s: Info().Mode() %v disagrees with Type() %v", e.Name(), info.Mode(), e.Type())
		}
		types[e.Name()] = info.Mode()
	}
	want := map[string]fs.FileMode{
		"README.md": 0o644, "bin": fs.ModeDir | 0o755, "data.bin": 0o644, "dir": fs.ModeDir | 0o755,
		"dir-x": 0o644, "dir.txt": 0o644, "dirlink": fs.ModeSymlink | 0o777, "empty.txt": 0o644,
		"link": fs.ModeSymlink | 0o777,
	}
	if !reflect.DeepEqual(types, want) {
		t.Errorf("ReadDir(.) modes = %v\nwant %v", types, want)
	}
}

func TestWalkDirOrder(t *testing.T) {
	_, _, tree := commitTree(t, nil)
	var got []string
	err := fs.WalkDir(gitfs.New(tree), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		got = append(got, p+" "+d.Type().String())
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// Name order, not git's (which puts dir-x and dir.txt before dir), and links not entered.
	want := []string{
		". d---------",
		"README.md ----------",
		"bin d---------",
		"bin/run.sh ----------",
		"data.bin ----------",
		"dir d---------",
		"dir/a.txt ----------",
		"dir/sub d---------",
		"dir/sub/deep.txt ----------",
		"dir/uplink L---------",
		"dir-x ----------",
		"dir.txt ----------",
		"dirlink L---------",
		"empty.txt ----------",
		"link L---------",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("WalkDir order:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestSubReadLink(t *testing.T) {
	_, _, tree := commitTree(t, nil)
	sub, err := fs.Sub(gitfs.New(tree), "dir")
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := sub.(fs.ReadLinkFS); !ok {
		t.Fatalf("fs.Sub result %T is not an fs.ReadLinkFS", sub)
	}
	if target, err := fs.ReadLink(sub, "uplink"); err != nil || target != "../README.md" {
		t.Errorf("ReadLink(sub, uplink) = %q, %v", target, err)
	}
	if info, err := fs.Lstat(sub, "uplink"); err != nil || info.Mode() != fs.ModeSymlink|0o777 {
		t.Errorf("Lstat(sub, uplink) = %v, %v", info, err)
	}
	if err := fstest.TestFS(sub, "a.txt", "sub/deep.txt", "uplink"); err != nil {
		t.Error(err)
	}
}

func TestErrors(t *testing.T) {
	_, _, tree := commitTree(t, nil)
	fsys := gitfs.New(tree)
	check := func(op, name string, err, want error) {
		t.Helper()
		var pe *fs.PathError
		if !errors.Is(err, want) || !errors.As(err, &pe) || pe.Path != name {
			t.Errorf("%s(%q) = %v; want a PathError for %q that is %v", op, name, err, name, want)
		}
	}
	for _, name := range []string{"missing", "dir/missing", "README.md/x", "missing/x", "link/x"} {
		_, err := fsys.Open(name)
		check("Open", name, err, fs.ErrNotExist)
		_, err = fs.Stat(fsys, name)
		check("Stat", name, err, fs.ErrNotExist)
		_, err = fs.Lstat(fsys, name)
		check("Lstat", name, err, fs.ErrNotExist)
		_, err = fs.ReadFile(fsys, name)
		check("ReadFile", name, err, fs.ErrNotExist)
		_, err = fs.ReadDir(fsys, name)
		check("ReadDir", name, err, fs.ErrNotExist)
		_, err = fs.ReadLink(fsys, name)
		check("ReadLink", name, err, fs.ErrNotExist)
	}
	for _, name := range []string{"", "/README.md", "./README.md", "dir/../README.md", "dir/", "..", `dir\a.txt`} {
		if name == `dir\a.txt` {
			// A backslash is valid in an fs path; it just names nothing here.
			_, err := fsys.Open(name)
			check("Open", name, err, fs.ErrNotExist)
			continue
		}
		_, err := fsys.Open(name)
		check("Open", name, err, fs.ErrInvalid)
		_, err = fs.Stat(fsys, name)
		check("Stat", name, err, fs.ErrInvalid)
		_, err = fs.ReadFile(fsys, name)
		check("ReadFile", name, err, fs.ErrInvalid)
		_, err = fs.ReadDir(fsys, name)
		check("ReadDir", name, err, fs.ErrInvalid)
		_, err = fs.ReadLink(fsys, name)
		check("ReadLink", name, err, fs.ErrInvalid)
	}
	if _, err := fs.ReadLink(fsys, "README.md"); err == nil {
		t.Error("ReadLink of a regular file succeeded")
	}
	if _, err := fs.ReadDir(fsys, "README.md"); err == nil {
		t.Error("ReadDir of a regular file succeeded")
	}
	if _, err := fs.ReadFile(fsys, "dir"); err == nil {
		t.Error("ReadFile of a directory succeeded")
	}
	f, err := fsys.Open("README.md")
	if err != nil {
		t.Fatal(err)
	}
	f.Close()
	if _, err := f.Read(make([]byte, 1)); !errors.Is(err, fs.ErrClosed) {
		t.Errorf("Read after Close = %v", err)
	}
}

// TestLinksAndSkipped uses a tree built object by object, for what a worktree commit cannot
// easily hold: a submodule, a legacy 0664 mode, and links that escape, dangle or loop.
func TestLinksAndSkipped(t *testing.T) {
	repo, _, _ := commitTree(t, nil)
	s := repo.Storer
	sub := storeTree(t, s, []object.TreeEntry{
		{Name: "up", Mode: filemode.Symlink, Hash: storeBlob(t, s, "../file.txt")},
		{Name: "self", Mode: filemode.Symlink, Hash: storeBlob(t, s, ".")},
		{Name: "zigzag", Mode: filemode.Symlink, Hash: storeBlob(t, s, "../sub/./../sub/up")},
		{Name: "out", Mode: filemode.Symlink, Hash: storeBlob(t, s, "../../outside")},
	})
	tree := storeTree(t, s, []object.TreeEntry{
		{Name: "file.txt", Mode: filemode.Regular, Hash: storeBlob(t, s, "x")},
		{Name: "old.txt", Mode: filemode.Deprecated, Hash: storeBlob(t, s, "old")},
		{Name: "mod", Mode: filemode.Submodule, Hash: plumbing.NewHash("0123456789abcdef0123456789abcdef01234567")},
		{Name: "sub", Mode: filemode.Dir, Hash: sub.Hash},
		{Name: "abs", Mode: filemode.Symlink, Hash: storeBlob(t, s, "/etc/passwd")},
		{Name: "escape", Mode: filemode.Symlink, Hash: storeBlob(t, s, "../outside")},
		{Name: "dangling", Mode: filemode.Symlink, Hash: storeBlob(t, s, "nope")},
		{Name: "loop", Mode: filemode.Symlink, Hash: storeBlob(t, s, "loop")},
		{Name: "subdir", Mode: filemode.Symlink, Hash: storeBlob(t, s, "sub/self")},
	})
	fsys := gitfs.New(tree)

	var names []string
	entries, err := fs.ReadDir(fsys, ".")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if want := []string{"abs", "dangling", "escape", "file.txt", "loop", "old.txt", "sub", "subdir"}; !reflect.DeepEqual(names, want) {
		t.Errorf("ReadDir(.) = %v; want %v (the submodule skipped)", names, want)
	}
	if _, err := fs.Stat(fsys, "mod"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Stat(mod) = %v; want ErrNotExist", err)
	}
	if info, err := fs.Stat(fsys, "old.txt"); err != nil || info.Mode() != 0o644 {
		t.Errorf("Stat(old.txt) = %v, %v", info, err)
	}

	// Links inside the tree are followed, however they get there.
	for _, name := range []string{"sub/up", "sub/zigzag", "subdir/up", "sub/self/self/up"} {
		if b, err := fs.ReadFile(fsys, name); err != nil || string(b) != "x" {
			t.Errorf("ReadFile(%s) = %q, %v", name, b, err)
		}
	}
	if info, err := fs.Stat(fsys, "subdir"); err != nil || !info.IsDir() || info.Name() != "subdir" {
		t.Errorf("Stat(subdir) = %v, %v; want the directory sub, named subdir", info, err)
	}
	if list, err := fs.ReadDir(fsys, "subdir"); err != nil || len(list) != 4 {
		t.Errorf("ReadDir(subdir) = %v, %v", list, err)
	}

	// Links that cannot be followed fail on Open and Stat but are still links to Lstat and
	// ReadLink, which is all the renderer needs of them.
	for name, target := range map[string]string{
		"abs": "/etc/passwd", "escape": "../outside", "sub/out": "../../outside", "dangling": "nope", "loop": "loop",
	} {
		if _, err := fsys.Open(name); err == nil {
			t.Errorf("Open(%s) succeeded", name)
		}
		if _, err := fs.Stat(fsys, name); err == nil {
			t.Errorf("Stat(%s) succeeded", name)
		}
		if got, err := fs.ReadLink(fsys, name); err != nil || got != target {
			t.Errorf("ReadLink(%s) = %q, %v; want %q", name, got, err, target)
		}
		if info, err := fs.Lstat(fsys, name); err != nil || info.Mode() != fs.ModeSymlink|0o777 {
			t.Errorf("Lstat(%s) = %v, %v", name, info, err)
		}
	}
	if _, err := fs.Stat(fsys, "dangling"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Stat(dangling) = %v; want ErrNotExist", err)
	}
	if _, err := fs.Stat(fsys, "loop"); err == nil || !strings.Contains(err.Error(), "too many") {
		t.Errorf("Stat(loop) = %v; want too many links", err)
	}
}

func storeBlob(t *testing.T, s storer.EncodedObjectStorer, content string) plumbing.Hash {
	t.Helper()
	o := s.NewEncodedObject()
	o.SetType(plumbing.BlobObject)
	w, err := o.Writer()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.WriteString(w, content); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	h, err := s.SetEncodedObject(o)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func storeTree(t *testing.T, s storer.EncodedObjectStorer, entries []object.TreeEntry) *object.Tree {
	t.Helper()
	// Git orders entries by name, a directory's as if it ended in a slash.
	key := func(e object.TreeEntry) string {
		if e.Mode == filemode.Dir {
			return e.Name + "/"
		}
		return e.Name
	}
	sort.Slice(entries, func(i, j int) bool { return key(entries[i]) < key(entries[j]) })
	o := s.NewEncodedObject()
	if err := (&object.Tree{Entries: entries}).Encode(o); err != nil {
		t.Fatal(err)
	}
	h, err := s.SetEncodedObject(o)
	if err != nil {
		t.Fatal(err)
	}
	tree, err := object.GetTree(s, h)
	if err != nil {
		t.Fatal(err)
	}
	return tree
}

// TestBareClone reads the tree from a bare clone, the way the cache holds golden paths.
func TestBareClone(t *testing.T) {
	_, dir, _ := commitTree(t, nil)
	bare, err := git.PlainClone(t.TempDir(), true, &git.CloneOptions{URL: dir})
	if err != nil {
		t.Fatal(err)
	}
	head, err := bare.Head()
	if err != nil {
		t.Fatal(err)
	}
	c, err := bare.CommitObject(head.Hash())
	if err != nil {
		t.Fatal(err)
	}
	tree, err := c.Tree()
	if err != nil {
		t.Fatal(err)
	}
	fsys := gitfs.New(tree)
	if err := fstest.TestFS(fsys, expectedPaths()...); err != nil {
		t.Fatal(err)
	}
	if b, err := fs.ReadFile(fsys, "data.bin"); err != nil || !bytes.Equal(b, binary) {
		t.Errorf("data.bin from the packed clone = %d bytes, %v", len(b), err)
	}
}

// TestConcurrent reads from many goroutines; run with -race.
func TestConcurrent(t *testing.T) {
	_, _, tree := commitTree(t, nil)
	fsys := gitfs.New(tree)
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			_ = fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
				if err != nil {
					t.Error(err)
					return err
				}
				if _, err := d.Info(); err != nil {
					t.Error(err)
				}
				if d.Type().IsRegular() {
					if _, err := fs.ReadFile(fsys, p); err != nil {
						t.Error(err)
					}
				}
				return nil
			})
		})
	}
	wg.Wait()
}

// TestRenderSame renders the renderer's own test golden path from a git commit and from the
// directory it was committed from; the trees must be identical.
func TestRenderSame(t *testing.T) {
	src := filepath.Join("..", "render", "testdata", "full")
	dir := t.TempDir()
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		out := filepath.Join(dir, rel)
		info, err := os.Lstat(p)
		if err != nil {
			return err
		}
		switch {
		case d.IsDir():
			return os.MkdirAll(out, 0o755)
		case info.Mode()&fs.ModeSymlink != 0:
			target, err := os.Readlink(p)
			if err != nil {
				return err
			}
			return os.Symlink(target, out)
		default:
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			return os.WriteFile(out, b, info.Mode().Perm())
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	repo, err := git.PlainInit(dir, false)
	if err != nil {
		t.Fatal(err)
	}
	tree := commitAll(t, repo)

	data, err := os.ReadFile(filepath.Join(dir, manifest.FileName))
	if err != nil {
		t.Fatal(err)
	}
	m, err := manifest.Parse(data, manifest.FileName, "full")
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	res, err := answers.Resolve(ctx, m, answers.Request{Set: []string{"name=shop", "with_db=true"}})
	if err != nil {
		t.Fatal(err)
	}
	fromDir, err := render.Render(ctx, os.DirFS(dir), m, res.Data)
	if err != nil {
		t.Fatal(err)
	}
	fromGit, err := render.Render(ctx, gitfs.New(tree), m, res.Data)
	if err != nil {
		t.Fatal(err)
	}
	if len(fromGit.Files) == 0 || !reflect.DeepEqual(fromDir, fromGit) {
		t.Errorf("render from git differs from render from disk:\ngit:  %+v\ndisk: %+v", fromGit.Files, fromDir.Files)
	}
	var sawLink, sawExec, sawBinary bool
	for _, f := range fromGit.Files {
		sawLink = sawLink || f.IsSymlink()
		sawExec = sawExec || f.Mode == 0o755
		sawBinary = sawBinary || f.Binary
	}
	if !sawLink || !sawExec || !sawBinary {
		t.Errorf("the golden path lost a case: link %v, executable %v, binary %v", sawLink, sawExec, sawBinary)
	}
}
