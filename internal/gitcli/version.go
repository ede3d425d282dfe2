package gitcli

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
)

// Version finds the git command idp would run and asks it for its version: the path, and the
// version as git words it ("2.43.0", or "2.39.5 (Apple Git-154)"). A git that is not
// installed is an error matching ErrNoGit.
func Version(ctx context.Context) (path, version string, err error) {
	bin, err := git()
	if err != nil {
		return "", "", noGitError{"merge files changed both locally and in the golden path (idp update), read file:// sources and see a work tree's uncommitted changes"}
	}
	cmd := exec.CommandContext(ctx, bin, "--version")
	// No user or system config: `git --version` reads none, and a broken one must not matter.
	cmd.Env = append(os.Environ(), "GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL="+os.DevNull)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		if ctx.Err() != nil {
			return bin, "", ctx.Err()
		}
		msg := strings.TrimSpace(stderr.String())
		if msg == "" {
			msg = err.Error()
		}
		return bin, "", fmt.Errorf("%s --version failed (%s); reinstall git", bin, msg)
	}
	out := strings.TrimSpace(stdout.String())
	v, ok := strings.CutPrefix(out, "git version ")
	if !ok || v == "" {
		return bin, "", fmt.Errorf("%s --version printed %q, not a git version; check which git is first in PATH", bin, out)
	}
	return bin, v, nil
}
