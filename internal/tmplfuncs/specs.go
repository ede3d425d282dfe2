package tmplfuncs

import (
	"errors"
	"reflect"
	"strings"
	"sync"
	"unicode/utf8"
)

// spec says how a function uses memory, for its wrapper (see Budget.wrap): which arguments it
// reads all the way down, the most it may build (checked before it runs, for functions whose
// result can be far larger than their arguments), and what its result costs.
type spec struct {
	deep    bool                                   // fmt, encoding/json or reflect reads every argument through
	measure func(i int) bool                       // only these arguments are read through
	bound   func(c *call) int64                    // the most the call may build
	before  func(c *call) error                    // a check of its own
	charge  func(c *call, out reflect.Value) int64 // what the result cost
	grows   bool                                   // it adds to its first argument: charge the growth
	usage   string                                 // how it is called, for an error
}

const (
	usageList = "it takes a list"
	usageDict = "it takes a dict"
)

// specs covers every function in the map; TestEveryFunctionHasASpec keeps it so. It is built on
// first use, with the function map, not at init: every run of idp would otherwise pay for a
// map of some 150 entries that only a render reads.
var specs = sync.OnceValue(func() map[string]spec {
	return map[string]spec{
		// Strings. Functions that return part of an argument build nothing.
		"abbrev":     builds,
		"abbrevboth": builds,
		"trunc":      none,
		"trim":       none,
		"trimAll":    none,
		"trimSuffix": none,
		"trimPrefix": none,
		"upper":      builds,
		"lower":      builds,
		"title":      builds,
		"untitle":    builds,
		"swapcase":   builds,
		"snakecase":  builds,
		"camelcase":  builds,
		"kebabcase":  builds,
		"nospace":    builds,
		"initials":   builds,
		"substr":     {usage: "substr START END STRING takes START no greater than END or the string's length"},
		"repeat": {charge: result, bound: func(c *call) int64 {
			return mul(max(c.int(0), 0), int64(len(c.str(1))))
		}},
		"indent":  {charge: result, bound: indentBound(1)},
		"nindent": {charge: result, bound: indentBound(2)},
		"wrap": {charge: result, bound: func(c *call) int64 {
			return 2*int64(len(c.str(1))) + 1
		}},
		"wrapWith": {charge: result, bound: func(c *call) int64 {
			n := int64(len(c.str(2)))
			return add(n, mul(n+1, int64(len(c.str(1)))))
		}},
		"contains":  none,
		"hasPrefix": none,
		"hasSuffix": none,
		"quote": {deep: true, charge: result, bound: func(c *call) int64 {
			return add(mul(c.size(), 4), 3*int64(len(c.args)))
		}},
		"squote": {deep: true, charge: result, bound: printBound},
		"cat":    {deep: true, charge: result, bound: printBound},
		"replace": {charge: result, bound: func(c *call) int64 {
			old, nw, s := c.str(0), c.str(1), c.str(2)
			n := int64(utf8.RuneCountInString(s)) + 1
			if old != "" {
				n = int64(strings.Count(s, old))
			}
			return add(int64(len(s)), mul(n, int64(len(nw))))
		}},
		"plural": none,
		"toString": {deep: true, bound: printBound, charge: func(c *call, out reflect.Value) int64 {
			if deref(c.args[0]).Kind() == reflect.String {
				return 0 // the same string
			}
			return result(c, out)
		}},
		"toStrings": {deep: true, charge: tree, bound: listBound},
		"join": {deep: true, charge: result, bound: func(c *call) int64 {
			return add(c.size(), mul(int64(len(c.str(0))), c.nodes()))
		}},
		"splitList": {charge: result, bound: func(c *call) int64 { return 24 + 16*pieces(c.str(0), c.str(1), -1) }},
		"split":     {charge: result, bound: func(c *call) int64 { return 48 + 56*pieces(c.str(0), c.str(1), -1) }},
		"splitn":    {charge: result, bound: func(c *call) int64 { return 48 + 56*pieces(c.str(0), c.str(2), c.int(1)) }},
		"sortAlpha": {deep: true, charge: result, bound: listBound},
		// A regular expression matches at most once per byte and once at the end.
		"regexMatch":     none,
		"mustRegexMatch": none,
		"regexFindAll": {charge: result, bound: func(c *call) int64 {
			return 24 + 16*matches(c.str(1), c.int(2))
		}},
		"regexFind": none,
		"regexReplaceAll": {charge: result, bound: func(c *call) int64 {
			s, repl := int64(len(c.str(1))), c.str(2)
			return add(add(s, mul(s+1, int64(len(repl)))), mul(int64(strings.Count(repl, "$")), s))
		}},
		"regexReplaceAllLiteral": {charge: result, bound: func(c *call) int64 {
			s := int64(len(c.str(1)))
			return add(s, mul(s+1, int64(len(c.str(2)))))
		}},
		"regexSplit": {charge: result, bound: func(c *call) int64 {
			return 24 + 16*matches(c.str(1), c.int(2))
		}},
		"regexQuoteMeta": builds,

		// Numbers. sprig converts with spf13/cast, whose error text (dropped) prints the argument.
		"add":       reads,
		"add1":      reads,
		"sub":       reads,
		"div":       {deep: true, usage: "div A B divides A by B, which must not be 0"},
		"mod":       {deep: true, usage: "mod A B is the remainder of A divided by B, which must not be 0"},
		"mul":       reads,
		"max":       reads,
		"min":       reads,
		"floor":     reads,
		"ceil":      reads,
		"round":     reads,
		"atoi":      none,
		"int":       reads,
		"int64":     reads,
		"float64":   reads,
		"toDecimal": reads,
		"seq":       builds,
		"until":     builds,
		"untilStep": builds,

		// Defaults and logic: they return one of their arguments.
		"default":      none,
		"empty":        none,
		"coalesce":     none,
		"all":          none,
		"any":          none,
		"compact":      {charge: result, bound: copies, usage: usageList},
		"ternary":      none,
		"fail":         none,
		"toJson":       {deep: true, charge: result, bound: jsonBound(false)},
		"toRawJson":    {deep: true, charge: result, bound: jsonBound(false)},
		"mustToJson":   {deep: true, charge: result, bound: jsonBound(false)},
		"toPrettyJson": {deep: true, charge: result, bound: jsonBound(true)},
		// Decoded JSON takes up to about 16 times its text: a 2-byte item is an interface and a
		// float.
		"fromJson":     {charge: tree, bound: func(c *call) int64 { return mul(int64(len(c.str(0))), 16) }},
		"mustFromJson": {charge: tree, bound: func(c *call) int64 { return mul(int64(len(c.str(0))), 16) }},

		// Lists. sprig copies the list for append, prepend, rest, initial and the like.
		"list":    {charge: result, bound: copies},
		"first":   {usage: usageList},
		"rest":    {charge: result, bound: copies, usage: usageList},
		"last":    {usage: usageList},
		"initial": {charge: result, bound: copies, usage: usageList},
		"append":  {charge: result, bound: copies, usage: "append LIST VALUE takes a list first"},
		"prepend": {charge: result, bound: copies, usage: "prepend LIST VALUE takes a list first"},
		"concat":  {charge: result, bound: copies, usage: "concat takes lists"},
		"reverse": {charge: result, bound: copies, usage: usageList},
		"uniq":    {deep: true, charge: result, usage: usageList},
		"without": {deep: true, charge: result, usage: "without LIST VALUE... takes a list first"},
		"has":     {deep: true, usage: "has VALUE LIST takes a list last"},
		"slice":   {usage: "slice LIST [START [END]] takes a list and indexes within it, START no greater than END"},
		"chunk": {usage: "chunk SIZE LIST takes a SIZE of 1 or more and a list", before: func(c *call) error {
			if c.int(0) < 1 {
				return &Error{Func: c.name, Msg: "the size must be 1 or more; chunk SIZE LIST splits LIST into lists of SIZE items"}
			}
			return nil
		}, charge: func(c *call, out reflect.Value) int64 {
			n := int64(out.Len())
			return 24 + n*48 + shallow(deref(c.args[1]))
		}},

		// Dicts. dict prints keys that are not strings with fmt.
		"dict": {measure: func(i int) bool { return i%2 == 0 }, charge: result, bound: func(c *call) int64 {
			return add(c.size(), 48+56*int64(len(c.args)))
		}},
		"get":    {usage: "get DICT KEY takes a dict"},
		"set":    {before: noCycle, charge: func(c *call, _ reflect.Value) int64 { return 48 + int64(len(c.str(1))) }, usage: "set DICT KEY VALUE takes a dict"},
		"unset":  {usage: "unset DICT KEY takes a dict"},
		"hasKey": {usage: "hasKey DICT KEY takes a dict"},
		"pluck":  {charge: result, bound: copies},
		"keys":   {charge: result, bound: copies},
		"pick":   {charge: result, bound: copies, usage: usageDict},
		"omit":   {charge: result, bound: copies, usage: usageDict},
		"values": {charge: result, bound: copies, usage: usageDict},
		"dig":    {usage: `dig KEY... DEFAULT DICT takes string keys, a default and a dict last, as in dig "a" "b" "none" $dict`},
		// mergo may link a dict into one it holds: refused once done, before anything prints it.
		"merge":          {deep: true, grows: true, usage: "merge DEST SOURCE... takes dicts"},
		"mergeOverwrite": {deep: true, grows: true, usage: "mergeOverwrite DEST SOURCE... takes dicts"},
		"deepCopy": {deep: true, charge: tree, usage: "deepCopy VALUE takes a value to copy, not nil", bound: func(c *call) int64 {
			var n int64
			for _, s := range c.stats {
				n = add(n, s.mem)
			}
			return n
		}},

		// Encodings, hashes, paths, versions and types build short strings or none.
		"b64enc":        builds,
		"b64dec":        builds,
		"b32enc":        builds,
		"b32dec":        builds,
		"sha1sum":       builds,
		"sha256sum":     builds,
		"sha512sum":     builds,
		"adler32sum":    builds,
		"base":          none,
		"dir":           builds,
		"clean":         builds,
		"ext":           none,
		"isAbs":         none,
		"semver":        builds,
		"semverCompare": none,
		"typeOf":        builds,
		"kindOf":        none,
		"typeIs":        none,
		"kindIs":        none,
		"deepEqual":     reads,

		// text/template's builtins that print their arguments.
		"print":    {deep: true, charge: result, bound: printBound},
		"println":  {deep: true, charge: result, bound: printBound},
		"printf":   {deep: true, charge: result, bound: printfBound},
		"html":     {deep: true, charge: result, bound: escapeBound(6)},
		"js":       {deep: true, charge: result, bound: escapeBound(6)},
		"urlquery": {deep: true, charge: result, bound: escapeBound(3)},
	}
})

var (
	none   = spec{}
	builds = spec{charge: result}
	reads  = spec{deep: true}
)

// result charges what the result holds itself: a string's bytes, a list's or dict's slots,
// not the values in them, which were built before.
func result(_ *call, out reflect.Value) int64 { return shallow(deref(out)) }

func shallow(v reflect.Value) int64 {
	switch v.Kind() {
	case reflect.String:
		return int64(v.Len())
	case reflect.Slice:
		return 24 + int64(v.Len())*int64(v.Type().Elem().Size())
	case reflect.Map:
		return 48 + int64(v.Len())*(int64(v.Type().Key().Size())+int64(v.Type().Elem().Size())+8)
	}
	return 0
}

// tree charges all of a new value.
func tree(c *call, out reflect.Value) int64 {
	s, err := newMeasurer(c.b.ctx, -1).measure(out)
	if err != nil {
		return shallow(deref(out))
	}
	return s.mem
}

// copies bounds a function that copies the lists and dicts it is given into a new one, growing
// it as append does: up to twice their slots.
func copies(c *call) (n int64) {
	for _, a := range c.args {
		if v := deref(a); v.Kind() == reflect.Slice || v.Kind() == reflect.Map {
			n = add(n, mul(shallow(v), 2))
		}
		n = add(n, 32)
	}
	return n
}

// printBound: fmt.Sprint and the like print each argument once, with a space between.
func printBound(c *call) int64 { return add(c.size(), 3*int64(len(c.args))+1) }

func listBound(c *call) int64 { return add(c.size(), mul(c.nodes(), 16)) }

func escapeBound(factor int64) func(c *call) int64 {
	return func(c *call) int64 { return add(mul(c.size(), factor), int64(len(c.args))+1) }
}

// jsonBound: a string's byte may take 6 in JSON (\u0000), and indenting adds two spaces a
// level on each line.
func jsonBound(pretty bool) func(c *call) int64 {
	return func(c *call) int64 {
		n := add(mul(c.size(), 6), 64)
		if pretty {
			for _, s := range c.stats {
				n = add(n, mul(s.nodes, int64(2*s.depth+2)))
			}
		}
		return n
	}
}

func indentBound(extra int64) func(c *call) int64 {
	return func(c *call) int64 {
		s := c.str(1)
		return add(int64(len(s))+extra, mul(max(c.int(0), 0), int64(strings.Count(s, "\n")+1)))
	}
}

// pieces is how many strings splitting s at sep makes, at most n when n > 0.
func pieces(sep, s string, n int64) int64 {
	var k int64
	if sep == "" {
		k = int64(utf8.RuneCountInString(s))
	} else {
		k = int64(strings.Count(s, sep)) + 1
	}
	if n > 0 {
		k = min(k, n)
	}
	return k
}

func matches(s string, n int64) int64 {
	k := int64(len(s)) + 1
	if n >= 0 {
		k = min(k, n)
	}
	return k
}

// printfBound bounds fmt.Sprintf's result. A verb pads to its width and gives floats their
// precision, each at most 1e6 as fmt allows, and applies to every item of a list or dict; an
// argument index ([n]) lets a verb print any argument again.
func printfBound(c *call) int64 {
	format := c.str(0)
	verbs, pad := printfVerbs(format)
	var each, largest int64
	for i, s := range c.stats {
		if i == 0 {
			continue
		}
		a := add(mul(s.printed, 6), mul(s.nodes+1, pad)) // %x and %q write up to 6 bytes a byte
		a = add(a, 64)                                   // a type name in %!v(EXTRA ...)
		each, largest = add(each, a), max(largest, a)
	}
	n := add(int64(len(format)), mul(verbs, pad+32))
	if strings.Contains(format, "[") {
		return add(n, add(mul(verbs, largest), each))
	}
	return add(n, mul(each, 2))
}

// printfVerbs counts the % in format and finds the largest width plus precision one gives.
func printfVerbs(format string) (verbs, pad int64) {
	const most = 1_000_000 // fmt's limit on a width or precision
	for i := 0; i < len(format); i++ {
		if format[i] != '%' {
			continue
		}
		verbs++
		var width, prec int64
		cur := &width
		for i++; i < len(format); i++ {
			ch := format[i]
			switch {
			case ch >= '0' && ch <= '9':
				*cur = min(*cur*10+int64(ch-'0'), most)
			case ch == '*':
				*cur = most
			case ch == '.':
				cur = &prec
			case strings.IndexByte("+-# []", ch) >= 0:
			default:
				pad = max(pad, width+prec)
				goto next
			}
		}
		pad = max(pad, width+prec)
	next:
	}
	return verbs, pad
}

// noCycle refuses set DICT KEY VALUE when VALUE holds DICT: the dict would contain itself,
// and printing it would recurse until the program dies.
func noCycle(c *call) error {
	d := deref(c.args[0])
	if d.Kind() != reflect.Map || d.IsNil() {
		return nil
	}
	m := newMeasurer(c.b.ctx, -1)
	m.target = d.UnsafePointer()
	if _, err := m.measure(c.args[2]); errors.Is(err, errCycle) {
		return &Error{Func: c.name, Msg: "the value holds the dict it is set in, which would make the dict contain itself; set a copy (deepCopy) or another value"}
	}
	return nil
}
