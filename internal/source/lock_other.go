//go:build !unix

package source

// lockFile is a no-op where flock is missing; concurrent runs there may race on the cache.
func lockFile(string) (func(), error) { return func() {}, nil }

// tryLock always has the lock where flock is missing.
func tryLock(string) (func(), bool) { return func() {}, true }
