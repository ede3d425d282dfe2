package tmplfuncs

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"
	"testing"
	"text/template"

	"github.com/Masterminds/sprig/v3"
)

func TestEveryFunctionHasASpec(t *testing.T) {
	raw := rawFuncs(context.Background())
	for name := range raw {
		if _, ok := specs()[name]; !ok {
			t.Errorf("%s has no spec: say how it uses memory in specs.go", name)
		}
	}
	for name := range specs() {
		if _, ok := raw[name]; !ok {
			t.Errorf("spec for %s, which is not in the function map", name)
		}
	}
}

// TestWrappedMatchesSprig: the wrapped functions, and printing through OutputFunc, give what
// sprig and text/template give, so that wrapping changes no generated service.
func TestWrappedMatchesSprig(t *testing.T) {
	data := map[string]any{
		"name": "pay-ments", "n": 3, "f": 1.5, "on": true, "list": []any{"b", "a", 2, nil, true},
		"strs": []string{"y", "x"}, "dict": map[string]any{"k": "v", "n": map[string]any{"deep": []any{1, 2}}},
	}
	for _, tmpl := range []string{
		`{{ . }}`, `{{ .list }}`, `{{ .dict }}`, `{{ .missing }}`, `{{ index .dict "none" }}`, `{{ nil | print }}`,
		`{{ 3 }} {{ 1.5 }} {{ "s" }} {{ true }} {{ .f }} {{ .on }} {{ .strs }}`,
		`{{ print .name .n .list }}|{{ println .dict }}|{{ printf "%s-%05d-%v-%q-%x" .name .n .list .name .name }}`,
		`{{ printf "%[2]v %[1]v %*d %.3f %!" 1 2 5 7 .f }}`,
		`{{ html "<a href='x'>" }} {{ js "</script>" }} {{ urlquery "a b&c" }} {{ html .list }}`,
		`{{ upper .name }} {{ title .name }} {{ snakecase "FooBar" }} {{ camelcase .name }} {{ kebabcase "FooBar" }}`,
		`{{ repeat 3 "ab" }} {{ indent 2 "a\nb" }} {{ nindent 2 "a" }} {{ replace "-" "_" .name }} {{ wrap 3 "abcdefg" }} {{ wrapWith 2 "|" "abcdef" }}`,
		`{{ quote .name 1 .list }} {{ squote .name 2 }} {{ cat .name nil 3 .list }} {{ toString .list }} {{ toStrings .list }}`,
		`{{ join "," .list }} {{ splitList "-" .name }} {{ split "-" .name }} {{ splitn "-" 1 .name }} {{ sortAlpha .list }}`,
		`{{ regexFindAll "[a-z]+" .name -1 }} {{ regexReplaceAll "(a)" .name "<${1}>" }} {{ regexReplaceAllLiteral "a" .name "$1" }} {{ regexSplit "-" .name -1 }} {{ regexQuoteMeta "a.b" }}`,
		`{{ add 1 2 .n }} {{ sub 5 .n }} {{ div 7 2 }} {{ mod 7 2 }} {{ mul 2 3 }} {{ max 1 9 3 }} {{ min 4 2 }} {{ floor 1.5 }} {{ ceil 1.5 }} {{ round 1.25 1 }} {{ int "12" }} {{ int64 .f }} {{ float64 "2.5" }} {{ toDecimal "777" }} {{ add1 .n }} {{ atoi "9" }}`,
		`{{ seq 3 }} {{ until 3 }} {{ untilStep 0 10 3 }}`,
		`{{ default "d" "" }} {{ empty .list }} {{ coalesce "" .name }} {{ all 1 "" }} {{ any 0 "x" }} {{ compact .list }} {{ ternary "a" "b" .on }}`,
		`{{ toJson .dict }} {{ toPrettyJson .list }} {{ toRawJson "<&>" }} {{ mustToJson .n }} {{ fromJson "{\"a\":[1,2]}" }} {{ mustFromJson "[1]" }}`,
		`{{ list 1 .name }} {{ first .list }} {{ rest .list }} {{ last .list }} {{ initial .list }} {{ append .list 9 }} {{ prepend .list 0 }} {{ concat .list .strs }} {{ reverse .list }} {{ uniq (list 1 1 2) }} {{ without .list "a" }} {{ has "a" .list }} {{ slice .list 1 3 }} {{ chunk 2 .list }}`,
		`{{ dict "a" 1 2 "b" "odd" }} {{ get .dict "k" }} {{ hasKey .dict "k" }} {{ pluck "k" .dict .dict }} {{ keys .dict | sortAlpha }} {{ pick .dict "k" }} {{ omit .dict "k" }} {{ values (dict "a" 1) }} {{ dig "n" "deep" "none" .dict }}`,
		`{{ $d := dict "a" 1 }}{{ $_ := set $d "b" 2 }}{{ $_ := unset $d "a" }}{{ $d }} {{ merge (dict "a" 1) (dict "a" 2 "b" 3) }} {{ mergeOverwrite (dict "a" 1) (dict "a" 2) }} {{ deepCopy .dict }} {{ deepEqual .list .list }}`,
		`{{ b64enc .name }} {{ b64dec "eA==" }} {{ b32enc .name }} {{ b32dec "PA======" }} {{ sha1sum .name }} {{ sha256sum .name }} {{ adler32sum .name }}`,
		`{{ base "/a/b.go" }} {{ dir "/a/b.go" }} {{ clean "a//b/../c" }} {{ ext "b.go" }} {{ isAbs "/a" }} {{ semver "1.2.3" }} {{ (semver "1.2.3").Major }} {{ semverCompare ">1.0" "1.2.3" }}`,
		`{{ typeOf .list }} {{ kindOf .dict }} {{ typeIs "string" .name }} {{ kindIs "map" .dict }} {{ abbrev 5 "hello world" }} {{ abbrevboth 5 10 "1234 5678 9123" }} {{ trunc 3 .name }} {{ trim " x " }} {{ trimAll "-" "-x-" }} {{ trimPrefix "p" .name }} {{ trimSuffix "s" .name }}`,
		`{{ nospace "a b" }} {{ initials "foo bar" }} {{ swapcase "aB" }} {{ untitle "Ab" }} {{ lower "AB" }} {{ contains "a" .name }} {{ hasPrefix "p" .name }} {{ hasSuffix "s" .name }} {{ plural "one" "many" .n }} {{ substr 1 3 .name }}`,
		`{{ range .list }}[{{ . }}]{{ else }}none{{ end }}{{ with .dict }}{{ .k }}{{ end }}{{ if .on }}{{ .n }}{{ else }}{{ .f }}{{ end }}{{ define "x" }}<{{ . }}>{{ end }}{{ template "x" .list }}{{ block "y" .n }}{{ . }}{{ end }}`,
		`{{ $x := .name }}{{ $x = upper $x }}{{ $x }}{{ .name | upper | printf "%s!" }}{{ len .list }}{{ index .list 1 }}{{ eq .n 3 }}{{ and 1 0 }}{{ or 0 "" }}{{ not .on }}`,
	} {
		want := execWith(t, tmpl, data, func() template.FuncMap {
			m := template.FuncMap{}
			for _, name := range Names() {
				m[name] = sprig.TxtFuncMap()[name]
			}
			return m
		}(), false)
		got := execWith(t, tmpl, data, NewBudget(context.Background(), DefaultTestBudget).Funcs(), true)
		if got != want {
			t.Errorf("%s\n got  %q\n want %q", tmpl, got, want)
		}
	}
}

const DefaultTestBudget = 256 << 20

func execWith(t *testing.T, text string, data map[string]any, funcs template.FuncMap, guard bool) string {
	t.Helper()
	tm, err := template.New("t").Funcs(funcs).Parse(text)
	if err != nil {
		t.Fatalf("%s: %v", text, err)
	}
	if guard {
		Guard(tm)
		Guard(tm) // a second time changes nothing
	}
	var b strings.Builder
	if err := tm.Execute(&b, copyData(data)); err != nil {
		return "error: " + strings.TrimPrefix(err.Error(), "template: t:")
	}
	return b.String()
}

func copyData(d map[string]any) map[string]any {
	out := maps.Clone(d)
	out["list"] = slices.Clone(d["list"].([]any))
	out["dict"] = map[string]any{"k": "v", "n": map[string]any{"deep": []any{1, 2}}}
	return out
}

func TestGuardOnce(t *testing.T) {
	tm := template.Must(template.New("t").Funcs(Map()).Parse(`{{ .a }}{{ $x := 1 }}{{ $x = 2 }}{{ if 1 }}{{ $x }}{{ end }}{{ define "d" }}{{ . }}{{ end }}`))
	Guard(tm)
	Guard(tm)
	got := tm.Tree.Root.String() + "|" + tm.Lookup("d").Tree.Root.String()
	want := `{{.a | _idpOutput}}{{$x := 1}}{{$x = 2}}{{if 1}}{{$x | _idpOutput}}{{end}}|{{. | _idpOutput}}`
	if got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}

// TestCyclesNeverCrash: a dict that holds itself is refused wherever it is printed, encoded,
// copied or compared, with an error, even one that did not come from set (which refuses to make
// one): fmt and encoding/json would recurse until Go's stack overflows, which kills idp.
func TestCyclesNeverCrash(t *testing.T) {
	for _, tmpl := range []string{
		`{{ . }}`, `{{ print . }}`, `{{ printf "%v" . }}`, `{{ println . }}`, `{{ toString . }}`, `{{ cat . }}`,
		`{{ quote . }}`, `{{ squote . }}`, `{{ join "," (list .) }}`, `{{ toStrings (list .) }}`, `{{ toJson . }}`,
		`{{ toPrettyJson . }}`, `{{ mustToJson . }}`, `{{ deepCopy . }}`, `{{ deepEqual . . }}`, `{{ merge (dict) . }}`,
		`{{ mergeOverwrite (dict) . }}`, `{{ uniq (list . .) }}`, `{{ has . (list 1) }}`, `{{ without (list .) 1 }}`,
		`{{ int . }}`, `{{ add . 1 }}`, `{{ toDecimal . }}`, `{{ html . }}`, `{{ js . }}`, `{{ urlquery . }}`,
		`{{ sortAlpha (list .) }}`, `{{ dict . 1 }}`, `{{ list . }}`,
	} {
		d := map[string]any{"a": 1}
		d["self"] = []any{d}
		tm := template.Must(template.New("t").Funcs(NewBudget(context.Background(), DefaultTestBudget).Funcs()).Parse(tmpl))
		Guard(tm)
		var b strings.Builder
		err := tm.Execute(&b, d)
		if tmpl == `{{ list . }}` { // builds a list without reading it through, then prints it
			if err == nil || !strings.Contains(err.Error(), "prints a dict that contains itself") {
				t.Errorf("%s: %v", tmpl, err)
			}
			continue
		}
		var fe *Error
		if !errors.As(err, &fe) || !strings.Contains(fe.Msg, "contains itself") {
			t.Errorf("%s: got %v, want an error about a dict that contains itself", tmpl, err)
		}
	}
}

// TestDoubledValuesMeasureFast: a list doubled sixty times is measured in sixty steps, not
// 2^60, and found too large.
func TestDoubledValuesMeasureFast(t *testing.T) {
	var l any = []any{1}
	for range 60 {
		l = []any{l, l}
	}
	m := newMeasurer(context.Background(), -1)
	s, err := m.measure(reflect.ValueOf(l))
	if err != nil || s.printed < 1<<60 || s.depth != 61 || m.steps > 200 {
		t.Errorf("got %+v, %v after %d steps", s, err, m.steps)
	}
	if _, err := newMeasurer(context.Background(), 1<<20).measure(reflect.ValueOf(l)); !errors.Is(err, errLarge) {
		t.Errorf("got %v, want errLarge", err)
	}
}

// TestNoFunctionShowsGoText calls every function with awkward arguments (zero, negative and
// huge numbers, empty and invalid strings, nil, lists and dicts where others are wanted): each
// returns a value or an error, never panics, and no error carries Go's runtime wording.
func TestNoFunctionShowsGoText(t *testing.T) {
	funcs := NewBudget(context.Background(), 64<<20).Funcs()
	cands := map[reflect.Kind][]any{
		reflect.Int:    {0, -1, 1, 1 << 40},
		reflect.String: {"", "(", "a-b"},
	}
	awkward := []any{nil, 0, -1, "x", []any{1, "a"}, map[string]any{"k": 1}, 1.5}
	for _, name := range slices.Sorted(maps.Keys(funcs)) {
		fv := reflect.ValueOf(funcs[name])
		ft := fv.Type()
		n := ft.NumIn()
		if ft.IsVariadic() {
			n-- // and the variadic part gets 0 to 2 of any
		}
		var calls [][]reflect.Value
		var build func(i int, args []reflect.Value)
		build = func(i int, args []reflect.Value) {
			if i == n {
				calls = append(calls, slices.Clone(args))
				return
			}
			pt := ft.In(i)
			var vals []reflect.Value
			switch {
			case pt.Kind() == reflect.Interface:
				for _, a := range awkward {
					if a == nil {
						vals = append(vals, reflect.Zero(pt))
					} else {
						vals = append(vals, reflect.ValueOf(a))
					}
				}
			case pt.Kind() == reflect.Map:
				vals = []reflect.Value{reflect.Zero(pt), reflect.ValueOf(map[string]any{"a": map[string]any{"b": 1}})}
			case pt.Kind() == reflect.Slice:
				vals = []reflect.Value{reflect.Zero(pt)}
			default:
				for _, c := range cands[pt.Kind()] {
					vals = append(vals, reflect.ValueOf(c).Convert(pt))
				}
			}
			for _, v := range vals {
				build(i+1, append(args, v))
			}
		}
		build(0, nil)
		for _, args := range calls {
			variants := [][]reflect.Value{args}
			if ft.IsVariadic() {
				et := ft.In(ft.NumIn() - 1).Elem()
				variants = nil
				for k := range 3 {
					extra := []reflect.Value{}
					for j := range k {
						a := awkward[(j+len(args))%len(awkward)]
						if et.Kind() != reflect.Interface {
							if et.Kind() == reflect.Int {
								a = 2
							} else if et.Kind() == reflect.String {
								a = "k"
							} else {
								continue
							}
						}
						if a == nil {
							extra = append(extra, reflect.Zero(et))
						} else {
							extra = append(extra, reflect.ValueOf(a))
						}
					}
					variants = append(variants, append(slices.Clone(args), extra...))
				}
			}
			for _, in := range variants {
				desc := fmt.Sprintf("%s%v", name, in)
				func() {
					defer func() {
						if r := recover(); r != nil {
							t.Errorf("%s panicked: %v", desc, r)
						}
					}()
					out := fv.Call(in)
					if err, _ := out[len(out)-1].Interface().(error); err != nil {
						for _, s := range []string{"runtime error", "interface conversion", "makeslice", "reflect", "regexp:", "goroutine"} {
							if strings.Contains(err.Error(), s) {
								t.Errorf("%s: %q shows Go's text", desc, err)
							}
						}
					}
				}()
			}
		}
	}
}
