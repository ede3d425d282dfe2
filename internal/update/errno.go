package update

import "syscall"

// syscallENOTDIR: a path under a file, which counts as absent.
var syscallENOTDIR error = syscall.ENOTDIR
