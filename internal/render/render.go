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
	"sync"
	"sync/atomic"
	"text/template"
	"text/template/parse"
	"time"

	"github.com/idp-cli/idp/internal/block"
	"github.com/idp-cli/idp/internal/bytesize"
	"github.com/idp-cli/idp/internal/manifest"
	"github.com/idp-cli/idp/internal/pathglob"
	"github.com/idp-cli/idp/internal/servicedir"
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
	// Blocks are an add-on's managed blocks in files of lower layers, sorted by path.
	Blocks []Block
}

// Block is a managed block rendered: the file it goes in and its lines.
type Block struct {
	Path    string // slash-separated, relative to the service root
	Content []byte
	After   *regexp.Regexp // where it first goes; nil: the end of the file
}

// LookupBlock returns the block in the file at p, or nil.
func (t *Tree) LookupBlock(p string) *Block {
	for i := range t.Blocks {
		if t.Blocks[i].Path == p {
			return &t.Blocks[i]
		}
	}
	return nil
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
	Err  error // ErrTooLarge, ErrTimeout, or nil
}

func (e *Error) Unwrap() error { return e.Err }

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

// Options bound a render, so that a hostile or mistaken golden path cannot fill memory or run
// for ever. The zero value of a field means its default; a negative value means no bound.
type Options struct {
	// MaxFileSize is the most bytes the template of one file, or of one file name, may produce.
	// Files copied as they are (binary, verbatim, without delimiters) count only towards
	// MaxTotalSize.
	MaxFileSize int64
	// MaxTotalSize is the most bytes the whole rendered tree may hold.
	MaxTotalSize int64
	// Timeout is the longest a render may take.
	Timeout time.Duration
	// IdpVersion is the version of the idp that renders, .idp.version in the skeleton (so that
	// a file can pin idp, as go-service's update workflow pins idp's GitHub Action). Empty
	// renders DevVersion. idp template test sets a fixed one, so that golden trees do not
	// change with every idp release.
	IdpVersion string
}

// DevVersion is .idp.version when Options.IdpVersion is empty: what a development build of idp
// calls itself.
const DevVersion = "dev"

// IdpKey is the name of the data that idp adds to the answers for the skeleton: .idp.version.
// A parameter or computed value of that name hides it.
const IdpKey = "idp"

// Defaults for Options.
const (
	DefaultMaxFileSize  = 64 << 20
	DefaultMaxTotalSize = 256 << 20
	DefaultTimeout      = 30 * time.Second
)

// ErrTooLarge is wrapped by the Error for a render that exceeds MaxFileSize or MaxTotalSize.
var ErrTooLarge = errors.New("rendered output too large")

// ErrTimeout is wrapped by the Error for a render that exceeds Timeout.
var ErrTimeout = errors.New("render timed out")

func (o Options) withDefaults() Options {
	if o.MaxFileSize == 0 {
		o.MaxFileSize = DefaultMaxFileSize
	}
	if o.MaxTotalSize == 0 {
		o.MaxTotalSize = DefaultMaxTotalSize
	}
	if o.Timeout == 0 {
		o.Timeout = DefaultTimeout
	}
	return o
}

// Render renders the golden path in tmpl (holding template.yaml and skeleton/) with data, within
// the default Options.
func Render(ctx context.Context, tmpl fs.FS, m *manifest.Manifest, data map[string]any) (*Tree, error) {
	return RenderWith(ctx, tmpl, m, data, Options{})
}

// RenderWith is Render within o's bounds.
//
// text/template cannot be stopped from outside, so the render runs in a goroutine and
// RenderWith returns as soon as ctx is done or the timeout passes. The goroutine then stops at
// its next write, its next function call or its next file; only a loop that does none of these
// (over a list already built) runs to its end first.
//
// The values the expressions build (strings, lists, dicts, counted as they are made) may take
// up to MaxTotalSize too, apart from the files: see tmplfuncs.Budget. data is copied first, so
// that an expression that sets a key in it changes neither the caller's answers nor the next
// render's.
func RenderWith(ctx context.Context, tmpl fs.FS, m *manifest.Manifest, data map[string]any, o Options) (*Tree, error) {
	o = o.withDefaults()
	var rctx context.Context
	var cancel context.CancelFunc
	if o.Timeout > 0 {
		rctx, cancel = context.WithTimeoutCause(ctx, o.Timeout, ErrTimeout)
	} else {
		rctx, cancel = context.WithCancel(ctx)
	}
	defer cancel()
	r := &renderer{m: m, data: withIdp(copyData(data), o.Version()), left: "{{", right: "}}", seen: map[string]string{}, ctx: rctx, opts: o}
	r.current.Store(new(string))
	type result struct {
		tree *Tree
		err  error
	}
	done := make(chan result, 1) // buffered: an abandoned render's goroutine must not block
	go func() {
		tree, err := r.render(tmpl)
		done <- result{tree, err}
	}()
	select {
	case res := <-done:
		if res.err != nil && ctx.Err() == nil && errors.Is(context.Cause(rctx), ErrTimeout) {
			return nil, r.timeoutError()
		}
		return res.tree, res.err
	case <-rctx.Done():
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		return nil, r.timeoutError()
	}
}

func (r *renderer) timeoutError() error {
	file := *r.current.Load()
	if file == "" {
		file = SkeletonDir
	}
	return &Error{File: file, Err: ErrTimeout, Msg: fmt.Sprintf("still rendering after %s, the longest a render may take; look for a loop that does not end", r.opts.Timeout)}
}

func (r *renderer) render(tmpl fs.FS) (*Tree, error) {
	ctx, m, data := r.ctx, r.m, r.data
	if d := m.Files.Delimiters; len(d) == 2 {
		r.left, r.right = d[0], d[1]
	}
	r.budget = tmplfuncs.NewBudget(ctx, r.opts.MaxTotalSize)
	r.funcs = r.budget.Funcs()
	r.guarded = map[*parse.Tree]bool{}
	r.root = r.newTemplate("")
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
	for _, name := range []string{manifest.FileName, SkeletonDir} {
		if err := checkRootLink(tmpl, name); err != nil {
			return nil, err
		}
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
	if err := checkLinks(r.files); err != nil {
		return nil, err
	}
	blocks, err := r.blocks()
	if err != nil {
		return nil, err
	}
	return &Tree{Files: r.files, Blocks: blocks}, nil
}

// blocks renders the manifest's managed blocks: their files' paths and their content, with
// {{ }} as every expression in template.yaml. A block whose path renders empty is left out.
func (r *renderer) blocks() ([]Block, error) {
	var out []Block
	seen := map[string]bool{}
	for i := range r.m.Files.Blocks {
		b := &r.m.Files.Blocks[i]
		where := fmt.Sprintf("%s files.blocks %d", manifest.FileName, i+1)
		p, err := r.execExpr(where+" file", b.File)
		if err != nil {
			return nil, err
		}
		name := strings.TrimSpace(string(p))
		if name == "" {
			continue
		}
		if !fs.ValidPath(name) || name == "." || strings.Contains(name, "\\") || servicedir.GitComponent(name) != "" {
			return nil, &Error{File: manifest.FileName, Line: b.Line, Msg: fmt.Sprintf("files.blocks %d: file %q is not a path inside the service", i+1, name)}
		}
		if name == ".idp.yaml" {
			return nil, &Error{File: manifest.FileName, Line: b.Line, Msg: fmt.Sprintf("files.blocks %d: .idp.yaml is idp's own record; a block cannot go in it", i+1)}
		}
		if _, err := block.SyntaxFor(name); err != nil {
			return nil, &Error{File: manifest.FileName, Line: b.Line, Msg: fmt.Sprintf("files.blocks %d: %s", i+1, err)}
		}
		if f := r.lookup(name); f != nil {
			return nil, &Error{File: manifest.FileName, Line: b.Line, Msg: fmt.Sprintf("files.blocks %d: %s is one of this golden path's own files (%s); a block goes in a file of a lower layer, so put its lines in that file instead", i+1, name, f.Source)}
		}
		if seen[name] {
			return nil, &Error{File: manifest.FileName, Line: b.Line, Msg: fmt.Sprintf("files.blocks %d: %s has a block already; an add-on keeps one block per file", i+1, name)}
		}
		seen[name] = true
		content, err := r.execExpr(where+" content", b.Content)
		if err != nil {
			return nil, err
		}
		out = append(out, Block{Path: name, Content: content, After: b.AfterRe()})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out, nil
}

func (r *renderer) lookup(p string) *File {
	i := sort.Search(len(r.files), func(i int) bool { return r.files[i].Path >= p })
	if i < len(r.files) && r.files[i].Path == p {
		return &r.files[i]
	}
	return nil
}

type renderer struct {
	ctx         context.Context
	opts        Options
	current     atomic.Pointer[string] // the file being rendered, for the timeout error
	total       int64                  // bytes in the tree so far
	m           *manifest.Manifest
	data        map[string]any
	left, right string
	exclude     []string
	files       []File
	seen        map[string]string // rendered path -> template path
	buf         bytes.Buffer
	// root carries the delimiters, options and function map once; files are parsed as its
	// associates instead of copying the function map into a new template for each file.
	root    *template.Template
	funcs   template.FuncMap // budget's, checking the render's context
	budget  *tmplfuncs.Budget
	guarded map[*parse.Tree]bool // trees that already print through tmplfuncs.OutputFunc
	named   *regexp.Regexp       // a file that defines or calls named templates gets a namespace of its own
}

func (r *renderer) newTemplate(name string) *template.Template {
	return template.New(name).Delims(r.left, r.right).Funcs(r.funcs).Option("missingkey=error")
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
	if c := servicedir.GitComponent(out); c != "" {
		return &Error{File: src, Msg: fmt.Sprintf("renders to %q, and %q is the repository's .git on macOS or Windows; rename it", out, c)}
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
	r.current.Store(&p)
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
		if err := r.grow(int64(len(content))); err != nil {
			return r.tooLarge(p, false)
		}
	} else if f.Data, err = r.exec(p, string(content)); err != nil {
		return err
	}
	r.files = append(r.files, f)
	return nil
}

// checkRootLink refuses template.yaml or skeleton/ as a symlink: following one could read files
// from anywhere on the machine, directly or through a chain of links.
func checkRootLink(tmpl fs.FS, name string) error {
	info, err := fs.Lstat(tmpl, name)
	if err != nil || info.Mode()&fs.ModeSymlink == 0 {
		return nil
	}
	target, err := fs.ReadLink(tmpl, name)
	if err != nil {
		return &Error{File: name, Msg: "cannot read link: " + err.Error()}
	}
	return &Error{File: name, Msg: fmt.Sprintf("is a symlink to %q; idp does not follow it, so put the %s itself in the golden path", target, kindOf(name))}
}

func kindOf(name string) string {
	if name == SkeletonDir {
		return "directory"
	}
	return "file"
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
	if path.IsAbs(target) || resolved == ".." || strings.HasPrefix(resolved, "../") || servicedir.GitComponent(resolved) != "" {
		return "", &Error{File: p, Msg: fmt.Sprintf("is a symlink to %q, which leads outside the service or into .git; links must point inside it", target)}
	}
	return target, nil
}

func (r *renderer) exec(name, text string) ([]byte, error) {
	t := r.root.New(name)
	if r.named.MatchString(text) {
		t = r.newTemplate(name)
	}
	return r.execIn(t, name, text)
}

// execExpr renders an expression of template.yaml, which always uses {{ }}.
func (r *renderer) execExpr(name, text string) ([]byte, error) {
	return r.execIn(template.New(name).Funcs(r.funcs).Option("missingkey=error"), name, text)
}

func (r *renderer) execIn(t *template.Template, name, text string) ([]byte, error) {
	r.current.Store(&name)
	t, err := t.Parse(text)
	if err != nil {
		return nil, templateError(name, err)
	}
	for _, tt := range t.Templates() {
		if tt.Tree != nil && !r.guarded[tt.Tree] {
			tmplfuncs.GuardTree(tt.Tree)
			r.guarded[tt.Tree] = true
		}
	}
	r.buf.Reset()
	w := &limitWriter{r: r}
	if err := t.Execute(w, r.data); err != nil {
		if errors.Is(err, ErrTooLarge) {
			return nil, r.tooLarge(name, w.perFile)
		}
		if cerr := r.ctx.Err(); cerr != nil {
			return nil, cerr
		}
		e := templateError(name, err)
		if errors.Is(err, tmplfuncs.ErrBudget) {
			e.Err = ErrTooLarge
			e.Msg += "; look for a loop that doubles a value, such as $s = print $s $s, or one that builds too much"
		}
		return nil, e
	}
	return bytes.Clone(r.buf.Bytes()), nil
}

// limitWriter is where templates write: it stops a template that produces more than the
// Options allow, or whose render is cancelled or timed out, at its next write.
type limitWriter struct {
	r       *renderer
	n       int64
	perFile bool // the file limit, not the total, was hit
}

func (w *limitWriter) Write(p []byte) (int, error) {
	r := w.r
	if err := r.ctx.Err(); err != nil {
		return 0, err
	}
	w.n += int64(len(p))
	if max := r.opts.MaxFileSize; max >= 0 && w.n > max {
		w.perFile = true
		return 0, ErrTooLarge
	}
	if err := r.grow(int64(len(p))); err != nil {
		return 0, err
	}
	return r.buf.Write(p)
}

// grow counts n more bytes towards MaxTotalSize.
func (r *renderer) grow(n int64) error {
	r.total += n
	if max := r.opts.MaxTotalSize; max >= 0 && r.total > max {
		return ErrTooLarge
	}
	return nil
}

func (r *renderer) tooLarge(name string, perFile bool) error {
	if perFile {
		return &Error{File: name, Err: ErrTooLarge, Msg: fmt.Sprintf("renders more than %s, the most one file may hold; look for a range, until or repeat that produces too much", bytesize.Text(r.opts.MaxFileSize))}
	}
	return &Error{File: name, Err: ErrTooLarge, Msg: fmt.Sprintf("the rendered service passes %s here, the most a render may produce; look for a range, until or repeat that produces too much, or files too large", bytesize.Text(r.opts.MaxTotalSize))}
}

var (
	reParse = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^template: (.*?):(\d+): (.*)$`) })
	reExec  = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`^template: (.*?):(\d+):(\d+): executing "[^"]*" at <(.*?)>: (.*)$`)
	})
	reNoKey = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^map has no entry for key "(.*)"$`) })
)

// templateError turns text/template's error into one that names the file, line and column
// in the user's terms.
func templateError(name string, err error) *Error {
	msg := err.Error()
	var ee template.ExecError
	if errors.As(err, &ee) {
		msg = ee.Err.Error()
	}
	if m := reExec().FindStringSubmatch(msg); m != nil {
		e := &Error{File: name, Msg: m[5]}
		fmt.Sscan(m[2], &e.Line)
		fmt.Sscan(m[3], &e.Col)
		var fe *tmplfuncs.Error
		switch k := reNoKey().FindStringSubmatch(m[5]); {
		case k != nil:
			e.Msg = fmt.Sprintf("no parameter or computed value named %q (at <%s>)", k[1], m[4])
		case errors.As(err, &fe) && fe.Func == "":
			// tmplfuncs.OutputFunc: the value of the action at this line and column.
			e.Msg = "the action here " + fe.Msg
		case errors.As(err, &fe):
			e.Msg = fmt.Sprintf("%s: %s (at <%s>)", fe.Func, fe.Msg, m[4])
		default:
			e.Msg = fmt.Sprintf("%s (at <%s>)", strings.TrimPrefix(m[5], "error calling "), m[4])
		}
		return e
	}
	if m := reParse().FindStringSubmatch(msg); m != nil {
		e := &Error{File: name, Msg: m[3]}
		fmt.Sscan(m[2], &e.Line)
		return e
	}
	return &Error{File: name, Msg: msg}
}

// withIdp adds what idp says of itself to the skeleton's data, under IdpKey, unless the golden
// path has a parameter or computed value of that name.
func withIdp(data map[string]any, version string) map[string]any {
	if _, ok := data[IdpKey]; ok {
		return data
	}
	if data == nil {
		data = map[string]any{}
	}
	if version == "" {
		version = DevVersion
	}
	data[IdpKey] = map[string]any{"version": version}
	return data
}

// copyData copies the answers' dicts and lists, which expressions may change with set, unset
// and merge.
func copyData(data map[string]any) map[string]any {
	if data == nil {
		return nil
	}
	out := make(map[string]any, len(data))
	for k, v := range data {
		out[k] = copyValue(v)
	}
	return out
}

func copyValue(v any) any {
	switch v := v.(type) {
	case map[string]any:
		return copyData(v)
	case []any:
		out := make([]any, len(v))
		for i, x := range v {
			out[i] = copyValue(x)
		}
		return out
	case []string:
		return slices.Clone(v)
	}
	return v
}
