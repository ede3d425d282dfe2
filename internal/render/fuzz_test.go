package render_test

import (
	"context"
	"errors"
	"io/fs"
	"path"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/idp-cli/idp/internal/manifest"
	"github.com/idp-cli/idp/internal/render"
)

// FuzzRenderPath renders skeleton file names that are templates, with any answer: a render
// that succeeds never yields a path outside the service, into .git, or onto .idp.yaml, and the
// tree is sorted without duplicates.
func FuzzRenderPath(f *testing.F) {
	for _, s := range [][2]string{
		{"{{ .path }}", "a.txt"}, {"{{ .path }}", "../../etc/x"}, {"{{ .path }}", "/abs"}, {"{{ .path }}", ".git/config"},
		{"{{ .path }}.go", "a/b/c"}, {"x{{ .path }}", "/../y"}, {"{{ .path }}", ".idp.yaml"}, {"{{ .path }}", "sub/./../.."},
		{"{{ if .path }}{{ .path }}{{ end }}", ""}, {"{{ .path | upper }}", "a//b"}, {`{{ repeat 2 "." }}`, ""}, {"{{ .path }}", "sub"},
		{"{{ .path }}", `\evil`}, {"{{ .path }}", "a\x00b"}, {"{{ .nope }}", "x"}, {"{{ .path", "x"},
	} {
		f.Add(s[0], s[1])
	}
	m, err := manifest.Parse([]byte("apiVersion: idp/v1\nkind: Template\ntype: service\nparameters:\n  - name: path\nfiles:\n  suffix: .tmpl\n  exclude:\n    - paths: ['excluded/**']\n"), "template.yaml", "fz")
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, name, value string) {
		if name == "" || strings.Contains(name, "/") || !fs.ValidPath(name) || len(name) > 200 || len(value) > 200 {
			return // not a name a directory can hold
		}
		if strings.Contains(name, "range") {
			// Nested ranges over a list in a variable run on after the timeout (text/template
			// cannot be stopped); they would pile up in the fuzzing process. TestTimeout covers them.
			return
		}
		fsys := fstest.MapFS{
			"template.yaml":                     {Data: []byte("x")},
			"skeleton/sub/file.txt":             {Data: []byte("{{ .path }}")},
			"skeleton/" + name:                  {Data: []byte("f")},
			"skeleton/d/" + name + "/inner.txt": {Data: []byte("g")},
		}
		tree, err := render.RenderWith(context.Background(), fsys, m, map[string]any{"path": value}, render.Options{MaxFileSize: 1 << 16, MaxTotalSize: 1 << 20, Timeout: time.Second})
		if errors.Is(err, render.ErrTimeout) {
			return // a name with loops that do not end (the fuzzer counts 10 s as a hang)
		}
		if err != nil {
			if !strings.HasPrefix(err.Error(), "skeleton/") && !strings.HasPrefix(err.Error(), "template.yaml") {
				t.Fatalf("error does not name a file: %v", err)
			}
			return
		}
		for i, f := range tree.Files {
			p := f.Path
			segs := strings.Split(p, "/")
			switch {
			case p == "" || path.IsAbs(p) || path.Clean(p) != p:
				t.Fatalf("%s renders to the unclean path %q", f.Source, p)
			case slices.Contains(segs, "..") || slices.Contains(segs, ".") || slices.Contains(segs, ".git"):
				t.Fatalf("%s renders to %q", f.Source, p)
			case p == ".idp.yaml":
				t.Fatalf("%s renders to .idp.yaml", f.Source)
			case i > 0 && tree.Files[i-1].Path >= p:
				t.Fatalf("paths not sorted and unique: %q then %q", tree.Files[i-1].Path, p)
			}
		}
	})
}
