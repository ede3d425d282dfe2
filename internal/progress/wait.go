package progress

import (
	"fmt"
	"io"
	"log/slog"
	"time"
)

// Wait says why work over many items stands still for d (a forge's rate limit): on the bar's
// line when out is a terminal, else as a warning in log when the wait is long enough to be
// noticed (a minute or more).
func Wait(out io.Writer, tty bool, log *slog.Logger, d time.Duration, why string) {
	msg := fmt.Sprintf("waiting %s: %s", d.Round(time.Second), why)
	switch {
	case tty:
		fmt.Fprintf(out, "\r%s\x1b[K", msg)
	case d >= time.Minute && log != nil:
		log.Warn(msg)
	}
}
