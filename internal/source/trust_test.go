package source

import (
	"os"
	"path/filepath"
	"testing"
)

func TestTrusted(t *testing.T) {
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, "trusted", "gp"), 0o755)
	os.MkdirAll(filepath.Join(dir, "evil"), 0o755)
	os.Symlink(filepath.Join(dir, "evil"), filepath.Join(dir, "trusted", "link"))
	for _, c := range []struct {
		src, prefix string
		want        bool
	}{
		{"file:///srv/trusted/gp", "file:///srv/trusted/", true},
		{"file:///srv/trusted", "file:///srv/trusted/", true},
		{"file:///srv/trusted/../evil", "file:///srv/trusted/", false},
		{"file:///srv/trusted/%2e%2e/evil", "file:///srv/trusted/", false},
		{"file:///srv/trusted-evil", "file:///srv/trusted", false},
		{"https://git.example.com/platform/golden-paths.git", "https://git.example.com/platform", true},
		{"https://git.example.com/platform-evil/golden-paths.git", "https://git.example.com/platform", false},
		{"https://git.example.com/platform/../evil/gp.git", "https://git.example.com/platform", false},
		{"https://token@GIT.example.com:443/platform/gp", "https://git.example.com/platform/", true},
		{"https://git.example.com.evil.io/platform/gp", "https://git.example.com", false},
		{"http://git.example.com/platform/gp", "https://git.example.com/platform", false},
		{"https://git.example.com/platform/gp", "https://git.example.com/platform/gp.git", true},
		{"git@git.example.com:platform/gp.git", "git@git.example.com:platform", true},
		{"git@git.example.com:platform-evil/gp.git", "git@git.example.com:platform", false},
		{"ssh://git@git.example.com/platform/gp.git", "git@git.example.com:platform", true},
		{"builtin", "builtin", true},
		{"builtin", "file:///", false},
		{filepath.Join(dir, "trusted", "gp"), filepath.Join(dir, "trusted"), true},
		{filepath.Join(dir, "trusted", "link"), filepath.Join(dir, "trusted"), false},
		{"file://" + filepath.Join(dir, "trusted", "gp"), filepath.Join(dir, "trusted"), true},
		{"https://git.example.com/platform/gp", "", false},
		{"", "file:///", false},
	} {
		if got := Trusted(c.src, []string{c.prefix}); got != c.want {
			t.Errorf("Trusted(%q, %q) = %v, want %v", c.src, c.prefix, got, c.want)
		}
	}
}
