package bytesize

import "testing"

func TestText(t *testing.T) {
	for n, want := range map[int64]string{64 << 20: "64 MiB", 1 << 30: "1 GiB", 4096: "4 KiB", 1000: "1000 bytes", 1536: "1536 bytes", 0: "0 bytes"} {
		if got := Text(n); got != want {
			t.Errorf("Text(%d) = %q, want %q", n, got, want)
		}
	}
}
