package pathglob

import (
	"strings"
	"testing"
)

func TestMatch(t *testing.T) {
	for _, tc := range []struct {
		pattern, name string
		want          bool
	}{
		{"**/*.png", "a.png", true},
		{"**/*.png", "img/x/a.png", true},
		{"**/*.png", "a.png.txt", false},
		{"charts/**/templates/**", "charts/app/templates/deploy.yaml", true},
		{"charts/**/templates/**", "charts/templates/x/y.yaml", true},
		{"charts/**/templates/**", "chart/templates/x.yaml", false},
		{"db/**", "db", true},
		{"db/**", "db/schema.sql", true},
		{"db/**", "dbx/schema.sql", false},
		{"README.md", "README.md", true},
		{"README.md", "docs/README.md", false},
		{"*.md", "docs/a.md", false},
		{".github/workflows/*.yaml", ".github/workflows/ci.yaml", true},
	} {
		if got := Match(tc.pattern, tc.name); got != tc.want {
			t.Errorf("Match(%q, %q) = %v, want %v", tc.pattern, tc.name, got, tc.want)
		}
	}
	if err := Validate("a/[/b"); err == nil {
		t.Error("bad pattern accepted")
	}
	if err := Validate("a/**/b*"); err != nil {
		t.Error(err)
	}
}

// TestManyDoubleStarsStayFast: a pattern of many "**" against a deep path used to backtrack
// exponentially; this one would not finish.
func TestManyDoubleStarsStayFast(t *testing.T) {
	pat := strings.Repeat("**/", 40) + "x"
	name := strings.Repeat("a/", 60) + "y"
	if Match(pat, name) {
		t.Error("matched")
	}
	if !Match(pat, strings.Repeat("a/", 60)+"x") {
		t.Error("did not match")
	}
}
