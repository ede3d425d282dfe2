//go:build !unix

package scaffold

import (
	"io/fs"
	"os"
	"time"
)

// staleAge is how old a stage's marker must be to count as unused where there are no file
// locks to tell: no idp new or template init runs for a day.
const staleAge = 24 * time.Hour

func lockMarker(*os.File) error { return nil }

func unused(_ string, fi fs.FileInfo) bool { return time.Since(fi.ModTime()) > staleAge }
