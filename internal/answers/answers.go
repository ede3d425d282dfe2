// Package answers resolves a template's parameters from the command line, a values file,
// prompts and defaults, validates them against the manifest's rules and derives computed values.
package answers

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"path/filepath"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/idp-cli/idp/internal/manifest"
	"github.com/idp-cli/idp/internal/userfile"
)

// Request is everything the user gave before any prompt.
type Request struct {
	// Set holds KEY=VALUE pairs from --set, in order; a later one wins.
	Set []string
	// Values holds answers read from a values file (see ReadValuesFile); ValuesFile names it.
	Values     map[string]any
	ValuesFile string
	// Name is the positional NAME argument; it answers the parameter "name".
	Name string
	// Prompter asks for what is still missing; nil when idp may not prompt.
	Prompter Prompter
	// Recorded are answers from an earlier run (.idp.yaml); they count as given, below the
	// command line and the values file.
	Recorded map[string]any
	// Check, when set, is one more rule of the caller's for a parameter's answer (the
	// converted value; never called with an empty one), such as that the directory a name
	// makes is free. It applies to a given answer before any prompt, and to a prompted one as
	// it is typed, so that the prompt refuses it there.
	Check func(param string, v any) error
	// Review, when set and the Prompter is a Reviewer, ends the prompts with the answers, the
	// command that gives them without prompts, and a confirmation.
	Review *Review
	// NewIn maps a parameter that is new since the service's version to the version that
	// added it: the prompt says so.
	NewIn map[string]string
	// Verbose names the pattern in the message for an answer it refuses (--verbose); without
	// it the message says what the pattern wants in words.
	Verbose bool
}

// Result is the resolved answers.
type Result struct {
	// Answers holds every parameter that applies (its when is true), by name.
	Answers map[string]any
	// Data is what templates see: answers, the zero value of parameters that do not apply, and
	// computed values.
	Data map[string]any
	// Prompted lists the parameters the user answered at a prompt.
	Prompted []string
}

// Recordable returns the answers to keep in .idp.yaml, in parameter order: secret ones left out.
func (r *Result) Recordable(m *manifest.Manifest) []KV {
	var out []KV
	for _, p := range m.Parameters {
		v, ok := r.Answers[p.Name]
		if !ok || p.Secret {
			continue
		}
		out = append(out, KV{Key: p.Name, Value: v})
	}
	return out
}

// KV is one answer, kept in order.
type KV struct {
	Key   string
	Value any
}

// InvalidError is an answer that breaks a parameter's rule, or names no parameter.
type InvalidError struct {
	Param  string // empty for a problem with the input itself
	Origin string // where the answer came from: "--set port=x", "values.yaml", "prompt"
	Msg    string
}

func (e *InvalidError) Error() string {
	var b strings.Builder
	if e.Origin != "" {
		b.WriteString(e.Origin + ": ")
	}
	if e.Param != "" {
		fmt.Fprintf(&b, "parameter %q: ", e.Param)
	}
	b.WriteString(e.Msg)
	return b.String()
}

// MissingError lists every required parameter that has no answer when idp may not prompt.
type MissingError struct {
	Params []*manifest.Parameter
}

func (e *MissingError) Error() string {
	names := make([]string, len(e.Params))
	for i, p := range e.Params {
		names[i] = p.Name
		if p.Title != "" {
			names[i] += " (" + p.Title + ")"
		}
	}
	noun, pron := "parameter", "it"
	if len(names) > 1 {
		noun, pron = "parameters", "them"
	}
	return fmt.Sprintf("missing required %s: %s; pass %s with --set KEY=VALUE or --values FILE, or run in a terminal to be asked",
		noun, strings.Join(names, ", "), pron)
}

// Names lists the missing parameters' names.
func (e *MissingError) Names() []string {
	names := make([]string, len(e.Params))
	for i, p := range e.Params {
		names[i] = p.Name
	}
	return names
}

type given struct {
	value  any
	origin string
}

// Resolve works out every parameter's answer, in manifest order: the command line (--set and
// NAME), then the values file, then recorded answers, then a prompt, then the default.
func Resolve(ctx context.Context, m *manifest.Manifest, req Request) (*Result, error) {
	in, err := collect(m, req)
	if err != nil {
		return nil, err
	}
	var prompted map[string]any
	if req.Prompter != nil {
		known := map[string]any{}
		var qs []*Question
		for i := range m.Parameters {
			p := &m.Parameters[i]
			if g, ok := in[p.Name]; ok {
				v, err := req.convert(p, g)
				if err != nil {
					return nil, err
				}
				known[p.Name] = v
				continue
			}
			q := &Question{Param: p, NewIn: req.NewIn[p.Name], m: m}
			if req.Check != nil {
				q.check = func(v any) error { return req.Check(p.Name, v) }
			}
			qs = append(qs, q)
		}
		if len(qs) > 0 {
			if r, ok := req.Prompter.(Reviewer); ok && req.Review != nil {
				prompted, err = r.AskAndReview(ctx, known, qs, req.Review)
			} else {
				prompted, err = req.Prompter.Ask(ctx, known, qs)
			}
			if err != nil {
				return nil, err
			}
		}
	}

	res := &Result{Answers: map[string]any{}}
	data := zeros(m)
	var missing []*manifest.Parameter
	for i := range m.Parameters {
		p := &m.Parameters[i]
		asked, err := p.Asked(data)
		if err != nil && len(missing) > 0 {
			continue // it may depend on what is missing: report that first
		}
		if err != nil {
			return nil, &manifest.Error{File: m.File, Line: p.Line, Msg: fmt.Sprintf("parameter %q when: %s", p.Name, err)}
		}
		if !asked {
			continue
		}
		var v any
		if g, ok := in[p.Name]; ok {
			if v, err = req.convert(p, g); err != nil {
				return nil, err
			}
		} else if pv, ok := prompted[p.Name]; ok {
			if v, err = req.convert(p, given{value: pv, origin: "prompt"}); err != nil {
				return nil, err
			}
			res.Prompted = append(res.Prompted, p.Name)
		} else if p.HasDefault() {
			// A default made from a missing answer ("/payments" from no owner) is not the fault
			// to report when something is missing: the missing answer is.
			if v, err = p.DefaultValue(data); err != nil {
				if len(missing) > 0 {
					continue
				}
				return nil, &manifest.Error{File: m.File, Line: p.Line, Msg: fmt.Sprintf("parameter %q default: %s", p.Name, err)}
			}
			if err := p.Check(v); err != nil && len(missing) > 0 {
				continue
			} else if err != nil {
				return nil, &InvalidError{Param: p.Name, Origin: "default", Msg: manifest.Describe(err, req.Verbose) + "; set it with --set " + p.Name + "=VALUE"}
			}
		} else if p.Required {
			missing = append(missing, p)
			continue
		} else {
			v = p.Unset()
		}
		if p.Required && manifest.IsEmpty(v) {
			missing = append(missing, p)
			continue
		}
		res.Answers[p.Name] = v
		data[p.Name] = v
	}
	if len(missing) > 0 {
		return nil, &MissingError{Params: missing}
	}
	for i := range m.Computed {
		c := &m.Computed[i]
		s, err := c.Eval(data)
		if err != nil {
			return nil, &manifest.Error{File: m.File, Line: c.Line, Msg: fmt.Sprintf("computed %s: %s", c.Name, err)}
		}
		data[c.Name] = s
	}
	res.Data = data
	return res, nil
}

// Data builds template data from recorded answers without asking anything: the answers, zero
// values for the rest and computed values. It is for re-rendering an existing service.
// A required answer missing from the record (a secret, never recorded) renders as its zero
// value.
func Data(m *manifest.Manifest, recorded map[string]any) (map[string]any, error) {
	res, err := Resolve(context.Background(), m, Request{Recorded: recorded})
	var missing *MissingError
	if errors.As(err, &missing) {
		lenient := *m
		lenient.Parameters = slices.Clone(m.Parameters)
		for i := range lenient.Parameters {
			for _, p := range missing.Params {
				if p.Name == lenient.Parameters[i].Name {
					lenient.Parameters[i].Required = false
				}
			}
		}
		res, err = Resolve(context.Background(), &lenient, Request{Recorded: recorded})
	}
	if err != nil {
		return nil, err
	}
	return res.Data, nil
}

func zeros(m *manifest.Manifest) map[string]any {
	data := make(map[string]any, len(m.Parameters)+len(m.Computed))
	for i := range m.Parameters {
		data[m.Parameters[i].Name] = m.Parameters[i].Zero()
	}
	return data
}

func (req *Request) convert(p *manifest.Parameter, g given) (any, error) {
	v, err := manifest.Convert(p, g.value)
	if err != nil {
		return nil, &InvalidError{Param: p.Name, Origin: g.origin, Msg: err.Error()}
	}
	if err := p.Check(v); err != nil {
		return nil, &InvalidError{Param: p.Name, Origin: g.origin, Msg: manifest.Describe(err, req.Verbose)}
	}
	if req.Check != nil && !manifest.IsEmpty(v) && g.origin != "prompt" {
		// A prompted answer met the check as it was typed.
		if err := req.Check(p.Name, v); err != nil {
			return nil, &InvalidError{Param: p.Name, Origin: g.origin, Msg: err.Error()}
		}
	}
	return v, nil
}

// collect merges the given answers by precedence and refuses names the template does not have.
func collect(m *manifest.Manifest, req Request) (map[string]given, error) {
	in := map[string]given{}
	check := func(name, origin string) error {
		if m.Param(name) != nil {
			return nil
		}
		for _, c := range m.Computed {
			if c.Name == name {
				return &InvalidError{Origin: origin, Msg: fmt.Sprintf("%q is computed by the template and cannot be set", name)}
			}
		}
		if len(m.Parameters) == 0 {
			return &InvalidError{Origin: origin, Msg: fmt.Sprintf("the template %s has no parameters", m.Name)}
		}
		hint := ""
		if s := Suggest(name, m.ParamNames()); s != "" {
			hint = " (did you mean " + s + "?)"
		}
		return &InvalidError{Origin: origin, Msg: fmt.Sprintf("the template %s has no parameter %q%s; its parameters are: %s",
			m.Name, name, hint, strings.Join(m.ParamNames(), ", "))}
	}
	for _, k := range slices.Sorted(maps.Keys(req.Recorded)) {
		if m.Param(k) != nil { // a parameter the template dropped is not an error here
			in[k] = given{value: req.Recorded[k], origin: ".idp.yaml answers." + k}
		}
	}
	for _, k := range slices.Sorted(maps.Keys(req.Values)) {
		if err := check(k, req.ValuesFile); err != nil {
			return nil, err
		}
		if req.Values[k] == nil {
			continue
		}
		in[k] = given{value: req.Values[k], origin: req.ValuesFile}
	}
	if req.Name != "" {
		if err := check("name", "NAME argument"); err != nil {
			return nil, err
		}
		in["name"] = given{value: req.Name, origin: "NAME argument"}
	}
	for _, kv := range req.Set {
		k, v, err := splitSet(kv)
		origin := "--set " + kv
		if err != nil {
			return nil, err
		}
		if err := check(k, origin); err != nil {
			return nil, err
		}
		if k == "name" && req.Name != "" && v != req.Name {
			return nil, &InvalidError{Origin: origin, Msg: fmt.Sprintf("conflicts with the NAME argument %q; give the name once", req.Name)}
		}
		in[k] = given{value: v, origin: origin}
	}
	return in, nil
}

// MaxValuesSize is the largest values file idp reads: it holds a few answers.
const MaxValuesSize = 1 << 20

// ReadValuesFile reads answers from a YAML or JSON file (JSON is YAML), at most MaxValuesSize
// bytes of it; it returns ctx's error as soon as ctx is done, even while a FIFO keeps it waiting.
func ReadValuesFile(ctx context.Context, path string) (map[string]any, error) {
	data, err := userfile.Read(ctx, path, MaxValuesSize)
	var tl *userfile.TooLargeError
	switch {
	case ctx.Err() != nil:
		return nil, ctx.Err()
	case errors.As(err, &tl):
		return nil, &InvalidError{Origin: "--values", Msg: tl.Error() + "; a values file holds a few answers"}
	case err != nil:
		if u := errors.Unwrap(err); u != nil {
			err = u
		}
		return nil, &InvalidError{Origin: "--values", Msg: fmt.Sprintf("cannot read %s: %s", path, err)}
	}
	return ParseValues(data, path)
}

// ParseValues parses a values file's content. Scalars keep their text as written (1.20 stays
// "1.20", not 1.2) for the parameter's type to convert; an empty value means no answer.
func ParseValues(data []byte, name string) (map[string]any, error) {
	var doc yaml.Node
	if err := yaml.NewDecoder(bytes.NewReader(data)).Decode(&doc); err != nil && !errors.Is(err, io.EOF) {
		origin, msg := name, strings.TrimPrefix(err.Error(), "yaml: ")
		var line int
		if n, _ := fmt.Sscanf(msg, "line %d: ", &line); n == 1 {
			origin, msg = fmt.Sprintf("%s:%d", name, line), msg[strings.Index(msg, ": ")+2:]
		}
		return nil, &InvalidError{Origin: origin, Msg: "not valid YAML: " + msg}
	}
	if len(doc.Content) == 0 {
		return map[string]any{}, nil
	}
	if root := doc.Content[0]; strings.EqualFold(filepath.Ext(name), ".json") && root.Kind == yaml.MappingNode {
		// YAML reads {"port": } as port: null, which JSON refuses: a key of a .json file
		// with nothing after it is a mistake, not an answer left out.
		for i := 0; i+1 < len(root.Content); i += 2 {
			if v := root.Content[i+1]; v.Kind == yaml.ScalarNode && v.Tag == "!!null" && v.Value == "" {
				return nil, &InvalidError{Origin: fmt.Sprintf("%s:%d", name, root.Content[i].Line), Param: root.Content[i].Value,
					Msg: "not valid JSON: no value after the key; give one, or null for no answer"}
			}
		}
	}
	return ValuesNode(doc.Content[0], name)
}

// ValuesNode reads answers from a YAML mapping inside a larger file, such as the answers of a
// golden path's test case; name is the file, for messages.
func ValuesNode(root *yaml.Node, name string) (map[string]any, error) {
	out := map[string]any{}
	if root.Kind != yaml.MappingNode {
		return nil, &InvalidError{Origin: fmt.Sprintf("%s:%d", name, root.Line), Msg: "must be a mapping of parameter names to answers"}
	}
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i].Value, root.Content[i+1]
		origin := fmt.Sprintf("%s:%d", name, v.Line)
		switch v.Kind {
		case yaml.ScalarNode:
			out[k], _ = scalar(v) // nil: named, but no answer
		case yaml.SequenceNode:
			list := make([]any, 0, len(v.Content))
			for _, item := range v.Content {
				val, ok := scalar(item)
				if item.Kind != yaml.ScalarNode || !ok {
					return nil, &InvalidError{Origin: origin, Param: k, Msg: "a list of answers holds strings only"}
				}
				list = append(list, val)
			}
			out[k] = list
		default:
			return nil, &InvalidError{Origin: origin, Param: k, Msg: "a mapping is not an answer; give a string, number, boolean or list"}
		}
	}
	return out, nil
}

// scalar is a YAML scalar's text as written; the parameter's type converts it, so 010 given to a
// string parameter stays "010". Null is no answer.
func scalar(n *yaml.Node) (any, bool) {
	if n.ShortTag() == "!!null" {
		return nil, false
	}
	return n.Value, true
}

// splitSet splits one --set KEY=VALUE; an *InvalidError when it is not one.
func splitSet(kv string) (key, value string, err error) {
	k, v, ok := strings.Cut(kv, "=")
	k = strings.TrimSpace(k)
	if !ok || k == "" {
		return "", "", &InvalidError{Origin: "--set " + kv, Msg: "expected KEY=VALUE"}
	}
	return k, v, nil
}

// CheckSet checks that each of set is KEY=VALUE as Resolve reads it, for a run that answers
// many services (fleet update) and stops at a malformed --set before the first.
func CheckSet(set []string) error {
	for _, kv := range set {
		if _, _, err := splitSet(kv); err != nil {
			return err
		}
	}
	return nil
}
