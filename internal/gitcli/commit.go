package gitcli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os/exec"
	"strings"
	"time"
)

// Commit commits everything changed under dir, a directory in a work tree, and nothing else:
// `git add -A -- .` then `git commit -- .` in dir, so that what else is staged in the
// repository (a monorepo's other services) stays staged and out of the commit. name and email
// are author and committer. It returns the commit's hash, or "" when nothing changed.
func Commit(ctx context.Context, dir, name, email, msg string, when time.Time) (string, error) {
	bin, err := git()
	if err != nil {
		return "", noGitError{"commit what it wrote"}
	}
	date := when.Format(time.RFC3339)
	env := []string{"GIT_AUTHOR_NAME=" + name, "GIT_AUTHOR_EMAIL=" + email, "GIT_AUTHOR_DATE=" + date,
		"GIT_COMMITTER_NAME=" + name, "GIT_COMMITTER_EMAIL=" + email, "GIT_COMMITTER_DATE=" + date}
	run := func(verb string, args ...string) (string, error) {
		cmd := exec.CommandContext(ctx, bin, args...)
		cmd.Dir = dir
		cmd.Env = append(repoEnv(), env...)
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		if err := cmd.Run(); err != nil {
			if ctx.Err() != nil {
				return "", ctx.Err()
			}
			var ee *exec.ExitError
			if msg := strings.TrimSpace(stderr.String()); errors.As(err, &ee) && msg != "" {
				return "", fmt.Errorf("git %s in %s: %s", verb, dir, strings.TrimPrefix(msg, "fatal: "))
			}
			return "", fmt.Errorf("git %s in %s: %v", verb, dir, err)
		}
		return strings.TrimSpace(stdout.String()), nil
	}
	if _, err := run("add", "add", "-A", "--", "."); err != nil {
		return "", err
	}
	st, err := Status(ctx, dir)
	if err != nil {
		return "", err
	}
	if len(st) == 0 {
		return "", nil
	}
	// Hooks and signing are the user's for their own commits; idp's commit is what it wrote,
	// as idp new's first commit is, and must not wait on a passphrase prompt.
	if _, err := run("commit", "-c", "commit.gpgsign=false", "commit", "-q", "--no-verify", "-m", msg, "--", "."); err != nil {
		return "", err
	}
	return run("rev-parse", "rev-parse", "--verify", "-q", "HEAD")
}
