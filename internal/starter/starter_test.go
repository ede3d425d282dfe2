package starter

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/idp-cli/idp/internal/lint"
	"github.com/idp-cli/idp/internal/tmpltest"
)

// The starter lints without a finding and its test case passes, check included.
func TestCreate(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "golden-paths", "node-service")
	res, err := Create(context.Background(), Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"skeleton/.github/workflows/ci.yaml", "skeleton/CODEOWNERS", "skeleton/README.md", "skeleton/catalog-info.yaml",
		"template.yaml", "tests/default.yaml",
		"tests/default/.github/workflows/ci.yaml", "tests/default/CODEOWNERS", "tests/default/README.md", "tests/default/catalog-info.yaml",
	}
	if res.Name != "node-service" || !reflect.DeepEqual(res.Files, want) {
		t.Errorf("got %s %q", res.Name, res.Files)
	}
	found, err := lint.Lint(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range found {
		t.Errorf("lint: %s", f)
	}
	results, err := tmpltest.Run(context.Background(), dir, tmpltest.Options{Trust: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(results) != 1 || results[0].Outcome != tmpltest.Passed || results[0].Check.Outcome != tmpltest.CheckPassed {
		t.Errorf("tests: %+v %+v", results, results[0].Check)
	}
	data, _ := os.ReadFile(filepath.Join(dir, "tests/default/catalog-info.yaml"))
	if got := string(data); got != `apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: example
  description: "The example service."
spec:
  type: service
  lifecycle: experimental
  owner: team-example
` {
		t.Errorf("catalog-info.yaml:\n%s", got)
	}
	data, _ = os.ReadFile(filepath.Join(dir, "template.yaml"))
	for _, s := range []string{"\nname: node-service\n", "\ntype: service\n", "\ntitle: Node service\n"} {
		if !strings.Contains(string(data), s) {
			t.Errorf("template.yaml lacks %q", s)
		}
	}
}

// A directory in use is refused and left as it was; a bad name leaves nothing behind, not even
// the parent directories made for it.
func TestRefusals(t *testing.T) {
	root := t.TempDir()
	used := filepath.Join(root, "used")
	os.MkdirAll(used, 0o755)
	os.WriteFile(filepath.Join(used, "keep.txt"), []byte("mine\n"), 0o644)
	_, err := Create(context.Background(), Options{Dir: used})
	if err == nil || err.Error() != used+" already exists and is not empty; give a new directory for the golden path" {
		t.Errorf("error %v", err)
	}
	if entries, _ := os.ReadDir(used); len(entries) != 1 {
		t.Errorf("used/ holds %d entries, want 1", len(entries))
	}
	_, err = Create(context.Background(), Options{Dir: filepath.Join(root, "a", "b", "Bad"), Type: "two words"})
	want := `name "Bad" must be lowercase letters, digits, '.', '_' or '-' (it is typed in --template); type "two words" must be a single word (letters, digits, - or _); choose another with --name, --type or --title`
	if err == nil || err.Error() != want {
		t.Errorf("error %v\nwant  %s", err, want)
	}
	if _, err := os.Stat(filepath.Join(root, "a")); !os.IsNotExist(err) {
		t.Errorf("a/ left behind: %v", err)
	}
	// An empty directory is fine, and a custom name, type and title go everywhere they belong.
	empty := filepath.Join(root, "empty")
	os.Mkdir(empty, 0o755)
	res, err := Create(context.Background(), Options{Dir: empty, Name: "tf-module", Type: "module", Title: "Terraform module"})
	if err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(filepath.Join(empty, "tests/default/README.md"))
	if res.Name != "tf-module" || !strings.Contains(string(data), "The example module.") || !strings.Contains(string(data), "the tf-module golden path") {
		t.Errorf("%s README:\n%s", res.Name, data)
	}

	// "." in an empty directory takes the directory's name.
	here := filepath.Join(root, "web-app")
	os.Mkdir(here, 0o755)
	t.Chdir(here)
	if res, err := Create(context.Background(), Options{Dir: "."}); err != nil || res.Name != "web-app" {
		t.Errorf("init .: %+v %v", res, err)
	}
	if _, err := os.Stat(filepath.Join(here, "tests/default/README.md")); err != nil {
		t.Error(err)
	}
}
