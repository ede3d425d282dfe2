package tmpltest

import (
	"bytes"
	"context"
	"fmt"
	"testing"
)

// TestReportText: idp template test's lines: a case that passed, one whose golden tree differs
// (with its diff), one that could not render (its error as explain gives it), the checks not
// run, and the counts.
func TestReportText(t *testing.T) {
	dir := goldenPath(t)
	write(t, dir, map[string]string{
		"tests/small.yaml":       "answers:\n  name: api\n  port: 9000\ncheck: make test\n",
		"tests/wrong.yaml":       "answers:\n  name: web\n",
		"tests/wrong/README.md":  "# WEB\n",
		"tests/broken.yaml":      "answers:\n  port: 1\n",
		"tests/broken/README.md": "#\n",
	})
	explain := func(err error) error { return fmt.Errorf("%w (explained)", err) }
	rep, err := Test(context.Background(), dir, Options{}, explain)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Passed != 1 || rep.Failed != 2 || rep.Updated != 0 || !rep.Fails() {
		t.Fatalf("counts %+v", rep)
	}
	var b bytes.Buffer
	rep.WriteText(&b)
	broken := rep.Cases[0]
	if broken.Case != "broken" || broken.Outcome != Errored || broken.Error != broken.Err.Error()+" (explained)" {
		t.Fatalf("broken case: %+v", broken)
	}
	wrong := rep.Cases[2]
	want := "ERROR   broken  " + broken.Error + "\n" +
		"ok      small   3 files\n" +
		"FAIL    wrong   tests/wrong/ differs from the render in 3 files: README.md, config/web.env, run.sh\n" + wrong.Diff +
		"Checks not run (they run only with --trust):\n  small: make test\n" +
		dir + ": 1 passed, 2 failed.\n" +
		"If the render is right, accept it with --update and review the golden trees with git diff.\n"
	if b.String() != want {
		t.Errorf("text:\n%s\nwant:\n%s", b.String(), want)
	}
	if got := CaseNames(dir, []string{"small"}); fmt.Sprint(got) != "[broken wrong]" {
		t.Errorf("case names: %v", got)
	}
}
