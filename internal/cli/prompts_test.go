package cli

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/idp-cli/idp/internal/answers"
	"github.com/idp-cli/idp/internal/manifest"
	"github.com/idp-cli/idp/internal/prompt"
)

// reviewer is a prompter double that ends with the review, as the huh one does: it answers
// from a map, tries refused answers first (each question's Validate, as the form does as they
// are typed), and records what it was shown.
type reviewer struct {
	fakePrompter
	try     map[string]any // answers to type first, expected to be refused
	refused map[string]string
	newIn   map[string]string
	command string
	confirm string
	decline bool
}

func (p *reviewer) Ask(ctx context.Context, known map[string]any, qs []*answers.Question) (map[string]any, error) {
	return p.AskAndReview(ctx, known, qs, nil)
}

func (p *reviewer) AskAndReview(_ context.Context, known map[string]any, qs []*answers.Question, r *answers.Review) (map[string]any, error) {
	p.refused, p.newIn = map[string]string{}, map[string]string{}
	state := map[string]any{}
	for k, v := range known {
		state[k] = v
	}
	out := map[string]any{}
	var sets []string
	for _, q := range qs {
		if !q.Visible(state) {
			continue
		}
		name := q.Param.Name
		p.asked = append(p.asked, name)
		if q.NewIn != "" {
			p.newIn[name] = q.NewIn
		}
		if v, ok := p.try[name]; ok {
			if err := q.Validate(v); err != nil {
				p.refused[name] = err.Error()
			}
		}
		v, ok := p.answers[name]
		if !ok {
			if v = q.Default(state); v == nil {
				v = q.Param.Unset()
			}
		}
		if err := q.Validate(v); err != nil {
			return nil, err
		}
		if arg, ok := q.SetArg(state, v); ok {
			sets = append(sets, arg)
		}
		out[name] = v
		state[name], _ = manifest.Convert(q.Param, v)
	}
	if r != nil {
		p.command, p.confirm = r.Command(sets), r.Confirm(state)
		if p.decline {
			return nil, prompt.ErrCancelled
		}
	}
	return out, nil
}

// TestNewRefusesATakenNameAtItsPrompt: ./NAME taken is said at the name's own question, with the
// reason, not after every answer (which were then lost).
func TestNewRefusesATakenNameAtItsPrompt(t *testing.T) {
	src := twoServices(t)
	t.Chdir(t.TempDir())
	writeFiles(t, ".", map[string]string{"svc/keep.txt": "mine\n"})
	p := &reviewer{
		fakePrompter: fakePrompter{answers: map[string]any{"name": "svc2", "team": "core"}},
		try:          map[string]any{"name": "svc"},
	}
	r := run(t, nil, p, "new", "service", "-s", src, "-t", "alpha")
	if r.code != 0 {
		t.Fatalf("%+v", r)
	}
	want := "./svc already exists and is not empty; choose another name, remove it, or give --output-dir"
	if p.refused["name"] != want {
		t.Errorf("name svc at the prompt: refused with %q, want %q", p.refused["name"], want)
	}
	if b, _ := os.ReadFile(filepath.Join("svc2", "who.txt")); string(b) != "alpha svc2 core\n" {
		t.Errorf("svc2/who.txt = %q", b)
	}
	// Given with --set, the taken name is refused before any question.
	p = &reviewer{fakePrompter: fakePrompter{answers: map[string]any{"team": "core"}}}
	r = run(t, nil, p, "new", "service", "-s", src, "-t", "alpha", "--set", "name=svc")
	if r.code != 2 || !strings.Contains(r.stderr, "idp: --set name=svc: parameter \"name\": "+want+"\n") || len(p.asked) != 0 {
		t.Errorf("exit %d, asked %v, stderr:\n%s", r.code, p.asked, r.stderr)
	}
}

// TestNewReviewsWithTheCommand: the prompts end with the command that gives the same answers
// without prompts: the golden path chosen at a prompt, the flags given, the answers that are
// not defaults (secrets masked), --no-input.
func TestNewReviewsWithTheCommand(t *testing.T) {
	src := twoServices(t)
	writeFiles(t, src, map[string]string{
		"paths/gamma/template.yaml": "apiVersion: idp/v1\nkind: Template\ntype: service\nparameters:\n  - name: name\n    required: true\n" +
			"  - name: team\n    default: core\n  - name: description\n    default: 'The {{ .name }} service'\n  - name: token\n    secret: true\n",
		"paths/gamma/skeleton/who.txt": "{{ .name }} {{ .team }} {{ .description }}\n",
	})
	out := filepath.Join(t.TempDir(), "it's here")
	p := &reviewer{fakePrompter: fakePrompter{choose: "gamma", answers: map[string]any{
		"name": "pay-api", "description": "Pays; then more",
	}}}
	r := run(t, nil, p, "new", "service", "-s", src, "-o", out, "--set", "team=core", "--set", "token=given-s3cret")
	if r.code != 0 {
		t.Fatalf("%+v", r)
	}
	want := "idp new service pay-api --template gamma --output-dir '" + strings.ReplaceAll(out, "'", `'\''`) + "' --source " + src +
		" --set team=core --set 'token=********' --set 'description=Pays; then more' --no-input"
	if p.command != want {
		t.Errorf("command:\n got %s\nwant %s", p.command, want)
	}
	if p.confirm != "Create "+out+"?" {
		t.Errorf("confirm %q", p.confirm)
	}
	// Without -o the question names ./NAME; declining writes nothing and is "cancelled".
	t.Chdir(t.TempDir())
	p = &reviewer{fakePrompter: fakePrompter{choose: "gamma", answers: map[string]any{"name": "pay-api"}}, decline: true}
	r = run(t, nil, p, "new", "service", "-s", src)
	if r.code != 2 || !strings.HasSuffix(r.stderr, "\nidp: cancelled\n") || p.confirm != "Create ./pay-api?" {
		t.Errorf("declined: exit %d, confirm %q, stderr:\n%s", r.code, p.confirm, r.stderr)
	}
	if entries, _ := os.ReadDir("."); len(entries) != 0 {
		t.Errorf("declined, yet written: %v", entries)
	}
}
