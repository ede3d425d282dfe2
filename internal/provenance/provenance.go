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
	Source  string `yaml:"source"`
	Name    string `yaml:"name"`
	Version string `yaml:"version,omitempty"`
	Commit  string `yaml:"commit,omitempty"`
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
	// PendingMigrations are the versions whose migrations an update crossed without running
	// them (untrusted, or the bot): a later idp update --trust runs them. Empty: none.
	PendingMigrations []string
}

// pendingComment heads pending-migrations in the file.
const pendingComment = "Migrations of these versions were not run: idp update --trust runs them."

// renderedComment heads rendered-with in the file, for the owner who edits answers.
const renderedComment = "idp's own: the answers the files were last rendered with. Edit answers above, not this."

// Marshal renders the file, answers in the order given.
func Marshal(f *File) ([]byte, error) {
	ans, err := answersNode(f.Answers)
	if err != nil {
		return nil, err
	}
	rendered := f.RenderedWith
	if rendered == nil {
		rendered = f.Answers
	}
	rend, err := answersNode(rendered)
	if err != nil {
		return nil, err
	}
	// One line, below the answers: it is not for editing, and a line-based edit of an answer
	// (sed, a script) does not reach it.
	rend.Style = yaml.FlowStyle
	var tmpl yaml.Node
	if err := tmpl.Encode(f.Template); err != nil {
		return nil, err
	}
	doc := &yaml.Node{Kind: yaml.MappingNode, Content: []*yaml.Node{
		{Kind: yaml.ScalarNode, Value: "template"}, &tmpl,
		{Kind: yaml.ScalarNode, Value: "answers"}, ans,
		{Kind: yaml.ScalarNode, Value: "rendered-with", HeadComment: renderedComment}, rend,
	}}
	if len(f.PendingMigrations) > 0 {
		var list yaml.Node
		if err := list.Encode(f.PendingMigrations); err != nil {
			return nil, err
		}
		list.Style = yaml.FlowStyle
		doc.Content = append(doc.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: "pending-migrations", HeadComment: pendingComment}, &list)
	}
	var b bytes.Buffer
	b.WriteString(header)
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
