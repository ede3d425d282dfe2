package progress

import (
	"strings"
	"testing"
)

func TestBar(t *testing.T) {
	var out strings.Builder
	b := New(&out, "updating", 4)
	b.Set(1)
	b.Set(4)
	b.Finish()
	line := "updating [" + strings.Repeat(" ", 30) + "] 0/4"
	want := "\r" + line +
		"\rupdating [=======" + strings.Repeat(" ", 23) + "] 1/4" +
		"\rupdating [" + strings.Repeat("=", 30) + "] 4/4" +
		"\r" + strings.Repeat(" ", len(line)) + "\r"
	if out.String() != want {
		t.Errorf("drew %q, want %q", out.String(), want)
	}
	for _, quiet := range []*Bar{New(nil, "x", 3), New(&out, "x", 0)} {
		out.Reset()
		quiet.Set(1)
		quiet.Finish()
		if out.Len() != 0 {
			t.Errorf("a quiet bar drew %q", out.String())
		}
	}
}
