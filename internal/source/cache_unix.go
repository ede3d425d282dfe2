//go:build unix

package source

import (
	"os"
	"syscall"
)

// lockHeld reports whether an idp holds the lock file at path now, without waiting for it.
func lockHeld(path string) bool {
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		return true
	}
	syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
	return false
}

// removeLockIfFree removes the lock file at path unless an idp holds it, holding the lock itself
// meanwhile. (An idp that opened the file in that instant still gets its lock, on a file no
// longer in the cache: that matters only if a third one clones the same source just then.)
func removeLockIfFree(path string) {
	f, err := os.Open(path)
	if err != nil {
		return
	}
	defer f.Close()
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		return
	}
	os.Remove(path)
	syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
}
