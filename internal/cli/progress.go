package cli

import (
	"fmt"
	"io"
	"strings"
)

// progress is a bar on stderr for work over many items, drawn only when stderr is a terminal.
type progress struct {
	w     io.Writer // nil: quiet
	label string
	total int
	width int // of the line last drawn
}

func (f *Factory) newProgress(label string, total int) *progress {
	p := &progress{label: label, total: total}
	if f.IO.ErrTTY && total > 0 {
		p.w = f.IO.ErrOut
		p.set(0)
	}
	return p
}

const barWidth = 30

// set draws the bar at done items; callers serialise their calls.
func (p *progress) set(done int) {
	if p.w == nil {
		return
	}
	filled := barWidth * done / p.total
	line := fmt.Sprintf("%s [%s%s] %d/%d", p.label, strings.Repeat("=", filled), strings.Repeat(" ", barWidth-filled), done, p.total)
	p.width = len(line)
	fmt.Fprint(p.w, "\r"+line)
}

// finish clears the bar's line.
func (p *progress) finish() {
	if p.w == nil {
		return
	}
	fmt.Fprintf(p.w, "\r%s\r", strings.Repeat(" ", p.width))
}

// Start is the factory as a fleet.Progress: a bar on stderr when it is a terminal.
func (f *Factory) Start(label string, total int) (func(int), func()) {
	p := f.newProgress(label, total)
	return p.set, p.finish
}
