// Package provenance reads and writes .idp.yaml, the record at a service's root of which golden
// path, version and answers made it. `idp update` starts from it.
package provenance

import (
	"bytes"
	"fmt"

	"go.yaml.in/yaml/v3"

	"github.com/idp-cli/idp/internal/answers"
)

// FileName is the provenance file's name at the service root.
const FileName = ".idp.yaml"

const header = "# Written by idp. `idp update` reads it; edit answers here to change them on the next update.\n"

// Template says where the service's golden path came from.
type Template struct {
	Source  string `yaml:"source" json:"source"`
	Name    string `yaml:"name" json:"name"`
	Version string `yaml:"version,omitempty" json:"version,omitempty"`
	Commit  string `yaml:"commit,omitempty" json:"commit,omitempty"`
}

// File is the content of .idp.yaml.
type File struct {
	Template Template
	Answers  []answers.KV
	// RenderedWith are the answers the service's files were last rendered with. The owner edits
	// Answers; update renders its base with these, so that an edit committed with the update,
	// or amended into idp new's commit, is still a change to apply. Nil in a file from before
	// idp recorded them. Marshal writes Answers for nil: idp writes the file right after
	// rendering with them.
	RenderedWith []answers.KV
	// IdpVersion is the idp that last rendered the service's files (.idp.version in them, as
	// go-service's workflow pins idp's GitHub Action): update renders its base with it, so that
	// such a pin moves to the idp that runs the update. Empty in a file from before idp
	// recorded it.
	IdpVersion string
	// PendingMigrations are the versions whose migrations an update crossed without running
	// them (untrusted, or the bot): a later idp update --trust runs them. Empty: none.
	PendingMigrations []string
	// Skip are versions of the golden path the service's owner does not want: updates without
	// an exact --to, and so the bot, pass over them. The owner's, in the file; empty: none.
	Skip []string
	// Layers are the add-ons applied on top of the base golden path (the fields above), in the
	// order they were applied (idp add). Each is updated on its own.
	Layers []Layer
	// Ignore are globs of the service's paths that update never touches (the owner's, in the
	// file): pathglob patterns, as files.owned.
	Ignore []string
}

// Layer is one add-on of the service: what the base records, for a golden path of type addon.
type Layer struct {
	Template          Template
	Answers           []answers.KV
	RenderedWith      []answers.KV
	IdpVersion        string
	PendingMigrations []string
	Skip              []string
}

// Format is the version of .idp.yaml this idp writes when a file has layers or ignore; a file
// without them is written as format 1, with no format key, exactly as idp wrote it before.
const Format = 2

// Layer returns layer i of the file as a file of its own, 0 being the base golden path and
// 1.. the add-ons in order: what updating one layer reads. It has no layers and no ignore.
func (f *File) Layer(i int) *File {
	if i == 0 {
		return &File{Template: f.Template, Answers: f.Answers, RenderedWith: f.RenderedWith, IdpVersion: f.IdpVersion, PendingMigrations: f.PendingMigrations, Skip: f.Skip}
	}
	l := f.Layers[i-1]
	return &File{Template: l.Template, Answers: l.Answers, RenderedWith: l.RenderedWith, IdpVersion: l.IdpVersion, PendingMigrations: l.PendingMigrations, Skip: l.Skip}
}

// WithLayer returns a copy of the file whose layer i (as Layer numbers them) holds l's
// template, answers, rendered-with, idp version and pending migrations; the other layers, ignore and the
// layer's skip (the owner's, which an update does not write) stay.
func (f *File) WithLayer(i int, l *File) *File {
	out := *f
	out.Layers = append([]Layer(nil), f.Layers...)
	if i == 0 {
		out.Template, out.Answers, out.RenderedWith, out.IdpVersion, out.PendingMigrations = l.Template, l.Answers, l.RenderedWith, l.IdpVersion, l.PendingMigrations
		return &out
	}
	out.Layers[i-1] = Layer{Template: l.Template, Answers: l.Answers, RenderedWith: l.RenderedWith, IdpVersion: l.IdpVersion, PendingMigrations: l.PendingMigrations, Skip: f.Layers[i-1].Skip}
	return &out
}

// AddLayer returns a copy of the file with l as its last add-on.
func (f *File) AddLayer(l *File) *File {
	out := *f
	out.Layers = append(append([]Layer(nil), f.Layers...), Layer{})
	return out.WithLayer(len(out.Layers), l)
}

// RemoveLayer returns a copy of the file without add-on i (1..).
func (f *File) RemoveLayer(i int) *File {
	out := *f
	out.Layers = append(append([]Layer(nil), f.Layers[:i-1]...), f.Layers[i:]...)
	if len(out.Layers) == 0 {
		out.Layers = nil
	}
	return &out
}

// Names are the golden paths of the layers, base first.
func (f *File) Names() []string {
	names := []string{f.Template.Name}
	for _, l := range f.Layers {
		names = append(names, l.Template.Name)
	}
	return names
}

// Find returns the layer whose golden path is name (0 the base, 1.. the add-ons), or -1.
func (f *File) Find(name string) int {
	for i, n := range f.Names() {
		if n == name {
			return i
		}
	}
	return -1
}

// pendingComment heads pending-migrations in the file.
const pendingComment = "Migrations of these versions were not run: idp update --trust runs them."

// skipComment heads skip in the file.
const skipComment = "Versions updates pass over (the owner's)."

// renderedComment heads rendered-with in the file, for the owner who edits answers;
// renderedIdpComment when idp-version follows it.
const (
	renderedComment    = "idp's own: the answers the files were last rendered with. Edit answers above, not this."
	renderedIdpComment = "idp's own: the answers and the idp version the files were last rendered with. Edit answers above, not these."
)

// formatHeader is the second line of a file with layers or ignore: an older idp refuses the
// format key, and this says why to whoever reads its message.
const formatHeader = "# Format 2 (layers, ignore): an idp too old to know it refuses this file; upgrade idp.\n"

// Marshal renders the file, answers in the order given. A file without layers and ignore is
// written exactly as format 1 was; one with them starts with format: 2.
func Marshal(f *File) ([]byte, error) {
	doc := &yaml.Node{Kind: yaml.MappingNode}
	layered := len(f.Layers) > 0 || len(f.Ignore) > 0
	if layered {
		doc.Content = append(doc.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: "format"}, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!int", Value: fmt.Sprint(Format)})
	}
	base, err := layerNodes(f.Template, f.Answers, f.RenderedWith, f.IdpVersion, f.PendingMigrations, f.Skip)
	if err != nil {
		return nil, err
	}
	doc.Content = append(doc.Content, base...)
	if len(f.Layers) > 0 {
		list := &yaml.Node{Kind: yaml.SequenceNode}
		for _, l := range f.Layers {
			nodes, err := layerNodes(l.Template, l.Answers, l.RenderedWith, l.IdpVersion, l.PendingMigrations, l.Skip)
			if err != nil {
				return nil, fmt.Errorf("layer %s: %w", l.Template.Name, err)
			}
			list.Content = append(list.Content, &yaml.Node{Kind: yaml.MappingNode, Content: nodes})
		}
		doc.Content = append(doc.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: "layers", HeadComment: layersComment}, list)
	}
	if len(f.Ignore) > 0 {
		var list yaml.Node
		if err := list.Encode(f.Ignore); err != nil {
			return nil, err
		}
		list.Style = yaml.FlowStyle
		doc.Content = append(doc.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: "ignore", HeadComment: ignoreComment}, &list)
	}
	var b bytes.Buffer
	b.WriteString(header)
	if layered {
		b.WriteString(formatHeader)
	}
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(doc); err != nil {
		return nil, err
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// layersComment heads layers in the file.
const layersComment = "Add-ons (idp add), in the order applied; each is updated on its own."

// ignoreComment heads ignore in the file.
const ignoreComment = "Paths idp update never touches."

// layerNodes are the keys and values of one layer: template, answers, rendered-with,
// idp-version, pending-migrations and skip (the last three only when there are any, so that a
// file without them is written as before they existed).
func layerNodes(t Template, answers, renderedWith []answers.KV, idpVersion string, pending, skip []string) ([]*yaml.Node, error) {
	ans, err := answersNode(answers)
	if err != nil {
		return nil, err
	}
	rendered := renderedWith
	if rendered == nil {
		rendered = answers
	}
	rend, err := answersNode(rendered)
	if err != nil {
		return nil, err
	}
	// One line, below the answers: it is not for editing, and a line-based edit of an answer
	// (sed, a script) does not reach it.
	rend.Style = yaml.FlowStyle
	var tmpl yaml.Node
	if err := tmpl.Encode(t); err != nil {
		return nil, err
	}
	comment := renderedComment
	if idpVersion != "" {
		comment = renderedIdpComment
	}
	nodes := []*yaml.Node{
		{Kind: yaml.ScalarNode, Value: "template"}, &tmpl,
		{Kind: yaml.ScalarNode, Value: "answers"}, ans,
		{Kind: yaml.ScalarNode, Value: "rendered-with", HeadComment: comment}, rend,
	}
	if idpVersion != "" {
		nodes = append(nodes, &yaml.Node{Kind: yaml.ScalarNode, Value: "idp-version"}, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: idpVersion})
	}
	if len(pending) > 0 {
		var list yaml.Node
		if err := list.Encode(pending); err != nil {
			return nil, err
		}
		list.Style = yaml.FlowStyle
		nodes = append(nodes, &yaml.Node{Kind: yaml.ScalarNode, Value: "pending-migrations", HeadComment: pendingComment}, &list)
	}
	if len(skip) > 0 {
		var list yaml.Node
		if err := list.Encode(skip); err != nil {
			return nil, err
		}
		list.Style = yaml.FlowStyle
		nodes = append(nodes, &yaml.Node{Kind: yaml.ScalarNode, Value: "skip", HeadComment: skipComment}, &list)
	}
	return nodes, nil
}

func answersNode(kvs []answers.KV) (*yaml.Node, error) {
	n := &yaml.Node{Kind: yaml.MappingNode}
	for _, kv := range kvs {
		var v yaml.Node
		if err := v.Encode(kv.Value); err != nil {
			return nil, fmt.Errorf("encode answer %s: %w", kv.Key, err)
		}
		if list, ok := kv.Value.([]string); ok && len(list) > 0 {
			v.Style = yaml.FlowStyle
		}
		n.Content = append(n.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: kv.Key}, &v)
	}
	return n, nil
}
