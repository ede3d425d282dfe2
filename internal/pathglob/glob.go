// Package pathglob matches slash-separated paths against the glob patterns template authors write
// in template.yaml: path.Match per segment, plus "**" for any number of segments.
package pathglob

import (
	"fmt"
	"path"
	"slices"
	"strings"
)

// Validate reports a pattern that path.Match would reject.
func Validate(pattern string) error {
	for _, seg := range strings.Split(pattern, "/") {
		if seg == "**" {
			continue
		}
		if _, err := path.Match(seg, ""); err != nil {
			return fmt.Errorf("bad glob %q: %w", pattern, err)
		}
	}
	return nil
}

// Match reports whether name matches pattern. "**" matches zero or more whole segments, so
// "**/*.png" matches "a.png" and "img/x/a.png", and "charts/**" matches everything below charts/.
func Match(pattern, name string) bool {
	return match(strings.Split(pattern, "/"), strings.Split(name, "/"))
}

// MatchAny reports whether name matches one of the patterns.
func MatchAny(patterns []string, name string) bool {
	for _, p := range patterns {
		if Match(p, name) {
			return true
		}
	}
	return false
}

// match is a dynamic programme over (pattern segment, path segment), so that patterns with many
// "**" take time in proportion to len(pat)*len(segs), not exponential time.
func match(pat, segs []string) bool {
	if !slices.Contains(pat, "**") {
		if len(pat) != len(segs) {
			return false
		}
		for i := range pat {
			if m, _ := path.Match(pat[i], segs[i]); !m {
				return false
			}
		}
		return true
	}
	// ok[i][j]: pat[i:] matches segs[j:].
	ok := make([][]bool, len(pat)+1)
	for i := range ok {
		ok[i] = make([]bool, len(segs)+1)
	}
	ok[len(pat)][len(segs)] = true
	for i := len(pat) - 1; i >= 0; i-- {
		for j := len(segs); j >= 0; j-- {
			switch {
			case pat[i] == "**":
				ok[i][j] = ok[i+1][j] || (j < len(segs) && ok[i][j+1])
			case j < len(segs):
				m, _ := path.Match(pat[i], segs[j])
				ok[i][j] = m && ok[i+1][j+1]
			}
		}
	}
	return ok[0][0]
}
