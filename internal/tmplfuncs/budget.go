package tmplfuncs

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"regexp/syntax"
	"runtime"
	"strings"
	"sync/atomic"
	"text/template"

	"github.com/idp-cli/idp/internal/bytesize"
)

// ErrBudget is wrapped by the error of a function call that would take the values a render
// builds past its Budget.
var ErrBudget = errors.New("expression values over budget")

// Error is a function call that failed, in idp's words: what went wrong and how the function
// is called. text/template adds the function's name, file, line and column.
type Error struct {
	Func string // the function called, or "" when printing a value
	Msg  string
	Err  error // ErrBudget, or nil
}

func (e *Error) Error() string { return e.Msg }
func (e *Error) Unwrap() error { return e.Err }

// Budget holds the functions of one render. Each call stops once ctx is done, and the bytes
// the calls build (strings, lists, dicts, including ones dropped later) count against one
// limit, so that a template doubling a value in a loop stops with an error rather than
// filling memory. Printing, encoding, copying and comparing also refuse a value that holds
// itself, nests more than MaxDepth deep or would print larger than what is left.
type Budget struct {
	ctx   context.Context
	max   int64 // <0: no limit
	used  atomic.Int64
	funcs template.FuncMap
}

// NewBudget returns the functions for one render, bounded by ctx and by max bytes of values
// (max < 0: no bound).
func NewBudget(ctx context.Context, max int64) *Budget {
	b := &Budget{ctx: ctx, max: max}
	raw := rawFuncs(ctx)
	b.funcs = make(template.FuncMap, len(raw)+1)
	for name, fn := range raw {
		b.funcs[name] = b.wrap(name, fn, specs()[name])
	}
	b.funcs[OutputFunc] = b.output
	return b
}

// Funcs is the function map: the golden path functions, text/template's print, printf,
// println, html, js and urlquery, and OutputFunc. Callers must not modify it.
func (b *Budget) Funcs() template.FuncMap { return b.funcs }

// Max is the limit, <0 for none.
func (b *Budget) Max() int64 { return b.max }

// Used is what the calls have built so far.
func (b *Budget) Used() int64 { return b.used.Load() }

func (b *Budget) left() int64 {
	if b.max < 0 {
		return -1
	}
	return max(b.max-b.used.Load(), 0)
}

// fits reports whether n more bytes fit.
func (b *Budget) fits(n int64) bool { return b.max < 0 || n <= b.left() }

func (b *Budget) charge(n int64) bool {
	if b.max < 0 || n <= 0 {
		return true
	}
	return b.used.Add(n) <= b.max
}

func (b *Budget) overError(fn string) error {
	return &Error{Func: fn, Err: ErrBudget, Msg: fmt.Sprintf("builds values past %s, the most expressions may build", bytesize.Text(b.max))}
}

// call is one call's arguments, with variadic ones spread out, and what measuring found.
type call struct {
	b     *Budget
	name  string
	args  []reflect.Value
	stats []stat // for measured arguments, else zero
}

func (c *call) str(i int) string {
	if i < len(c.args) {
		if v := deref(c.args[i]); v.Kind() == reflect.String {
			return v.String()
		}
	}
	return ""
}

func (c *call) int(i int) int64 {
	if i < len(c.args) {
		if v := deref(c.args[i]); v.CanInt() {
			return v.Int()
		}
	}
	return 0
}

// size is what the arguments print as: their measured size, or a string's length.
func (c *call) size() (n int64) {
	for i, a := range c.args {
		if c.stats[i].nodes > 0 {
			n = add(n, c.stats[i].printed)
		} else if v := deref(a); v.Kind() == reflect.String {
			n = add(n, int64(v.Len()))
		}
	}
	return n
}

func (c *call) nodes() (n int64) {
	for _, s := range c.stats {
		n = add(n, s.nodes)
	}
	return n
}

func deref(v reflect.Value) reflect.Value {
	for v.IsValid() && v.Kind() == reflect.Interface {
		v = v.Elem()
	}
	return v
}

// wrap returns fn with the same parameters, and an error result if it had none, that checks
// ctx, measures what sp says, runs fn with any panic turned into an Error, and charges what
// it built.
func (b *Budget) wrap(name string, fn any, sp spec) any {
	fv := reflect.ValueOf(fn)
	ft := fv.Type()
	in := make([]reflect.Type, ft.NumIn())
	for i := range in {
		in[i] = ft.In(i)
	}
	wt := reflect.FuncOf(in, []reflect.Type{ft.Out(0), errorType}, ft.IsVariadic())
	zero := reflect.Zero(ft.Out(0))
	return reflect.MakeFunc(wt, func(args []reflect.Value) []reflect.Value {
		out, err := b.invoke(name, sp, fv, args)
		if err != nil {
			return []reflect.Value{zero, reflect.ValueOf(&err).Elem()}
		}
		return []reflect.Value{out, reflect.Zero(errorType)}
	}).Interface()
}

func (b *Budget) invoke(name string, sp spec, fv reflect.Value, args []reflect.Value) (reflect.Value, error) {
	if err := b.ctx.Err(); err != nil {
		return reflect.Value{}, err
	}
	c := &call{b: b, name: name, args: args}
	if fv.Type().IsVariadic() {
		last := args[len(args)-1]
		c.args = append(args[:len(args)-1:len(args)-1], make([]reflect.Value, last.Len())...)
		for i := range last.Len() {
			c.args[len(args)-1+i] = last.Index(i)
		}
	}
	c.stats = make([]stat, len(c.args))
	if sp.deep || sp.measure != nil {
		m := newMeasurer(b.ctx, b.left())
		for i, a := range c.args {
			if sp.measure != nil && !sp.measure(i) {
				continue
			}
			s, err := m.measure(a)
			if err != nil {
				return reflect.Value{}, b.measureError(name, err)
			}
			c.stats[i] = s
		}
	}
	bound := sp.bound
	if bound == nil && (sp.deep || sp.measure != nil) {
		bound = readBound
	}
	if bound != nil && !b.fits(bound(c)) {
		return reflect.Value{}, b.overError(name)
	}
	if sp.before != nil {
		if err := sp.before(c); err != nil {
			return reflect.Value{}, err
		}
	}
	var before int64
	if sp.grows {
		before = memOf(b, args[0])
	}
	out, err := b.run(name, sp, fv, args)
	if err != nil {
		return reflect.Value{}, err
	}
	var cost int64
	switch {
	case sp.grows:
		m := newMeasurer(b.ctx, -1)
		s, err := m.measure(args[0])
		if errors.Is(err, errCycle) {
			return reflect.Value{}, &Error{Func: name, Msg: "a source holds the dict merged into, which would make it contain itself; merge a copy (deepCopy)"}
		}
		if err != nil {
			return reflect.Value{}, b.measureError(name, err)
		}
		cost = s.mem - before
	case sp.charge != nil:
		cost = sp.charge(c, out)
	}
	if !b.charge(cost) {
		return reflect.Value{}, b.overError(name)
	}
	return out, nil
}

// readBound is for a function that reads its arguments through and builds little: what it
// may still build is what fmt's text of them takes, as spf13/cast does for its (dropped)
// errors.
func readBound(c *call) int64 { return add(mul(c.size(), 4), mul(c.nodes(), 32)) }

func memOf(b *Budget, v reflect.Value) int64 {
	s, _ := newMeasurer(b.ctx, -1).measure(v)
	return s.mem
}

func (b *Budget) measureError(name string, err error) error {
	switch {
	case errors.Is(err, errLarge):
		return b.overError(name)
	case errors.Is(err, errCycle):
		return &Error{Func: name, Msg: "an argument holds a dict that contains itself, which cannot be printed, encoded or copied"}
	case errors.Is(err, errDeep):
		return &Error{Func: name, Msg: fmt.Sprintf("an argument nests lists or dicts more than %d deep, more than idp prints, encodes or copies; build flatter values", MaxDepth)}
	}
	return err
}

// run calls fn, turning a panic into an Error in idp's words and an error it returns into one
// without Go's own wording where idp knows it.
func (b *Budget) run(name string, sp spec, fv reflect.Value, args []reflect.Value) (out reflect.Value, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = &Error{Func: name, Msg: panicText(name, sp, r, args)}
		}
	}()
	var res []reflect.Value
	if fv.Type().IsVariadic() {
		res = fv.CallSlice(args)
	} else {
		res = fv.Call(args)
	}
	if len(res) == 2 && !res[1].IsNil() {
		return reflect.Value{}, errorText(name, res[1].Interface().(error))
	}
	return res[0], nil
}

// panicText says why a function panicked: what was wrong with the arguments, then how the
// function is called.
func panicText(name string, sp spec, r any, args []reflect.Value) string {
	if strings.HasPrefix(name, "regex") && len(args) > 0 {
		if pat := deref(args[0]); pat.Kind() == reflect.String {
			if _, err := syntax.Parse(pat.String(), syntax.Perl); err != nil {
				return regexpText(pat.String(), err)
			}
		}
	}
	reason := "it cannot take these arguments"
	var text string
	switch x := r.(type) {
	case runtime.Error:
		text = x.Error()
	case error:
		text = x.Error()
	case string:
		text = x
	}
	switch {
	case strings.Contains(text, "divide by zero"):
		reason = "division by zero"
	case strings.Contains(text, "out of range"):
		reason = "an index or size is out of range"
	case strings.Contains(text, "interface conversion"), strings.HasPrefix(text, "Cannot "), strings.Contains(text, "cannot"):
		reason = "an argument has the wrong type"
	case strings.Contains(text, "nil map"):
		reason = "the dict is missing"
	}
	if sp.usage != "" {
		return reason + "; " + sp.usage
	}
	return reason
}

func regexpText(pat string, err error) string {
	var se *syntax.Error
	if errors.As(err, &se) {
		return fmt.Sprintf("the regular expression %q is not valid: %s at %q", pat, se.Code, se.Expr)
	}
	return fmt.Sprintf("the regular expression %q is not valid", pat)
}

// errorText rewords the errors of library functions that would show Go's wording.
func errorText(name string, err error) error {
	var se *json.SyntaxError
	var ue *json.UnsupportedValueError
	var te *json.UnsupportedTypeError
	var re *syntax.Error
	switch {
	case errors.As(err, &se):
		return &Error{Func: name, Msg: fmt.Sprintf("not valid JSON at byte %d: %s", se.Offset, err)}
	case errors.As(err, &ue):
		return &Error{Func: name, Msg: "this value cannot be written as JSON: " + ue.Str}
	case errors.As(err, &te):
		return &Error{Func: name, Msg: fmt.Sprintf("a %s cannot be written as JSON", te.Type.Kind())}
	case errors.As(err, &re):
		return &Error{Func: name, Msg: regexpText(re.Expr, err)}
	case name == "semver":
		return &Error{Func: name, Msg: "not a semantic version; give one such as 1.2.3 or v1.2.3-rc.1"}
	case name == "semverCompare":
		return &Error{Func: name, Msg: err.Error() + "; give a constraint such as >=1.2.0 or ^1.2, then a version"}
	}
	return err
}
