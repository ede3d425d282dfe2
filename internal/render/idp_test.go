package render_test

import (
	"context"
	"testing"

	"github.com/idp-cli/idp/internal/answers"
	"github.com/idp-cli/idp/internal/render"
)

// TestIdpVersion: .idp.version is the rendering idp's version, in contents and names, "dev"
// when none is given; a parameter named idp hides it.
func TestIdpVersion(t *testing.T) {
	dir := writeTemplate(t, "", map[string]string{
		"pin.yaml":               "uses: idp-cli/idp@{{ .idp.version }}\n",
		"{{ .idp.version }}.txt": "x",
		"data/{{ .name }}.yaml":  "{{ .name }}",
		"copied/plain.txt":       "no delimiters",
	})
	for _, tc := range []struct{ version, want string }{{"v1.4.0", "v1.4.0"}, {"1.4.0", "v1.4.0"}, {"", "dev"}, {"(devel)", "(devel)"}} {
		tree, err := renderOpts(t, dir, render.Options{IdpVersion: tc.version})
		if err != nil {
			t.Fatal(err)
		}
		f := tree.Lookup("pin.yaml")
		if f == nil || string(f.Data) != "uses: idp-cli/idp@"+tc.want+"\n" {
			t.Errorf("IdpVersion %q: pin.yaml = %v", tc.version, f)
		}
		if tree.Lookup(tc.want+".txt") == nil {
			t.Errorf("IdpVersion %q: no %s.txt in %v", tc.version, tc.want, paths(tree))
		}
	}

	shadow := writeTemplate(t, "  - name: idp\n", map[string]string{"a.txt": "{{ .idp }}"})
	fsys, m := load(t, shadow)
	data, err := answers.Data(m, map[string]any{"name": "x", "idp": "mine"})
	if err != nil {
		t.Fatal(err)
	}
	tree, err := render.RenderWith(context.Background(), fsys, m, data, render.Options{IdpVersion: "v1.4.0"})
	if err != nil {
		t.Fatal(err)
	}
	if f := tree.Lookup("a.txt"); f == nil || string(f.Data) != "mine" {
		t.Errorf("a parameter named idp: a.txt = %v, want mine", f)
	}
	if _, ok := data["idp"].(map[string]any); ok {
		t.Error("the render changed the caller's data")
	}
}

// TestIdpVersionOfAnUpdate: an update's base renders the recorded idp version; its target
// renders this idp's when it is a release at least as new, else the recorded one (a
// development build, an older idp); and what is recorded after it.
func TestIdpVersionOfAnUpdate(t *testing.T) {
	for _, tc := range []struct{ running, recorded, base, target, record string }{
		{"v1.0.0", "v0.9.0", "v0.9.0", "v1.0.0", "v1.0.0"},
		{"v1.0.0", "v1.0.0", "v1.0.0", "v1.0.0", "v1.0.0"},
		{"v0.8.0", "v0.9.0", "v0.9.0", "v0.9.0", "v0.9.0"},
		{"v1.0.0-rc.1", "v0.9.0", "v0.9.0", "v1.0.0-rc.1", "v1.0.0-rc.1"},
		{"", "v0.9.0", "v0.9.0", "v0.9.0", "v0.9.0"},
		{"dev", "v0.9.0", "v0.9.0", "v0.9.0", "v0.9.0"},
		{"(devel)", "v0.9.0", "v0.9.0", "v0.9.0", "v0.9.0"},
		{"v1.0.0", "dev", "dev", "v1.0.0", "v1.0.0"},
		{"", "dev", "dev", "dev", "dev"},
		{"v1.0.0", "", "v1.0.0", "v1.0.0", "v1.0.0"},
		{"", "", "dev", "dev", ""},
		{"1.0.0", "v0.9.0", "v0.9.0", "v1.0.0", "v1.0.0"}, // goreleaser's main.version has no v
		{"1.0.0", "v1.0.0", "v1.0.0", "v1.0.0", "v1.0.0"},
	} {
		o := render.Options{IdpVersion: tc.running}
		base, target := o.AsRendered(tc.recorded), o.Updating(tc.recorded)
		if base.Version() != tc.base || target.Version() != tc.target || target.Recorded(tc.recorded) != tc.record {
			t.Errorf("running %q, recorded %q: base %q, target %q, records %q; want %q, %q, %q",
				tc.running, tc.recorded, base.Version(), target.Version(), target.Recorded(tc.recorded), tc.base, tc.target, tc.record)
		}
	}
}

// TestNewer: a release is newer than an older release and than a development build; a
// development build is newer than nothing.
func TestNewer(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		want bool
	}{
		{"v1.1.0", "v1.0.0", true}, {"1.1.0", "v1.0.0", true}, {"v1.0.0", "v1.0.0", false}, {"v1.0.0", "v1.1.0", false},
		{"v1.0.0", "dev", true}, {"v1.0.0", "", true}, {"dev", "v1.0.0", false}, {"dev", "", false}, {"", "", false},
	} {
		if got := render.Newer(tc.a, tc.b); got != tc.want {
			t.Errorf("Newer(%q, %q) = %v, want %v", tc.a, tc.b, got, tc.want)
		}
	}
}
