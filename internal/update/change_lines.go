package update

import (
	"fmt"
	"io"
)

// WriteChangeLines writes one line per changed path: action, path and why; "no file changes"
// when there are none.
func WriteChangeLines(w io.Writer, changes []Change) {
	for _, c := range changes {
		line := c.Path
		if c.From != "" {
			line = c.From + " -> " + c.Path
		}
		if c.Reason != "" {
			line += ": " + c.Reason
		}
		fmt.Fprintf(w, "  %-9s %s\n", c.Action, line)
	}
	if len(changes) == 0 {
		fmt.Fprintf(w, "  no file changes\n")
	}
}
