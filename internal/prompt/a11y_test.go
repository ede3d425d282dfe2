package prompt

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/teatest"

	"github.com/idp-cli/idp/internal/answers"
	"github.com/idp-cli/idp/internal/manifest"
)

const helpTmpl = `apiVersion: idp/v1
kind: Template
name: svc
type: service
parameters:
  - name: name
    title: Service name
    help: Lowercase letters, digits and dashes.
    required: true
    pattern: '^[a-z][a-z0-9-]+$'
  - name: owner
    title: Owning team
    pattern: '^team-[a-z]+$'
`

// TestAccessibleSaysItInWords: accessible mode is for screen readers, which read "*" as "star"
// and a regular expression symbol by symbol. Required is said as "(required)", and a refused
// answer is explained from the parameter's help; the pattern only when there are no words for
// it.
func TestAccessibleSaysItInWords(t *testing.T) {
	m, err := manifest.Parse([]byte(helpTmpl), "template.yaml", "svc")
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	p := &Huh{In: strings.NewReader("Bad Name\npay-api\nnobody\nteam-a\n"), Out: &out, Accessible: true}
	res, err := answers.Resolve(context.Background(), m, answers.Request{Prompter: p})
	if err != nil {
		t.Fatalf("%v\n%s", err, &out)
	}
	if res.Answers["name"] != "pay-api" || res.Answers["owner"] != "team-a" {
		t.Errorf("answers %v", res.Answers)
	}
	got := out.String()
	for _, want := range []string{
		"Service name (required) (Lowercase letters, digits and dashes):",
		`"Bad Name" is not valid: Lowercase letters, digits and dashes` + "\n",
		// No help to say it with: the pattern is all there is.
		`"nobody" does not match the pattern ^team-[a-z]+$`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("prompt output lacks %q:\n%s", want, got)
		}
	}
	for _, bad := range []string{"*", "^[a-z]"} {
		if strings.Contains(got, bad) {
			t.Errorf("prompt output holds %q:\n%s", bad, got)
		}
	}
}

const multiTmpl = `apiVersion: idp/v1
kind: Template
name: svc
type: service
parameters:
  - name: envs
    title: Environments
    type: multiselect
    required: true
    options: [dev, staging, prod]
`

// TestFormMultiselectErrorIsNotASecondStar: huh marks a field in error with " *" after its
// title, which beside the * of a required field read "Environments * *"; and it checked the
// empty choice as soon as the field showed, so the error took the place of the help that says
// which key chooses, before the user had done anything.
func TestFormMultiselectErrorIsNotASecondStar(t *testing.T) {
	m, err := manifest.Parse([]byte(multiTmpl), "template.yaml", "svc")
	if err != nil {
		t.Fatal(err)
	}
	var seen []byte
	p := &teaPrompter{t: t, drive: func(tm *teatest.TestModel) {
		waitFor(t, tm, "x toggle") // the help, not an error
		enter(tm)                  // nothing chosen: refused
		teatest.WaitFor(t, tm.Output(), func(b []byte) bool {
			seen = append(seen, b...)
			return bytes.Contains(seen, []byte("an answer is required"))
		}, teatest.WithDuration(5*time.Second), teatest.WithCheckInterval(10*time.Millisecond))
		tm.Send(tea.KeyMsg{Type: tea.KeySpace})
		enter(tm)
	}}
	res, err := answers.Resolve(context.Background(), m, answers.Request{Prompter: p})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(seen), "* *") || !strings.Contains(string(seen), "✗ an answer is required") {
		t.Errorf("the form after the error:\n%s", seen)
	}
	if got := res.Answers["envs"]; len(got.([]string)) != 1 {
		t.Errorf("envs = %v", got)
	}
}
