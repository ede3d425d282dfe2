package manifest

import (
	"strings"
	"testing"
)

func TestAddon(t *testing.T) {
	m, err := Parse([]byte(`apiVersion: idp/v1
kind: Template
name: techdocs
type: addon
requires:
  - name: go-service
    version: ^1.1
  - name: kustomize
parameters:
  - name: name
    required: true
files:
  enforced: [mkdocs.yml]
  blocks:
    - file: catalog-info.yaml
      after: '^  annotations:'
      content: |
        backstage.io/techdocs-ref: dir:.
`), "template.yaml", "techdocs")
	if err != nil {
		t.Fatal(err)
	}
	if !m.IsAddon() || len(m.Requires) != 2 || m.Requires[0].Line != 6 || m.Requires[1].Line != 8 {
		t.Fatalf("requires: %+v", m.Requires)
	}
	r := m.Requires[0]
	if !r.Allows("v1.1.0") || !r.Allows("v1.4.2") || r.Allows("v1.0.0") || r.Allows("v2.0.0") || r.Allows("main") {
		t.Errorf("^1.1 allows the wrong versions")
	}
	if !m.Requires[1].Allows("main") {
		t.Errorf("a requirement without a version allows any")
	}
	b := m.Files.Blocks[0]
	if b.File != "catalog-info.yaml" || b.Line != 15 || b.AfterRe() == nil || !b.AfterRe().MatchString("  annotations:") || b.Content != "backstage.io/techdocs-ref: dir:.\n" {
		t.Errorf("block: %+v", b)
	}
	if len(m.Files.Enforced) != 1 {
		t.Errorf("enforced: %v", m.Files.Enforced)
	}
}

func TestAddonErrors(t *testing.T) {
	const head = "apiVersion: idp/v1\nkind: Template\nname: docs\n"
	for _, tc := range []struct{ yaml, want string }{
		{head + "type: service\nrequires:\n  - name: go-service\n",
			`template.yaml:5: requires is for add-ons (type: addon): the golden paths a service needs before idp add applies this one`},
		{head + "type: service\nfiles:\n  blocks:\n    - file: a.yaml\n      content: x\n",
			`template.yaml:7: files.blocks is for add-ons (type: addon): lines they keep in a file of a lower layer`},
		{head + "type: addon\nrequires:\n  - name: go-service\n    version: 'not a version'\n",
			`template.yaml:6: requires go-service: version "not a version" is not a version constraint such as ^1.1 or >=1.2.0`},
		{head + "type: addon\nrequires:\n  - name: docs\n",
			`template.yaml:6: requires 1: docs cannot require itself`},
		{head + "type: addon\nrequires:\n  - version: ^1\n",
			`template.yaml:6: requires 1: name "" must be a golden path's name`},
		{head + "type: addon\nfiles:\n  blocks:\n    - file: package.json\n      content: x\n",
			`template.yaml:7: files.blocks 1: package.json is JSON, which has no comments, so idp cannot mark a managed block in it`},
		{head + "type: addon\nfiles:\n  blocks:\n    - file: a.yaml\n      content: x\n    - file: a.yaml\n      content: y\n",
			`template.yaml:9: files.blocks 2: a.yaml has a block already; an add-on keeps one block per file, so put both in one content`},
		{head + "type: addon\nfiles:\n  blocks:\n    - content: x\n",
			`template.yaml:7: files.blocks 1 has no file: the path of the lower layer's file it goes in`},
		{head + "type: addon\nfiles:\n  blocks:\n    - file: a.yaml\n",
			`template.yaml:7: files.blocks 1 (a.yaml) has no content`},
		{head + "type: addon\nfiles:\n  blocks:\n    - file: a.yaml\n      content: x\n      after: '[a-'\n",
			`template.yaml:7: files.blocks 1: after "[a-" is not a valid regular expression: missing closing ]: ` + "`[a-`"},
		{head + "type: addon\nfiles:\n  blocks:\n    - file: a.yaml\n      content: '{{ .x'\n",
			`template.yaml:7: files.blocks content does not parse: unclosed action`},
		{head + "type: addon\nfiles:\n  enforced: ['a/[']\n",
			`template.yaml:6: files.enforced: bad glob "a/[": syntax error in pattern`},
		{head + "type: addon\nrequire: []\n",
			`template.yaml:5: unknown field "require"; known fields: apiVersion, computed, description, files, hooks, kind, migrations, name, parameters, requires, timeSaved, title, type`},
	} {
		_, err := Parse([]byte(tc.yaml), "template.yaml", "docs")
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q:\n got %v\nwant %s", tc.yaml, err, tc.want)
		}
	}
}
