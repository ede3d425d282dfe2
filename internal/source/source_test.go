package source

import (
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
	_, err := src.Catalog()
	if err == nil || err.Error() != "source "+dir+` has two golden paths named "same" (a and b); rename one` {
		t.Errorf("got %v", err)
	}
	dir = writeFiles(t, map[string]string{"a/template.yaml": manifestOf + "service\nbogus: 1\n"})
	src, _ = Dir(dir)
	_, err = src.Catalog()
	if err == nil || err.Error() != filepath.Join(dir, "a", "template.yaml")+`:4: unknown field "bogus"; known fields: apiVersion, computed, description, files, hooks, kind, migrations, name, parameters, title, type` {
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
