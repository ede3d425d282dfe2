package scaffold

import (
	"bytes"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sync"
	"time"
)

const (
	// stageInfix is in every stage's name: .NAME.idp-tmp-NNN (os.MkdirTemp's digits).
	stageInfix = ".idp-tmp-"
	// stageMarker is the file that makes a stage provably idp's.
	stageMarker = ".idp-stage"
	// markerText is the marker's whole content; a file that holds anything else is not one.
	markerText = "idp builds a new directory here and moves it into place when whole; an idp that finds this stage unlocked removes it\n"
	// emptyStageAge is how old an empty stage (one cut short before it had a marker) must be to
	// count as stale: a live idp fills its stage's marker right after making it.
	emptyStageAge = 10 * time.Minute
)

var reStage = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^\..+` + regexp.QuoteMeta(stageInfix) + `[0-9]+$`) })

// holdMarker writes a stage's marker and holds it locked (where the system has file locks)
// until releaseMarker, or until the process ends, however it ends.
func holdMarker(path string) (*os.File, error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_RDWR, 0o600)
	if err != nil {
		return nil, err
	}
	if _, err := f.WriteString(markerText); err != nil {
		f.Close()
		return nil, err
	}
	if err := lockMarker(f); err != nil {
		f.Close()
		return nil, err
	}
	return f, nil
}

// releaseMarker unlocks the marker (closing it, which on Windows also lets its directory go).
func (s *Stage) releaseMarker() {
	if s.marker != nil {
		s.marker.Close()
		s.marker = nil
	}
}

// removeStale removes the stages in parent that an idp killed outright left behind, and only
// those that are provably idp's and unused: a directory (not a link) named as a stage whose
// marker holds exactly markerText and that no running idp holds locked (where the system has
// no file locks: a marker older than staleAge), or an empty directory named as a stage and
// older than emptyStageAge. Anything else is left as it is. It returns what it removed.
func removeStale(parent string) []string {
	entries, err := os.ReadDir(parent)
	if err != nil {
		return nil
	}
	var removed []string
	for _, e := range entries {
		if !e.IsDir() || !reStage().MatchString(e.Name()) { // IsDir: a link is not followed
			continue
		}
		dir := filepath.Join(parent, e.Name())
		marker := filepath.Join(dir, stageMarker)
		fi, err := os.Lstat(marker)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			if info, err := e.Info(); err == nil && time.Since(info.ModTime()) > emptyStageAge && os.Remove(dir) == nil {
				removed = append(removed, dir) // Remove takes only an empty directory
			}
		case err == nil && fi.Mode().IsRegular() && isMarker(marker) && unused(marker, fi):
			if os.RemoveAll(dir) == nil {
				removed = append(removed, dir)
			}
		}
	}
	return removed
}

// isMarker reports whether the regular file at path holds exactly markerText.
func isMarker(path string) bool {
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, int64(len(markerText))+1))
	return err == nil && bytes.Equal(data, []byte(markerText))
}
