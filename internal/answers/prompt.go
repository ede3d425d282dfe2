package answers

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/idp-cli/idp/internal/manifest"
)

// Prompter asks the user for answers. known holds the answers given before any prompt.
// It returns the answers to the questions that applied (raw values: strings, ints, bools or
// string lists); a question whose Visible is false when reached is not answered.
type Prompter interface {
	Ask(ctx context.Context, known map[string]any, qs []*Question) (map[string]any, error)
}

// Choice is one option of a Chooser's question.
type Choice struct {
	Key   string // what the user sees
	Value string
}

// Chooser asks the user to pick one of choices, and returns its Value.
type Chooser interface {
	Choose(ctx context.Context, title string, choices []Choice) (string, error)
}

// Reviewer is a Prompter that can end its questions with a Review: Resolve uses it when the
// Request has one.
type Reviewer interface {
	Prompter
	AskAndReview(ctx context.Context, known map[string]any, qs []*Question, r *Review) (map[string]any, error)
}

// Review is the last step of the prompts for a new service: the answers, the command that
// gives them without prompts, and a confirmation. Declining it cancels.
type Review struct {
	// Confirm is the closing question ("Create ./payments?"), given every answer so far: the
	// known ones and the prompted ones, converted.
	Confirm func(all map[string]any) string
	// Command is the command line that gives the same answers without prompts, given the
	// --set arguments (KEY=VALUE, unquoted) for the prompted answers that differ from their
	// defaults, secret ones masked.
	Command func(sets []string) string
}

// Question is one parameter to ask for. Its methods take the answers so far (known plus earlier
// questions), so a prompter can apply when and template defaults as the user answers.
type Question struct {
	Param *manifest.Parameter
	// NewIn is the version that added the parameter, when an update asks for it: the prompt
	// says so.
	NewIn string
	m     *manifest.Manifest
	check func(v any) error
}

func (q *Question) data(state map[string]any) map[string]any {
	d := zeros(q.m)
	for k, v := range state {
		d[k] = v
	}
	return d
}

// Visible reports whether the question applies given the answers so far.
func (q *Question) Visible(state map[string]any) bool {
	ok, err := q.Param.Asked(q.data(state))
	return err != nil || ok // on an error ask, and let Resolve report it
}

// Default is the pre-filled answer given the answers so far; nil when there is none.
func (q *Question) Default(state map[string]any) any {
	v, err := q.Param.DefaultValue(q.data(state))
	if err != nil {
		return nil
	}
	return v
}

// Validate applies the parameter's rules to a raw answer as typed at a prompt, and the
// caller's own (Request.Check).
func (q *Question) Validate(raw any) error {
	v, err := manifest.Convert(q.Param, raw)
	if err != nil {
		return err
	}
	if q.Param.Required && manifest.IsEmpty(v) {
		return errRequired
	}
	if err := q.Param.Check(v); err != nil {
		return err
	}
	if q.check != nil && !manifest.IsEmpty(v) {
		return q.check(v)
	}
	return nil
}

// Masked stands for a secret answer wherever answers are shown.
const Masked = "********"

// SetArg is the --set argument (KEY=VALUE, unquoted) that gives raw, a prompted answer, to the
// question's parameter; a secret's value is Masked. ok is false when the answer is what the
// default would give anyway, given the answers before it (state), so that --set is not needed.
func (q *Question) SetArg(state map[string]any, raw any) (arg string, ok bool) {
	v, err := manifest.Convert(q.Param, raw)
	if err != nil {
		return "", false
	}
	same := q.Param.Unset() // what a parameter without a default and without an answer gets
	if q.Param.HasDefault() {
		same = q.Default(state)
	}
	if same != nil && Format(same) == Format(v) {
		return "", false
	}
	s := Format(v)
	if q.Param.Secret && s != "" {
		s = Masked
	}
	return q.Param.Name + "=" + s, true
}

// Format is an answer as --set takes it: a list comma-separated, a bool true or false.
func Format(v any) string {
	switch x := v.(type) {
	case []string:
		return strings.Join(x, ",")
	case []any:
		s := make([]string, len(x))
		for i, e := range x {
			s[i] = fmt.Sprint(e)
		}
		return strings.Join(s, ",")
	case bool:
		return strconv.FormatBool(x)
	}
	return fmt.Sprint(v)
}

// Shown is an answer as a summary shows it: a secret masked, an empty one as (none).
func (q *Question) Shown(raw any) string {
	v, err := manifest.Convert(q.Param, raw)
	if err != nil {
		v = raw
	}
	s := Format(v)
	if l, ok := v.([]string); ok {
		s = strings.Join(l, ", ")
	}
	switch {
	case s == "":
		return "(none)"
	case q.Param.Secret:
		return Masked
	case q.Param.Type == manifest.TypeBool:
		if v == true {
			return "yes"
		}
		return "no"
	}
	return s
}

type constError string

func (e constError) Error() string { return string(e) }

const errRequired = constError("an answer is required")
