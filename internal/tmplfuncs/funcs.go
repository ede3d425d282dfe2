// Package tmplfuncs holds the function map that golden paths may call, pinned by name so that a
// sprig upgrade cannot add or drop a function under a generated service without a failing test.
package tmplfuncs

import (
	"context"
	"sort"
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

var funcs = build()

func build() template.FuncMap {
	all := sprig.TxtFuncMap()
	m := make(template.FuncMap, len(allowed))
	for _, name := range allowed {
		if f, ok := all[name]; ok {
			m[name] = f
		}
	}
	for name, f := range Bounded(context.Background()) {
		m[name] = f
	}
	return m
}

// Map returns the function map for templates, with the bounded functions (see MaxList) not
// tied to a context. Callers must not modify it.
func Map() template.FuncMap { return funcs }

// Names returns the sorted names in the function map, for the pinning test and for docs.
func Names() []string {
	names := make([]string, 0, len(funcs))
	for n := range funcs {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}
