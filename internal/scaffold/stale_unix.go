//go:build unix

package scaffold

import (
	"io/fs"
	"os"
	"syscall"
)

// lockMarker takes the stage's lock: the system releases it when the process ends, even killed.
func lockMarker(f *os.File) error {
	return syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
}

// unused reports whether no process holds the marker's lock: its idp is gone.
func unused(path string, _ fs.FileInfo) bool {
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		return false
	}
	syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
	return true
}
