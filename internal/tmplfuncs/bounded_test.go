package tmplfuncs

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"
	"text/template"

	"github.com/Masterminds/sprig/v3"
)

// TestBoundedMatchesSprig: below the bounds, the bounded functions give sprig's results, so
// swapping them in changes no generated service.
func TestBoundedMatchesSprig(t *testing.T) {
	sp := sprig.TxtFuncMap()
	ours := Map()
	ints := []int{-7, -3, -2, -1, 0, 1, 2, 3, 5, 10}
	for _, a := range ints {
		if got, _ := ours["until"].(func(int) ([]int, error))(a); !reflect.DeepEqual(got, sp["until"].(func(int) []int)(a)) && !(len(got) == 0 && len(sp["until"].(func(int) []int)(a)) == 0) {
			t.Errorf("until %d = %v, sprig %v", a, got, sp["until"].(func(int) []int)(a))
		}
		for _, b := range ints {
			for _, c := range ints {
				got, _ := ours["untilStep"].(func(int, int, int) ([]int, error))(a, b, c)
				want := sp["untilStep"].(func(int, int, int) []int)(a, b, c)
				if len(got) != len(want) || (len(got) > 0 && !reflect.DeepEqual(got, want)) {
					t.Errorf("untilStep %d %d %d = %v, sprig %v", a, b, c, got, want)
				}
				gs, _ := ours["seq"].(func(...int) (string, error))(a, b, c)
				if ws := sp["seq"].(func(...int) string)(a, b, c); gs != ws {
					t.Errorf("seq %d %d %d = %q, sprig %q", a, b, c, gs, ws)
				}
			}
			gs, _ := ours["seq"].(func(...int) (string, error))(a, b)
			if ws := sp["seq"].(func(...int) string)(a, b); gs != ws {
				t.Errorf("seq %d %d = %q, sprig %q", a, b, gs, ws)
			}
		}
		gs, _ := ours["seq"].(func(...int) (string, error))(a)
		if ws := sp["seq"].(func(...int) string)(a); gs != ws {
			t.Errorf("seq %d = %q, sprig %q", a, gs, ws)
		}
	}
	for _, s := range []string{"", "x", "a\nb", "a\n\nb\n"} {
		for _, n := range []int{0, 1, 4} {
			if got, _ := ours["repeat"].(func(int, string) (string, error))(n, s); got != sp["repeat"].(func(int, string) string)(n, s) {
				t.Errorf("repeat %d %q = %q", n, s, got)
			}
			if got, _ := ours["indent"].(func(int, string) (string, error))(n, s); got != sp["indent"].(func(int, string) string)(n, s) {
				t.Errorf("indent %d %q = %q", n, s, got)
			}
			if got, _ := ours["nindent"].(func(int, string) (string, error))(n, s); got != sp["nindent"].(func(int, string) string)(n, s) {
				t.Errorf("nindent %d %q = %q", n, s, got)
			}
		}
	}
}

func TestBoundsRefuseHugeValues(t *testing.T) {
	for _, tc := range []struct{ tmpl, want string }{
		{`{{ until 100000000 }}`, "error calling until: 100000000 items is more than the 1048576 a list may hold"},
		{`{{ untilStep 0 9223372036854775807 1 }}`, "error calling untilStep: 9223372036854775807 items is more than the 1048576 a list may hold"},
		{`{{ seq 2000000 }}`, "error calling seq: 2000000 items is more than the 1048576 a list may hold"},
		{`{{ repeat 1000000000 "ab" }}`, "error calling repeat: 1000000000 copies of 2 bytes is more than the 16777216 bytes a string may hold"},
		{`{{ repeat -1 "ab" }}`, "error calling repeat: negative count -1"},
		{`{{ indent 1000000000 "a" }}`, "error calling indent: the result would be more than the 16777216 bytes a string may hold"},
		{`{{ nindent -2 "a" }}`, "error calling nindent: negative count -2"},
	} {
		err := template.Must(template.New("t").Funcs(Map()).Parse(tc.tmpl)).Execute(&strings.Builder{}, nil)
		if err == nil || !strings.HasSuffix(err.Error(), tc.want) {
			t.Errorf("%s: got %v, want …%s", tc.tmpl, err, tc.want)
		}
	}
}

// TestUntilStepOverflowEnds: sprig's untilStep loops forever when start+step overflows.
func TestUntilStepOverflowEnds(t *testing.T) {
	const maxInt = int(^uint(0) >> 1)
	got, err := Map()["untilStep"].(func(int, int, int) ([]int, error))(maxInt-1, maxInt, maxInt)
	if err != nil || !reflect.DeepEqual(got, []int{maxInt - 1}) {
		t.Errorf("got %v, %v", got, err)
	}
}

func TestMapContextStops(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err := template.Must(template.New("t").Funcs(NewBudget(ctx, -1).Funcs()).Parse(`{{ until 3 }}`)).Execute(&strings.Builder{}, nil)
	if !errors.Is(err, context.Canceled) {
		t.Errorf("got %v, want context.Canceled", err)
	}
}
