//go:build !unix

package source

import "os"

// lockHeld cannot tell where flock is missing: lockFile takes no lock there either.
func lockHeld(string) bool { return false }

func removeLockIfFree(path string) { os.Remove(path) }
