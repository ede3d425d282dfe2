//go:build !unix

package servicedir

// noFollow: no O_NOFOLLOW here; the Lstat before each open and os.Root's confinement remain.
const noFollow = 0
