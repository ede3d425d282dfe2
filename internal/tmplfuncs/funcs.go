// Package tmplfuncs holds the function map that golden paths may call, pinned by name so that a
// sprig upgrade cannot add or drop a function under a generated service without a failing test.
package tmplfuncs

import (
	"context"
	"fmt"
	"sort"
	"sync"
	"text/template"

	"github.com/Masterminds/sprig/v3"
)

// allowed lists the sprig functions a template may use. Rendering must be a pure function of the
// template and its answers, so everything that reads the clock, randomness, the environment or
// the network is left out: date/now, rand*, uuidv4, gen* certificates and keys, env, expandenv,
// getHostByName, bcrypt/htpasswd (random salt) and encryptAES (random IV).
var allowed = []string{
	// strings
	"abbrev", "abbrevboth", "trunc", "trim", "upper", "lower", "title", "untitle", "substr",
	"repeat", "trimAll", "trimSuffix", "trimPrefix", "nospace", "initials", "wrap", "wrapWith",
	"contains", "hasPrefix", "hasSuffix", "quote", "squote", "cat", "indent", "nindent",
	"replace", "plural", "snakecase", "camelcase", "kebabcase", "swapcase",
	"toString", "toStrings", "join", "splitList", "split", "splitn", "sortAlpha", "regexMatch",
	"mustRegexMatch", "regexFindAll", "regexFind", "regexReplaceAll", "regexReplaceAllLiteral",
	"regexSplit", "regexQuoteMeta",
	// numbers and conversions
	"add", "add1", "sub", "div", "mod", "mul", "max", "min", "floor", "ceil", "round",
	"atoi", "int", "int64", "float64", "toDecimal", "seq", "until", "untilStep",
	// defaults and logic
	"default", "empty", "coalesce", "all", "any", "compact", "ternary", "fail",
	"toJson", "toPrettyJson", "toRawJson", "fromJson", "mustToJson", "mustFromJson",
	// lists
	"list", "first", "rest", "last", "initial", "append", "prepend", "concat", "reverse", "uniq",
	"without", "has", "slice", "chunk",
	// dicts
	"dict", "get", "set", "unset", "hasKey", "pluck", "keys", "pick", "omit", "values", "dig",
	"merge", "mergeOverwrite", "deepCopy",
	// encodings and hashes (deterministic)
	"b64enc", "b64dec", "b32enc", "b32dec", "sha1sum", "sha256sum", "sha512sum", "adler32sum",
	// paths
	"base", "dir", "clean", "ext", "isAbs",
	// semver
	"semver", "semverCompare",
	// types
	"typeOf", "kindOf", "typeIs", "kindIs", "deepEqual",
}

// builtins are text/template's functions that print their arguments, replaced so that they
// measure them first (see Budget).
var builtins = template.FuncMap{
	"print":    fmt.Sprint,
	"printf":   fmt.Sprintf,
	"println":  fmt.Sprintln,
	"html":     template.HTMLEscaper,
	"js":       template.JSEscaper,
	"urlquery": template.URLQueryEscaper,
}

// rawFuncs is the function map before Budget wraps it: the allowed sprig functions, the
// bounded ones checking ctx, and the printing builtins.
func rawFuncs(ctx context.Context) template.FuncMap {
	all := sprig.TxtFuncMap()
	m := make(template.FuncMap, len(allowed)+len(builtins))
	for _, name := range allowed {
		if f, ok := all[name]; ok {
			m[name] = f
		}
	}
	for name, f := range bounded(ctx) {
		m[name] = f
	}
	for name, f := range builtins {
		m[name] = f
	}
	return m
}

// static is the function map without a context or a limit on the values built; it still
// refuses dicts that contain themselves, values nested too deep, and turns panics into errors.
// It is made on first use: wrapping some 150 functions with reflect would otherwise cost every
// run of idp, `idp version` included, half a millisecond at start-up.
var static = sync.OnceValue(func() *Budget { return NewBudget(context.Background(), -1) })

// Map returns the function map for templates, with the bounded functions (see MaxList) not
// tied to a context and no Budget limit, for parsing and for tests; renders use
// NewBudget(...).Funcs(). Callers must not modify it.
func Map() template.FuncMap { return static().Funcs() }

// Names returns the sorted names of the golden path functions, for the pinning test and for
// docs: text/template's builtins and OutputFunc are not among them.
func Names() []string {
	all := sprig.TxtFuncMap()
	names := make([]string, 0, len(allowed))
	for _, n := range allowed {
		if _, ok := all[n]; ok {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	return names
}
