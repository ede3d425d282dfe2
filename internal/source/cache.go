package source

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"

	git "github.com/go-git/go-git/v5"

	"github.com/idp-cli/idp/internal/gitauth"
)

// CacheDir is where git sources are cloned: $XDG_CACHE_HOME/idp/sources, else
// ~/.cache/idp/sources, with the environment that getenv reads.
func CacheDir(getenv func(string) string) string {
	base := getenv("XDG_CACHE_HOME")
	if base == "" {
		base = filepath.Join(getenv("HOME"), ".cache")
	}
	return filepath.Join(base, "idp", "sources")
}

// CacheEntry is the directory under cacheDir that holds the clone of the git source rawURL;
// its lock file is the same path with ".lock", a clone under way ".tmp".
func CacheEntry(cacheDir, rawURL string) string {
	sum := sha256.Sum256([]byte(gitauth.Redact(rawURL)))
	return filepath.Join(cacheDir, hex.EncodeToString(sum[:12]))
}

// Cache is what the source cache directory holds.
type Cache struct {
	Dir    string
	Exists bool
	Clones int   // clones of git sources
	Size   int64 // bytes in every file under Dir
	// Stale lists what no idp uses or will use again, by name under Dir.
	Stale []StaleEntry
	// Busy lists the entries an idp running now holds locked, by name under Dir.
	Busy []string
}

// StaleEntry is a file or directory in the cache that can go.
type StaleEntry struct {
	Name string // under Cache.Dir
	Why  string
}

var reEntry = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[0-9a-f]{24}$`) })

// ScanCache reads the source cache in dir without changing it: its clones and their size,
// and what killed or failed runs left: lock files of clones that never happened, clones cut
// short (.tmp) that no idp holds, and entries git cannot open. A missing dir is an empty cache.
func ScanCache(dir string) (*Cache, error) {
	c := &Cache{Dir: dir}
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return c, nil
	}
	if err != nil {
		return nil, err
	}
	c.Exists = true
	c.Stale, c.Busy, c.Clones = scanEntries(dir, entries, true)
	sort.Slice(c.Stale, func(i, j int) bool { return c.Stale[i].Name < c.Stale[j].Name })
	err = filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil // what cannot be read does not count; ReadDir above saw the top
		}
		if d.Type().IsRegular() {
			if info, err := d.Info(); err == nil {
				c.Size += info.Size()
			}
		}
		return nil
	})
	return c, err
}

// scanEntries sorts the cache's entries into clones, what an idp running now holds (busy), and
// what killed or failed runs left (stale): lock files of clones that never happened, clones cut
// short, and, when deep, clones git cannot open.
func scanEntries(dir string, entries []os.DirEntry, deep bool) (stale []StaleEntry, busy []string, clones int) {
	names := map[string]bool{}
	for _, e := range entries {
		names[e.Name()] = e.IsDir()
	}
	for _, e := range entries {
		name := e.Name()
		base, ext := name, ""
		if i := strings.IndexByte(name, '.'); i > 0 {
			base, ext = name[:i], name[i:]
		}
		if !reEntry().MatchString(base) {
			continue
		}
		lock := filepath.Join(dir, base+".lock")
		switch {
		case ext == "" && e.IsDir():
			if deep {
				if _, err := git.PlainOpen(filepath.Join(dir, name)); err != nil {
					stale = append(stale, StaleEntry{name, "a clone git cannot open; idp clones the source again once it is gone"})
					continue
				}
			}
			clones++
		case ext == ".lock" && !e.IsDir():
			if names[base] {
				continue // the lock of a clone, used on every fetch
			}
			if lockHeld(lock) {
				busy = append(busy, name)
				continue
			}
			stale = append(stale, StaleEntry{name, "the lock file of a clone that failed"})
		case ext == ".tmp" && e.IsDir():
			if lockHeld(lock) {
				busy = append(busy, name)
				continue
			}
			stale = append(stale, StaleEntry{name, "a clone cut short"})
		}
	}
	return stale, busy, clones
}

// sweepCache removes what failed or killed runs left in the source cache in dir: the lock files
// of clones that never happened and clones cut short (ScanCache's stale entries, but for clones
// git cannot open, which OpenGit replaces when it needs them). Each goes only while its entry's
// lock is free and taken by the sweep, so nothing an idp running now uses is touched.
func sweepCache(dir string) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	stale, _, _ := scanEntries(dir, entries, false)
	for _, s := range stale {
		base := filepath.Join(dir, s.Name[:strings.IndexByte(s.Name, '.')])
		unlock, ok := tryLock(base + ".lock")
		if !ok {
			continue
		}
		if _, err := os.Lstat(base); errors.Is(err, fs.ErrNotExist) {
			os.RemoveAll(base + ".tmp")
			os.Remove(base + ".lock")
		}
		unlock()
	}
}

// ForgetFailedClone removes the lock file that OpenGit left for rawURL when its first clone
// failed, so that a source that could not be reached leaves nothing in the cache. It does
// nothing when the clone exists or another idp holds the lock.
func ForgetFailedClone(cacheDir, rawURL string) {
	dir := CacheEntry(cacheDir, rawURL)
	if _, err := os.Lstat(dir); !errors.Is(err, fs.ErrNotExist) {
		return
	}
	removeLockIfFree(dir + ".lock")
}
