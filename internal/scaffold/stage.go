package scaffold

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// Stage is a directory built beside its target and moved into place only once whole, so that an
// error or Ctrl-C leaves nothing behind: neither the directory nor the parents made for it. A
// run killed outright (SIGKILL, power loss) cannot clean up, so the stage is built inside a
// scratch directory that also holds a marker file, locked while its idp runs; the next stage
// made in the same directory removes those that no idp holds any more (see removeStale).
type Stage struct {
	Dir     string // where to build
	scratch string // Dir's parent, beside the target: .NAME.idp-tmp-NNN
	target  string
	made    []string // target's parents that NewStage created, outermost first
	done    bool
	marker  *os.File // the locked marker; nil once released
}

// NewStage makes a scratch directory beside target (absolute), creating target's missing
// parents, after removing stale stages there. The caller checks target first (CheckTarget)
// and defers Abort.
func NewStage(target string) (*Stage, error) {
	parent := filepath.Dir(target)
	made, err := mkdirAllTracked(parent)
	if err != nil {
		return nil, fmt.Errorf("create %s: %w", parent, err)
	}
	removeStale(parent)
	scratch, err := os.MkdirTemp(parent, "."+filepath.Base(target)+stageInfix)
	if err != nil {
		removeMade(made)
		return nil, fmt.Errorf("create a temporary directory in %s: %w", parent, err)
	}
	// The marker sits beside the tree, not in it, so that no file the tree holds can be taken
	// for it or get in its way.
	s := &Stage{Dir: filepath.Join(scratch, filepath.Base(target)), scratch: scratch, target: target, made: made}
	if s.marker, err = holdMarker(filepath.Join(scratch, stageMarker)); err == nil {
		err = os.Mkdir(s.Dir, 0o755)
	}
	if err != nil {
		s.Abort()
		return nil, fmt.Errorf("create a temporary directory in %s: %w", parent, err)
	}
	return s, nil
}

// Finish puts the stage at its target. A missing target is the stage renamed. An existing one
// (CheckTarget made sure it is empty) is kept and the stage's entries are moved into it one by
// one: replacing it would leave a shell sitting in it (idp new -o .) in a deleted directory. If a
// move fails, the entries moved so far go back, for Abort to remove.
func (s *Stage) Finish() error {
	if err := os.Chmod(s.Dir, 0o755); err != nil { // past the umask
		return err
	}
	if _, err := os.Lstat(s.target); errors.Is(err, fs.ErrNotExist) {
		if err := os.Rename(s.Dir, s.target); err != nil {
			return err
		}
		s.finished()
		return nil
	}
	entries, err := os.ReadDir(s.Dir)
	if err != nil {
		return err
	}
	for i, e := range entries {
		if err := os.Rename(filepath.Join(s.Dir, e.Name()), filepath.Join(s.target, e.Name())); err != nil {
			for _, back := range entries[:i] {
				os.Rename(filepath.Join(s.target, back.Name()), filepath.Join(s.Dir, back.Name()))
			}
			return err
		}
	}
	s.finished()
	return nil
}

// finished removes what is left of the scratch directory once the tree is in place.
func (s *Stage) finished() {
	s.done = true
	s.releaseMarker()
	os.RemoveAll(s.scratch)
}

// Abort removes an unfinished stage and the parents made for it; after Finish it does nothing.
func (s *Stage) Abort() {
	if s.done {
		return
	}
	s.releaseMarker()
	os.RemoveAll(s.scratch)
	removeMade(s.made)
}

// mkdirAllTracked is os.MkdirAll that returns the directories it created, outermost first.
func mkdirAllTracked(dir string) ([]string, error) {
	var missing []string
	for d := dir; ; d = filepath.Dir(d) {
		if _, err := os.Stat(d); err == nil {
			break
		}
		missing = append([]string{d}, missing...)
		if filepath.Dir(d) == d {
			break
		}
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	return missing, nil
}

// removeMade removes the directories mkdirAllTracked made, innermost first, if they are empty.
func removeMade(made []string) {
	for i := len(made) - 1; i >= 0; i-- {
		os.Remove(made[i])
	}
}
