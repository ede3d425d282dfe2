package answers

import (
	"context"

	"github.com/idp-cli/idp/internal/manifest"
)

// Prompter asks the user for answers. known holds the answers given before any prompt.
// It returns the answers to the questions that applied (raw values: strings, ints, bools or
// string lists); a question whose Visible is false when reached is not answered.
type Prompter interface {
	Ask(ctx context.Context, known map[string]any, qs []*Question) (map[string]any, error)
}

// Question is one parameter to ask for. Its methods take the answers so far (known plus earlier
// questions), so a prompter can apply when and template defaults as the user answers.
type Question struct {
	Param *manifest.Parameter
	m     *manifest.Manifest
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

// Validate applies the parameter's rules to a raw answer as typed at a prompt.
func (q *Question) Validate(raw any) error {
	v, err := manifest.Convert(q.Param, raw)
	if err != nil {
		return err
	}
	if q.Param.Required && manifest.IsEmpty(v) {
		return errRequired
	}
	return q.Param.Check(v)
}

type constError string

func (e constError) Error() string { return string(e) }

const errRequired = constError("an answer is required")
