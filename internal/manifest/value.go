package manifest

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"text/template"
	"time"

	"github.com/idp-cli/idp/internal/tmplfuncs"
)

// Convert turns a raw answer (a --set string, or a value decoded from YAML or JSON) into the
// parameter's Go type: string, int, bool, string (select) or []string (multiselect).
func Convert(p *Parameter, v any) (any, error) {
	switch p.Type {
	case TypeInt:
		switch x := v.(type) {
		case int:
			return x, nil
		case int64:
			return int(x), nil
		case uint64:
			if x <= math.MaxInt {
				return int(x), nil
			}
		case float64:
			if x == math.Trunc(x) && math.Abs(x) < 1<<53 {
				return int(x), nil
			}
		case string:
			n, err := strconv.Atoi(strings.TrimSpace(x))
			if err == nil {
				return n, nil
			}
			return nil, fmt.Errorf("%q is not a whole number", x)
		}
		return nil, fmt.Errorf("%v is not a whole number", v)
	case TypeBool:
		switch x := v.(type) {
		case bool:
			return x, nil
		case string:
			switch strings.ToLower(strings.TrimSpace(x)) {
			case "true", "yes", "y", "1", "on":
				return true, nil
			case "false", "no", "n", "0", "off":
				return false, nil
			}
			return nil, fmt.Errorf("%q is not true or false", x)
		}
		return nil, fmt.Errorf("%v is not true or false", v)
	case TypeMultiselect:
		switch x := v.(type) {
		case []string:
			return slices.Clone(x), nil
		case []any:
			out := make([]string, 0, len(x))
			for _, item := range x {
				s, ok := scalarString(item)
				if !ok {
					return nil, fmt.Errorf("%v is not a list of strings", v)
				}
				out = append(out, s)
			}
			return out, nil
		case string:
			if strings.TrimSpace(x) == "" {
				return []string{}, nil
			}
			parts := strings.Split(x, ",")
			for i := range parts {
				parts[i] = strings.TrimSpace(parts[i])
			}
			return parts, nil
		}
		return nil, fmt.Errorf("%v is not a list (use a YAML list or a comma-separated string)", v)
	default: // string, select
		s, ok := scalarString(v)
		if !ok {
			return nil, fmt.Errorf("%v is not a string", v)
		}
		return s, nil
	}
}

func scalarString(v any) (string, bool) {
	switch x := v.(type) {
	case string:
		return x, true
	case int, int64, uint64, float64, bool:
		return fmt.Sprint(x), true
	}
	return "", false
}

// IsEmpty reports whether a converted value counts as not given for required.
func IsEmpty(v any) bool {
	switch x := v.(type) {
	case nil:
		return true
	case string:
		return x == ""
	case []string:
		return len(x) == 0
	}
	return false
}

// Check applies the parameter's rules (pattern, min, max, options) to a converted value and says
// which rule failed. Required is the caller's, since an empty optional answer is fine.
func (p *Parameter) Check(v any) error {
	switch x := v.(type) {
	case string:
		if p.Type == TypeSelect {
			if !slices.Contains(p.Options, x) {
				return fmt.Errorf("%q is not one of the options: %s", x, strings.Join(p.Options, ", "))
			}
			return nil
		}
		if p.re != nil && x != "" && !p.re.MatchString(x) {
			e := &PatternError{Value: strconv.Quote(x), Pattern: p.Pattern, Words: cmpOr(p.PatternHelp, p.Help)}
			if p.Secret {
				e.Value = "the answer" // a secret is not printed, not even to say it is wrong
			}
			return e
		}
	case int:
		if p.Min != nil && x < *p.Min {
			return fmt.Errorf("%d is below the minimum %d", x, *p.Min)
		}
		if p.Max != nil && x > *p.Max {
			return fmt.Errorf("%d is above the maximum %d", x, *p.Max)
		}
	case []string:
		for _, item := range x {
			if !slices.Contains(p.Options, item) {
				return fmt.Errorf("%q is not one of the options: %s", item, strings.Join(p.Options, ", "))
			}
		}
	}
	return nil
}

// Zero is the value a parameter has in templates when it was not asked (its when was false).
func (p *Parameter) Zero() any {
	switch p.Type {
	case TypeInt:
		return 0
	case TypeBool:
		return false
	case TypeMultiselect:
		return []string{}
	}
	return ""
}

// Unset is the answer recorded for an optional parameter given no answer and no default: the
// first option of a select, else the zero value. Rules such as min are not applied to it.
func (p *Parameter) Unset() any {
	if p.Type == TypeSelect && len(p.Options) > 0 {
		return p.Options[0]
	}
	return p.Zero()
}

// Asked reports whether the parameter applies, given the answers so far.
func (p *Parameter) Asked(data map[string]any) (bool, error) {
	if p.whenTmpl == nil {
		return true, nil
	}
	return evalBool(p.whenTmpl, data)
}

// HasDefault reports whether the parameter declares a default.
func (p *Parameter) HasDefault() bool { return p.Default != nil }

// DefaultValue is the parameter's default, rendered against the answers so far and converted.
// It returns nil when there is none.
func (p *Parameter) DefaultValue(data map[string]any) (any, error) {
	if p.Default == nil {
		return nil, nil
	}
	raw := p.Default
	if p.defaultTmpl != nil {
		s, err := execString(p.defaultTmpl, data)
		if err != nil {
			return nil, err
		}
		raw = s
	}
	return Convert(p, raw)
}

// Eval renders a computed value.
func (c *Computed) Eval(data map[string]any) (string, error) {
	return execString(c.tmpl, data)
}

// Applies reports whether the exclude rule is in force for these answers.
func (e *Exclude) Applies(data map[string]any) (bool, error) {
	if e.tmpl == nil {
		return true, nil
	}
	return evalBool(e.tmpl, data)
}

// Bounds on evaluating one expression: its value is a name, a default or a condition, so
// anything near these is a mistake or an attack, not a template.
const exprMaxSize = 1 << 20

// exprBudget is the most the values built while evaluating one expression may take.
const exprBudget = 16 * exprMaxSize

var exprTimeout = 10 * time.Second // a variable for tests

var errExprTooLarge = errors.New("expression output too large")

// exprWriter stops an expression at its next write once it is too long or too slow.
type exprWriter struct {
	ctx context.Context
	b   strings.Builder
}

func (w *exprWriter) Write(p []byte) (int, error) {
	if err := w.ctx.Err(); err != nil {
		return 0, err
	}
	if w.b.Len()+len(p) > exprMaxSize {
		return 0, errExprTooLarge
	}
	return w.b.Write(p)
}

func execString(t *template.Template, data map[string]any) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), exprTimeout)
	defer cancel()
	t, err := t.Clone()
	if err != nil {
		return "", err
	}
	// Every function stops at the deadline, and the values they build stay within a budget.
	t.Funcs(tmplfuncs.NewBudget(ctx, exprBudget).Funcs())
	w := &exprWriter{ctx: ctx}
	if err := t.Execute(w, data); err != nil {
		switch {
		case errors.Is(err, errExprTooLarge):
			return "", fmt.Errorf("renders more than %d bytes; an expression's value must be short", exprMaxSize)
		case ctx.Err() != nil:
			return "", fmt.Errorf("still evaluating after %s; look for a loop that does not end", exprTimeout)
		case errors.Is(err, tmplfuncs.ErrBudget):
			return "", fmt.Errorf("%s; an expression's value must be short", exprError(err))
		}
		return "", fmt.Errorf("%s", exprError(err))
	}
	return w.b.String(), nil
}

func evalBool(t *template.Template, data map[string]any) (bool, error) {
	s, err := execString(t, data)
	if err != nil {
		return false, err
	}
	switch strings.TrimSpace(s) {
	case "true":
		return true, nil
	case "false", "":
		return false, nil
	}
	return false, fmt.Errorf("%s rendered %q; it must render true or false", t.Name(), s)
}

// Param returns the parameter with the name, or nil.
func (m *Manifest) Param(name string) *Parameter {
	for i := range m.Parameters {
		if m.Parameters[i].Name == name {
			return &m.Parameters[i]
		}
	}
	return nil
}

// ParamNames lists the parameters' names in order.
func (m *Manifest) ParamNames() []string {
	names := make([]string, len(m.Parameters))
	for i, p := range m.Parameters {
		names[i] = p.Name
	}
	return names
}

// PatternError is a string answer that its parameter's pattern refuses. Its message says what
// the pattern wants in words, from pattern_help or else help, because a regular expression read
// aloud by a screen reader helps nobody; Detailed adds the pattern itself (--verbose).
type PatternError struct {
	Value   string // quoted, or "the answer" for a secret
	Pattern string
	Words   string // pattern_help, else help; empty when the template has neither
}

func (e *PatternError) Error() string {
	if e.Words == "" {
		return fmt.Sprintf("%s does not match the pattern %s", e.Value, e.Pattern)
	}
	return fmt.Sprintf("%s is not valid: %s", e.Value, strings.TrimSuffix(e.Words, "."))
}

// Detailed is the message with the pattern, for --verbose and for the template's author.
func (e *PatternError) Detailed() string {
	if e.Words == "" {
		return e.Error()
	}
	return fmt.Sprintf("%s (the pattern is %s)", e.Error(), e.Pattern)
}

// Describe is err's message; with detail, a PatternError names its pattern too.
func Describe(err error, detail bool) string {
	var pe *PatternError
	if detail && errors.As(err, &pe) {
		return strings.Replace(err.Error(), pe.Error(), pe.Detailed(), 1)
	}
	return err.Error()
}
