package prompt

import (
	"bytes"
	"context"
	"io"
	"reflect"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/teatest"

	"github.com/idp-cli/idp/internal/answers"
	"github.com/idp-cli/idp/internal/manifest"
)

// teaPrompter runs the real huh form (the one Ask runs in a terminal) under teatest and types
// into it like a person: it waits for each field before sending keys.
type teaPrompter struct {
	t     *testing.T
	drive func(tm *teatest.TestModel)
}

func (p *teaPrompter) Ask(_ context.Context, known map[string]any, qs []*answers.Question) (map[string]any, error) {
	a := &asker{known: known, qs: qs, fields: make([]*field, len(qs)), visible: make([]bool, len(qs))}
	form := a.form(&Huh{Out: io.Discard})
	form.SubmitCmd, form.CancelCmd = tea.Quit, tea.Quit
	tm := teatest.NewTestModel(p.t, form, teatest.WithInitialTermSize(100, 40))
	p.drive(tm)
	tm.WaitFinished(p.t, teatest.WithFinalTimeout(5*time.Second))
	return a.answers(), nil
}

// waitFor waits until the form has drawn every one of ss.
func waitFor(t *testing.T, tm *teatest.TestModel, ss ...string) {
	t.Helper()
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool {
		for _, s := range ss {
			if !bytes.Contains(b, []byte(s)) {
				return false
			}
		}
		return true
	}, teatest.WithDuration(5*time.Second), teatest.WithCheckInterval(10*time.Millisecond))
}

func enter(tm *teatest.TestModel) { tm.Send(tea.KeyMsg{Type: tea.KeyEnter}) }

func TestFormAppliesWhenAndMovesDefaults(t *testing.T) {
	m, err := manifest.Parse([]byte(tmpl), "template.yaml", "svc")
	if err != nil {
		t.Fatal(err)
	}
	p := &teaPrompter{t: t, drive: func(tm *teatest.TestModel) {
		waitFor(t, tm, "Service name")
		tm.Type("Bad")
		enter(tm)
		waitFor(t, tm, "does not match the pattern") // inline validation keeps the field
		for range 3 {
			tm.Send(tea.KeyMsg{Type: tea.KeyBackspace})
		}
		tm.Type("pay-api")
		enter(tm)
		waitFor(t, tm, "postgres")
		tm.Send(tea.KeyMsg{Type: tea.KeyDown})
		enter(tm)
		// db_name appears because database is postgres, pre-filled from the name answered above.
		waitFor(t, tm, "pay_api")
		enter(tm)
		waitFor(t, tm, "8080")
		enter(tm)
		waitFor(t, tm, "staging")
		enter(tm)
		waitFor(t, tm, "metrics")
		tm.Send(tea.KeyMsg{Type: tea.KeyLeft}) // Yes
		enter(tm)
	}}
	res, err := answers.Resolve(context.Background(), m, answers.Request{Prompter: p})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]any{
		"name": "pay-api", "database": "postgres", "db_name": "pay_api", "port": 8080,
		"envs": []string{"dev"}, "metrics": true,
	}
	if !reflect.DeepEqual(res.Answers, want) {
		t.Errorf("answers:\n got %#v\nwant %#v", res.Answers, want)
	}
}

func TestFormSkipsQuestionsWhoseWhenIsFalse(t *testing.T) {
	m, err := manifest.Parse([]byte(tmpl), "template.yaml", "svc")
	if err != nil {
		t.Fatal(err)
	}
	p := &teaPrompter{t: t, drive: func(tm *teatest.TestModel) {
		waitFor(t, tm, "Service name")
		tm.Type("api")
		enter(tm)
		waitFor(t, tm, "postgres")
		enter(tm) // none
		waitFor(t, tm, "8080")
		enter(tm)
		waitFor(t, tm, "staging")
		enter(tm)
		waitFor(t, tm, "metrics")
		enter(tm)
	}}
	res, err := answers.Resolve(context.Background(), m, answers.Request{Prompter: p})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := res.Answers["db_name"]; ok || res.Answers["database"] != "none" || res.Answers["metrics"] != false {
		t.Errorf("answers %#v", res.Answers)
	}
}
