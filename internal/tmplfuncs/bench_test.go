package tmplfuncs

import (
	"context"
	"io"
	"testing"
	"text/template"

	"github.com/Masterminds/sprig/v3"
)

const benchText = `{{ range until 10000 }}{{ toString . }}{{ upper "x" }}{{ add . 1 }}{{ $d := dict "a" . }}{{ $_ := set $d "b" "c" }}{{ . }}{{ end }}`

// BenchmarkCalls is the cost of the Budget's wrapping against sprig's functions called as
// they are: ten thousand rounds of six calls and a print.
func BenchmarkCalls(b *testing.B) {
	for _, bc := range []struct {
		name  string
		funcs func() template.FuncMap
	}{
		{"sprig", func() template.FuncMap { return sprig.TxtFuncMap() }},
		{"budget", func() template.FuncMap { return NewBudget(context.Background(), 256<<20).Funcs() }},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				t := template.Must(template.New("t").Funcs(bc.funcs()).Parse(benchText))
				Guard(t)
				if bc.name == "sprig" {
					t.Funcs(template.FuncMap{OutputFunc: func(v any) any { return v }})
				}
				if err := t.Execute(io.Discard, nil); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkNewBudget(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		NewBudget(context.Background(), 1).Funcs()
	}
}
