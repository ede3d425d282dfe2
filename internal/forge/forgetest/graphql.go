package forgetest

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"
)

// A small reader of GraphQL documents (https://spec.graphql.org), enough for the fake to
// answer the queries idp sends as GitHub would: fields with aliases, arguments (variables,
// strings, numbers, enums, lists and input objects), selection sets and inline fragments.

// gqlField is one field of a selection set: alias: name(args) { selections }, or an inline
// fragment (name "...", on the type in On).
type gqlField struct {
	Alias, Name string
	On          string
	Args        map[string]any // a variable is a gqlVar
	Sel         []*gqlField
}

type gqlVar string

// key is the name the field's answer has: its alias, else its name.
func (f *gqlField) key() string {
	if f.Alias != "" {
		return f.Alias
	}
	return f.Name
}

type gqlParser struct {
	toks []string
	i    int
}

// parseGraphQL reads a query or mutation: its operation ("query" or "mutation") and its top
// selection set.
func parseGraphQL(doc string) (op string, sel []*gqlField, err error) {
	toks, err := gqlTokens(doc)
	if err != nil {
		return "", nil, err
	}
	p := &gqlParser{toks: toks}
	op = "query"
	if t := p.peek(); t == "query" || t == "mutation" {
		op = p.next()
		if t := p.peek(); t != "(" && t != "{" {
			p.next() // the operation's name
		}
		if p.peek() == "(" { // variable definitions: $name: Type, …
			for p.next(); p.peek() != ")"; {
				if p.peek() == "" {
					return "", nil, fmt.Errorf("unterminated variable definitions")
				}
				p.next()
			}
			p.next()
		}
	}
	sel, err = p.selections()
	if err == nil && p.peek() != "" {
		err = fmt.Errorf("unexpected %q after the operation", p.peek())
	}
	return op, sel, err
}

func (p *gqlParser) peek() string {
	if p.i < len(p.toks) {
		return p.toks[p.i]
	}
	return ""
}

func (p *gqlParser) next() string { t := p.peek(); p.i++; return t }

func (p *gqlParser) expect(t string) error {
	if got := p.next(); got != t {
		return fmt.Errorf("expected %q, got %q", t, got)
	}
	return nil
}

func (p *gqlParser) selections() ([]*gqlField, error) {
	if err := p.expect("{"); err != nil {
		return nil, err
	}
	var out []*gqlField
	for p.peek() != "}" {
		if p.peek() == "" {
			return nil, fmt.Errorf("unterminated selection set")
		}
		f := &gqlField{}
		if p.peek() == "..." {
			p.next()
			if err := p.expect("on"); err != nil {
				return nil, err
			}
			f.Name, f.On = "...", p.next()
			sel, err := p.selections()
			if err != nil {
				return nil, err
			}
			f.Sel = sel
			out = append(out, f)
			continue
		}
		f.Name = p.next()
		if !gqlName(f.Name) {
			return nil, fmt.Errorf("unexpected %q in a selection set", f.Name)
		}
		if p.peek() == ":" {
			p.next()
			f.Alias, f.Name = f.Name, p.next()
		}
		if p.peek() == "(" {
			p.next()
			f.Args = map[string]any{}
			for p.peek() != ")" {
				name := p.next()
				if err := p.expect(":"); err != nil {
					return nil, err
				}
				v, err := p.value()
				if err != nil {
					return nil, err
				}
				f.Args[name] = v
			}
			p.next()
		}
		if p.peek() == "{" {
			sel, err := p.selections()
			if err != nil {
				return nil, err
			}
			f.Sel = sel
		}
		out = append(out, f)
	}
	p.next()
	return out, nil
}

func (p *gqlParser) value() (any, error) {
	switch t := p.next(); {
	case t == "$":
		return gqlVar(p.next()), nil
	case strings.HasPrefix(t, `"`):
		return strconv.Unquote(t)
	case t == "[":
		list := []any{}
		for p.peek() != "]" {
			if p.peek() == "" {
				return nil, fmt.Errorf("unterminated list")
			}
			v, err := p.value()
			if err != nil {
				return nil, err
			}
			list = append(list, v)
		}
		p.next()
		return list, nil
	case t == "{":
		obj := map[string]any{}
		for p.peek() != "}" {
			name := p.next()
			if err := p.expect(":"); err != nil {
				return nil, err
			}
			v, err := p.value()
			if err != nil {
				return nil, err
			}
			obj[name] = v
		}
		p.next()
		return obj, nil
	case t != "" && (t[0] == '-' || t[0] >= '0' && t[0] <= '9'):
		return strconv.ParseFloat(t, 64)
	case gqlName(t): // an enum value, true, false or null
		return t, nil
	default:
		return nil, fmt.Errorf("unexpected %q as a value", t)
	}
}

func gqlName(t string) bool {
	if t == "" {
		return false
	}
	for i, r := range t {
		if !(r == '_' || unicode.IsLetter(r) || i > 0 && unicode.IsDigit(r)) {
			return false
		}
	}
	return true
}

// gqlTokens splits a document into punctuators, names, numbers and strings (kept quoted);
// commas and white space are ignored, as the spec says.
func gqlTokens(doc string) ([]string, error) {
	var toks []string
	for i := 0; i < len(doc); {
		c := doc[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == ',':
			i++
		case c == '#':
			for i < len(doc) && doc[i] != '\n' {
				i++
			}
		case strings.HasPrefix(doc[i:], "..."):
			toks = append(toks, "...")
			i += 3
		case strings.ContainsRune("{}()[]:!$=@", rune(c)):
			toks = append(toks, string(c))
			i++
		case c == '"':
			j := i + 1
			for j < len(doc) && doc[j] != '"' {
				if doc[j] == '\\' {
					j++
				}
				j++
			}
			if j >= len(doc) {
				return nil, fmt.Errorf("unterminated string")
			}
			toks = append(toks, doc[i:j+1])
			i = j + 1
		case c == '_' || c == '-' || c >= '0' && c <= '9' || c < 128 && unicode.IsLetter(rune(c)):
			j := i + 1
			for j < len(doc) && (doc[j] == '_' || doc[j] == '.' || doc[j] >= '0' && doc[j] <= '9' || doc[j] < 128 && unicode.IsLetter(rune(doc[j]))) {
				j++
			}
			toks = append(toks, doc[i:j])
			i = j
		default:
			return nil, fmt.Errorf("unexpected character %q", c)
		}
	}
	return toks, nil
}
