// Package prompt asks the user for answers with huh: one form of all the questions in a
// terminal, or huh's accessible mode (plain lines, one question at a time) for screen readers,
// dumb terminals and piped input.
package prompt

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/charmbracelet/huh"

	"github.com/idp-cli/idp/internal/answers"
	"github.com/idp-cli/idp/internal/manifest"
)

// ErrCancelled is returned when the user leaves a form with Ctrl-C or Esc.
var ErrCancelled = errors.New("cancelled")

// Choice is one option of a Choose prompt.
type Choice struct {
	Key   string // what the user sees
	Value string
}

// Huh is the prompter backed by huh.
type Huh struct {
	In         io.Reader
	Out        io.Writer // prompts are drawn here (stderr)
	Accessible bool
	// In is a terminal: accessible mode then reads secrets without echo.
	InIsTerminal bool

	lines *lineReader
}

func (h *Huh) reader() *lineReader {
	if h.lines == nil {
		h.lines = &lineReader{r: bufio.NewReader(h.In)}
	}
	return h.lines
}

// Choose asks the user to pick one of choices.
func (h *Huh) Choose(ctx context.Context, title string, choices []Choice) (string, error) {
	opts := make([]huh.Option[string], len(choices))
	for i, c := range choices {
		opts[i] = huh.NewOption(c.Key, c.Value)
	}
	value := choices[0].Value
	field := huh.NewSelect[string]().Title(title).Options(opts...).Value(&value)
	if err := h.run(ctx, huh.NewForm(huh.NewGroup(field))); err != nil {
		return "", err
	}
	return value, nil
}

// Ask implements answers.Prompter.
func (h *Huh) Ask(ctx context.Context, known map[string]any, qs []*answers.Question) (map[string]any, error) {
	a := &asker{known: known, qs: qs, fields: make([]*field, len(qs)), visible: make([]bool, len(qs))}
	if h.Accessible {
		return a.askAccessible(ctx, h)
	}
	form := a.form(h)
	if err := h.run(ctx, form); err != nil {
		return nil, err
	}
	return a.answers(), nil
}

// form builds one huh form, a group per question, each hidden while its when is false.
func (a *asker) form(h *Huh) *huh.Form {
	groups := make([]*huh.Group, len(a.qs))
	for i, q := range a.qs {
		f := a.newField(q, a.state(i), false, h)
		a.fields[i] = f
		groups[i] = huh.NewGroup(f.field).WithHideFunc(func() bool { return !a.refresh(i) })
	}
	return huh.NewForm(groups...)
}

// answers collects the answers to the questions that apply.
func (a *asker) answers() map[string]any {
	out := map[string]any{}
	for i, q := range a.qs {
		if a.refresh(i) {
			out[q.Param.Name] = a.fields[i].value()
		}
	}
	return out
}

func (h *Huh) run(ctx context.Context, form *huh.Form) error {
	form = form.WithInput(h.In).WithOutput(h.Out).WithShowHelp(true)
	if h.Accessible {
		form = form.WithAccessible(true).WithInput(h.reader())
	}
	var err error
	if h.Accessible {
		// huh's accessible mode reads stdin without looking at ctx, so Ctrl-C or SIGTERM would
		// wait for a line; the read is left to end with the process.
		done := make(chan error, 1)
		go func() { done <- form.RunWithContext(ctx) }()
		select {
		case err = <-done:
		case <-ctx.Done():
			return ErrCancelled
		}
	} else {
		err = form.RunWithContext(ctx)
	}
	if errors.Is(err, huh.ErrUserAborted) || errors.Is(err, huh.ErrTimeout) || ctx.Err() != nil {
		return ErrCancelled
	}
	if err != nil {
		return fmt.Errorf("prompt: %w", err)
	}
	if h.Accessible && h.reader().eof {
		return &answers.InvalidError{Origin: "prompt", Msg: "input ended before every question was answered"}
	}
	return nil
}

type asker struct {
	known   map[string]any
	qs      []*answers.Question
	fields  []*field
	visible []bool
}

// state is the answers known before question i: the given ones and the earlier visible fields.
func (a *asker) state(i int) map[string]any {
	s := make(map[string]any, len(a.known)+i)
	for k, v := range a.known {
		s[k] = v
	}
	for j := 0; j < i; j++ {
		if a.visible[j] && a.fields[j] != nil {
			if v, err := manifest.Convert(a.qs[j].Param, a.fields[j].value()); err == nil {
				s[a.qs[j].Param.Name] = v
			}
		}
	}
	return s
}

// refresh works out whether question i applies and, while the user has not edited it, moves its
// pre-filled default along with the earlier answers it is a template over.
func (a *asker) refresh(i int) bool {
	st := a.state(i)
	a.visible[i] = a.qs[i].Visible(st)
	if a.visible[i] {
		a.fields[i].refreshDefault(a.qs[i].Default(st))
	}
	return a.visible[i]
}

func (a *asker) askAccessible(ctx context.Context, h *Huh) (map[string]any, error) {
	out := map[string]any{}
	for i, q := range a.qs {
		st := a.state(i)
		a.visible[i] = q.Visible(st)
		if !a.visible[i] {
			continue
		}
		f := a.newField(q, st, true, h)
		a.fields[i] = f
		if err := h.run(ctx, huh.NewForm(huh.NewGroup(f.field))); err != nil {
			return nil, err
		}
		out[q.Param.Name] = f.value()
	}
	return out, nil
}

// field is one huh field and the value it edits.
type field struct {
	field       huh.Field
	input       *huh.Input
	str         string
	boolean     bool
	list        []string
	kind        string
	lastDefault string
}

func (f *field) value() any {
	switch f.kind {
	case manifest.TypeBool:
		return f.boolean
	case manifest.TypeMultiselect:
		return f.list
	}
	return f.str
}

func (f *field) refreshDefault(def any) {
	if f.input == nil || def == nil {
		return
	}
	s := fmt.Sprint(def)
	if f.str == f.lastDefault && s != f.lastDefault {
		f.str, f.lastDefault = s, s
		f.input.Value(&f.str)
	}
}

func (a *asker) newField(q *answers.Question, st map[string]any, accessible bool, h *Huh) *field {
	p := q.Param
	title := p.Title
	if title == "" {
		title = p.Name
	}
	if p.Required {
		title += " *"
	}
	def := q.Default(st)
	if accessible {
		// Accessible mode prints only the title: put the help and the default an empty line
		// takes into it.
		help := p.Help
		if p.Type == manifest.TypeInt {
			help = joinNonEmpty(help, rangeHint(p))
		}
		if help != "" {
			title += " (" + strings.TrimSuffix(help, ".") + ")"
		}
		if s := defaultText(def); s != "" && p.Type != manifest.TypeSelect && p.Type != manifest.TypeMultiselect {
			title += " [" + s + "]"
		}
		if p.Type != manifest.TypeMultiselect && p.Type != manifest.TypeSelect && p.Type != manifest.TypeBool {
			title += ":"
		}
	}
	f := &field{kind: p.Type}
	validate := func(raw any) error { return q.Validate(raw) }
	switch p.Type {
	case manifest.TypeBool:
		if b, ok := def.(bool); ok {
			f.boolean = b
		}
		f.field = huh.NewConfirm().Title(title).Description(p.Help).Affirmative("Yes").Negative("No").Value(&f.boolean)
	case manifest.TypeSelect:
		if s, ok := def.(string); ok {
			f.str = s
		} else {
			f.str = p.Options[0]
		}
		f.field = huh.NewSelect[string]().Title(title).Description(p.Help).Options(huh.NewOptions(p.Options...)...).Value(&f.str)
	case manifest.TypeMultiselect:
		if l, ok := def.([]string); ok {
			f.list = l
		}
		ms := huh.NewMultiSelect[string]().Title(title).Description(p.Help).Options(huh.NewOptions(p.Options...)...).Value(&f.list)
		ms.Validate(func(v []string) error {
			if accessible && h.reader().eof {
				return nil // huh would ask again forever; Ask reports the end of input
			}
			return validate(v)
		})
		if !accessible {
			ms.Filterable(false)
		}
		f.field = ms
	default: // string, int
		if def != nil {
			f.str = fmt.Sprint(def)
			f.lastDefault = f.str
		}
		hasDefault := def != nil
		in := huh.NewInput().Title(title).Description(p.Help).Value(&f.str).Validate(func(s string) error {
			if accessible && s == "" && hasDefault {
				return nil // an empty line takes the default, which huh fills in after validating
			}
			return validate(s)
		})
		if p.Type == manifest.TypeInt {
			in.Description(joinNonEmpty(p.Help, rangeHint(p)))
		}
		if p.Secret && (!accessible || h.InIsTerminal) {
			in.EchoMode(huh.EchoModePassword)
		}
		f.input = in
		f.field = in
	}
	return f
}

func defaultText(def any) string {
	switch d := def.(type) {
	case nil:
		return ""
	case bool:
		if d {
			return "yes"
		}
		return "no"
	case []string:
		return strings.Join(d, ", ")
	}
	return fmt.Sprint(def)
}

func rangeHint(p *manifest.Parameter) string {
	switch {
	case p.Min != nil && p.Max != nil:
		return "A whole number from " + strconv.Itoa(*p.Min) + " to " + strconv.Itoa(*p.Max) + "."
	case p.Min != nil:
		return "A whole number, at least " + strconv.Itoa(*p.Min) + "."
	case p.Max != nil:
		return "A whole number, at most " + strconv.Itoa(*p.Max) + "."
	}
	return ""
}

func joinNonEmpty(a, b string) string {
	switch {
	case a == "":
		return b
	case b == "":
		return a
	}
	return a + " " + b
}

// lineReader hands huh's accessible mode one line per Read. huh makes a new bufio.Scanner for
// every field, and a scanner reading a pipe would otherwise swallow the answers to the fields
// after it.
type lineReader struct {
	r   *bufio.Reader
	eof bool
}

func (l *lineReader) Read(p []byte) (int, error) {
	line, err := l.r.ReadSlice('\n')
	if errors.Is(err, bufio.ErrBufferFull) {
		err = nil
	}
	n := copy(p, line)
	if n < len(line) {
		// The caller's buffer is smaller than the line: hand back the rest on the next Read.
		l.r = bufio.NewReader(io.MultiReader(bytesReader(line[n:]), l.r))
	}
	if errors.Is(err, io.EOF) {
		if len(line) > 0 {
			return n, nil // a last line without a newline is still an answer
		}
		l.eof = true
	}
	return n, err
}
