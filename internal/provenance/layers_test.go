package provenance

import (
	"reflect"
	"strings"
	"testing"

	"github.com/idp-cli/idp/internal/answers"
)

// TestLayersRoundTrip: a file with add-ons and ignore is written as format 2, each layer as the
// base is, and read back the same.
func TestLayersRoundTrip(t *testing.T) {
	in := &File{
		Template: Template{Source: "https://git.example.com/p/g.git", Name: "go-service", Version: "v1.1.0"},
		Answers:  []answers.KV{{Key: "name", Value: "payments"}},
		Layers: []Layer{
			{Template: Template{Source: "https://git.example.com/p/g.git", Name: "techdocs", Version: "v1.0.0"},
				Answers: []answers.KV{{Key: "site_name", Value: "Payments"}}, PendingMigrations: []string{"v1.0.0"}},
			{Template: Template{Source: "builtin", Name: "argocd", Version: "v1.0.0"}},
		},
		Ignore: []string{"docs/adr/**", "README.md"},
	}
	data, err := Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	want := `# Written by idp. ` + "`idp update`" + ` reads it; edit answers here to change them on the next update.
# Format 2 (layers, ignore): an idp too old to know it refuses this file; upgrade idp.
format: 2
template:
  source: https://git.example.com/p/g.git
  name: go-service
  version: v1.1.0
answers:
  name: payments
# idp's own: the answers the files were last rendered with. Edit answers above, not this.
rendered-with: {name: payments}
# Add-ons (idp add), in the order applied; each is updated on its own.
layers:
  - template:
      source: https://git.example.com/p/g.git
      name: techdocs
      version: v1.0.0
    answers:
      site_name: Payments
    # idp's own: the answers the files were last rendered with. Edit answers above, not this.
    rendered-with: {site_name: Payments}
    # Migrations of these versions were not run: idp update --trust runs them.
    pending-migrations: [v1.0.0]
  - template:
      source: builtin
      name: argocd
      version: v1.0.0
    answers: {}
    # idp's own: the answers the files were last rendered with. Edit answers above, not this.
    rendered-with: {}
# Paths idp update never touches.
ignore: [docs/adr/**, README.md]
`
	if string(data) != want {
		t.Errorf("Marshal:\n%s\nwant:\n%s", data, want)
	}
	out, err := Parse(data, ".idp.yaml")
	if err != nil {
		t.Fatal(err)
	}
	in.RenderedWith = in.Answers
	in.Layers[0].RenderedWith = in.Layers[0].Answers
	in.Layers[1].RenderedWith = []answers.KV{}
	if !reflect.DeepEqual(out, in) {
		t.Errorf("Parse(Marshal(f)) = %#v\nwant %#v", out, in)
	}
	if got := out.Names(); !reflect.DeepEqual(got, []string{"go-service", "techdocs", "argocd"}) {
		t.Errorf("Names = %v", got)
	}
	if out.Find("argocd") != 2 || out.Find("go-service") != 0 || out.Find("nope") != -1 {
		t.Errorf("Find: %d %d %d", out.Find("argocd"), out.Find("go-service"), out.Find("nope"))
	}
}

// TestLayerViews: a layer is read and replaced as a file of its own; the rest stays.
func TestLayerViews(t *testing.T) {
	f := &File{
		Template: Template{Source: "s", Name: "base", Version: "v1.0.0"},
		Answers:  []answers.KV{{Key: "name", Value: "x"}},
		Ignore:   []string{"a/**"},
	}
	docs := &File{Template: Template{Source: "s", Name: "docs", Version: "v1.0.0"}, Answers: []answers.KV{{Key: "site", Value: "X"}}}
	g := f.AddLayer(docs)
	if len(f.Layers) != 0 || len(g.Layers) != 1 {
		t.Fatalf("AddLayer changed its receiver or did not add: %d %d", len(f.Layers), len(g.Layers))
	}
	if v := g.Layer(1); v.Template.Name != "docs" || v.Recorded()["site"] != "X" || v.Layers != nil || v.Ignore != nil {
		t.Errorf("Layer(1) = %#v", v)
	}
	if v := g.Layer(0); v.Template.Name != "base" || v.Layers != nil || v.Ignore != nil {
		t.Errorf("Layer(0) = %#v", v)
	}
	docs2 := g.Layer(1)
	docs2.Template.Version = "v1.1.0"
	h := g.WithLayer(1, docs2)
	if h.Layers[0].Template.Version != "v1.1.0" || g.Layers[0].Template.Version != "v1.0.0" || !reflect.DeepEqual(h.Ignore, f.Ignore) {
		t.Errorf("WithLayer: %#v (was %#v)", h.Layers, g.Layers)
	}
	base := g.Layer(0)
	base.Template.Version = "v2.0.0"
	if h := g.WithLayer(0, base); h.Template.Version != "v2.0.0" || len(h.Layers) != 1 {
		t.Errorf("WithLayer(0): %#v", h)
	}
	if r := g.RemoveLayer(1); r.Layers != nil || len(g.Layers) != 1 {
		t.Errorf("RemoveLayer: %#v", r.Layers)
	}
	// Without layers and ignore, the file is format 1 again: no format key.
	data, err := Marshal(g.RemoveLayer(1).WithLayer(0, g.Layer(0)))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), "format: 2") || !strings.Contains(string(data), "ignore: [a/**]") {
		t.Errorf("with ignore only:\n%s", data)
	}
	plain := *g
	plain.Layers, plain.Ignore = nil, nil
	data, _ = Marshal(&plain)
	if strings.Contains(string(data), "format") || strings.Count(string(data), "\n#") != 1 {
		t.Errorf("a file without layers and ignore:\n%s", data)
	}
}

func TestLayersErrors(t *testing.T) {
	const tmpl = "template:\n  source: s\n  name: base\n  version: v1.0.0\n"
	for _, tc := range []struct{ in, want string }{
		{"format: 3\n" + tmpl, `.idp.yaml:1: is format 3, written by a newer idp; this idp reads formats 1 to 2: upgrade idp`},
		{"format: two\n" + tmpl, `.idp.yaml:1: format "two" is not a format number; idp writes format: 2`},
		{tmpl + "layers: x\n", `.idp.yaml:5: layers must be a list of add-ons, each with template and answers`},
		{tmpl + "layers:\n  - answers: {}\n", `.idp.yaml:6: layers[0].template is missing (source, name, version, commit)`},
		{tmpl + "layers:\n  - template: {source: s}\n", `.idp.yaml:6: layers[0].template.name is missing: the golden path's name`},
		{tmpl + "layers:\n  - template: {source: s, name: d, commit: abc}\n", `.idp.yaml:6: layers[0].template.commit "abc" is not a full commit hash (40 hex digits)`},
		{tmpl + "layers:\n  - template: {source: s, name: d}\n    extra: 1\n", `.idp.yaml:7: unknown key layers[0].extra; the keys of a layer are template, answers, rendered-with, idp-version, pending-migrations and skip`},
		{tmpl + "layers:\n  - template: {source: s, name: d}\n    answers: [a]\n", `.idp.yaml:7: layers[0].answers must be a mapping of parameter names to values`},
		{tmpl + "layers:\n  - template: {source: s, name: d}\n    pending-migrations: x\n", `.idp.yaml:7: layers[0].pending-migrations must be a list of versions, as [v1.2.0, v1.3.0]`},
		{tmpl + "layers:\n  - template: {source: s, name: d}\n  - template: {source: s, name: d}\n", `.idp.yaml:7: layers[1] is d, as layers[0] is; a golden path is applied once: remove one`},
		{tmpl + "layers:\n  - template: {source: s, name: base}\n", `.idp.yaml:6: layers[0] is base, as the base golden path is; a golden path is applied once: remove one`},
		{tmpl + "ignore: docs\n", `.idp.yaml:5: ignore must be a list of paths or globs, as ['docs/adr/**', README.md]`},
		{tmpl + "ignore: ['/etc/x']\n", `.idp.yaml:5: ignore: "/etc/x" must be relative to the service, with / between directories, as docs/adr/**`},
		{tmpl + "ignore: ['a/[']\n", `.idp.yaml:5: ignore: bad glob "a/[": syntax error in pattern`},
		{tmpl + "ignore: [a]\nextra: 1\n", `.idp.yaml:6: unknown key "extra"; the keys are format, template, answers, rendered-with, idp-version, pending-migrations, skip, layers and ignore`},
	} {
		_, err := Parse([]byte(tc.in), ".idp.yaml")
		if err == nil {
			t.Errorf("%q: no error", tc.in)
			continue
		}
		want := tc.want + "; fix it, or restore the file with git checkout -- .idp.yaml"
		if err.Error() != want {
			t.Errorf("%q:\n got %s\nwant %s", tc.in, err, want)
		}
	}
	// An explicit format 1 or 2 reads.
	for _, f := range []string{"format: 1\n", "format: 2\n"} {
		if _, err := Parse([]byte(f+tmpl), ".idp.yaml"); err != nil {
			t.Errorf("%s: %v", f, err)
		}
	}
}
