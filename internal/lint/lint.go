// Package lint checks a golden path before it ships: its template.yaml, every file and path as a
// template with the golden path's delimiters, references to parameters that do not exist and
// parameters nothing uses, expressions that fail with the default answers, and files that look
// like GitHub Actions or Helm templates but would be rendered by idp.
package lint

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"text/template"
	"text/template/parse"

	"github.com/idp-cli/idp/internal/answers"
	"github.com/idp-cli/idp/internal/manifest"
	"github.com/idp-cli/idp/internal/pathglob"
	"github.com/idp-cli/idp/internal/render"
	"github.com/idp-cli/idp/internal/tmplfuncs"
)

// Finding is one fault or warning, at a file (relative to the golden path) and line (0 when the
// whole file).
type Finding struct {
	File     string `json:"file"`
	Line     int    `json:"line,omitempty"`
	Severity string `json:"severity"` // error or warning
	Message  string `json:"message"`
}

func (f Finding) String() string {
	at := f.File
	if f.Line > 0 {
		at = fmt.Sprintf("%s:%d", f.File, f.Line)
	}
	return fmt.Sprintf("%s: %s: %s", at, f.Severity, f.Message)
}

// Errors counts the findings that are errors.
func Errors(fs []Finding) int {
	n := 0
	for _, f := range fs {
		if f.Severity == "error" {
			n++
		}
	}
	return n
}

// Lint checks the golden path in dir (holding template.yaml and skeleton/). An error is returned
// only when dir cannot be read at all; faults are findings.
func Lint(ctx context.Context, dir string) ([]Finding, error) {
	l := &linter{dir: dir, used: map[string]bool{}, seen: map[string]bool{}, broken: map[string]bool{}}
	data, err := os.ReadFile(filepath.Join(dir, "template.yaml"))
	if errors.Is(err, fs.ErrNotExist) {
		return []Finding{{File: "template.yaml", Severity: "error", Message: "missing: a golden path is a directory with template.yaml and skeleton/"}}, nil
	}
	if err != nil {
		return nil, err
	}
	m, err := manifest.Parse(data, "template.yaml", manifest.DirName(dir))
	if err != nil {
		var es manifest.Errors
		var e *manifest.Error
		switch {
		case errors.As(err, &es):
			for _, e := range es {
				l.add("template.yaml", e.Line, "error", e.Msg)
			}
		case errors.As(err, &e):
			l.add("template.yaml", e.Line, "error", e.Msg)
		default:
			l.add("template.yaml", 0, "error", err.Error())
		}
		return l.sorted(), nil
	}
	l.m = m
	l.left, l.right = "{{", "}}"
	if d := m.Files.Delimiters; len(d) == 2 {
		l.left, l.right = d[0], d[1]
	}
	l.names = map[string]bool{}
	for _, p := range m.Parameters {
		l.names[p.Name] = true
	}
	for _, c := range m.Computed {
		l.names[c.Name] = true
	}
	l.manifestExprs()
	// The skeleton has .idp (.idp.version) too, unless a parameter hides it; template.yaml does not.
	l.names[render.IdpKey] = true
	skeleton := filepath.Join(dir, "skeleton")
	if info, err := os.Stat(skeleton); err != nil || !info.IsDir() {
		l.add("skeleton", 0, "error", "missing: the golden path's files go in skeleton/")
		return l.sorted(), nil
	}
	l.files(os.DirFS(skeleton))
	for _, p := range m.Parameters {
		if !l.used[p.Name] {
			l.add("template.yaml", p.Line, "warning", fmt.Sprintf("parameter %s is never used by a file, a path or an expression", p.Name))
		}
		if p.Pattern != "" && p.PatternHelp == "" && p.Help == "" {
			l.add("template.yaml", p.Line, "warning", fmt.Sprintf("parameter %s has a pattern and no words for it: a refused answer can only be explained with the regular expression, which a screen reader reads out symbol by symbol; add pattern_help saying what it accepts (or help)", p.Name))
		}
	}
	// Every expression and file, executed with the default answers.
	sample := map[string]any{}
	for _, p := range m.Parameters {
		if p.Required && p.Default == nil && (p.Type == "" || p.Type == "string") {
			sample[p.Name] = "example"
		}
	}
	vals, err := answers.Data(m, sample)
	if err != nil {
		line, msg := 0, err.Error()
		if m := reManifestErr().FindStringSubmatch(msg); m != nil {
			fmt.Sscan(m[1], &line)
			msg = m[2]
		}
		if !l.hasError("template.yaml", line) { // else the expression's fault, found above
			l.add("template.yaml", line, "error", "with the default answers: "+msg)
		}
		return l.sorted(), nil
	}
	if _, err := render.Render(ctx, os.DirFS(dir), m, vals); err != nil {
		var re *render.Error
		switch {
		case errors.As(err, &re) && (l.broken[re.File] || l.hasError(re.File, re.Line)):
			// The fault is reported already (a file that does not parse, a name that is no
			// parameter): the render says it again.
		case errors.As(err, &re):
			l.add(re.File, re.Line, "error", "with the default answers: "+re.Msg)
		default:
			l.add("skeleton", 0, "error", "with the default answers: "+err.Error())
		}
	}
	return l.sorted(), nil
}

type linter struct {
	dir         string
	m           *manifest.Manifest
	left, right string
	names       map[string]bool // parameters and computed values
	used        map[string]bool
	found       []Finding
	seen        map[string]bool
	broken      map[string]bool // files that do not parse as templates
}

func (l *linter) add(file string, line int, sev, msg string) {
	f := Finding{File: file, Line: line, Severity: sev, Message: msg}
	if !l.seen[f.String()] {
		l.seen[f.String()] = true
		l.found = append(l.found, f)
	}
}

// hasError reports whether an error was found at file and line already.
func (l *linter) hasError(file string, line int) bool {
	for _, f := range l.found {
		if f.File == file && f.Line == line && f.Severity == "error" {
			return true
		}
	}
	return false
}

func (l *linter) sorted() []Finding {
	sort.SliceStable(l.found, func(i, j int) bool {
		a, b := l.found[i], l.found[j]
		if a.File != b.File {
			return a.File < b.File
		}
		return a.Line < b.Line
	})
	return l.found
}

// manifestExprs records the parameters template.yaml's own expressions use (defaults, when,
// computed values, exclude conditions). They are {{ }} expressions whatever the files'
// delimiters; manifest.Parse has checked that they parse.
func (l *linter) manifestExprs() {
	for _, p := range l.m.Parameters {
		if d, ok := p.Default.(string); ok {
			l.refs("template.yaml", p.Line, d, "{{", "}}")
		}
		l.refs("template.yaml", p.Line, p.When, "{{", "}}")
	}
	for _, c := range l.m.Computed {
		l.refs("template.yaml", c.Line, c.Expr, "{{", "}}")
	}
	for _, ex := range l.m.Files.Exclude {
		l.refs("template.yaml", ex.Line, ex.When, "{{", "}}")
	}
}

// files parses every path and every file idp would render.
func (l *linter) files(skeleton fs.FS) {
	fs.WalkDir(skeleton, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || p == "." {
			return err
		}
		file := path.Join("skeleton", p)
		if strings.Contains(d.Name(), l.left) {
			l.refs(file, 0, d.Name(), l.left, l.right)
		}
		if d.IsDir() || !d.Type().IsRegular() {
			return nil
		}
		content, err := fs.ReadFile(skeleton, p)
		if err != nil {
			l.add(file, 0, "error", err.Error())
			return nil
		}
		if strings.IndexByte(string(content[:min(len(content), 8000)]), 0) >= 0 {
			return nil // binary: copied as it is
		}
		if pathglob.MatchAny(l.m.Files.Verbatim, p) {
			return nil
		}
		text := string(content)
		if !strings.Contains(text, l.left) {
			return nil
		}
		l.lookalikes(file, text)
		l.refs(file, 0, text, l.left, l.right)
		return nil
	})
}

// quotedAction is an action that is only a string literal, {{ "${{ secrets.TOKEN }}" }}: the way
// to write another tool's ${{ }} in a rendered file.
var quotedAction = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`\{\{-?\s*"(?:[^"\\]|\\.)*"\s*-?\}\}`) })

var helmish = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`\{\{-?\s*(\.Values|\.Release|\.Chart|include\s+")`) })

// lookalikes warns about files that hold another tool's template syntax with idp's delimiters.
func (l *linter) lookalikes(file, text string) {
	if l.left != "{{" {
		return
	}
	for i, line := range strings.Split(text, "\n") {
		switch {
		case strings.Contains(quotedAction().ReplaceAllString(line, ""), "${{"):
			l.add(file, i+1, "warning", "looks like GitHub Actions syntax (${{ }}), which idp would render: add the file to files.verbatim, or set files.delimiters")
			return
		case helmish().MatchString(line):
			l.add(file, i+1, "warning", "looks like a Helm template ({{ .Values }}), which idp would render: add the file to files.verbatim, or set files.delimiters")
			return
		}
	}
}

// refs parses text as a template and records the parameters it uses; a parse error, or a
// reference to a parameter that does not exist, is an error at its line.
func (l *linter) refs(file string, line int, text, left, right string) {
	t, err := template.New(file).Delims(left, right).Funcs(tmplfuncs.Map()).Parse(text)
	if err != nil {
		n, msg := parseErr(err)
		if m := reUnclosedAction().FindStringSubmatch(msg); m != nil {
			// Said at the line after the end of the text; the fault is where the action began.
			fmt.Sscan(m[1], &n)
			msg = fmt.Sprintf("unclosed action: %s has no %s", left, right)
		}
		if msg == "unexpected EOF" {
			// text/template says where the text ended; the fault is where the block began.
			if kw, at := unclosed(text, left, right); kw != "" {
				n, msg = at, fmt.Sprintf("%s %s %s is never closed: add %send%s where it should end", left, kw, right, left, right)
			}
		}
		l.broken[file] = true
		l.add(file, max(line, n), "error", msg)
		return
	}
	for _, tt := range t.Templates() {
		if tt.Tree == nil {
			continue
		}
		l.walk(file, line, tt.Tree, tt.Tree.Root, 0)
	}
}

// unclosed finds the block (if, range, with, define, block) that text leaves open at its end,
// and the line where it begins: the innermost one. The scan reads actions between the
// delimiters as text/template does, skipping comments and quoted strings.
func unclosed(text, left, right string) (keyword string, line int) {
	type open struct {
		kw   string
		line int
	}
	var stack []open
	for i := 0; ; {
		j := strings.Index(text[i:], left)
		if j < 0 {
			break
		}
		start := i + j
		body := text[start+len(left):]
		end := actionEnd(body, right)
		if end < 0 {
			break
		}
		action := strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(strings.TrimPrefix(body[:end], "-")), "-"))
		i = start + len(left) + end + len(right)
		if strings.HasPrefix(action, "/*") {
			continue
		}
		word, _, _ := strings.Cut(action, " ")
		switch word {
		case "if", "range", "with", "define", "block":
			stack = append(stack, open{word, 1 + strings.Count(text[:start], "\n")})
		case "end":
			if len(stack) > 0 {
				stack = stack[:len(stack)-1]
			}
		}
	}
	if len(stack) == 0 {
		return "", 0
	}
	top := stack[len(stack)-1]
	return top.kw, top.line
}

// actionEnd is where the right delimiter closes the action that body begins, past quoted
// strings and raw strings; -1 when none does.
func actionEnd(body, right string) int {
	var quote byte
	for k := 0; k < len(body); k++ {
		c := body[k]
		switch {
		case quote != 0:
			if c == '\\' && quote != '`' {
				k++
			} else if c == quote {
				quote = 0
			}
		case c == '"' || c == '`' || c == '\'':
			quote = c
		case strings.HasPrefix(body[k:], right):
			return k
		}
	}
	return -1
}

var reUnclosedAction = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^unclosed action started at [^:]*:(\d+)$`) })

var reManifestErr = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^(?:.*/)?template\.yaml:(\d+): (.*)$`) })

var reParseErr = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^template: [^:]*:(\d+): (.*)$`) })

func parseErr(err error) (int, string) {
	if m := reParseErr().FindStringSubmatch(err.Error()); m != nil {
		var n int
		fmt.Sscan(m[1], &n)
		return n, m[2]
	}
	return 0, err.Error()
}

// walk visits the parse tree; inside range and with, dot is something else, so only $.x counts.
func (l *linter) walk(file string, line int, tree *parse.Tree, n parse.Node, depth int) {
	switch n := n.(type) {
	case *parse.ListNode:
		if n == nil {
			return
		}
		for _, c := range n.Nodes {
			l.walk(file, line, tree, c, depth)
		}
	case *parse.ActionNode:
		l.walk(file, line, tree, n.Pipe, depth)
	case *parse.PipeNode:
		if n == nil {
			return
		}
		for _, c := range n.Cmds {
			l.walk(file, line, tree, c, depth)
		}
	case *parse.CommandNode:
		for _, a := range n.Args {
			l.walk(file, line, tree, a, depth)
		}
	case *parse.IfNode:
		l.branch(file, line, tree, &n.BranchNode, depth, depth)
	case *parse.RangeNode:
		l.branch(file, line, tree, &n.BranchNode, depth, depth+1)
	case *parse.WithNode:
		l.branch(file, line, tree, &n.BranchNode, depth, depth+1)
	case *parse.TemplateNode:
		l.walk(file, line, tree, n.Pipe, depth)
	case *parse.FieldNode:
		if depth == 0 {
			l.ref(file, line, tree, n, n.Ident[0])
		}
	case *parse.ChainNode:
		l.walk(file, line, tree, n.Node, depth)
	case *parse.VariableNode:
		if len(n.Ident) > 1 && n.Ident[0] == "$" {
			l.ref(file, line, tree, n, n.Ident[1])
		}
	}
}

func (l *linter) branch(file string, line int, tree *parse.Tree, b *parse.BranchNode, depth, inner int) {
	l.walk(file, line, tree, b.Pipe, depth)
	l.walk(file, line, tree, b.List, inner)
	l.walk(file, line, tree, b.ElseList, depth)
}

func (l *linter) ref(file string, line int, tree *parse.Tree, n parse.Node, name string) {
	l.used[name] = true
	if l.names[name] {
		return
	}
	at := line
	if at == 0 {
		loc, _ := tree.ErrorContext(n)
		if i := strings.LastIndex(loc, ":"); i > 0 {
			if j := strings.LastIndex(loc[:i], ":"); j >= 0 {
				fmt.Sscan(loc[j+1:i], &at)
			}
		}
	}
	l.add(file, at, "error", fmt.Sprintf(".%s is not a parameter or computed value of this golden path", name))
}
