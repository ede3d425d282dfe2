package gitcli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
)

// StatusEntry is one path that git status reports as not committed.
type StatusEntry struct {
	Code string // git's two letters, index then work tree: " M", "A ", "??"
	Path string // relative to the repository's root, slash-separated
}

// Status lists what `git status` shows as uncommitted in dir, a directory in a work tree, and
// below it: exactly what the user's git says, with their ignore files, .git/info/exclude,
// core.excludesFile and core.fileMode, which go-git does not all read.
func Status(ctx context.Context, dir string) ([]StatusEntry, error) {
	bin, err := git()
	if err != nil {
		return nil, noGitError{"check that the service has no uncommitted changes, as git status does"}
	}
	cmd := exec.CommandContext(ctx, bin, "--no-optional-locks", "status", "--porcelain=v1", "-z", "--untracked-files=all", "--", ".")
	cmd.Dir = dir
	cmd.Env = append(repoEnv(), "GIT_OPTIONAL_LOCKS=0")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		var ee *exec.ExitError
		if msg := strings.TrimSpace(stderr.String()); errors.As(err, &ee) && msg != "" {
			return nil, fmt.Errorf("git status in %s: %s", dir, strings.TrimPrefix(msg, "fatal: "))
		}
		return nil, fmt.Errorf("git status in %s: %v", dir, err)
	}
	return parseStatus(stdout.Bytes())
}

// parseStatus reads `git status --porcelain=v1 -z`: "XY path" entries ended by NUL, a rename
// or copy followed by its old path as one more entry.
func parseStatus(out []byte) ([]StatusEntry, error) {
	var entries []StatusEntry
	fields := strings.Split(string(out), "\x00")
	for i := 0; i < len(fields); i++ {
		f := fields[i]
		if f == "" {
			continue
		}
		if len(f) < 4 || f[2] != ' ' {
			return nil, fmt.Errorf("git status printed %q, which idp does not understand", f)
		}
		e := StatusEntry{Code: f[:2], Path: f[3:]}
		if e.Code[0] == 'R' || e.Code[0] == 'C' {
			i++ // the old path
		}
		entries = append(entries, e)
	}
	return entries, nil
}

// repoEnv is the environment for a git command on the repository holding its directory: the
// user's, whose configuration decides, without the variables that would point git at another
// repository.
func repoEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		switch name {
		case "GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_COMMON_DIR", "GIT_PREFIX":
			continue
		}
		env = append(env, kv)
	}
	return env
}
