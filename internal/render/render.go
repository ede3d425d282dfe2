// Package render turns a golden path (its files as an fs.FS) and the answers into an in-memory
// tree of files. It is a pure function: no disk writes, no network, no clock.
package render

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"slices"
	"sort"
	"strings"
	"text/template"

	"github.com/idp-cli/idp/internal/manifest"
	"github.com/idp-cli/idp/internal/pathglob"
	"github.com/idp-cli/idp/internal/tmplfuncs"
)

// SkeletonDir is the directory of a golden path that holds the files to render.
const SkeletonDir = "skeleton"

// binarySniffLen is how much of a file is searched for a NUL byte, as git does.
const binarySniffLen = 8000

// File is one rendered file.
type File struct {
	Path   string      // slash-separated, relative to the service root
	Mode   fs.FileMode // 0644 or 0755, or fs.ModeSymlink
	Data   []byte      // the content, or a symlink's target
	Binary bool
	Source string // its path in the golden path, for messages
}

// IsSymlink reports whether the file is a symbolic link.
func (f *File) IsSymlink() bool { return f.Mode&fs.ModeSymlink != 0 }

// Tree is a rendered service, files sorted by path.
type Tree struct {
	Files []File
}

// Lookup returns the file at p, or nil.
func (t *Tree) Lookup(p string) *File {
	i := sort.Search(len(t.Files), func(i int) bool { return t.Files[i].Path >= p })
	if i < len(t.Files) && t.Files[i].Path == p {
		return &t.Files[i]
	}
	return nil
}

// Error is a fault in one file of the golden path.
type Error struct {
	File string // path in the golden path, e.g. skeleton/cmd/main.go
	Line int
	Col  int
	Msg  string
}

func (e *Error) Error() string {
	loc := e.File
	if e.Line > 0 {
		loc += fmt.Sprintf(":%d", e.Line)
		if e.Col > 0 {
			loc += fmt.Sprintf(":%d", e.Col)
		}
	}
	return loc + ": " + e.Msg
}

// Render renders the golden path in tmpl (holding template.yaml and skeleton/) with data.
func Render(ctx context.Context, tmpl fs.FS, m *manifest.Manifest, data map[string]any) (*Tree, error) {
	r := &renderer{m: m, data: data, left: "{{", right: "}}", seen: map[string]string{}}
	if d := m.Files.Delimiters; len(d) == 2 {
		r.left, r.right = d[0], d[1]
	}
	r.root = newTemplate("", r.left, r.right)
	r.named = regexp.MustCompile(regexp.QuoteMeta(r.left) + `-?\s*(define|block|template)\b`)
	for i := range m.Files.Exclude {
		ex := &m.Files.Exclude[i]
		on, err := ex.Applies(data)
		if err != nil {
			return nil, &Error{File: manifest.FileName, Line: ex.Line, Msg: "files.exclude when: " + err.Error()}
		}
		if on {
			r.exclude = append(r.exclude, ex.Paths...)
		}
	}
	if _, err := fs.Stat(tmpl, SkeletonDir); err != nil {
		return nil, &Error{File: SkeletonDir, Msg: "missing: a golden path keeps its files under skeleton/"}
	}
	dirs := map[string]string{SkeletonDir: ""} // template dir -> rendered dir
	err := fs.WalkDir(tmpl, SkeletonDir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if p == SkeletonDir {
			return nil
		}
		parent, ok := dirs[path.Dir(p)]
		if !ok {
			return nil
		}
		rel := strings.TrimPrefix(p, SkeletonDir+"/")
		name, err := r.renderName(p, d.Name())
		if err != nil {
			return err
		}
		if !d.IsDir() && m.Files.Suffix != "" {
			name = strings.TrimSuffix(name, m.Files.Suffix)
		}
		if name == "" {
			if d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		out := path.Join(parent, name)
		if err := checkPath(p, out); err != nil {
			return err
		}
		if d.IsDir() {
			dirs[p] = out
			return nil
		}
		if pathglob.MatchAny(r.exclude, rel) || pathglob.MatchAny(r.exclude, out) {
			return nil
		}
		return r.addFile(tmpl, p, rel, out, d)
	})
	if err != nil {
		return nil, err
	}
	sort.Slice(r.files, func(i, j int) bool { return r.files[i].Path < r.files[j].Path })
	for _, f := range r.files {
		for dir := path.Dir(f.Path); dir != "."; dir = path.Dir(dir) {
			if src, ok := r.seen[dir]; ok {
				return nil, &Error{File: f.Source, Msg: fmt.Sprintf("renders to %s, inside %s, which %s renders as a file; give them different names", f.Path, dir, src)}
			}
		}
	}
	return &Tree{Files: r.files}, nil
}

type renderer struct {
	m           *manifest.Manifest
	data        map[string]any
	left, right string
	exclude     []string
	files       []File
	seen        map[string]string // rendered path -> template path
	buf         bytes.Buffer
	// root carries the delimiters, options and function map once; files are parsed as its
	// associates instead of copying the function map into a new template for each file.
	root  *template.Template
	named *regexp.Regexp // a file that defines or calls named templates gets a namespace of its own
}

func newTemplate(name, left, right string) *template.Template {
	return template.New(name).Delims(left, right).Funcs(tmplfuncs.Map()).Option("missingkey=error")
}

func (r *renderer) renderName(p, name string) (string, error) {
	if !strings.Contains(name, r.left) {
		return name, nil
	}
	s, err := r.exec(p+" (file name)", name)
	if err != nil {
		return "", err
	}
	return string(s), nil
}

// checkPath refuses a rendered path that would land outside the service or inside its .git.
func checkPath(src, out string) error {
	clean := path.Clean(out)
	switch {
	case path.IsAbs(out) || strings.HasPrefix(out, "\\"):
		return &Error{File: src, Msg: fmt.Sprintf("renders to the absolute path %q; paths must stay inside the service", out)}
	case clean == ".." || strings.HasPrefix(clean, "../"):
		return &Error{File: src, Msg: fmt.Sprintf("renders to %q, outside the service; remove the .. from its name", out)}
	case clean == "." || clean == "" || slices.Contains(strings.Split(clean, "/"), ".git"):
		return &Error{File: src, Msg: fmt.Sprintf("renders to %q, which idp does not write", out)}
	}
	return nil
}

func (r *renderer) addFile(tmpl fs.FS, p, rel, out string, d fs.DirEntry) error {
	out = path.Clean(out)
	if prev, ok := r.seen[out]; ok {
		return &Error{File: p, Msg: fmt.Sprintf("renders to %s, as %s does; give them different names", out, prev)}
	}
	if out == ".idp.yaml" {
		return &Error{File: p, Msg: "renders to .idp.yaml, which idp writes itself; rename it"}
	}
	r.seen[out] = p
	f := File{Path: out, Source: p}
	if d.Type()&fs.ModeSymlink != 0 {
		target, err := readLink(tmpl, p, out)
		if err != nil {
			return err
		}
		f.Mode, f.Data = fs.ModeSymlink, []byte(target)
		r.files = append(r.files, f)
		return nil
	}
	if !d.Type().IsRegular() {
		return &Error{File: p, Msg: "is not a regular file, directory or symlink"}
	}
	info, err := d.Info()
	if err != nil {
		return err
	}
	f.Mode = 0o644
	if info.Mode().Perm()&0o111 != 0 {
		f.Mode = 0o755
	}
	content, err := fs.ReadFile(tmpl, p)
	if err != nil {
		return err
	}
	sniff := content[:min(len(content), binarySniffLen)]
	f.Binary = bytes.IndexByte(sniff, 0) >= 0
	if f.Binary || pathglob.MatchAny(r.m.Files.Verbatim, rel) || pathglob.MatchAny(r.m.Files.Verbatim, out) ||
		!bytes.Contains(content, []byte(r.left)) {
		f.Data = content
	} else if f.Data, err = r.exec(p, string(content)); err != nil {
		return err
	}
	r.files = append(r.files, f)
	return nil
}

// readLink keeps a symlink whose target, taken from where the link lands in the service, stays
// inside the service, and refuses others.
func readLink(tmpl fs.FS, p, out string) (string, error) {
	rl, ok := tmpl.(fs.ReadLinkFS)
	if !ok {
		return "", &Error{File: p, Msg: "is a symlink, and this source cannot read links"}
	}
	target, err := rl.ReadLink(p)
	if err != nil {
		return "", &Error{File: p, Msg: "cannot read link: " + err.Error()}
	}
	resolved := path.Join(path.Dir(out), target)
	if path.IsAbs(target) || resolved == ".." || strings.HasPrefix(resolved, "../") || slices.Contains(strings.Split(resolved, "/"), ".git") {
		return "", &Error{File: p, Msg: fmt.Sprintf("is a symlink to %q, which leads outside the service or into .git; links must point inside it", target)}
	}
	return target, nil
}

func (r *renderer) exec(name, text string) ([]byte, error) {
	t := r.root.New(name)
	if r.named.MatchString(text) {
		t = newTemplate(name, r.left, r.right)
	}
	t, err := t.Parse(text)
	if err != nil {
		return nil, templateError(name, err)
	}
	r.buf.Reset()
	if err := t.Execute(&r.buf, r.data); err != nil {
		return nil, templateError(name, err)
	}
	return bytes.Clone(r.buf.Bytes()), nil
}

var (
	reParse = regexp.MustCompile(`^template: (.*?):(\d+): (.*)$`)
	reExec  = regexp.MustCompile(`^template: (.*?):(\d+):(\d+): executing "[^"]*" at <(.*?)>: (.*)$`)
	reNoKey = regexp.MustCompile(`^map has no entry for key "(.*)"$`)
)

// templateError turns text/template's error into one that names the file, line and column
// in the user's terms.
func templateError(name string, err error) error {
	msg := err.Error()
	var ee template.ExecError
	if errors.As(err, &ee) {
		msg = ee.Err.Error()
	}
	if m := reExec.FindStringSubmatch(msg); m != nil {
		e := &Error{File: name, Msg: m[5]}
		fmt.Sscan(m[2], &e.Line)
		fmt.Sscan(m[3], &e.Col)
		if k := reNoKey.FindStringSubmatch(m[5]); k != nil {
			e.Msg = fmt.Sprintf("no parameter or computed value named %q (at <%s>)", k[1], m[4])
		} else {
			e.Msg = fmt.Sprintf("%s (at <%s>)", m[5], m[4])
		}
		return e
	}
	if m := reParse.FindStringSubmatch(msg); m != nil {
		e := &Error{File: name, Msg: m[3]}
		fmt.Sscan(m[2], &e.Line)
		return e
	}
	return &Error{File: name, Msg: msg}
}
