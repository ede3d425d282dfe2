// Package limit holds the values of the flags that bound work (--max-file-size,
// --render-timeout, doctor's --timeout): a size or a duration, where 0 lifts the bound.
package limit

import (
	"errors"
	"math"
	"strconv"
	"strings"
	"time"
)

// sizeForm is what a size flag wants, for its error message.
const sizeForm = "want a size such as 512MiB, 2GB or 1048576 (0: no limit)"

var sizeUnits = map[string]int64{
	"": 1, "b": 1,
	"kb": 1000, "mb": 1000 * 1000, "gb": 1000 * 1000 * 1000,
	"kib": 1 << 10, "mib": 1 << 20, "gib": 1 << 30,
}

// ParseSize reads a number of bytes: plain, or with a unit B, KB, MB, GB (powers of 1000) or
// KiB, MiB, GiB (powers of 1024), in any case, optionally after a space as render's messages
// write it ("1 MiB").
func ParseSize(s string) (int64, error) {
	s = strings.TrimSpace(s)
	end := strings.IndexFunc(s, func(r rune) bool { return r < '0' || r > '9' })
	if end < 0 {
		end = len(s)
	}
	mult, ok := sizeUnits[strings.ToLower(strings.TrimSpace(s[end:]))]
	if end == 0 || !ok {
		return 0, errors.New(sizeForm)
	}
	n, err := strconv.ParseInt(s[:end], 10, 64)
	if err != nil || n > math.MaxInt64/mult {
		return 0, errors.New("more bytes than idp can count; use 0 for no limit")
	}
	return n * mult, nil
}

// formatSize writes n in the largest unit that divides it, 1024-based first.
func formatSize(n int64) string {
	for _, u := range []struct {
		name string
		n    int64
	}{{"GiB", 1 << 30}, {"MiB", 1 << 20}, {"KiB", 1 << 10}, {"GB", 1e9}, {"MB", 1e6}, {"KB", 1e3}} {
		if n >= u.n && n%u.n == 0 {
			return strconv.FormatInt(n/u.n, 10) + u.name
		}
	}
	return strconv.FormatInt(n, 10)
}

// Size is a pflag.Value over a limit in bytes: "0" on the command line is no limit, which
// render.Options and the like spell as a negative number.
type Size int64

func (v *Size) Set(s string) error {
	n, err := ParseSize(s)
	if err != nil {
		return err
	}
	if n == 0 {
		n = -1
	}
	*v = Size(n)
	return nil
}

func (v *Size) String() string {
	if *v <= 0 {
		return "0"
	}
	return formatSize(int64(*v))
}

func (v *Size) Type() string { return "size" }

// Duration is a pflag.Value over a time limit, with "0" as no limit (a negative duration).
type Duration time.Duration

func (v *Duration) Set(s string) error {
	d, err := time.ParseDuration(strings.TrimSpace(s))
	if err != nil || d < 0 {
		return errors.New("want a duration such as 30s, 2m or 1h30m (0: no limit)")
	}
	if d == 0 {
		d = -1
	}
	*v = Duration(d)
	return nil
}

func (v *Duration) String() string {
	if *v <= 0 {
		return "0"
	}
	return time.Duration(*v).String()
}

func (v *Duration) Type() string { return "duration" }
