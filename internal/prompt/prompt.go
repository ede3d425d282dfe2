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

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/huh"
	"golang.org/x/term"

	"github.com/idp-cli/idp/internal/answers"
	"github.com/idp-cli/idp/internal/manifest"
)

// ErrCancelled is returned when the user leaves a form with Ctrl-C or Esc.
var ErrCancelled = errors.New("cancelled")

// Choice is one option of a Choose prompt.
type Choice = answers.Choice

// Huh is the prompter backed by huh.
type Huh struct {
	In         io.Reader
	Out        io.Writer // prompts are drawn here (stderr)
	Accessible bool
	// In is a terminal: accessible mode then reads secrets without echo.
	InIsTerminal bool
	// Verbose adds the pattern to the message for an answer it refuses (--verbose).
	Verbose bool

	lines *lineReader
	// readSecret reads a line from the terminal fd without echo; term.ReadPassword unless a
	// test replaces it.
	readSecret func(fd int) ([]byte, error)
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
	if err := h.run(ctx, huh.NewForm(huh.NewGroup(field)).WithTheme(theme())); err != nil {
		return "", err
	}
	return value, nil
}

// Ask implements answers.Prompter.
func (h *Huh) Ask(ctx context.Context, known map[string]any, qs []*answers.Question) (map[string]any, error) {
	return h.AskAndReview(ctx, known, qs, nil)
}

// AskAndReview implements answers.Reviewer: the questions, then (when r is set) every answer,
// the command that gives them without prompts, and a confirmation; declining it cancels. In
// the full-screen form the review is the form's last step, so shift+tab goes back to an answer.
func (h *Huh) AskAndReview(ctx context.Context, known map[string]any, qs []*answers.Question, r *answers.Review) (map[string]any, error) {
	a := &asker{known: known, qs: qs, fields: make([]*field, len(qs)), visible: make([]bool, len(qs)), review: r}
	if h.Accessible {
		return a.askAccessible(ctx, h)
	}
	form := a.form(h)
	err := h.run(ctx, form)
	if err == nil && r != nil {
		// The form is gone from the screen: leave the command where it can be copied whole.
		fmt.Fprintf(h.Out, "The same without prompts:\n  %s\n", a.command())
		if !a.confirmed {
			err = ErrCancelled
		}
	}
	if err != nil {
		return nil, err
	}
	return a.answers(), nil
}

// form builds one huh form, a group per question, each hidden while its when is false, and
// the review last.
func (a *asker) form(h *Huh) *huh.Form {
	groups := make([]*huh.Group, len(a.qs), len(a.qs)+1)
	for i, q := range a.qs {
		f := a.newField(q, a.state(i), false, h)
		a.fields[i] = f
		groups[i] = huh.NewGroup(f.field).WithHideFunc(func() bool { return !a.refresh(i) })
	}
	if a.review != nil {
		a.confirmed = true
		confirm := huh.NewConfirm().Affirmative("Yes").Negative("No").Value(&a.confirmed)
		var g *huh.Group
		g = huh.NewGroup(confirm).WithHideFunc(func() bool {
			// Called as the form moves onto the review (and on every key): it shows the
			// answers as they are now.
			confirm.Title(a.review.Confirm(a.all())).
				Description(a.summary() + "\nThe same without prompts:\n" + a.command() + "\n\nshift+tab goes back to change an answer.")
			// The group was sized before the answers were known.
			g.WithHeight(lineCount(g.Content()) + lineCount(g.Footer()) + 1)
			return false
		})
		groups = append(groups, g)
	}
	return huh.NewForm(groups...).WithTheme(theme())
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
			fmt.Fprintln(h.Out) // the ^C the terminal echoed ends the prompt's line
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
	review  *answers.Review
	// confirmed is the review's answer.
	confirmed bool
}

// all is every answer so far, the known ones and the prompted ones, converted.
func (a *asker) all() map[string]any {
	return a.state(len(a.qs))
}

// summary lists the prompted answers, a line each, secrets masked.
func (a *asker) summary() string {
	var b strings.Builder
	for i, q := range a.qs {
		if !a.visible[i] || a.fields[i] == nil {
			continue
		}
		fmt.Fprintf(&b, "%s: %s\n", title(q.Param), q.Shown(a.fields[i].value()))
	}
	return b.String()
}

// command is the command line that gives the same answers without prompts.
func (a *asker) command() string {
	var sets []string
	for i, q := range a.qs {
		if !a.visible[i] || a.fields[i] == nil {
			continue
		}
		if arg, ok := q.SetArg(a.state(i), a.fields[i].value()); ok {
			sets = append(sets, arg)
		}
	}
	return a.review.Command(sets)
}

func title(p *manifest.Parameter) string {
	if p.Title != "" {
		return p.Title
	}
	return p.Name
}

func lineCount(s string) int {
	if s == "" {
		return 0
	}
	return strings.Count(s, "\n") + 1
}

// theme is huh's, without the * it puts after a field's title on an error: beside the * of a
// required field it read "* *". The message under the field says what is wrong.
func theme() *huh.Theme {
	t := huh.ThemeCharm()
	for _, st := range []*huh.FieldStyles{&t.Focused, &t.Blurred} {
		st.ErrorIndicator = st.ErrorIndicator.UnsetString()
		st.ErrorMessage = st.ErrorMessage.SetString("✗")
	}
	return t
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
		if fd, ok := h.secretFd(q.Param); ok {
			if err := h.askSecret(ctx, fd, f); err != nil {
				return nil, err
			}
		} else if err := h.run(ctx, huh.NewForm(huh.NewGroup(f.field))); err != nil {
			return nil, err
		}
		out[q.Param.Name] = f.value()
	}
	if a.review == nil {
		return out, nil
	}
	fmt.Fprintf(h.Out, "%s\nThe same without prompts:\n  %s\n\n", a.summary(), a.command())
	ok := true
	confirm := huh.NewConfirm().Title(a.review.Confirm(a.all())).Value(&ok)
	if err := h.run(ctx, huh.NewForm(huh.NewGroup(confirm))); err != nil {
		return nil, err
	}
	if !ok {
		return nil, ErrCancelled
	}
	return out, nil
}

// secretFd is the terminal to read a secret answer from without echo, in accessible mode:
// huh's own way needs its input to be the terminal, and idp hands it a line reader.
func (h *Huh) secretFd(p *manifest.Parameter) (int, bool) {
	if !p.Secret || !h.InIsTerminal {
		return 0, false
	}
	f, ok := h.In.(interface{ Fd() uintptr })
	if !ok {
		return 0, false
	}
	return int(f.Fd()), true
}

// askSecret asks for a secret on the terminal fd without echo until the answer is valid. Ctrl-C
// (ctx done) cancels at once and turns echo back on, which the abandoned read would not.
func (h *Huh) askSecret(ctx context.Context, fd int, f *field) error {
	read := h.readSecret
	if read == nil {
		read = term.ReadPassword
	}
	state, _ := term.GetState(fd)
	for {
		fmt.Fprint(h.Out, f.title+" ")
		type line struct {
			b   []byte
			err error
		}
		done := make(chan line, 1)
		go func() {
			b, err := read(fd)
			done <- line{b, err}
		}()
		var got line
		select {
		case got = <-done:
		case <-ctx.Done():
			if state != nil {
				term.Restore(fd, state)
			}
			fmt.Fprintln(h.Out)
			return ErrCancelled
		}
		fmt.Fprintln(h.Out)
		if got.err != nil {
			if errors.Is(got.err, io.EOF) {
				return &answers.InvalidError{Origin: "prompt", Msg: "input ended before every question was answered"}
			}
			return fmt.Errorf("prompt: read %s: %w", f.title, got.err)
		}
		s := strings.TrimSpace(string(got.b))
		if err := f.validate(s); err != nil {
			fmt.Fprintln(h.Out, err)
			continue
		}
		if s != "" || f.str == "" {
			f.str = s // an empty line takes the default
		}
		return nil
	}
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
	// title is the field's title as shown; validate checks a typed answer, its error in words.
	title    string
	validate func(string) error
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

// fieldTitle is what a question is called: its title, whether it is required (a * in the form;
// in accessible mode "(required)", as a screen reader would read * as "star"), and the version
// that added it when an update asks.
func fieldTitle(q *answers.Question, accessible bool) string {
	t := title(q.Param)
	if q.Param.Required {
		if accessible {
			t += " (required)"
		} else {
			t += " *"
		}
	}
	if q.NewIn != "" {
		t += " (new in " + q.NewIn + ")"
	}
	return t
}

func (a *asker) newField(q *answers.Question, st map[string]any, accessible bool, h *Huh) *field {
	p := q.Param
	title := fieldTitle(q, accessible)
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
			if p.Secret {
				s = answers.Masked
			}
			title += " [" + s + "]"
		}
		if p.Type != manifest.TypeMultiselect && p.Type != manifest.TypeSelect && p.Type != manifest.TypeBool {
			title += ":"
		}
	}
	f := &field{kind: p.Type, title: title}
	validate := func(raw any) error {
		if err := q.Validate(raw); err != nil {
			// In words; the pattern itself only with --verbose.
			return errors.New(manifest.Describe(err, h.Verbose))
		}
		return nil
	}
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
		tried := new(bool)
		ms.Validate(func(v []string) error {
			if accessible && h.reader().eof {
				return nil // huh would ask again forever; Ask reports the end of input
			}
			if !accessible && !*tried {
				return nil
			}
			return validate(v)
		})
		if accessible {
			f.field = ms
		} else {
			ms.Filterable(false)
			f.field = multiSelect{ms, tried}
		}
	default: // string, int
		if def != nil {
			f.str = fmt.Sprint(def)
			f.lastDefault = f.str
		}
		hasDefault := def != nil
		f.validate = func(s string) error {
			if accessible && s == "" && hasDefault {
				return nil // an empty line takes the default, which huh fills in after validating
			}
			return validate(s)
		}
		in := huh.NewInput().Title(title).Description(p.Help).Value(&f.str).Validate(f.validate)
		if p.Type == manifest.TypeInt {
			in.Description(joinNonEmpty(p.Help, rangeHint(p)))
		}
		if p.Secret && !accessible {
			in.EchoMode(huh.EchoModePassword)
		}
		f.input = in
		f.field = in
	}
	return f
}

// multiSelect holds back huh's multiselect validation until the user tries to leave the field:
// huh checks the choice as soon as the field shows, so a required one opened with an error, in
// place of the help that says which key chooses.
type multiSelect struct {
	*huh.MultiSelect[string]
	tried *bool
}

func (m multiSelect) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if k, ok := msg.(tea.KeyMsg); ok {
		switch k.String() {
		case "enter", "tab", "shift+tab":
			*m.tried = true
		}
	}
	_, cmd := m.MultiSelect.Update(msg)
	return m, cmd
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
