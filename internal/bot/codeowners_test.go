package bot

import (
	"slices"
	"testing"
)

// TestCodeowners: each path's owners are those of the last rule that matches it, with
// gitignore-style patterns; e-mail owners and GitLab section headers are left out.
func TestCodeowners(t *testing.T) {
	rules := parseCodeowners(`# default owners
*                @acme/platform
*.yaml           @yaml-people
/deploy/         @acme/ops ops@example.com
docs/**/*.md     @writer
app.yaml         @alice @bob
/build/cache     
[Docs] @acme/docs
README.md        @acme/docs
`)
	for _, c := range []struct {
		paths []string
		want  []string
	}{
		{[]string{"main.go"}, []string{"@acme/platform"}},
		{[]string{"config/x.yaml"}, []string{"@yaml-people"}},
		{[]string{"app.yaml"}, []string{"@alice", "@bob"}},
		{[]string{"svc/app.yaml"}, []string{"@alice", "@bob"}},
		{[]string{"deploy/k8s/app.json"}, []string{"@acme/ops"}},
		{[]string{"svc/deploy/x.json"}, []string{"@acme/platform"}}, // /deploy/ is anchored
		{[]string{"docs/a/b/c.md", "docs/x.md"}, []string{"@writer"}},
		{[]string{"build/cache/x"}, nil}, // a rule without owners: nobody
		{[]string{"README.md", "main.go", "app.yaml"}, []string{"@acme/docs", "@acme/platform", "@alice", "@bob"}},
	} {
		if got := ownersOf(rules, c.paths); !slices.Equal(got, c.want) {
			t.Errorf("ownersOf(%v) = %v, want %v", c.paths, got, c.want)
		}
	}
}
