//go:build !linux

package gitrepo

import (
	"io/fs"

	"github.com/go-git/go-git/v5/plumbing/format/index"
)

func fillSys(*index.Entry, fs.FileInfo) {}
