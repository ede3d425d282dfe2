// Package manifest reads a golden path's template.yaml: its parameters, computed values, file rules
// and hooks. Parsing is strict and every error names template.yaml and the line at fault.
package manifest

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"text/template"

	"github.com/Masterminds/semver/v3"
	"go.yaml.in/yaml/v3"

	"github.com/idp-cli/idp/internal/block"
	"github.com/idp-cli/idp/internal/pathglob"
	"github.com/idp-cli/idp/internal/tmplfuncs"
)

// FileName is the manifest's name inside a golden path directory.
const FileName = "template.yaml"

// APIVersion is the only manifest version this idp reads.
const APIVersion = "idp/v1"

// Parameter types.
const (
	TypeString      = "string"
	TypeInt         = "int"
	TypeBool        = "bool"
	TypeSelect      = "select"
	TypeMultiselect = "multiselect"
)

var paramTypes = []string{TypeString, TypeInt, TypeBool, TypeSelect, TypeMultiselect}

// Manifest is a parsed template.yaml.
type Manifest struct {
	// File is the manifest's path as errors name it.
	File string `yaml:"-"`

	APIVersion  string      `yaml:"apiVersion"`
	Kind        string      `yaml:"kind"`
	Name        string      `yaml:"name"`
	Type        string      `yaml:"type"`
	Title       string      `yaml:"title"`
	Description string      `yaml:"description"`
	Parameters  []Parameter `yaml:"parameters"`
	Computed    []Computed  `yaml:"-"`
	Files       Files       `yaml:"files"`
	Hooks       []Hook      `yaml:"hooks"`
	Migrations  []Migration `yaml:"migrations"`
	// Requires, for an add-on, are the golden paths the service must already have as layers
	// (its base or earlier add-ons), each at a version within a constraint: idp add checks them.
	Requires []Requirement `yaml:"requires"`
	// TimeSaved is what using the golden path saves a team, as an ISO 8601 duration (PT2H),
	// like Backstage's backstage.io/time-saved: idp's opt-in events carry it.
	TimeSaved string `yaml:"timeSaved"`
}

// TypeAddon is the type of a golden path that is applied on top of a service's base golden
// path as a layer of its own (idp add), not made into a service.
const TypeAddon = "addon"

// IsAddon reports whether the golden path is an add-on.
func (m *Manifest) IsAddon() bool { return m.Type == TypeAddon }

// Requirement is a golden path an add-on needs under it.
type Requirement struct {
	Name string `yaml:"name"`
	// Version is a semantic version constraint (^1.1, >=1.2.0); empty: any version.
	Version    string `yaml:"version"`
	Line       int    `yaml:"-"`
	constraint *semver.Constraints
}

// Allows reports whether a layer at version meets the requirement's constraint. A layer on a
// branch or commit, with no version, meets only a requirement without one.
func (r *Requirement) Allows(version string) bool {
	if r.constraint == nil {
		return true
	}
	v, err := semver.NewVersion(version)
	return err == nil && r.constraint.Check(v)
}

// Block is lines an add-on keeps in a file of a lower layer (an annotation in
// catalog-info.yaml, a resource in a kustomization.yaml), between idp:begin and idp:end markers
// in the file's comment syntax.
type Block struct {
	// File is the file's path in the service; it may use {{ }} over the answers.
	File string `yaml:"file"`
	// After is a regular expression for the line the block goes after when it is first
	// written; empty: at the end of the file. Later updates rewrite it where it is.
	After string `yaml:"after"`
	// Content is the block's lines, a template over the answers ({{ }}).
	Content string `yaml:"content"`
	Line    int    `yaml:"-"`
	afterRe *regexp.Regexp
}

// AfterRe is After compiled, or nil when it is empty.
func (b *Block) AfterRe() *regexp.Regexp { return b.afterRe }

// Parameter is one answer the template asks for.
type Parameter struct {
	Name     string   `yaml:"name"`
	Type     string   `yaml:"type"`
	Title    string   `yaml:"title"`
	Help     string   `yaml:"help"`
	Required bool     `yaml:"required"`
	Pattern  string   `yaml:"pattern"`
	Min      *int     `yaml:"min"`
	Max      *int     `yaml:"max"`
	Options  []string `yaml:"options"`
	Default  any      `yaml:"default"`
	When     string   `yaml:"when"`
	Secret   bool     `yaml:"secret"`

	// PatternHelp says in words what Pattern accepts; a refused answer is explained with it
	// (else with Help), since a regular expression read aloud helps nobody.
	PatternHelp string `yaml:"pattern_help"`

	// Line is where the parameter starts in template.yaml.
	Line int `yaml:"-"`

	re          *regexp.Regexp
	whenTmpl    *template.Template
	defaultTmpl *template.Template
}

// Computed is a value derived from the answers, never asked.
type Computed struct {
	Name string
	Expr string
	Line int
	tmpl *template.Template
}

// Files holds the rules for the skeleton's files.
type Files struct {
	Delimiters []string  `yaml:"delimiters"`
	Verbatim   []string  `yaml:"verbatim"`
	Exclude    []Exclude `yaml:"exclude"`
	Owned      []string  `yaml:"owned"`
	// Suffix, when set, is cut from the end of file names after rendering, so that a skeleton can
	// hold main.go.tmpl and go.mod.tmpl without the Go tool treating it as code or a module.
	Suffix string `yaml:"suffix"`
	// Enforced are globs of the files a service should not diverge from: idp check --strict
	// reports those that differ from the recorded version's render.
	Enforced []string `yaml:"enforced"`
	// Blocks, for an add-on, are its managed blocks in files of lower layers.
	Blocks []Block `yaml:"blocks"`
}

// Exclude leaves out the files matching Paths when When renders "true" (always, when empty).
type Exclude struct {
	Paths []string `yaml:"paths"`
	When  string   `yaml:"when"`
	Line  int      `yaml:"-"`
	tmpl  *template.Template
}

// Hook is a command run in the service after it is created or updated.
type Hook struct {
	Run  string `yaml:"run"`
	When string `yaml:"when"`
}

// Migration is a command `idp update` runs in the service when the update crosses Version:
// from an older version to Version or newer. When is "before" the merge or "after" it (default).
type Migration struct {
	Version string `yaml:"version"`
	When    string `yaml:"when"`
	Run     string `yaml:"run"`
}

// Error is a fault in template.yaml at a line.
type Error struct {
	File string
	Line int
	Msg  string
}

func (e *Error) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
	}
	return fmt.Sprintf("%s: %s", e.File, e.Msg)
}

// Errors is every fault found in one template.yaml.
type Errors []*Error

func (es Errors) Error() string {
	msgs := make([]string, len(es))
	for i, e := range es {
		msgs[i] = e.Error()
	}
	return strings.Join(msgs, "\n")
}

// DirName is the directory name of the golden path in dir, the default for Name: that of its
// absolute path, so that "." and "sub/.." are named too.
func DirName(dir string) string {
	if abs, err := filepath.Abs(dir); err == nil {
		return filepath.Base(abs)
	}
	return filepath.Base(dir)
}

// Parse reads a template.yaml. file names it in errors. dirName is the golden path's directory
// name, the default for Name.
func Parse(data []byte, file, dirName string) (*Manifest, error) {
	p := &parser{file: file}
	if len(data) > MaxSize {
		return nil, &Error{File: file, Msg: fmt.Sprintf("is %d bytes, more than the %d a template.yaml may have; move long text into skeleton files", len(data), MaxSize)}
	}
	var doc yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&doc); err != nil && !errors.Is(err, io.EOF) {
		return nil, p.yamlError(err)
	}
	if len(doc.Content) == 0 {
		return nil, &Error{File: file, Msg: "is empty; it needs at least apiVersion: idp/v1 and kind: Template"}
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		return nil, &Error{File: file, Line: root.Line, Msg: "must be a mapping of fields (apiVersion, kind, name, ...)"}
	}
	if err := noAliases(root, file); err != nil {
		return nil, err
	}
	for i := 0; i+1 < len(root.Content); i += 2 {
		if root.Content[i].Value == "type" && root.Content[i+1].Value == TypeAddon {
			p.addon = true
		}
	}
	p.checkSchema(root, manifestSchema, "")
	m := &Manifest{}
	if err := root.Decode(m); err != nil {
		// Decoding goes on past a value of the wrong type, so the rest can still be checked.
		var es Errors
		if !errors.As(p.yamlError(err), &es) {
			return nil, p.yamlError(err)
		}
		p.errs = append(p.errs, es...)
	}
	faults := len(p.errs)
	p.collectLines(root, m)
	m.File = file
	if m.Name == "" {
		m.Name = dirName
	}
	p.validate(m)
	if faults > 0 {
		// Every fault, but each once: what the rules find in a mapping that holds an unknown
		// field or a value of the wrong type is most likely that same typo seen again (a
		// select without options, when its options: is misspelt).
		follows := consequences(root, p.errs[:faults])
		kept := p.errs[:faults]
		for _, e := range p.errs[faults:] {
			if !follows(e.Line) {
				kept = append(kept, e)
			}
		}
		slices.SortStableFunc(kept, func(a, b *Error) int { return a.Line - b.Line })
		return nil, kept
	}
	if len(p.errs) > 0 {
		return nil, p.errs
	}
	return m, nil
}

// consequences reports whether a fault at a line may follow from one of faults (unknown
// fields, values of the wrong type): it lies in the same mapping of fields below the top of the
// document (a parameter, files, a hook), or, for a fault at the top, it is about the document
// as a whole (line 0: a field that is missing).
func consequences(root *yaml.Node, faults Errors) func(line int) bool {
	var spans [][2]int
	top := false
	for _, f := range faults {
		if s, ok := innermostMapping(root, f.Line); ok {
			spans = append(spans, s)
		} else {
			top = true
		}
	}
	return func(line int) bool {
		if line == 0 {
			return top
		}
		for _, s := range spans {
			if line >= s[0] && line <= s[1] {
				return true
			}
		}
		return false
	}
}

// innermostMapping is the span of lines of the smallest mapping below root that holds line.
func innermostMapping(root *yaml.Node, line int) (best [2]int, found bool) {
	var walk func(n *yaml.Node)
	walk = func(n *yaml.Node) {
		for _, c := range n.Content {
			if c.Kind == yaml.MappingNode {
				s := [2]int{c.Line, lastLine(c)}
				if line >= s[0] && line <= s[1] && (!found || s[1]-s[0] < best[1]-best[0]) {
					best, found = s, true
				}
			}
			walk(c)
		}
	}
	walk(root)
	return best, found
}

func lastLine(n *yaml.Node) int {
	last := n.Line
	for _, c := range n.Content {
		last = max(last, lastLine(c))
	}
	return last
}

// MaxSize is the largest template.yaml idp reads.
const MaxSize = 1 << 20

// noAliases refuses YAML anchors and aliases (and so merge keys): a chain of aliases can expand
// into gigabytes ("billion laughs"), and writing values out keeps each line's meaning local.
func noAliases(n *yaml.Node, file string) error {
	if n.Kind == yaml.AliasNode || n.Anchor != "" {
		return &Error{File: file, Line: n.Line, Msg: "YAML anchors and aliases (&name, *name, <<) are not allowed in template.yaml; write the value out in full"}
	}
	for _, c := range n.Content {
		if err := noAliases(c, file); err != nil {
			return err
		}
	}
	return nil
}

type parser struct {
	addon bool // the document's type is addon
	file  string
	errs  Errors
	lines map[string]int // dotted path of a field -> line
}

func (p *parser) addf(line int, format string, args ...any) {
	p.errs = append(p.errs, &Error{File: p.file, Line: line, Msg: fmt.Sprintf(format, args...)})
}

// schema says which keys a mapping may hold; a nested schema checks the value below a key.
type schema struct {
	fields map[string]*schema
	seq    bool // the value is a sequence of mappings checked against fields
	free   bool // any keys (computed)
}

var (
	paramSchema = &schema{seq: true, fields: map[string]*schema{
		"name": nil, "type": nil, "title": nil, "help": nil, "required": nil, "pattern": nil, "pattern_help": nil,
		"min": nil, "max": nil, "options": nil, "default": nil, "when": nil, "secret": nil,
	}}
	manifestSchema = &schema{fields: map[string]*schema{
		"apiVersion": nil, "kind": nil, "name": nil, "type": nil, "title": nil, "description": nil,
		"parameters": paramSchema,
		"computed":   {free: true},
		"files": {fields: map[string]*schema{
			"delimiters": nil, "verbatim": nil, "owned": nil, "suffix": nil, "enforced": nil,
			"exclude": {seq: true, fields: map[string]*schema{"paths": nil, "when": nil}},
			"blocks":  {seq: true, fields: map[string]*schema{"file": nil, "after": nil, "content": nil}},
		}},
		"hooks":      {seq: true, fields: map[string]*schema{"run": nil, "when": nil}},
		"migrations": {seq: true, fields: map[string]*schema{"version": nil, "when": nil, "run": nil}},
		"requires":   {seq: true, fields: map[string]*schema{"name": nil, "version": nil}},
		"timeSaved":  nil,
	}}
	// addonFields are the fields only an add-on has: the list of known fields names them only
	// in an add-on's template.yaml.
	addonFields = map[string]bool{"requires": true}
)

func (p *parser) checkSchema(n *yaml.Node, s *schema, where string) {
	if s == nil || s.free {
		return
	}
	if s.seq {
		if n.Kind != yaml.SequenceNode {
			p.addf(n.Line, "%s must be a list", where)
			return
		}
		for _, item := range n.Content {
			p.checkMapping(item, s, where)
		}
		return
	}
	p.checkMapping(n, s, where)
}

func (p *parser) checkMapping(n *yaml.Node, s *schema, where string) {
	if n.Kind != yaml.MappingNode {
		p.addf(n.Line, "%s must be a mapping of fields", cmpOr(where, "the document"))
		return
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		sub, ok := s.fields[k.Value]
		if !ok {
			known := sortedKeys(s.fields)
			if where == "" && !p.addon {
				known = slices.DeleteFunc(known, func(k string) bool { return addonFields[k] })
			}
			p.addf(k.Line, "unknown field %q%s; known fields: %s", k.Value, in(where), strings.Join(known, ", "))
			continue
		}
		p.checkSchema(v, sub, strings.TrimPrefix(where+"."+k.Value, "."))
	}
}

func in(where string) string {
	if where == "" {
		return ""
	}
	return " in " + where
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

func sortedKeys(m map[string]*schema) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

var (
	reYAMLLine   = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^(?:yaml: )?line (\d+): (.*)$`) })
	reUnmarshal  = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile("^cannot unmarshal !!(\\w+) (?:`(.*)` )?into (.*)$") })
	goTypeToUser = map[string]string{
		"int": "a whole number", "*int": "a whole number", "bool": "true or false",
		"string": "a string", "[]string": "a list of strings",
	}
	yamlTagToUser = map[string]string{
		"str": "the string", "int": "the number", "bool": "the boolean", "map": "a mapping",
		"seq": "a list", "float": "the number",
	}
)

// yamlError turns yaml.v3's messages, which name Go types, into ones that name the file and line.
func (p *parser) yamlError(err error) error {
	var te *yaml.TypeError
	msgs := []string{err.Error()}
	if errors.As(err, &te) {
		msgs = te.Errors
	}
	var out Errors
	for _, msg := range msgs {
		line := 0
		if m := reYAMLLine().FindStringSubmatch(msg); m != nil {
			fmt.Sscan(m[1], &line)
			msg = m[2]
		}
		msg = strings.TrimPrefix(msg, "yaml: ")
		if m := reUnmarshal().FindStringSubmatch(msg); m != nil {
			want, ok := goTypeToUser[m[3]]
			if !ok {
				want = "a " + strings.TrimPrefix(m[3], "manifest.")
				if strings.HasPrefix(m[3], "[]") {
					want = "a list"
				} else if strings.HasPrefix(m[3], "manifest.") {
					want = "a mapping of fields"
				}
			}
			got := yamlTagToUser[m[1]]
			if m[1] == "str" || m[1] == "int" || m[1] == "bool" || m[1] == "float" {
				got += " " + strconvQuote(m[2])
			}
			msg = fmt.Sprintf("%s where %s is expected", cmpOr(got, m[1]), want)
		}
		out = append(out, &Error{File: p.file, Line: line, Msg: msg})
	}
	return out
}

func strconvQuote(s string) string { return fmt.Sprintf("%q", s) }

// collectLines records where each parameter and field is, and reads computed in order.
func (p *parser) collectLines(root *yaml.Node, m *Manifest) {
	p.lines = map[string]int{}
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], root.Content[i+1]
		p.lines[k.Value] = k.Line
		switch k.Value {
		case "parameters":
			for j, item := range v.Content {
				if j < len(m.Parameters) {
					m.Parameters[j].Line = item.Line
				}
				for f := 0; f+1 < len(item.Content); f += 2 {
					p.lines[fmt.Sprintf("parameters.%d.%s", j, item.Content[f].Value)] = item.Content[f+1].Line
				}
			}
		case "computed":
			if v.Kind != yaml.MappingNode {
				p.addf(v.Line, "computed must be a mapping of names to templates")
				continue
			}
			for f := 0; f+1 < len(v.Content); f += 2 {
				kn, vn := v.Content[f], v.Content[f+1]
				if vn.Kind != yaml.ScalarNode {
					p.addf(vn.Line, "computed.%s must be a template string", kn.Value)
					continue
				}
				m.Computed = append(m.Computed, Computed{Name: kn.Value, Expr: vn.Value, Line: vn.Line})
			}
		case "files":
			for f := 0; f+1 < len(v.Content); f += 2 {
				p.lines["files."+v.Content[f].Value] = v.Content[f+1].Line
				if v.Content[f].Value == "exclude" {
					for j, item := range v.Content[f+1].Content {
						if j < len(m.Files.Exclude) {
							m.Files.Exclude[j].Line = item.Line
						}
					}
				}
				if v.Content[f].Value == "blocks" {
					for j, item := range v.Content[f+1].Content {
						if j < len(m.Files.Blocks) {
							m.Files.Blocks[j].Line = item.Line
						}
					}
				}
			}
		case "hooks", "migrations":
			for j, item := range v.Content {
				p.lines[fmt.Sprintf("%s.%d", k.Value, j)] = item.Line
			}
		case "requires":
			for j, item := range v.Content {
				if j < len(m.Requires) {
					m.Requires[j].Line = item.Line
				}
			}
		}
	}
}

var (
	identRe = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`) })
	nameRe  = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[a-z0-9][a-z0-9._-]*$`) })
)

func (p *parser) validate(m *Manifest) {
	if m.TimeSaved != "" {
		if _, err := ParseISODuration(m.TimeSaved); err != nil {
			p.addf(p.lines["timeSaved"], "timeSaved: %v", err)
		}
	}
	if m.APIVersion != APIVersion {
		p.addf(p.lines["apiVersion"], "apiVersion is %q; this idp reads %q", m.APIVersion, APIVersion)
	}
	if m.Kind != "Template" {
		p.addf(p.lines["kind"], "kind is %q; it must be Template", m.Kind)
	}
	if !nameRe().MatchString(m.Name) {
		p.addf(p.lines["name"], "name %q must be lowercase letters, digits, '.', '_' or '-' (it is typed in --template)", m.Name)
	}
	if m.Type == "" {
		p.addf(0, "type is missing; set it to the kind of thing the template makes (service, library, ...)")
	} else if !identRe().MatchString(strings.ReplaceAll(m.Type, "-", "_")) {
		p.addf(p.lines["type"], "type %q must be a single word (letters, digits, - or _)", m.Type)
	}
	seen := map[string]bool{}
	for i := range m.Parameters {
		p.validateParam(i, &m.Parameters[i], seen)
	}
	for i := range m.Computed {
		c := &m.Computed[i]
		if !identRe().MatchString(c.Name) {
			p.addf(c.Line, "computed name %q must be letters, digits and _ so templates can use it as .%s", c.Name, c.Name)
		}
		if seen[c.Name] {
			p.addf(c.Line, "computed %q has the name of a parameter or an earlier computed value", c.Name)
		}
		seen[c.Name] = true
		c.tmpl = p.parseExpr(c.Line, "computed."+c.Name, c.Expr)
	}
	p.validateFiles(&m.Files)
	if d := m.Files.Delimiters; len(d) == 2 && d[0] != "{{" {
		for i := range m.Parameters {
			prm := &m.Parameters[i]
			def, _ := prm.Default.(string)
			for field, expr := range map[string]string{"when": prm.When, "default": def} {
				if strings.Contains(expr, d[0]) && !strings.Contains(expr, "{{") {
					p.addf(p.lines[fmt.Sprintf("parameters.%d.%s", i, field)], "parameter %q %s uses %s; expressions in template.yaml always use {{ }}, files.delimiters applies to the skeleton only", prm.Name, field, d[0])
				}
			}
		}
	}
	p.validateMigrations(m)
	p.validateLayering(m)
	for i, h := range m.Hooks {
		line := p.lines[fmt.Sprintf("hooks.%d", i)]
		if strings.TrimSpace(h.Run) == "" {
			p.addf(line, "hook %d has no run command", i+1)
		}
		if h.When != "" && h.When != "create" && h.When != "update" && h.When != "always" {
			p.addf(line, "hook %d: when is %q; use create, update or always", i+1, h.When)
		}
	}
}

// validateLayering checks what only add-ons have: requires and files.blocks.
func (p *parser) validateLayering(m *Manifest) {
	if !m.IsAddon() {
		if len(m.Requires) > 0 {
			p.addf(p.lines["requires"], "requires is for add-ons (type: addon): the golden paths a service needs before idp add applies this one")
		}
		if len(m.Files.Blocks) > 0 {
			p.addf(p.lines["files.blocks"], "files.blocks is for add-ons (type: addon): lines they keep in a file of a lower layer")
		}
		return
	}
	for i := range m.Requires {
		r := &m.Requires[i]
		line := cmp.Or(r.Line, p.lines["requires"])
		if !nameRe().MatchString(r.Name) {
			p.addf(line, "requires %d: name %q must be a golden path's name", i+1, r.Name)
		}
		if r.Name == m.Name {
			p.addf(line, "requires %d: %s cannot require itself", i+1, r.Name)
		}
		if r.Version != "" {
			c, err := semver.NewConstraint(r.Version)
			if err != nil {
				p.addf(line, "requires %s: version %q is not a version constraint such as ^1.1 or >=1.2.0", r.Name, r.Version)
			}
			r.constraint = c
		}
	}
	files := map[string]bool{}
	for i := range m.Files.Blocks {
		b := &m.Files.Blocks[i]
		line := cmp.Or(b.Line, p.lines["files.blocks"])
		switch {
		case strings.TrimSpace(b.File) == "":
			p.addf(line, "files.blocks %d has no file: the path of the lower layer's file it goes in", i+1)
		case files[b.File]:
			p.addf(line, "files.blocks %d: %s has a block already; an add-on keeps one block per file, so put both in one content", i+1, b.File)
		case !strings.Contains(b.File, "{{"):
			if _, err := block.SyntaxFor(b.File); err != nil {
				p.addf(line, "files.blocks %d: %s", i+1, err)
			}
		}
		files[b.File] = true
		if strings.TrimSpace(b.Content) == "" {
			p.addf(line, "files.blocks %d (%s) has no content", i+1, b.File)
		}
		if b.After != "" {
			re, err := regexp.Compile(b.After)
			if err != nil {
				p.addf(line, "files.blocks %d: after %q is not a valid regular expression: %s", i+1, b.After, strings.TrimPrefix(err.Error(), "error parsing regexp: "))
			}
			b.afterRe = re
		}
		if b.File != "" {
			p.parseExpr(line, "files.blocks file", b.File)
		}
		if b.Content != "" {
			p.parseExpr(line, "files.blocks content", b.Content)
		}
	}
}

func (p *parser) validateMigrations(m *Manifest) {
	for i, mg := range m.Migrations {
		line := p.lines[fmt.Sprintf("migrations.%d", i)]
		if strings.TrimSpace(mg.Run) == "" {
			p.addf(line, "migration %d has no run command", i+1)
		}
		if _, err := semver.StrictNewVersion(strings.TrimPrefix(mg.Version, "v")); err != nil || !strings.HasPrefix(mg.Version, "v") {
			p.addf(line, "migration %d: version %q must be a version tag such as v1.2.0: the migration runs when an update reaches it", i+1, mg.Version)
		}
		if mg.When != "" && mg.When != "before" && mg.When != "after" {
			p.addf(line, "migration %d: when is %q; use before or after (the merge)", i+1, mg.When)
		}
	}
}

func (p *parser) validateParam(i int, prm *Parameter, seen map[string]bool) {
	line := func(field string) int {
		if l, ok := p.lines[fmt.Sprintf("parameters.%d.%s", i, field)]; ok {
			return l
		}
		return prm.Line
	}
	label := fmt.Sprintf("parameter %q", prm.Name)
	switch {
	case prm.Name == "":
		p.addf(prm.Line, "parameter %d has no name", i+1)
		label = fmt.Sprintf("parameter %d", i+1)
	case !identRe().MatchString(prm.Name):
		p.addf(line("name"), "parameter name %q must be letters, digits and _ so templates can use it as .%s", prm.Name, prm.Name)
	case seen[prm.Name]:
		p.addf(line("name"), "parameter %q is declared twice", prm.Name)
	}
	seen[prm.Name] = true
	if prm.Type == "" {
		prm.Type = TypeString
	}
	if !slices.Contains(paramTypes, prm.Type) {
		p.addf(line("type"), "%s: type %q is not one of %s", label, prm.Type, strings.Join(paramTypes, ", "))
		return
	}
	if prm.Pattern != "" {
		if prm.Type != TypeString {
			p.addf(line("pattern"), "%s: pattern applies only to string parameters", label)
		} else if re, err := regexp.Compile(prm.Pattern); err != nil {
			p.addf(line("pattern"), "%s: pattern %q is not a valid regular expression: %s", label, prm.Pattern, strings.TrimPrefix(err.Error(), "error parsing regexp: "))
		} else {
			prm.re = re
		}
	}
	if prm.PatternHelp != "" && prm.Pattern == "" {
		p.addf(line("pattern_help"), "%s: pattern_help explains a pattern, and there is none; add the pattern or remove pattern_help", label)
	}
	if prm.Min != nil || prm.Max != nil {
		if prm.Type != TypeInt {
			p.addf(line(cmpOr(map[bool]string{true: "min"}[prm.Min != nil], "max")), "%s: min and max apply only to int parameters", label)
		} else if prm.Min != nil && prm.Max != nil && *prm.Min > *prm.Max {
			p.addf(line("min"), "%s: min %d is above max %d", label, *prm.Min, *prm.Max)
		}
	}
	isChoice := prm.Type == TypeSelect || prm.Type == TypeMultiselect
	if isChoice && len(prm.Options) == 0 {
		p.addf(prm.Line, "%s: a %s parameter needs options", label, prm.Type)
	}
	if !isChoice && len(prm.Options) > 0 {
		p.addf(line("options"), "%s: options apply only to select and multiselect parameters", label)
	}
	if prm.Secret && prm.Type != TypeString {
		p.addf(line("secret"), "%s: secret applies only to string parameters", label)
	}
	if prm.When != "" {
		prm.whenTmpl = p.parseExpr(line("when"), label+" when", prm.When)
	}
	if prm.Default != nil {
		if s, ok := prm.Default.(string); ok && strings.Contains(s, "{{") {
			prm.defaultTmpl = p.parseExpr(line("default"), label+" default", s)
		} else if v, err := Convert(prm, prm.Default); err != nil {
			p.addf(line("default"), "%s: default %v: %s", label, prm.Default, err)
		} else if err := prm.Check(v); err != nil {
			p.addf(line("default"), "%s: default %v: %s", label, prm.Default, Describe(err, true))
		}
	}
}

func (p *parser) validateFiles(f *Files) {
	if f.Delimiters != nil {
		if len(f.Delimiters) != 2 || f.Delimiters[0] == "" || f.Delimiters[1] == "" {
			p.addf(p.lines["files.delimiters"], "files.delimiters must be two non-empty strings, like ['[[', ']]']")
		}
	}
	for _, list := range []struct {
		key      string
		patterns []string
	}{{"verbatim", f.Verbatim}, {"owned", f.Owned}, {"enforced", f.Enforced}} {
		for _, pat := range list.patterns {
			if err := pathglob.Validate(pat); err != nil {
				p.addf(p.lines["files."+list.key], "files.%s: %s", list.key, err)
			}
		}
	}
	for i := range f.Exclude {
		ex := &f.Exclude[i]
		if len(ex.Paths) == 0 {
			p.addf(ex.Line, "files.exclude %d has no paths", i+1)
		}
		for _, pat := range ex.Paths {
			if err := pathglob.Validate(pat); err != nil {
				p.addf(ex.Line, "files.exclude: %s", err)
			}
		}
		if ex.When != "" {
			ex.tmpl = p.parseExpr(ex.Line, "files.exclude when", ex.When)
		}
	}
	if strings.Contains(f.Suffix, "/") {
		p.addf(p.lines["files.suffix"], "files.suffix %q must not contain /", f.Suffix)
	}
}

func (p *parser) parseExpr(line int, what, expr string) *template.Template {
	t, err := NewExpr(what, expr)
	if err != nil {
		p.addf(line, "%s does not parse: %s", what, exprError(err))
		return nil
	}
	return t
}

// NewExpr parses a manifest expression (when, default, computed). They always use {{ }},
// whatever files.delimiters says, since they are not part of the skeleton.
func NewExpr(name, expr string) (*template.Template, error) {
	t, err := template.New(name).Funcs(tmplfuncs.Map()).Option("missingkey=error").Parse(expr)
	if err != nil {
		return nil, err
	}
	tmplfuncs.Guard(t) // values printed are measured first; see tmplfuncs.OutputFunc
	return t, nil
}

var (
	reTmplErr = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^template: [^:]*:\d+(?::\d+)?: `) })
	reExecErr = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^executing "(?:[^"\\]|\\.)*" at <(.*?)>: (.*)$`) })
	reNoKey   = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^map has no entry for key "(.*)"$`) })
)

func exprError(err error) string {
	s := reTmplErr().ReplaceAllString(err.Error(), "")
	if m := reExecErr().FindStringSubmatch(s); m != nil {
		if k := reNoKey().FindStringSubmatch(m[2]); k != nil {
			return fmt.Sprintf("no parameter or computed value named %q (at <%s>)", k[1], m[1])
		}
		return fmt.Sprintf("%s (at <%s>)", strings.TrimPrefix(m[2], "error calling "), m[1])
	}
	return s
}

// ExprError strips text/template's own prefix from an expression error.
func ExprError(err error) string { return exprError(err) }
