package starter

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"
)

// TestResultText: idp template init lists what it wrote and the next steps, with the type
// given; its JSON gives the directory absolute.
func TestResultText(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "golden-paths", "tf")
	res, err := Create(context.Background(), Options{Dir: dir, Type: "module"})
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	res.WriteText(&b)
	want := "Created the golden path tf in " + dir + ":\n  " + strings.Join(res.Files, "\n  ") + "\nNext:\n" +
		"  edit " + dir + "/template.yaml and the files under " + dir + "/skeleton/\n" +
		"  idp template lint " + dir + "\n" +
		"  idp template test " + dir + "            # after a change: --update, then review with git diff\n" +
		"  idp new module --source " + filepath.Dir(dir) + " --template tf   # try it\n"
	if b.String() != want {
		t.Errorf("text:\n%s\nwant:\n%s", b.String(), want)
	}
	wd := t.TempDir()
	t.Chdir(wd)
	if res, err = Create(context.Background(), Options{Dir: "web"}); err != nil {
		t.Fatal(err)
	}
	if got := res.JSON().(Result); got.Dir != filepath.Join(wd, "web") || got.Name != "web" || res.Dir != "web" {
		t.Errorf("JSON: %+v", got)
	}
}
