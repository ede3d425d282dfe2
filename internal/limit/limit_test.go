package limit

import "testing"

func TestParseSize(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want int64
		err  string
	}{
		{in: "1048576", want: 1048576},
		{in: "512MiB", want: 512 << 20},
		{in: "2GB", want: 2_000_000_000},
		{in: "1kib", want: 1024},
		{in: "1KB", want: 1000},
		{in: "3mb", want: 3_000_000},
		{in: "1GiB", want: 1 << 30},
		{in: "10B", want: 10},
		{in: "1 MiB", want: 1 << 20}, // as render's messages write it
		{in: "0", want: 0},
		{in: "0MiB", want: 0},
		{in: "12XB", err: sizeForm},
		{in: "", err: sizeForm},
		{in: "MiB", err: sizeForm},
		{in: "-1", err: sizeForm},
		{in: "1.5GiB", err: sizeForm},
		{in: "1M", err: sizeForm},
		{in: "1 MiB extra", err: sizeForm},
		{in: "9223372036854775807", want: 1<<63 - 1},
		{in: "9223372036854775808", err: "more bytes than idp can count; use 0 for no limit"},
		{in: "9000000000GiB", err: "more bytes than idp can count; use 0 for no limit"},
	} {
		got, err := ParseSize(tc.in)
		switch {
		case tc.err != "" && (err == nil || err.Error() != tc.err):
			t.Errorf("ParseSize(%q) = %d, %v; want error %q", tc.in, got, err, tc.err)
		case tc.err == "" && (err != nil || got != tc.want):
			t.Errorf("ParseSize(%q) = %d, %v; want %d", tc.in, got, err, tc.want)
		}
	}
}
