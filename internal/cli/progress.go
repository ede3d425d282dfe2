package cli

import (
	"io"

	"github.com/idp-cli/idp/internal/progress"
)

// Start is the factory as a fleet.Progress: a bar on stderr when it is a terminal.
func (f *Factory) Start(label string, total int) (func(int), func()) {
	var w io.Writer
	if f.IO.ErrTTY {
		w = f.IO.ErrOut
	}
	b := progress.New(w, label, total)
	return b.Set, b.Finish
}
