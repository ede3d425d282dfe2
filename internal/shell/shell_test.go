package shell

import (
	"bytes"
	"context"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestGoCachesArePassed: a golden path's command runs the go command with the caches idp's
// environment names, not a cold one under $HOME, and still without idp's credentials.
func TestGoCachesArePassed(t *testing.T) {
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("no go command")
	}
	cache, mods := filepath.Join(t.TempDir(), "build"), filepath.Join(t.TempDir(), "mod")
	t.Setenv("GOCACHE", cache)
	t.Setenv("GOMODCACHE", mods)
	t.Setenv("XDG_CACHE_HOME", filepath.Join(t.TempDir(), "xdg"))
	t.Setenv("IDP_GIT_TOKEN", "s3cret")
	t.Setenv("GITHUB_TOKEN", "s3cret")
	var out bytes.Buffer
	if err := Run(context.Background(), t.TempDir(), `go env GOCACHE GOMODCACHE && env`, &out, "IDP_TEMPLATE=svc"); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	lines := strings.Split(out.String(), "\n")
	if lines[0] != cache || lines[1] != mods {
		t.Errorf("go env in the command: GOCACHE %q, GOMODCACHE %q; want %q, %q", lines[0], lines[1], cache, mods)
	}
	for _, want := range []string{"IDP_TEMPLATE=svc", "XDG_CACHE_HOME="} {
		if !strings.Contains(out.String(), "\n"+want) {
			t.Errorf("the environment lacks %s:\n%s", want, out.String())
		}
	}
	if strings.Contains(out.String(), "s3cret") {
		t.Errorf("a credential reached the command:\n%s", out.String())
	}
}
