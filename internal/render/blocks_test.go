package render

import (
	"context"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/idp-cli/idp/internal/manifest"
)

func addon(t *testing.T, blocks string, files fstest.MapFS) (*manifest.Manifest, fstest.MapFS) {
	t.Helper()
	yml := "apiVersion: idp/v1\nkind: Template\nname: docs\ntype: addon\nfiles:\n  delimiters: ['[[', ']]']\n  blocks:\n" + blocks
	m, err := manifest.Parse([]byte(yml), "template.yaml", "docs")
	if err != nil {
		t.Fatal(err)
	}
	fsys := fstest.MapFS{"template.yaml": {Data: []byte(yml)}, "skeleton/mkdocs.yml": {Data: []byte("site_name: [[ .name ]]\n")}}
	for k, v := range files {
		fsys[k] = v
	}
	return m, fsys
}

// TestBlocks: a block's file and content are rendered with {{ }} whatever the skeleton's
// delimiters, sorted by path; one whose file renders empty is left out.
func TestBlocks(t *testing.T) {
	m, fsys := addon(t, `    - file: '{{ if .on }}z.yaml{{ end }}'
      content: "z"
    - file: catalog-info.yaml
      after: '^  annotations:'
      content: |
        backstage.io/techdocs-ref: dir:{{ .name }}
    - file: '{{ if not .on }}off.yaml{{ end }}'
      content: "off"
`, nil)
	tree, err := Render(context.Background(), fsys, m, map[string]any{"name": "pay", "on": true})
	if err != nil {
		t.Fatal(err)
	}
	if len(tree.Files) != 1 || string(tree.Files[0].Data) != "site_name: pay\n" {
		t.Errorf("files: %+v", tree.Files)
	}
	if len(tree.Blocks) != 2 || tree.Blocks[0].Path != "catalog-info.yaml" || tree.Blocks[1].Path != "z.yaml" {
		t.Fatalf("blocks: %+v", tree.Blocks)
	}
	b := tree.LookupBlock("catalog-info.yaml")
	if string(b.Content) != "backstage.io/techdocs-ref: dir:pay\n" || b.After == nil {
		t.Errorf("block: %+v", b)
	}
	if tree.LookupBlock("off.yaml") != nil {
		t.Error("a block whose file renders empty is kept")
	}
}

func TestBlockErrors(t *testing.T) {
	for _, tc := range []struct{ blocks, want string }{
		{"    - file: mkdocs.yml\n      content: x\n", "template.yaml:8: files.blocks 1: mkdocs.yml is one of this golden path's own files (skeleton/mkdocs.yml); a block goes in a file of a lower layer"},
		{"    - file: '{{ .f }}'\n      content: x\n", `template.yaml:8: files.blocks 1: file "../x.yaml" is not a path inside the service`},
		{"    - file: '{{ .j }}'\n      content: x\n", "template.yaml:8: files.blocks 1: package.json is JSON, which has no comments"},
		{"    - file: a.yaml\n      content: '{{ .nope }}'\n", `template.yaml files.blocks 1 content:1:3: no parameter or computed value named "nope"`},
		{"    - file: .idp.yaml\n      content: x\n", `template.yaml:8: files.blocks 1: .idp.yaml is idp's own record; a block cannot go in it`},
	} {
		m, fsys := addon(t, tc.blocks, nil)
		_, err := Render(context.Background(), fsys, m, map[string]any{"name": "pay", "f": "../x.yaml", "j": "package.json"})
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q:\n got %v\nwant %s", tc.blocks, err, tc.want)
		}
	}
}
