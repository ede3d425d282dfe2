//go:build unix

package source

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"testing"
	"time"
)

// TestScanCache: a real clone made by OpenGit is counted under the name CacheEntry gives it,
// and what failed and killed runs leave is told apart from what an idp running now holds.
func TestScanCache(t *testing.T) {
	repo, _ := sourceRepo(t)
	cache := t.TempDir()
	url := "file://" + repo
	if _, err := OpenGit(context.Background(), url, GitOptions{CacheDir: cache}); err != nil {
		t.Fatal(err)
	}
	entry := CacheEntry(cache, url)
	if info, err := os.Stat(entry); err != nil || !info.IsDir() {
		t.Fatalf("CacheEntry %s is not where OpenGit cloned: %v", entry, err)
	}

	touch := func(name string) {
		if err := os.WriteFile(filepath.Join(cache, name), nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	mkdir := func(name string) {
		if err := os.MkdirAll(filepath.Join(cache, name, "objects"), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	touch("aaaaaaaaaaaaaaaaaaaaaaaa.lock") // a clone that failed
	mkdir("bbbbbbbbbbbbbbbbbbbbbbbb.tmp")  // a clone killed half-way
	touch("bbbbbbbbbbbbbbbbbbbbbbbb.lock")
	mkdir("cccccccccccccccccccccccc") // not a repository git can open
	touch("cccccccccccccccccccccccc.lock")
	mkdir("dddddddddddddddddddddddd.tmp") // a clone under way: its idp holds the lock
	unlock, err := lockFile(filepath.Join(cache, "dddddddddddddddddddddddd.lock"))
	if err != nil {
		t.Fatal(err)
	}
	defer unlock()
	touch("notes.txt") // not idp's: left alone

	c, err := ScanCache(cache)
	if err != nil {
		t.Fatal(err)
	}
	want := []StaleEntry{
		{"aaaaaaaaaaaaaaaaaaaaaaaa.lock", "the lock file of a clone that failed"},
		{"bbbbbbbbbbbbbbbbbbbbbbbb.lock", "the lock file of a clone that failed"},
		{"bbbbbbbbbbbbbbbbbbbbbbbb.tmp", "a clone cut short"},
		{"cccccccccccccccccccccccc", "a clone git cannot open; idp clones the source again once it is gone"},
	}
	if !reflect.DeepEqual(c.Stale, want) {
		t.Errorf("stale:\n got %q\nwant %q", c.Stale, want)
	}
	if want := []string{"dddddddddddddddddddddddd.lock", "dddddddddddddddddddddddd.tmp"}; !reflect.DeepEqual(c.Busy, want) {
		t.Errorf("busy: got %q, want %q", c.Busy, want)
	}
	if !c.Exists || c.Clones != 1 || c.Size < 1000 {
		t.Errorf("got %d clones of %d bytes (exists %v), want 1 clone of its pack's size", c.Clones, c.Size, c.Exists)
	}

	missing, err := ScanCache(filepath.Join(cache, "nope"))
	if err != nil || missing.Exists || missing.Clones != 0 || len(missing.Stale) != 0 {
		t.Errorf("a cache not made yet: %+v, %v", missing, err)
	}
}

// TestForgetFailedClone: the lock file of a first clone that failed goes; the lock of a clone
// that exists stays, and so does one another idp holds.
func TestForgetFailedClone(t *testing.T) {
	cache := t.TempDir()
	url := "https://127.0.0.1:1/golden.git"
	// What an idp from before OpenGit cleaned up after itself left.
	lock := CacheEntry(cache, url) + ".lock"
	if err := os.WriteFile(lock, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	ForgetFailedClone(cache, url)
	if _, err := os.Stat(lock); !os.IsNotExist(err) {
		t.Errorf("lock file of the failed clone still there: %v", err)
	}

	held := "https://127.0.0.1:1/held.git"
	unlock, err := lockFile(CacheEntry(cache, held) + ".lock")
	if err != nil {
		t.Fatal(err)
	}
	ForgetFailedClone(cache, held)
	unlock()
	if _, err := os.Stat(CacheEntry(cache, held) + ".lock"); err != nil {
		t.Errorf("the lock another idp holds was removed: %v", err)
	}

	repo, _ := sourceRepo(t)
	good := "file://" + repo
	if _, err := OpenGit(context.Background(), good, GitOptions{CacheDir: cache}); err != nil {
		t.Fatal(err)
	}
	ForgetFailedClone(cache, good)
	if _, err := os.Stat(CacheEntry(cache, good) + ".lock"); err != nil {
		t.Errorf("the lock of a clone that exists was removed: %v", err)
	}
}

// TestFailedCloneLeavesNothing: a first clone that fails, for a host that refuses or a
// cancelled run, leaves neither a lock file nor a clone cut short in the cache.
func TestFailedCloneLeavesNothing(t *testing.T) {
	cache := t.TempDir()
	if _, err := OpenGit(context.Background(), "https://127.0.0.1:1/golden.git", GitOptions{CacheDir: cache}); err == nil {
		t.Fatal("a clone from a closed port worked")
	}
	repo, _ := sourceRepo(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := OpenGit(ctx, "file://"+repo, GitOptions{CacheDir: cache}); err == nil {
		t.Fatal("a cancelled clone worked")
	}
	if entries, _ := os.ReadDir(cache); len(entries) != 0 {
		t.Errorf("failed clones left %v in the cache", names(entries))
	}
}

// TestOpenGitSweepsLeftovers: opening a git source removes what killed and failed runs left in
// the cache (ScanCache's stale entries), and leaves clones, what a running idp holds, and what
// is not idp's. A clone git cannot open is cloned again.
func TestOpenGitSweepsLeftovers(t *testing.T) {
	repo, _ := sourceRepo(t)
	cache := t.TempDir()
	url := "file://" + repo
	touch := func(name string) {
		if err := os.WriteFile(filepath.Join(cache, name), nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	mkdir := func(name string) {
		if err := os.MkdirAll(filepath.Join(cache, name, "objects"), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	touch("aaaaaaaaaaaaaaaaaaaaaaaa.lock") // a clone that failed
	mkdir("bbbbbbbbbbbbbbbbbbbbbbbb.tmp")  // a clone killed half-way
	touch("bbbbbbbbbbbbbbbbbbbbbbbb.lock")
	mkdir("cccccccccccccccccccccccc.tmp") // killed, its lock file gone too
	mkdir("dddddddddddddddddddddddd.tmp") // a clone under way: its idp holds the lock
	unlock, err := lockFile(filepath.Join(cache, "dddddddddddddddddddddddd.lock"))
	if err != nil {
		t.Fatal(err)
	}
	defer unlock()
	touch("notes.txt")
	entry := CacheEntry(cache, url)
	os.MkdirAll(entry, 0o755) // this source's clone, which git cannot open
	os.WriteFile(filepath.Join(entry, "junk"), []byte("garbage"), 0o644)
	if c, _ := ScanCache(cache); len(c.Stale) != 5 {
		t.Fatalf("the test's leftovers are not what ScanCache calls stale: %+v", c.Stale)
	}

	g, err := OpenGit(context.Background(), url, GitOptions{CacheDir: cache})
	if err != nil {
		t.Fatalf("a broken clone is not cloned again: %v", err)
	}
	if !g.Cloned || len(g.Versions("svc")) == 0 {
		t.Errorf("cloned %v, versions %v", g.Cloned, g.Versions("svc"))
	}
	entries, _ := os.ReadDir(cache)
	want := []string{filepath.Base(entry), filepath.Base(entry) + ".lock",
		"dddddddddddddddddddddddd.lock", "dddddddddddddddddddddddd.tmp", "notes.txt"}
	sort.Strings(want) // the entry's name is a hash of the URL, which holds the temp dir's path
	if got := names(entries); !reflect.DeepEqual(got, want) {
		t.Errorf("cache after OpenGit:\n got %q\nwant %q", got, want)
	}
	c, err := ScanCache(cache)
	if err != nil || len(c.Stale) != 0 || c.Clones != 1 {
		t.Errorf("ScanCache after the sweep: %+v %v", c, err)
	}
}

// TestLockFileRemovedByItsHolder: an idp waiting for a lock whose holder removes the lock file
// (a failed first clone) ends up holding the lock on the file now there, so that a third idp
// cannot take it at the same time.
func TestLockFileRemovedByItsHolder(t *testing.T) {
	path := filepath.Join(t.TempDir(), "e.lock")
	unlockFirst, err := lockFile(path)
	if err != nil {
		t.Fatal(err)
	}
	got := make(chan func())
	go func() {
		unlock, err := lockFile(path)
		if err != nil {
			t.Error(err)
		}
		got <- unlock
	}()
	time.Sleep(50 * time.Millisecond) // the second idp waits in flock
	os.Remove(path)
	unlockFirst()
	unlockSecond := <-got
	if _, ok := tryLock(path); ok {
		t.Error("a third idp took the lock while the second holds it")
	}
	unlockSecond()
	unlockThird, ok := tryLock(path)
	if !ok {
		t.Fatal("the lock is not free once the second idp let it go")
	}
	unlockThird()
}

func names(entries []os.DirEntry) []string {
	var out []string
	for _, e := range entries {
		out = append(out, e.Name())
	}
	return out
}
