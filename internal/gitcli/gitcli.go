// Package gitcli is the one place idp runs the git command, for what go-git lacks or gets
// wrong: the line-level three-way merge of a file (git merge-file), and the status of a work
// tree as the user's git sees it (git status). Everything else is go-git.
package gitcli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
)

// ErrNoGit says that the git command is not installed.
var ErrNoGit = errors.New("the git command is not installed; idp needs it to merge files changed both locally and in the golden path; install git (it is in every package manager)")

func git() (string, error) {
	path, err := exec.LookPath("git")
	if err != nil {
		return "", ErrNoGit
	}
	return path, nil
}

// noGitError is ErrNoGit for another purpose than merging.
type noGitError struct{ need string }

func (e noGitError) Error() string {
	return "the git command is not installed; idp needs it to " + e.need + "; install git (it is in every package manager)"
}

func (e noGitError) Is(target error) bool { return target == ErrNoGit }

// Labels name the three sides in conflict markers.
type Labels struct{ Ours, Base, Theirs string }

// MergeFile merges the change from base to theirs into ours, line by line, as
// `git merge-file` does. conflicts is the number of conflicting regions, marked in out. With
// diff3, the markers also hold the base's lines. Bytes are kept as they are: CRLF, a missing
// final newline, any encoding.
func MergeFile(ctx context.Context, ours, base, theirs []byte, l Labels, diff3 bool) (out []byte, conflicts int, err error) {
	args := []string{"-L", l.Ours, "-L", l.Base, "-L", l.Theirs}
	if diff3 {
		args = append(args, "--diff3")
	}
	return mergeFile(ctx, ours, base, theirs, args)
}

// MergeOurs is MergeFile with every conflict resolved to ours' side.
func MergeOurs(ctx context.Context, ours, base, theirs []byte) ([]byte, error) {
	out, _, err := mergeFile(ctx, ours, base, theirs, []string{"--ours"})
	return out, err
}

func mergeFile(ctx context.Context, ours, base, theirs []byte, opts []string) (out []byte, conflicts int, err error) {
	bin, err := git()
	if err != nil {
		return nil, 0, err
	}
	dir, err := os.MkdirTemp("", "idp-merge-")
	if err != nil {
		return nil, 0, err
	}
	defer os.RemoveAll(dir)
	names := [3]string{filepath.Join(dir, "ours"), filepath.Join(dir, "base"), filepath.Join(dir, "theirs")}
	for i, data := range [][]byte{ours, base, theirs} {
		if err := os.WriteFile(names[i], data, 0o600); err != nil {
			return nil, 0, err
		}
	}
	args := append(append([]string{"merge-file", "-p"}, opts...), names[0], names[1], names[2])
	cmd := exec.CommandContext(ctx, bin, args...)
	// No user or system config: the result must not depend on merge.conflictStyle and the like.
	cmd.Env = append(os.Environ(), "GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL="+os.DevNull, "HOME="+dir)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err = cmd.Run()
	var ee *exec.ExitError
	switch {
	case err == nil:
		return stdout.Bytes(), 0, nil
	case errors.As(err, &ee) && ee.ExitCode() > 0 && ee.ExitCode() < 128:
		return stdout.Bytes(), ee.ExitCode(), nil
	case ctx.Err() != nil:
		return nil, 0, ctx.Err()
	}
	return nil, 0, fmt.Errorf("git merge-file: %v: %s", err, bytes.TrimSpace(stderr.Bytes()))
}
