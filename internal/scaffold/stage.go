package scaffold

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// Stage is a directory built beside its target and moved into place only once whole, so that an
// error or Ctrl-C leaves nothing behind: neither the directory nor the parents made for it.
type Stage struct {
	Dir    string // where to build
	target string
	made   []string // target's parents that NewStage created, outermost first
	done   bool
}

// NewStage makes a scratch directory beside target (absolute), creating target's missing
// parents. The caller checks target first (CheckTarget) and defers Abort.
func NewStage(target string) (*Stage, error) {
	parent := filepath.Dir(target)
	made, err := mkdirAllTracked(parent)
	if err != nil {
		return nil, fmt.Errorf("create %s: %w", parent, err)
	}
	tmp, err := os.MkdirTemp(parent, "."+filepath.Base(target)+".idp-tmp-")
	if err != nil {
		removeMade(made)
		return nil, fmt.Errorf("create a temporary directory in %s: %w", parent, err)
	}
	return &Stage{Dir: tmp, target: target, made: made}, nil
}

// Finish puts the stage at its target. A missing target is the stage renamed. An existing one
// (CheckTarget made sure it is empty) is kept and the stage's entries are moved into it one by
// one: replacing it would leave a shell sitting in it (idp new -o .) in a deleted directory. If a
// move fails, the entries moved so far go back, for Abort to remove.
func (s *Stage) Finish() error {
	if err := os.Chmod(s.Dir, 0o755); err != nil { // MkdirTemp made it 0700
		return err
	}
	if _, err := os.Lstat(s.target); errors.Is(err, fs.ErrNotExist) {
		if err := os.Rename(s.Dir, s.target); err != nil {
			return err
		}
		s.done = true
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
	s.done = true
	return os.Remove(s.Dir)
}

// Abort removes an unfinished stage and the parents made for it; after Finish it does nothing.
func (s *Stage) Abort() {
	if s.done {
		return
	}
	os.RemoveAll(s.Dir)
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
