//go:build unix

package servicedir

import "syscall"

// noFollow opens a file without following a link at its last component, as a second guard
// behind the Lstat before it (a link swapped in between is refused, not followed).
const noFollow = syscall.O_NOFOLLOW
