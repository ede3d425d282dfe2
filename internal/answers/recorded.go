package answers

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/idp-cli/idp/internal/manifest"
)

// CheckRecorded names the answers recorded in file (a service's .idp.yaml) that are no
// parameter of the golden path at the version the service is on (base) nor at the one it moves
// to (target), as an unknown key of a values file is named: left alone, a typo (ownr: for
// owner:) is an answer nobody reads, and its parameter is then missing or silently takes its
// default. An answer that only base knows is a parameter target dropped, not a mistake.
func CheckRecorded(recorded map[string]any, file string, base, target *manifest.Manifest) error {
	known := func(name string) bool {
		return target.Param(name) != nil || (base != nil && base.Param(name) != nil)
	}
	var unknown, computed []string
	for _, k := range slices.Sorted(maps.Keys(recorded)) {
		switch {
		case known(k):
		case isComputed(target, k):
			computed = append(computed, k)
		default:
			unknown = append(unknown, k)
		}
	}
	if len(computed) > 0 {
		return &InvalidError{Origin: file, Msg: fmt.Sprintf("answers: %s computed by the template %s and cannot be answered; remove %s from answers:",
			listOf(computed, nil, "is", "are"), target.Name, pronoun(computed))}
	}
	if len(unknown) == 0 {
		return nil
	}
	names := target.ParamNames()
	if base != nil {
		for _, n := range base.ParamNames() {
			if !slices.Contains(names, n) {
				names = append(names, n)
			}
		}
	}
	hint := func(k string) string {
		if s := Suggest(k, names); s != "" {
			return " (did you mean " + s + "?)"
		}
		return ""
	}
	what := fmt.Sprintf("answers: the template %s has no parameter %q%s", target.Name, unknown[0], hint(unknown[0]))
	if len(unknown) > 1 {
		what = fmt.Sprintf("answers: the template %s has no parameters %s", target.Name, listOf(unknown, hint, "", ""))
	}
	params := "it has no parameters"
	if len(target.Parameters) > 0 {
		params = "its parameters are: " + strings.Join(target.ParamNames(), ", ")
	}
	return &InvalidError{Origin: file, Msg: fmt.Sprintf("%s; %s; fix %s or remove %s under answers:", what, params, pronoun(unknown), pronoun(unknown))}
}

func isComputed(m *manifest.Manifest, name string) bool {
	for _, c := range m.Computed {
		if c.Name == name {
			return true
		}
	}
	return false
}

// listOf quotes names and joins them with commas and "and", each followed by its hint, and
// then the verb for one or for several.
func listOf(names []string, hint func(string) string, one, several string) string {
	parts := make([]string, len(names))
	for i, n := range names {
		parts[i] = fmt.Sprintf("%q", n)
		if hint != nil {
			parts[i] += hint(n)
		}
	}
	s := strings.Join(parts, ", ")
	if len(parts) > 1 {
		s = strings.Join(parts[:len(parts)-1], ", ") + " and " + parts[len(parts)-1]
	}
	verb := one
	if len(names) > 1 {
		verb = several
	}
	if verb == "" {
		return s
	}
	return s + " " + verb
}

func pronoun(names []string) string {
	if len(names) > 1 {
		return "them"
	}
	return "it"
}

// Suggest returns the name in names that typed is most likely a typo of: the nearest by edit
// distance (a swap of two letters counts as one edit), when it is near enough for its length,
// or one that differs only in case, dashes and underscores. "" when none is.
func Suggest(typed string, names []string) string {
	norm := func(s string) string { return strings.ToLower(strings.NewReplacer("-", "", "_", "").Replace(s)) }
	best, bestD := "", 0
	for _, n := range names {
		if norm(n) == norm(typed) {
			return n
		}
		d := distance(strings.ToLower(typed), strings.ToLower(n))
		limit := 1
		if len(n) >= 5 {
			limit = 2
		}
		if d <= limit && (best == "" || d < bestD) {
			best, bestD = n, d
		}
	}
	return best
}

// distance is the optimal string alignment distance: insertions, deletions, substitutions and
// swaps of adjacent characters, each one edit.
func distance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	d := make([][]int, len(ra)+1)
	for i := range d {
		d[i] = make([]int, len(rb)+1)
		d[i][0] = i
	}
	for j := range rb {
		d[0][j+1] = j + 1
	}
	for i := 1; i <= len(ra); i++ {
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(ra)][len(rb)]
}
