// Package golden compares test output with files under testdata, and rewrites them when tests
// run with -update. Trees of files are kept as txtar archives so one file shows a whole service.
package golden

import (
	"bytes"
	"crypto/sha256"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"golang.org/x/tools/txtar"
)

var update = flag.Bool("update", false, "rewrite golden files under testdata")

// Assert compares got with the golden file at path (or rewrites it with -update).
func Assert(t testing.TB, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read golden file: %v (run the test with -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the output (run with -update if the change is intended):\n%s", path, lineDiff(string(want), string(got)))
	}
}

// File is one file of a tree, for Archive.
type File struct {
	Path string
	Mode fs.FileMode // 0644, 0755 or fs.ModeSymlink
	Data []byte
}

// Archive renders files as a txtar archive: text as it is, binary files as their size and hash,
// symlinks as their target; modes other than 0644 and missing final newlines are listed in the
// archive's comment.
func Archive(files []File) []byte {
	sort.Slice(files, func(i, j int) bool { return files[i].Path < files[j].Path })
	var comment strings.Builder
	ar := &txtar.Archive{}
	for _, f := range files {
		data := f.Data
		switch {
		case f.Mode&fs.ModeSymlink != 0:
			fmt.Fprintf(&comment, "symlink %s -> %s\n", f.Path, f.Data)
			data = nil
		case bytes.IndexByte(data[:min(len(data), 8000)], 0) >= 0:
			data = fmt.Appendf(nil, "binary, %d bytes, sha256 %x\n", len(data), sha256.Sum256(data))
		default:
			if f.Mode.Perm() != 0o644 {
				fmt.Fprintf(&comment, "mode %04o %s\n", f.Mode.Perm(), f.Path)
			}
			if len(data) > 0 && data[len(data)-1] != '\n' {
				fmt.Fprintf(&comment, "no final newline %s\n", f.Path)
				data = append(bytes.Clone(data), '\n')
			}
		}
		ar.Files = append(ar.Files, txtar.File{Name: f.Path, Data: data})
	}
	ar.Comment = []byte(comment.String())
	return txtar.Format(ar)
}

// ReadDir reads a directory tree from disk as Files, leaving out .git.
func ReadDir(t testing.TB, root string) []File {
	t.Helper()
	var files []File
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if d.Name() == ".git" {
				return filepath.SkipDir
			}
			return nil
		}
		rel, _ := filepath.Rel(root, p)
		info, err := d.Info()
		if err != nil {
			return err
		}
		f := File{Path: filepath.ToSlash(rel), Mode: info.Mode().Perm()}
		if d.Type()&fs.ModeSymlink != 0 {
			target, err := os.Readlink(p)
			if err != nil {
				return err
			}
			f.Mode, f.Data = fs.ModeSymlink, []byte(target)
		} else if f.Data, err = os.ReadFile(p); err != nil {
			return err
		}
		files = append(files, f)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// lineDiff is a small line diff for failure messages: lines only in want with -, only in got
// with +, in order of the longest common subsequence.
func lineDiff(want, got string) string {
	a, b := strings.Split(want, "\n"), strings.Split(got, "\n")
	n, m := len(a), len(b)
	lcs := make([][]int, n+1)
	for i := range lcs {
		lcs[i] = make([]int, m+1)
	}
	for i := n - 1; i >= 0; i-- {
		for j := m - 1; j >= 0; j-- {
			if a[i] == b[j] {
				lcs[i][j] = lcs[i+1][j+1] + 1
			} else {
				lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
			}
		}
	}
	var out strings.Builder
	i, j := 0, 0
	for i < n || j < m {
		switch {
		case i < n && j < m && a[i] == b[j]:
			i, j = i+1, j+1
		case j < m && (i == n || lcs[i][j+1] >= lcs[i+1][j]):
			fmt.Fprintf(&out, "+%s\n", b[j])
			j++
		default:
			fmt.Fprintf(&out, "-%s\n", a[i])
			i++
		}
	}
	return out.String()
}
