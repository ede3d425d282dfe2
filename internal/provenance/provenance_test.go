package provenance

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/idp-cli/idp/internal/answers"
)

func TestRoundTrip(t *testing.T) {
	in := &File{
		Template: Template{Source: "https://git.example.com/p/g.git", Name: "go-service", Version: "v1.4.0", Commit: "3f2a9c0000000000000000000000000000000001"},
		Answers: []answers.KV{
			{Key: "name", Value: "payments"}, {Key: "port", Value: 8080}, {Key: "debug", Value: false},
			{Key: "environments", Value: []string{"dev", "prod"}}, {Key: "none", Value: []string{}}, {Key: "quoted", Value: "0123"},
		},
	}
	data, err := Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	want := `# Written by idp. ` + "`idp update`" + ` reads it; edit answers here to change them on the next update.
template:
  source: https://git.example.com/p/g.git
  name: go-service
  version: v1.4.0
  commit: 3f2a9c0000000000000000000000000000000001
answers:
  name: payments
  port: 8080
  debug: false
  environments: [dev, prod]
  none: []
  quoted: "0123"
# idp's own: the answers the files were last rendered with. Edit answers above, not this.
rendered-with: {name: payments, port: 8080, debug: false, environments: [dev, prod], none: [], quoted: "0123"}
`
	if string(data) != want {
		t.Errorf("Marshal:\n%s\nwant:\n%s", data, want)
	}
	out, err := Parse(data, ".idp.yaml")
	if err != nil {
		t.Fatal(err)
	}
	in.RenderedWith = in.Answers // written as such when not given
	if !reflect.DeepEqual(out, in) {
		t.Errorf("Parse(Marshal(f)) = %#v\nwant %#v", out, in)
	}
	if got := out.Recorded(); got["port"] != 8080 || got["quoted"] != "0123" {
		t.Errorf("Recorded = %v", got)
	}
}

// TestRenderedWith: the answers the files were rendered with are read apart from the answers
// the owner edited; a file without them (written by an older idp) says it has none.
func TestRenderedWith(t *testing.T) {
	const tmpl = "template:\n  source: s\n  name: n\n  version: v1.0.0\n"
	old, err := Parse([]byte(tmpl+"answers:\n  pkg: engine\n"), ".idp.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if old.RenderedWith != nil || old.Rendered() != nil {
		t.Errorf("a file without rendered-with: %#v", old.RenderedWith)
	}
	edited, err := Parse([]byte(tmpl+"answers:\n  pkg: engine\n  port: 9090\nrendered-with: {pkg: core, port: 8080}\n"), ".idp.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if got := edited.Rendered(); !reflect.DeepEqual(got, map[string]any{"pkg": "core", "port": 8080}) {
		t.Errorf("Rendered = %#v", got)
	}
	if got := edited.Recorded(); !reflect.DeepEqual(got, map[string]any{"pkg": "engine", "port": 9090}) {
		t.Errorf("Recorded = %#v", got)
	}
	empty, err := Parse([]byte(tmpl+"answers: {}\nrendered-with: {}\n"), ".idp.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if empty.RenderedWith == nil || len(empty.Rendered()) != 0 {
		t.Errorf("rendered-with: {} is recorded and empty, got %#v", empty.RenderedWith)
	}
	data, err := Marshal(edited)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(string(data), "answers:\n  pkg: engine\n  port: 9090\n# idp's own: the answers the files were last rendered with. Edit answers above, not this.\nrendered-with: {pkg: core, port: 8080}\n") {
		t.Errorf("Marshal kept the answers apart:\n%s", data)
	}
	if _, err := Parse([]byte(tmpl+"rendered-with: [a]\n"), ".idp.yaml"); err == nil || err.Error() != ".idp.yaml:5: rendered-with must be a mapping of parameter names to values; fix it, or restore the file with git checkout -- .idp.yaml" {
		t.Errorf("bad rendered-with: %v", err)
	}
}

// TestPendingMigrations: the versions whose migrations were not run are written when there are
// some, read back, and absent from a file without them.
func TestPendingMigrations(t *testing.T) {
	f := &File{Template: Template{Source: "s", Name: "n", Version: "v1.2.0"}, Answers: []answers.KV{{Key: "name", Value: "x"}},
		PendingMigrations: []string{"v1.1.0", "v1.2.0"}}
	data, err := Marshal(f)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(string(data), "rendered-with: {name: x}\n# Migrations of these versions were not run: idp update --trust runs them.\npending-migrations: [v1.1.0, v1.2.0]\n") {
		t.Errorf("Marshal:\n%s", data)
	}
	back, err := Parse(data, ".idp.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(back.PendingMigrations, f.PendingMigrations) {
		t.Errorf("read back %q", back.PendingMigrations)
	}
	f.PendingMigrations = nil
	if data, _ := Marshal(f); strings.Contains(string(data), "pending") {
		t.Errorf("none pending, yet:\n%s", data)
	}
	const tmpl = "template:\n  source: s\n  name: n\n"
	for in, want := range map[string]string{
		tmpl + "pending-migrations: v1.1.0\n":     ".idp.yaml:4: pending-migrations must be a list of versions, as [v1.2.0, v1.3.0]; fix it, or restore the file with git checkout -- .idp.yaml",
		tmpl + "pending-migrations: [[v1.1.0]]\n": ".idp.yaml:4: pending-migrations: each item must be a version, as v1.2.0; fix it, or restore the file with git checkout -- .idp.yaml",
	} {
		if _, err := Parse([]byte(in), ".idp.yaml"); err == nil || err.Error() != want {
			t.Errorf("Parse(%q) = %v, want %s", in, err, want)
		}
	}
}

func TestParseErrors(t *testing.T) {
	const tmpl = "template:\n  source: s\n  name: n\n"
	for _, tc := range []struct{ in, want string }{
		{"", ".idp.yaml: is empty"},
		{"- a\n", ".idp.yaml:1: must be a mapping with template and answers"},
		{"template: [\n", ".idp.yaml:1: not valid YAML: did not find expected node content"},
		{"answers: {}\n", ".idp.yaml:1: template is missing (source, name, version, commit)"},
		{tmpl + "extra: 1\n", `.idp.yaml:4: unknown key "extra"; the keys are template, answers, rendered-with, idp-version, pending-migrations and skip`},
		{"template:\n  source: s\n  nmae: n\n", ".idp.yaml:3: unknown key template.nmae; the keys are source, name, version and commit"},
		{"template:\n  name: n\n", ".idp.yaml:2: template.source is missing: the golden paths' git URL or directory"},
		{"template: x\n", ".idp.yaml:1: template must be a mapping of source, name, version and commit"},
		{tmpl + "  commit: abc\n", `.idp.yaml:4: template.commit "abc" is not a full commit hash (40 hex digits)`},
		{tmpl + "  version: [1]\n", ".idp.yaml:4: template.version must be a string"},
		{tmpl + "answers: [a]\n", ".idp.yaml:4: answers must be a mapping of parameter names to values"},
		{tmpl + "answers:\n  a: 1\n  a: 2\n", `.idp.yaml:6: answer "a" is given twice`},
		{tmpl + "answers:\n  a: {b: 1}\n", ".idp.yaml:5: answer a must be a value or a list of values"},
		{tmpl + "answers:\n  a: [[1]]\n", ".idp.yaml:5: answer a: list items must be plain values"},
		{tmpl + "answers:\n  a: &x [1]\n  b: *x\n", ".idp.yaml:5: YAML anchors and aliases are not allowed here"},
		{"template: &t\n  source: s\n  name: n\nanswers: {a: *t}\n", ".idp.yaml:1: YAML anchors and aliases are not allowed here"},
		{tmpl + "answers:\n  <<: {a: 1}\n", ".idp.yaml:5: answer << must be a value or a list of values"},
		{tmpl + "answers:\n  a: !!binary aGVsbG8=\n", ".idp.yaml:5: answer a: !!binary values are not allowed; write the value as plain text"},
		{tmpl + "answers:\n  ? [a]\n  : 1\n", ".idp.yaml:5: answer keys must be parameter names, not lists or mappings"},
		{"template:\n  source: s\n  name: [n]\n", ".idp.yaml:3: template.name must be a string"},
		{"template:\n  source: {a: b}\n  name: n\n", ".idp.yaml:2: template.source must be a string"},
		{"template:\n  source: s\n  name: n\n  name: m\n", ".idp.yaml:4: template.name is given twice"},
		{"template:\n  source: s\n  name: n\ntemplate:\n  source: s\n  name: n\n", ".idp.yaml:4: template is given twice"},
		{tmpl + "---\ntemplate: 2\n", ".idp.yaml:4: holds more than one YAML document; keep only the first"},
		{tmpl + "answers:\n  a: !!timestamp 2001-12-14\n", ".idp.yaml:5: answer a: !!timestamp values are not allowed; write the value as plain text"},
		{tmpl + "answers:\n  a: 1\n  b: [x, {c: d}]\n", ".idp.yaml:6: answer b: list items must be plain values"},
		{"\"template\": \"x\"", ".idp.yaml:1: template must be a mapping of source, name, version and commit"},
	} {
		_, err := Parse([]byte(tc.in), ".idp.yaml")
		want := tc.want + "; fix it, or restore the file with git checkout -- .idp.yaml"
		if err == nil || err.Error() != want || !IsError(err) {
			t.Errorf("Parse(%q) = %v\nwant %s", tc.in, err, want)
		}
	}
	huge := []byte(tmpl + "answers:\n  a: " + strings.Repeat("x", MaxSize) + "\n")
	if _, err := Parse(huge, ".idp.yaml"); err == nil || err.Error() != fmt.Sprintf(".idp.yaml: is %d bytes, more than the 1048576 idp reads; fix it, or restore the file with git checkout -- .idp.yaml", len(huge)) {
		t.Errorf("huge file: got %v", err)
	}
	if f, err := Parse([]byte(tmpl+"answers:\n  day: 2001-12-14\n"), ".idp.yaml"); err != nil || f.Answers[0].Value != "2001-12-14" {
		t.Errorf("a plain date is a string answer: %v %v", f, err)
	}
	if f, err := Parse([]byte(tmpl+"answers:\n"), ".idp.yaml"); err != nil || f.Answers != nil {
		t.Errorf("empty answers: %v %v", f, err)
	}
}

// TestSkip: skip: is read and written for the base and for a layer, is kept by an update of the
// layer (WithLayer), and a file without it is written exactly as before.
func TestSkip(t *testing.T) {
	in := "# Written by idp. `idp update` reads it; edit answers here to change them on the next update.\n" +
		"template:\n  source: s\n  name: base\n  version: v1.0.0\nanswers:\n  name: shop\n# idp's own: the answers the files were last rendered with. Edit answers above, not this.\nrendered-with: {name: shop}\n"
	f, err := Parse([]byte(in), FileName)
	if err != nil {
		t.Fatal(err)
	}
	if out, err := Marshal(f); err != nil || string(out) != in {
		t.Fatalf("without skip: %v\n%s", err, out)
	}

	with := in + "# Versions updates pass over (the owner's).\nskip: [v1.1.0, v1.2.0]\n"
	f, err = Parse([]byte(with), FileName)
	if err != nil || !slices.Equal(f.Skip, []string{"v1.1.0", "v1.2.0"}) {
		t.Fatalf("Parse: %v, skip %v", err, f.Skip)
	}
	if out, err := Marshal(f); err != nil || string(out) != with {
		t.Fatalf("with skip: %v\n%s", err, out)
	}
	// An update writes the layer anew; the owner's skip stays.
	up := f.WithLayer(0, &File{Template: Template{Source: "s", Name: "base", Version: "v1.3.0"}})
	if !slices.Equal(up.Skip, f.Skip) || !slices.Equal(up.Layer(0).Skip, f.Skip) {
		t.Errorf("after an update: %v", up.Skip)
	}

	layered := "template: {source: s, name: base}\nlayers:\n  - template: {source: s, name: docs}\n    skip: [v2.0.0]\n"
	f, err = Parse([]byte(layered), FileName)
	if err != nil || !slices.Equal(f.Layers[0].Skip, []string{"v2.0.0"}) || !slices.Equal(f.Layer(1).Skip, []string{"v2.0.0"}) || f.Skip != nil {
		t.Fatalf("layer: %v %+v", err, f)
	}
	out, err := Marshal(f.WithLayer(1, &File{Template: Template{Source: "s", Name: "docs", Version: "v1.1.0"}}))
	if err != nil || !strings.Contains(string(out), "    skip: [v2.0.0]\n") {
		t.Errorf("layer written: %v\n%s", err, out)
	}
	for _, bad := range []string{"template: {source: s, name: n}\nskip: v1.0.0\n", "template: {source: s, name: n}\nskip: [{a: 1}]\n"} {
		if _, err := Parse([]byte(bad), FileName); err == nil || !strings.Contains(err.Error(), "skip") {
			t.Errorf("Parse(%q) = %v", bad, err)
		}
	}
}

// TestIdpVersion: the idp that last rendered a layer's files is written below rendered-with
// (under one comment with it), read back per layer, and absent from a file without it, which
// is written as before; a value that is not a version is refused in words.
func TestIdpVersion(t *testing.T) {
	f := &File{Template: Template{Source: "s", Name: "svc", Version: "v1.2.0"}, Answers: []answers.KV{{Key: "name", Value: "x"}},
		IdpVersion: "v0.9.0", PendingMigrations: []string{"v1.2.0"},
		Layers: []Layer{{Template: Template{Source: "s", Name: "docs", Version: "v1.0.0"}, IdpVersion: "v1.0.0"}}}
	data, err := Marshal(f)
	if err != nil {
		t.Fatal(err)
	}
	want := "# Written by idp. `idp update` reads it; edit answers here to change them on the next update.\n" + formatHeader +
		"format: 2\ntemplate:\n  source: s\n  name: svc\n  version: v1.2.0\nanswers:\n  name: x\n" +
		"# idp's own: the answers and the idp version the files were last rendered with. Edit answers above, not these.\n" +
		"rendered-with: {name: x}\nidp-version: v0.9.0\n" +
		"# Migrations of these versions were not run: idp update --trust runs them.\npending-migrations: [v1.2.0]\n" +
		"# Add-ons (idp add), in the order applied; each is updated on its own.\nlayers:\n" +
		"  - template:\n      source: s\n      name: docs\n      version: v1.0.0\n    answers: {}\n" +
		"    # idp's own: the answers and the idp version the files were last rendered with. Edit answers above, not these.\n" +
		"    rendered-with: {}\n    idp-version: v1.0.0\n"
	if string(data) != want {
		t.Errorf("Marshal:\n%s\nwant:\n%s", data, want)
	}
	back, err := Parse(data, ".idp.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if back.IdpVersion != "v0.9.0" || back.Layer(1).IdpVersion != "v1.0.0" {
		t.Errorf("read back %q and layer %q", back.IdpVersion, back.Layer(1).IdpVersion)
	}
	moved := back.WithLayer(0, &File{Template: back.Template, IdpVersion: "v1.1.0"})
	if moved.IdpVersion != "v1.1.0" || moved.Layer(1).IdpVersion != "v1.0.0" {
		t.Errorf("WithLayer: %q, layer %q", moved.IdpVersion, moved.Layer(1).IdpVersion)
	}
	f.IdpVersion, f.Layers = "", nil
	if data, _ := Marshal(f); strings.Contains(string(data), "idp-version") || !strings.Contains(string(data), renderedComment) {
		t.Errorf("no idp version, yet:\n%s", data)
	}
	const tmpl = "template:\n  source: s\n  name: n\n"
	for _, in := range []string{tmpl + "idp-version: [v1.0.0]\n", tmpl + "idp-version:\n", tmpl + "idp-version: v1 .0\n"} {
		want := ".idp.yaml:4: idp-version must be the version of the idp that last rendered the files, as v1.4.0; idp writes it: remove the line and the next update writes it again; fix it, or restore the file with git checkout -- .idp.yaml"
		if _, err := Parse([]byte(in), ".idp.yaml"); err == nil || err.Error() != want {
			t.Errorf("Parse(%q) = %v, want %s", in, err, want)
		}
	}
}
