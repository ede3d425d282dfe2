package progress

import (
	"log/slog"
	"strings"
	"testing"
	"time"
)

// TestWait: on a terminal the wait takes the bar's line; otherwise only a wait of a minute or
// more is worth a log line.
func TestWait(t *testing.T) {
	var out, log strings.Builder
	logger := slog.New(slog.NewTextHandler(&log, &slog.HandlerOptions{ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
		if a.Key == slog.TimeKey {
			return slog.Attr{}
		}
		return a
	}}))
	Wait(&out, true, logger, 1500*time.Millisecond, "GitHub's secondary rate limit")
	if want := "\rwaiting 2s: GitHub's secondary rate limit\x1b[K"; out.String() != want || log.Len() != 0 {
		t.Errorf("on a terminal: %q, log %q; want %q", out.String(), log.String(), want)
	}
	out.Reset()
	Wait(&out, false, logger, 20*time.Second, "pacing writes")
	Wait(&out, false, logger, 3*time.Minute, "the primary rate limit resets at 14:00")
	Wait(&out, false, nil, 3*time.Minute, "no logger")
	if want := "level=WARN msg=\"waiting 3m0s: the primary rate limit resets at 14:00\"\n"; out.Len() != 0 || log.String() != want {
		t.Errorf("not a terminal: %q, log %q; want %q", out.String(), log.String(), want)
	}
}
