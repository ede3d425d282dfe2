package cli

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/idp-cli/idp/internal/render"
)

// addRenderFlags adds the flags that bound a render, for commands that render a golden path. The
// defaults keep a hostile or broken golden path from filling memory or running for ever; the
// flags are for one that is meant to be large or slow. 0 lifts a bound. idpVersion is this
// idp's version, .idp.version in the skeleton.
func addRenderFlags(cmd *cobra.Command, o *render.Options, idpVersion string) {
	// Set explicitly rather than left at render's zero-means-default, so that help shows them.
	o.MaxFileSize, o.MaxTotalSize, o.Timeout = render.DefaultMaxFileSize, render.DefaultMaxTotalSize, render.DefaultTimeout
	o.IdpVersion = idpVersion
	fl := cmd.Flags()
	fl.Var((*sizeValue)(&o.MaxFileSize), "max-file-size", "the most one rendered file may hold; a golden path rendering more is refused (0: no limit)")
	fl.Var((*sizeValue)(&o.MaxTotalSize), "max-render-size", "the most the whole rendered service may hold, and apart from it the values its expressions build; a golden path rendering or building more is refused (0: no limit)")
	fl.Var((*timeoutValue)(&o.Timeout), "render-timeout", "the longest a render may take; a golden path rendering for longer is refused (0: no limit)")
}

// renderLimitHint names the flags that move a limit a render ran into.
func renderLimitHint(err error) error {
	switch {
	case errors.Is(err, render.ErrTooLarge):
		return fmt.Errorf("%w (--max-file-size and --max-render-size raise the limits, 0 lifts them)", err)
	case errors.Is(err, render.ErrTimeout):
		return fmt.Errorf("%w (--render-timeout raises the limit, 0 lifts it)", err)
	}
	return err
}

// sizeForm is what a size flag wants, for its error message.
const sizeForm = "want a size such as 512MiB, 2GB or 1048576 (0: no limit)"

var sizeUnits = map[string]int64{
	"": 1, "b": 1,
	"kb": 1000, "mb": 1000 * 1000, "gb": 1000 * 1000 * 1000,
	"kib": 1 << 10, "mib": 1 << 20, "gib": 1 << 30,
}

// parseSize reads a number of bytes: plain, or with a unit B, KB, MB, GB (powers of 1000) or
// KiB, MiB, GiB (powers of 1024), in any case, optionally after a space as render's messages
// write it ("1 MiB").
func parseSize(s string) (int64, error) {
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

// sizeValue is a pflag.Value over a render.Options size: "0" on the command line is no limit,
// which render.Options spells as a negative number.
type sizeValue int64

func (v *sizeValue) Set(s string) error {
	n, err := parseSize(s)
	if err != nil {
		return err
	}
	if n == 0 {
		n = -1
	}
	*v = sizeValue(n)
	return nil
}

func (v *sizeValue) String() string {
	if *v <= 0 {
		return "0"
	}
	return formatSize(int64(*v))
}

func (v *sizeValue) Type() string { return "size" }

// timeoutValue is a pflag.Value over render.Options.Timeout, with "0" as no limit.
type timeoutValue time.Duration

func (v *timeoutValue) Set(s string) error {
	d, err := time.ParseDuration(strings.TrimSpace(s))
	if err != nil || d < 0 {
		return errors.New("want a duration such as 30s, 2m or 1h30m (0: no limit)")
	}
	if d == 0 {
		d = -1
	}
	*v = timeoutValue(d)
	return nil
}

func (v *timeoutValue) String() string {
	if *v <= 0 {
		return "0"
	}
	return time.Duration(*v).String()
}

func (v *timeoutValue) Type() string { return "duration" }
