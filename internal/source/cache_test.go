//go:build unix

package source

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"testing"
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
	if _, err := OpenGit(context.Background(), url, GitOptions{CacheDir: cache}); err == nil {
		t.Fatal("a clone from a closed port worked")
	}
	lock := CacheEntry(cache, url) + ".lock"
	if _, err := os.Stat(lock); err != nil {
		t.Fatalf("OpenGit left no lock file to forget (%v); the test needs another failure", err)
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
