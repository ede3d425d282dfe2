package provenance

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strings"
	"sync"

	"go.yaml.in/yaml/v3"

	"github.com/idp-cli/idp/internal/answers"
	"github.com/idp-cli/idp/internal/pathglob"
)

// Error is a fault in .idp.yaml, with the line it is on.
type Error struct {
	File string
	Line int
	Msg  string
}

func (e *Error) Error() string {
	where := e.File
	if e.Line > 0 {
		where = fmt.Sprintf("%s:%d", e.File, e.Line)
	}
	return fmt.Sprintf("%s: %s; fix it, or restore the file with git checkout -- %s", where, e.Msg, FileName)
}

var (
	reCommit   = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[0-9a-f]{40}$`) })
	reYAMLLine = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^(?:yaml: )?line (\d+): (.*)$`) })
)

// MaxSize is the largest .idp.yaml idp reads: it holds a few lines of answers.
const MaxSize = 1 << 20

// Parse reads .idp.yaml strictly: only template (source, name, version, commit), answers
// (names to scalars or lists of scalars), rendered-with (the same), idp-version (a string),
// pending-migrations and skip (lists of versions); and, from format 2 on, format, layers (add-ons, each with the same four
// keys) and ignore (globs). A format newer than Format is refused in words. file names it in
// errors.
func Parse(data []byte, file string) (*File, error) {
	if len(data) > MaxSize {
		return nil, &Error{File: file, Msg: fmt.Sprintf("is %d bytes, more than the %d idp reads", len(data), MaxSize)}
	}
	var doc, next yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(data))
	err := dec.Decode(&doc)
	if err == nil {
		if err = dec.Decode(&next); err == nil {
			return nil, &Error{File: file, Line: next.Line, Msg: "holds more than one YAML document; keep only the first"}
		}
	}
	if err != nil && !errors.Is(err, io.EOF) {
		msg := strings.TrimPrefix(err.Error(), "yaml: ")
		line := 0
		if m := reYAMLLine().FindStringSubmatch(msg); m != nil {
			fmt.Sscan(m[1], &line)
			msg = m[2]
		}
		return nil, &Error{File: file, Line: line, Msg: "not valid YAML: " + msg}
	}
	if len(doc.Content) == 0 {
		return nil, &Error{File: file, Msg: "is empty"}
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		return nil, &Error{File: file, Line: root.Line, Msg: "must be a mapping with template and answers"}
	}
	if err := noAliases(root, file); err != nil {
		return nil, err
	}
	f := &File{}
	var sawTemplate bool
	seen := map[string]bool{}
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], root.Content[i+1]
		if seen[k.Value] {
			return nil, &Error{File: file, Line: k.Line, Msg: fmt.Sprintf("%s is given twice", k.Value)}
		}
		seen[k.Value] = true
		switch k.Value {
		case "template", "answers", "rendered-with", "idp-version", "pending-migrations", "skip":
			sawTemplate = sawTemplate || k.Value == "template"
			if err := parseLayerKey(k.Value, v, file, "", &f.Template, &f.Answers, &f.RenderedWith, &f.IdpVersion, &f.PendingMigrations, &f.Skip); err != nil {
				return nil, err
			}
		case "format":
			if err := parseFormat(v, file); err != nil {
				return nil, err
			}
		case "layers":
			layers, err := parseLayers(v, file)
			if err != nil {
				return nil, err
			}
			f.Layers = layers
		case "ignore":
			globs, err := parseIgnore(v, file)
			if err != nil {
				return nil, err
			}
			f.Ignore = globs
		default:
			keys := "template, answers, rendered-with, idp-version, pending-migrations and skip"
			if hasKey(root, "format", "layers", "ignore") {
				keys = "format, template, answers, rendered-with, idp-version, pending-migrations, skip, layers and ignore"
			}
			return nil, &Error{File: file, Line: k.Line, Msg: fmt.Sprintf("unknown key %q; the keys are %s", k.Value, keys)}
		}
	}
	if !sawTemplate {
		return nil, &Error{File: file, Line: root.Line, Msg: "template is missing (source, name, version, commit)"}
	}
	for i, l := range f.Layers {
		if j := slices.Index(f.Names(), l.Template.Name); j <= i {
			what := "the base golden path"
			if j > 0 {
				what = fmt.Sprintf("layers[%d]", j-1)
			}
			return nil, &Error{File: file, Line: layerLine(root, i), Msg: fmt.Sprintf("layers[%d] is %s, as %s is; a golden path is applied once: remove one", i, l.Template.Name, what)}
		}
	}
	return f, nil
}

// parseLayerKey reads one of a layer's keys (at prefix: "" for the base, "layers[N]." for an
// add-on) into its field.
func parseLayerKey(key string, v *yaml.Node, file, prefix string, t *Template, ans, rendered *[]answers.KV, idp *string, pending, skip *[]string) error {
	switch key {
	case "template":
		return parseTemplateAt(v, file, prefix+"template", t)
	case "answers":
		kvs, err := parseAnswers(v, file, prefix+"answers")
		if err != nil {
			return err
		}
		*ans = kvs
	case "rendered-with":
		kvs, err := parseAnswers(v, file, prefix+"rendered-with")
		if err != nil {
			return err
		}
		*rendered = append([]answers.KV{}, kvs...) // recorded, even when empty
	case "idp-version":
		if v.Kind != yaml.ScalarNode || v.Tag == "!!null" || v.Value == "" || strings.ContainsAny(v.Value, " \t\n") {
			return &Error{File: file, Line: v.Line, Msg: fmt.Sprintf("%sidp-version must be the version of the idp that last rendered the files, as v1.4.0; idp writes it: remove the line and the next update writes it again", prefix)}
		}
		*idp = v.Value
	case "pending-migrations":
		vs, err := parseVersions(v, file, prefix+"pending-migrations")
		if err != nil {
			return err
		}
		*pending = vs
	case "skip":
		vs, err := parseVersions(v, file, prefix+"skip")
		if err != nil {
			return err
		}
		*skip = vs
	}
	return nil
}

// parseFormat accepts the formats this idp reads and refuses a newer one in words.
func parseFormat(v *yaml.Node, file string) error {
	var n int
	if v.Kind != yaml.ScalarNode || v.Decode(&n) != nil || n < 1 {
		return &Error{File: file, Line: v.Line, Msg: fmt.Sprintf("format %q is not a format number; idp writes format: %d", v.Value, Format)}
	}
	if n > Format {
		return &Error{File: file, Line: v.Line, Msg: fmt.Sprintf("is format %d, written by a newer idp; this idp reads formats 1 to %d: upgrade idp", n, Format)}
	}
	return nil
}

// parseLayers reads layers: a list of add-ons, each with template, answers, rendered-with and
// pending-migrations as the base has them.
func parseLayers(n *yaml.Node, file string) ([]Layer, error) {
	if n.Kind == yaml.ScalarNode && n.Tag == "!!null" {
		return nil, nil
	}
	if n.Kind != yaml.SequenceNode {
		return nil, &Error{File: file, Line: n.Line, Msg: "layers must be a list of add-ons, each with template and answers"}
	}
	var out []Layer
	for i, item := range n.Content {
		at := fmt.Sprintf("layers[%d]", i)
		if item.Kind != yaml.MappingNode {
			return nil, &Error{File: file, Line: item.Line, Msg: at + " must be a mapping of template and answers"}
		}
		var l Layer
		var sawTemplate bool
		seen := map[string]bool{}
		for j := 0; j+1 < len(item.Content); j += 2 {
			k, v := item.Content[j], item.Content[j+1]
			if seen[k.Value] {
				return nil, &Error{File: file, Line: k.Line, Msg: fmt.Sprintf("%s.%s is given twice", at, k.Value)}
			}
			seen[k.Value] = true
			switch k.Value {
			case "template", "answers", "rendered-with", "idp-version", "pending-migrations", "skip":
				sawTemplate = sawTemplate || k.Value == "template"
				if err := parseLayerKey(k.Value, v, file, at+".", &l.Template, &l.Answers, &l.RenderedWith, &l.IdpVersion, &l.PendingMigrations, &l.Skip); err != nil {
					return nil, err
				}
			default:
				return nil, &Error{File: file, Line: k.Line, Msg: fmt.Sprintf("unknown key %s.%s; the keys of a layer are template, answers, rendered-with, idp-version, pending-migrations and skip", at, k.Value)}
			}
		}
		if !sawTemplate {
			return nil, &Error{File: file, Line: item.Line, Msg: at + ".template is missing (source, name, version, commit)"}
		}
		out = append(out, l)
	}
	return out, nil
}

// hasKey reports whether the mapping has one of the keys.
func hasKey(m *yaml.Node, keys ...string) bool {
	for j := 0; j+1 < len(m.Content); j += 2 {
		if slices.Contains(keys, m.Content[j].Value) {
			return true
		}
	}
	return false
}

// layerLine is the line of layers[i] in the document, for errors about it.
func layerLine(root *yaml.Node, i int) int {
	for j := 0; j+1 < len(root.Content); j += 2 {
		if root.Content[j].Value == "layers" && i < len(root.Content[j+1].Content) {
			return root.Content[j+1].Content[i].Line
		}
	}
	return 0
}

// MaxIgnore is the most globs ignore may hold.
const MaxIgnore = 1000

// parseIgnore reads ignore: a list of glob patterns of the service's paths.
func parseIgnore(n *yaml.Node, file string) ([]string, error) {
	if n.Kind == yaml.ScalarNode && n.Tag == "!!null" {
		return nil, nil
	}
	if n.Kind != yaml.SequenceNode {
		return nil, &Error{File: file, Line: n.Line, Msg: "ignore must be a list of paths or globs, as ['docs/adr/**', README.md]"}
	}
	if len(n.Content) > MaxIgnore {
		return nil, &Error{File: file, Line: n.Line, Msg: fmt.Sprintf("ignore has %d globs, more than the %d idp reads; use ** to cover a directory", len(n.Content), MaxIgnore)}
	}
	var out []string
	for _, item := range n.Content {
		if item.Kind != yaml.ScalarNode || item.Value == "" {
			return nil, &Error{File: file, Line: item.Line, Msg: "ignore: each item must be a path or a glob, as docs/adr/**"}
		}
		g := item.Value
		if strings.HasPrefix(g, "/") || strings.HasPrefix(g, "./") || strings.Contains(g, "\\") {
			return nil, &Error{File: file, Line: item.Line, Msg: fmt.Sprintf("ignore: %q must be relative to the service, with / between directories, as docs/adr/**", g)}
		}
		if err := pathglob.Validate(g); err != nil {
			return nil, &Error{File: file, Line: item.Line, Msg: "ignore: " + err.Error()}
		}
		out = append(out, g)
	}
	return out, nil
}

func parseTemplateAt(n *yaml.Node, file, at string, t *Template) error {
	if n.Kind != yaml.MappingNode {
		return &Error{File: file, Line: n.Line, Msg: at + " must be a mapping of source, name, version and commit"}
	}
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if seen[k.Value] {
			return &Error{File: file, Line: k.Line, Msg: fmt.Sprintf("%s.%s is given twice", at, k.Value)}
		}
		seen[k.Value] = true
		if v.Kind != yaml.ScalarNode {
			return &Error{File: file, Line: v.Line, Msg: fmt.Sprintf("%s.%s must be a string", at, k.Value)}
		}
		switch k.Value {
		case "source":
			t.Source = v.Value
		case "name":
			t.Name = v.Value
		case "version":
			t.Version = v.Value
		case "commit":
			if !reCommit().MatchString(v.Value) {
				return &Error{File: file, Line: v.Line, Msg: fmt.Sprintf("%s.commit %q is not a full commit hash (40 hex digits)", at, v.Value)}
			}
			t.Commit = v.Value
		default:
			return &Error{File: file, Line: k.Line, Msg: fmt.Sprintf("unknown key %s.%s; the keys are source, name, version and commit", at, k.Value)}
		}
	}
	switch {
	case t.Source == "":
		return &Error{File: file, Line: n.Line, Msg: at + ".source is missing: the golden paths' git URL or directory"}
	case t.Name == "":
		return &Error{File: file, Line: n.Line, Msg: at + ".name is missing: the golden path's name"}
	}
	return nil
}

func parseAnswers(n *yaml.Node, file, key string) ([]answers.KV, error) {
	if n.Kind == yaml.ScalarNode && n.Tag == "!!null" {
		return nil, nil
	}
	if n.Kind != yaml.MappingNode {
		return nil, &Error{File: file, Line: n.Line, Msg: key + " must be a mapping of parameter names to values"}
	}
	var kvs []answers.KV
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if k.Kind != yaml.ScalarNode {
			return nil, &Error{File: file, Line: k.Line, Msg: "answer keys must be parameter names, not lists or mappings"}
		}
		if seen[k.Value] {
			return nil, &Error{File: file, Line: k.Line, Msg: fmt.Sprintf("answer %q is given twice", k.Value)}
		}
		seen[k.Value] = true
		var val any
		switch v.Kind {
		case yaml.ScalarNode:
			if tag := v.ShortTag(); v.Style&yaml.TaggedStyle != 0 && tag != "!!str" && tag != "!!int" && tag != "!!bool" && tag != "!!float" && tag != "!!null" {
				// !!binary, !!timestamp and custom tags would decode into something no parameter takes.
				return nil, &Error{File: file, Line: v.Line, Msg: fmt.Sprintf("answer %s: %s values are not allowed; write the value as plain text", k.Value, tag)}
			}
			if v.ShortTag() == "!!timestamp" {
				val = v.Value // a date typed by hand answers a string parameter as written
			} else if err := v.Decode(&val); err != nil {
				return nil, &Error{File: file, Line: v.Line, Msg: fmt.Sprintf("answer %s: %v", k.Value, err)}
			}
		case yaml.SequenceNode:
			list := []string{}
			for _, item := range v.Content {
				if item.Kind != yaml.ScalarNode {
					return nil, &Error{File: file, Line: item.Line, Msg: fmt.Sprintf("answer %s: list items must be plain values", k.Value)}
				}
				list = append(list, item.Value)
			}
			val = list
		default:
			return nil, &Error{File: file, Line: v.Line, Msg: fmt.Sprintf("answer %s must be a value or a list of values", k.Value)}
		}
		kvs = append(kvs, answers.KV{Key: k.Value, Value: val})
	}
	return kvs, nil
}

// parseVersions reads pending-migrations or skip: a list of versions, each once.
func parseVersions(n *yaml.Node, file, key string) ([]string, error) {
	if n.Kind == yaml.ScalarNode && n.Tag == "!!null" {
		return nil, nil
	}
	if n.Kind != yaml.SequenceNode {
		return nil, &Error{File: file, Line: n.Line, Msg: key + " must be a list of versions, as [v1.2.0, v1.3.0]"}
	}
	var vs []string
	seen := map[string]bool{}
	for _, item := range n.Content {
		if item.Kind != yaml.ScalarNode || item.Value == "" {
			return nil, &Error{File: file, Line: item.Line, Msg: key + ": each item must be a version, as v1.2.0"}
		}
		if !seen[item.Value] {
			seen[item.Value] = true
			vs = append(vs, item.Value)
		}
	}
	return vs, nil
}

// noAliases refuses YAML anchors and aliases: idp never writes them, and a hand-made alias
// chain can expand into gigabytes.
func noAliases(n *yaml.Node, file string) error {
	if n.Kind == yaml.AliasNode || n.Anchor != "" {
		return &Error{File: file, Line: n.Line, Msg: "YAML anchors and aliases are not allowed here"}
	}
	for _, c := range n.Content {
		if err := noAliases(c, file); err != nil {
			return err
		}
	}
	return nil
}

// Recorded returns the answers as a map, for answers.Request.Recorded.
func (f *File) Recorded() map[string]any {
	m := make(map[string]any, len(f.Answers))
	for _, kv := range f.Answers {
		m[kv.Key] = kv.Value
	}
	return m
}

// Rendered returns the answers the files were last rendered with, as a map, or nil when the
// file does not record them.
func (f *File) Rendered() map[string]any {
	if f.RenderedWith == nil {
		return nil
	}
	m := make(map[string]any, len(f.RenderedWith))
	for _, kv := range f.RenderedWith {
		m[kv.Key] = kv.Value
	}
	return m
}

// IsError reports whether err is a fault in the file's content.
func IsError(err error) bool {
	var e *Error
	return errors.As(err, &e)
}

// VersionLine is the line of the template's version in .idp.yaml's data, of layer i as
// File.Layer numbers them (0 the base, 1.. layers[0]..), for errors about it; 0 when it cannot
// be found.
func VersionLine(data []byte, i int) int {
	var doc yaml.Node
	if yaml.Unmarshal(data, &doc) != nil || len(doc.Content) == 0 {
		return 0
	}
	m := doc.Content[0]
	if i > 0 {
		m = value(m, "layers")
		if m == nil || m.Kind != yaml.SequenceNode || i > len(m.Content) {
			return 0
		}
		m = m.Content[i-1]
	}
	if t := value(m, "template"); t != nil {
		for j := 0; j+1 < len(t.Content); j += 2 {
			if t.Content[j].Value == "version" {
				return t.Content[j+1].Line
			}
		}
		return t.Line
	}
	return 0
}

// value is the value of key in the mapping m, or nil.
func value(m *yaml.Node, key string) *yaml.Node {
	if m == nil || m.Kind != yaml.MappingNode {
		return nil
	}
	for j := 0; j+1 < len(m.Content); j += 2 {
		if m.Content[j].Value == key {
			return m.Content[j+1]
		}
	}
	return nil
}
