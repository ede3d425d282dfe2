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
// meanwhile. An idp waiting for that lock finds it gone once it has it, and takes the lock again
// (lockFile).
func removeLockIfFree(path string) {
	if unlock, ok := tryLock(path); ok {
		os.Remove(path)
		unlock()
	}
}
