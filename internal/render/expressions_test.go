package render_test

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/idp-cli/idp/internal/answers"
	"github.com/idp-cli/idp/internal/render"
)

// TestHostileExpressions: an expression that would crash idp (a dict that contains itself,
// values nested too deep for fmt's recursion) or fill memory (a value doubled in a loop) stops
// the render with an error naming the file, line and column; a function that panics on its
// arguments says so in idp's words, without Go's runtime text.
func TestHostileExpressions(t *testing.T) {
	const over = "; look for a loop that doubles a value, such as $s = print $s $s, or one that builds too much"
	for _, tc := range []struct {
		name, tmpl, want string
		limit            bool // errors.Is ErrTooLarge
	}{
		{"set makes a cycle", `{{ $d := dict }}{{ $_ := set $d "a" $d }}{{ printf "%v" $d }}`,
			`x.txt:1:25: set: the value holds the dict it is set in, which would make the dict contain itself; set a copy (deepCopy) or another value (at <set $d "a" $d>)`, false},
		{"set makes a cycle through a list", `{{ $d := dict }}{{ $l := list 1 (dict "in" $d) }}{{ $_ := set $d "a" $l }}{{ print $d }}`,
			`x.txt:1:58: set: the value holds the dict it is set in, which would make the dict contain itself; set a copy (deepCopy) or another value (at <set $d "a" $l>)`, false},
		{"set in the answers", `{{ $_ := set . "self" . }}{{ toJson . }}`,
			`x.txt:1:9: set: the value holds the dict it is set in, which would make the dict contain itself; set a copy (deepCopy) or another value (at <set . "self" .>)`, false},
		{"merge makes a cycle", `{{ $d := dict "x" dict }}{{ $e := dict "x" (dict "y" $d) }}{{ $_ := merge $d $e }}{{ toString $d }}`,
			`x.txt:1:68: merge: a source holds the dict merged into, which would make it contain itself; merge a copy (deepCopy) (at <merge $d $e>)`, false},
		{"print doubles", `{{ $s := "ab" }}{{ range until 40 }}{{ $s = print $s $s }}{{ end }}`,
			`x.txt:1:44: print: builds values past 1 MiB, the most expressions may build (at <print $s $s>)` + over, true},
		{"printf doubles", `{{ $s := "ab" }}{{ range until 40 }}{{ $s = printf "%s%s" $s $s }}{{ end }}`,
			`x.txt:1:44: printf: builds values past 1 MiB, the most expressions may build (at <printf "%s%s" $s $s>)` + over, true},
		{"printf pads", `{{ printf "%1000000d%1000000d" 1 2 }}`,
			`x.txt:1:3: printf: builds values past 1 MiB, the most expressions may build (at <printf "%1000000d%1000000d" 1 2>)` + over, true},
		{"concat doubles", `{{ $l := list 1 }}{{ range until 40 }}{{ $l = concat $l $l }}{{ end }}`,
			`x.txt:1:46: concat: builds values past 1 MiB, the most expressions may build (at <concat $l $l>)` + over, true},
		{"join doubles", `{{ $s := "ab" }}{{ range until 40 }}{{ $s = join "" (list $s $s) }}{{ end }}`,
			`x.txt:1:44: join: builds values past 1 MiB, the most expressions may build (at <join "" (list $s $s)>)` + over, true},
		{"toJson doubles", `{{ $s := "ab" }}{{ range until 40 }}{{ $s = toJson (list $s $s) }}{{ end }}`,
			`x.txt:1:44: toJson: builds values past 1 MiB, the most expressions may build (at <toJson (list $s $s)>)` + over, true},
		{"append grows", `{{ $l := list }}{{ range until 100000 }}{{ $l = append $l . }}{{ end }}`,
			`x.txt:1:48: append: builds values past 1 MiB, the most expressions may build (at <append $l .>)` + over, true},
		{"dict grows", `{{ $d := dict }}{{ range until 100000 }}{{ $_ := set $d (toString .) "x" }}{{ end }}`,
			`x.txt:1:57: toString: builds values past 1 MiB, the most expressions may build (at <toString .>)` + over, true},
		// list $l $l shares $l: forty steps make a value whose text is 2^40 items long.
		{"a shared list printed", `{{ $l := list 1 }}{{ range until 40 }}{{ $l = list $l $l }}{{ end }}{{ $l }}`,
			`x.txt:1:71: the action here prints a value larger than what is left of the 1 MiB expressions may build` + over, true},
		{"a shared list copied", `{{ $l := list 1 }}{{ range until 40 }}{{ $l = list $l $l }}{{ end }}{{ $c := deepCopy $l }}`,
			`x.txt:1:77: deepCopy: builds values past 1 MiB, the most expressions may build (at <deepCopy $l>)` + over, true},
		{"nested too deep to print", `{{ $d := dict }}{{ range until 2000 }}{{ $d = dict "a" $d }}{{ end }}{{ $d }}`,
			`x.txt:1:72: the action here prints lists or dicts nested more than 1000 deep, more than idp prints; build flatter values`, false},
		{"nested too deep to encode", `{{ $d := dict }}{{ range until 2000 }}{{ $d = dict "a" $d }}{{ end }}{{ toJson $d }}`,
			`x.txt:1:72: toJson: an argument nests lists or dicts more than 1000 deep, more than idp prints, encodes or copies; build flatter values (at <toJson $d>)`, false},
		{"div", `{{ div 1 0 }}`, `x.txt:1:3: div: division by zero; div A B divides A by B, which must not be 0 (at <div 1 0>)`, false},
		{"substr", `{{ substr 5 2 "abc" }}`, `x.txt:1:3: substr: an index or size is out of range; substr START END STRING takes START no greater than END or the string's length (at <substr 5 2 "abc">)`, false},
		{"chunk", `{{ chunk 0 (list 1 2) }}`, `x.txt:1:3: chunk: the size must be 1 or more; chunk SIZE LIST splits LIST into lists of SIZE items (at <chunk 0 (list 1 2)>)`, false},
		{"dig", `{{ dig "a" "b" 1 }}`, `x.txt:1:3: dig: an argument has the wrong type; dig KEY... DEFAULT DICT takes string keys, a default and a dict last, as in dig "a" "b" "none" $dict (at <dig "a" "b" 1>)`, false},
		{"regexFindAll", `{{ regexFindAll "(" "x" 1 }}`, `x.txt:1:3: regexFindAll: the regular expression "(" is not valid: missing closing ) at "(" (at <regexFindAll "(" "x" 1>)`, false},
		{"first", `{{ first 3 }}`, `x.txt:1:3: first: an argument has the wrong type; it takes a list (at <first 3>)`, false},
		{"mustFromJson", `{{ mustFromJson "{" }}`, `x.txt:1:3: mustFromJson: not valid JSON at byte 1: unexpected end of JSON input (at <mustFromJson "{">)`, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := writeTemplate(t, "", map[string]string{"x.txt": tc.tmpl})
			_, err := renderOpts(t, dir, render.Options{MaxTotalSize: 1 << 20})
			if err == nil || err.Error() != "skeleton/"+tc.want {
				t.Fatalf("got  %v\nwant skeleton/%s", err, tc.want)
			}
			if errors.Is(err, render.ErrTooLarge) != tc.limit {
				t.Errorf("errors.Is(err, ErrTooLarge) = %v", !tc.limit)
			}
			for _, s := range []string{"runtime error", "interface conversion", "makeslice", "error calling", "regexp:"} {
				if strings.Contains(err.Error(), s) {
					t.Errorf("Go's text %q in %v", s, err)
				}
			}
		})
	}
}

// TestValuesWithinTheBudget: what the budget refuses at 1 MiB renders at the default.
func TestValuesWithinTheBudget(t *testing.T) {
	dir := writeTemplate(t, "", map[string]string{"x.txt": `{{ $s := "ab" }}{{ range until 19 }}{{ $s = print $s $s }}{{ end }}{{ len $s }}`})
	tree, err := renderOpts(t, dir, render.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if got := string(tree.Lookup("x.txt").Data); got != "1048576" {
		t.Errorf("got %s", got)
	}
}

// TestExpressionsCannotChangeTheAnswers: set, unset and merge work on the render's copy of the
// data, so that a file cannot change the caller's answers (recorded in .idp.yaml, and given to
// the other render of an update).
func TestExpressionsCannotChangeTheAnswers(t *testing.T) {
	dir := writeTemplate(t, "", map[string]string{
		"a.txt": `{{ $_ := set . "name" "evil" }}{{ $_ := unset . "path" }}{{ $_ := set .list "0" "x" }}{{ $_ := merge .list (dict "1" "z") }}{{ .name }}`,
	})
	fsys, m := load(t, dir)
	data, err := answers.Data(m, map[string]any{"name": "svc", "path": "p"})
	if err != nil {
		t.Fatal(err)
	}
	data["list"] = map[string]any{"0": "y"}
	want := map[string]any{}
	for k, v := range data {
		want[k] = v
	}
	want["list"] = map[string]any{"0": "y"}
	tree, err := render.Render(context.Background(), fsys, m, data)
	if err != nil {
		t.Fatal(err)
	}
	if got := string(tree.Lookup("a.txt").Data); got != "evil" {
		t.Errorf("a.txt = %q", got)
	}
	if !reflect.DeepEqual(data, want) {
		t.Errorf("data after the render = %v, want %v", data, want)
	}
}
