// Package progress draws a bar for work over many items (a fleet's repositories), on a
// terminal's stderr.
package progress

import (
	"fmt"
	"io"
	"strings"
)

// Bar is a progress bar; one on a nil writer, or over no items, draws nothing.
type Bar struct {
	w     io.Writer
	label string
	total int
	width int // of the line last drawn
}

const barWidth = 30

// New draws the bar at 0 of total on w, which is nil when the bar should stay quiet.
func New(w io.Writer, label string, total int) *Bar {
	b := &Bar{label: label, total: total}
	if w != nil && total > 0 {
		b.w = w
		b.Set(0)
	}
	return b
}

// Set draws the bar at done items; callers serialise their calls.
func (b *Bar) Set(done int) {
	if b.w == nil {
		return
	}
	filled := barWidth * done / b.total
	line := fmt.Sprintf("%s [%s%s] %d/%d", b.label, strings.Repeat("=", filled), strings.Repeat(" ", barWidth-filled), done, b.total)
	b.width = len(line)
	fmt.Fprint(b.w, "\r"+line)
}

// Finish clears the bar's line.
func (b *Bar) Finish() {
	if b.w == nil {
		return
	}
	fmt.Fprintf(b.w, "\r%s\r", strings.Repeat(" ", b.width))
}
