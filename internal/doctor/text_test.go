package doctor

import (
	"strings"
	"testing"
)

func TestReportText(t *testing.T) {
	rep := &Report{Checks: []Check{
		{Name: "git", Status: OK, Detail: "git 2.47.0"},
		{Name: "config", Status: Fail, Detail: "config file x:2: provider is given twice", Fix: "keep one"},
		{Name: "cache", Status: Warn, Detail: "3 stale clones", Fix: "remove them"},
	}}
	var out strings.Builder
	if err := rep.WriteText(&out); err != nil {
		t.Fatal(err)
	}
	want := `ok    git: git 2.47.0
fail  config: config file x:2: provider is given twice
      fix: keep one
warn  cache: 3 stale clones
      fix: remove them
3 checks: 1 ok, 1 warning, 1 failed
`
	if out.String() != want {
		t.Errorf("got:\n%s\nwant:\n%s", out.String(), want)
	}
	if s := rep.JSON().(Summary); s.OK != 1 || s.Warnings != 1 || s.Failed != 1 || len(s.Checks) != 3 {
		t.Errorf("summary %+v", s)
	}
	if got := rep.Failures(); got != "1 check failed; do what its fix says, then run idp doctor again" {
		t.Errorf("one failure: %q", got)
	}
	rep.Checks[0].Status = Fail
	if got := rep.Failures(); got != "2 checks failed; do what their fixes say, then run idp doctor again" {
		t.Errorf("two failures: %q", got)
	}
	if got := (&Report{Checks: rep.Checks[2:]}).Failures(); got != "" {
		t.Errorf("no failure: %q", got)
	}
}
