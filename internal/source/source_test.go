package source

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
)

func writeFiles(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

const manifestOf = "apiVersion: idp/v1\nkind: Template\ntype: "

func TestCatalogFindsGoldenPathsAtDepthOneAndTwo(t *testing.T) {
	dir := writeFiles(t, map[string]string{
		"go-service/template.yaml":          manifestOf + "service\n",
		"go-service/skeleton/a":             "",
		"libs/go-lib/template.yaml":         manifestOf + "library\n",
		"deep/er/still/template.yaml":       manifestOf + "service\n", // depth 3: not a golden path
		".hidden/template.yaml":             manifestOf + "service\n",
		"named/template.yaml":               manifestOf + "service\nname: py-worker\n",
		"go-service/skeleton/template.yaml": "not read: inside a golden path",
	})
	src, err := Dir(dir)
	if err != nil {
		t.Fatal(err)
	}
	all, err := src.Catalog()
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(Names(all), ","); got != "go-lib,go-service,py-worker" {
		t.Errorf("catalog %s", got)
	}
	if got := strings.Join(Types(all), ","); got != "library,service" {
		t.Errorf("types %s", got)
	}
	if got := Names(ByType(all, "service")); strings.Join(got, ",") != "go-service,py-worker" {
		t.Errorf("services %v", got)
	}
	if Find(all, "go-lib").Dir != "libs/go-lib" {
		t.Errorf("dir %q", Find(all, "go-lib").Dir)
	}
}

func TestCatalogOfAGoldenPathItself(t *testing.T) {
	dir := writeFiles(t, map[string]string{"template.yaml": manifestOf + "service\n"})
	src, _ := Dir(dir)
	all, err := src.Catalog()
	if err != nil || len(all) != 1 || all[0].Manifest.Name != filepath.Base(dir) || all[0].Dir != "." {
		t.Errorf("got %v %v", all, err)
	}
}

func TestCatalogErrors(t *testing.T) {
	dir := writeFiles(t, map[string]string{
		"a/template.yaml": manifestOf + "service\nname: same\n",
		"b/template.yaml": manifestOf + "service\nname: same\n",
	})
	src, _ := Dir(dir)
	all, err := src.Catalog()
	if err == nil || err.Error() != "source "+dir+` has two golden paths named "same" (a and b); rename one; and 1 more golden path of `+dir+` cannot be used: same` || len(all) != 0 {
		t.Errorf("got %v %v", all, err)
	}
	dir = writeFiles(t, map[string]string{"a/template.yaml": manifestOf + "service\nbogus: 1\n"})
	src, _ = Dir(dir)
	_, err = src.Catalog()
	if err == nil || err.Error() != filepath.Join(dir, "a", "template.yaml")+`:4: unknown field "bogus"; known fields: apiVersion, computed, description, files, hooks, kind, migrations, name, parameters, timeSaved, title, type` {
		t.Errorf("got %v", err)
	}
	if _, err := Dir(filepath.Join(dir, "a", "template.yaml")); err == nil || !strings.Contains(err.Error(), "is not a directory") {
		t.Errorf("a file as source: %v", err)
	}
}

func TestEmbedded(t *testing.T) {
	fsys := fstest.MapFS{"x/template.yaml": {Data: []byte(manifestOf + "service\n")}, "x/skeleton/f": {}}
	src := Embedded(fsys, "v1.2.3")
	all, err := src.Catalog()
	if err != nil || len(all) != 1 || src.Location != Builtin || src.Version != "v1.2.3" {
		t.Fatalf("%v %v %+v", all, err, src)
	}
	if _, err := all[0].FS.Open("skeleton/f"); err != nil {
		t.Errorf("template FS not rooted at the golden path: %v", err)
	}
}

// TestCatalogKeepsTheHealthyGoldenPaths: one golden path's typo, or two of one name, leave the
// others usable, and each broken one is named with its own error, under the name it would have.
func TestCatalogKeepsTheHealthyGoldenPaths(t *testing.T) {
	dir := writeFiles(t, map[string]string{
		"healthy/template.yaml":   manifestOf + "service\n",
		"healthy/skeleton/a":      "",
		"typo/template.yaml":      manifestOf + "service\nname: py-worker\nparameters:\n  - name: name\n    requird: true\n",
		"team/one/template.yaml":  manifestOf + "library\nname: twin\n",
		"team/two/template.yaml":  manifestOf + "library\nname: twin\n",
		"notyaml/template.yaml":   "::: [",
		"also-fine/template.yaml": manifestOf + "library\n",
	})
	src, _ := Dir(dir)
	all, err := src.Catalog()
	if got := strings.Join(Names(all), ","); got != "also-fine,healthy" {
		t.Errorf("healthy golden paths %q", got)
	}
	var be *BrokenError
	if !errors.As(err, &be) {
		t.Fatalf("error %v, want a *BrokenError", err)
	}
	twin := "source " + dir + ` has two golden paths named "twin" (team/one and team/two); rename one`
	want := []struct{ dir, name, typ, err string }{
		{"notyaml", "notyaml", "", filepath.Join(dir, "notyaml", "template.yaml") + ":1: did not find expected node content"},
		{"team/one", "twin", "library", twin},
		{"team/two", "twin", "library", twin},
		{"typo", "py-worker", "service", filepath.Join(dir, "typo", "template.yaml") + `:7: unknown field "requird" in parameters`},
	}
	if len(be.Broken) != len(want) {
		t.Fatalf("broken %+v", be.Broken)
	}
	for i, w := range want {
		b := be.Broken[i]
		if b.Dir != w.dir || b.Name != w.name || b.Type != w.typ || !strings.HasPrefix(b.Err.Error(), w.err) {
			t.Errorf("broken[%d] = %s %s %s %q, want %s %s %s %q...", i, b.Dir, b.Name, b.Type, b.Err, w.dir, w.name, w.typ, w.err)
		}
	}
	if msg := err.Error(); !strings.HasPrefix(msg, want[0].err) || !strings.HasSuffix(msg, "; and 3 more golden paths of "+dir+" cannot be used: twin, twin, py-worker") {
		t.Errorf("message %q", msg)
	}

	// OpenCatalog: the healthy ones are on offer, at a version too; a broken one asked for by
	// name says why it cannot be had.
	cat, err := OpenCatalog(context.Background(), dir, OpenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(Names(cat.All), ","); got != "also-fine,healthy" || len(cat.Broken) != 4 {
		t.Errorf("catalog %s, broken %d", got, len(cat.Broken))
	}
	if _, tm, err := cat.At(Find(cat.All, "healthy"), "--version", "latest", false); err != nil || tm.Manifest.Name != "healthy" {
		t.Errorf("At healthy: %v %v", tm, err)
	}
	if err := cat.BrokenErr("py-worker"); err == nil || !strings.Contains(err.Error(), `unknown field "requird"`) {
		t.Errorf("BrokenErr(py-worker) = %v", err)
	}
	if err := cat.BrokenErr("healthy"); err != nil {
		t.Errorf("BrokenErr(healthy) = %v", err)
	}

	// A source that is itself one broken golden path has nothing else to offer: an error.
	one := writeFiles(t, map[string]string{"template.yaml": manifestOf + "service\nbogus: 1\n"})
	if _, err := OpenCatalog(context.Background(), one, OpenOptions{}); err == nil || errors.As(err, &be) {
		t.Errorf("a broken golden path as the source: %v", err)
	}
}
