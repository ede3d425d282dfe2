package tmplfuncs

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"text/template"
)

// The functions that build a large value from a small input (a count) are bounded, so that one
// call in a hostile or mistaken template cannot allocate gigabytes before the renderer's size
// limit sees a byte. Their results are sprig's below the bounds.
const (
	// MaxList is the most items until, untilStep and seq produce.
	MaxList = 1 << 20
	// MaxString is the most bytes repeat, indent and nindent produce.
	MaxString = 16 << 20
)

// bounded returns the bounded functions, checking ctx.
func bounded(ctx context.Context) template.FuncMap {
	return template.FuncMap{
		"until": func(count int) ([]int, error) {
			step := 1
			if count < 0 {
				step = -1
			}
			return untilStep(ctx, 0, count, step)
		},
		"untilStep": func(start, stop, step int) ([]int, error) {
			return untilStep(ctx, start, stop, step)
		},
		"seq": func(params ...int) (string, error) {
			var start, stop, step int
			switch len(params) {
			case 1:
				start, stop, step = 1, params[0], 1
				if stop < start {
					step = -1
				}
				stop += step
			case 2:
				start, stop, step = params[0], params[1], 1
				if stop < start {
					step = -1
				}
				stop += step
			case 3:
				start, stop, step = params[0], params[2], params[1]
				inc := 1
				if stop < start {
					inc = -1
					if step > 0 {
						return "", nil
					}
				}
				stop += inc
			default:
				return "", nil
			}
			list, err := untilStep(ctx, start, stop, step)
			if err != nil {
				return "", err
			}
			var b strings.Builder
			for i, n := range list {
				if i > 0 {
					b.WriteByte(' ')
				}
				b.WriteString(strconv.Itoa(n))
			}
			return b.String(), nil
		},
		"repeat": func(count int, s string) (string, error) {
			if err := ctx.Err(); err != nil {
				return "", err
			}
			if count < 0 {
				return "", fmt.Errorf("negative count %d", count)
			}
			if len(s) > 0 && count > MaxString/len(s) {
				return "", fmt.Errorf("%d copies of %d bytes is more than the %d bytes a string may hold", count, len(s), MaxString)
			}
			return strings.Repeat(s, count), nil
		},
		"indent": func(spaces int, s string) (string, error) {
			return indent(ctx, spaces, s)
		},
		"nindent": func(spaces int, s string) (string, error) {
			out, err := indent(ctx, spaces, s)
			return "\n" + out, err
		},
	}
}

// untilStep is sprig's untilStep with its length computed first: no more than MaxList items,
// and no endless loop when start+step overflows.
func untilStep(ctx context.Context, start, stop, step int) ([]int, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var n uint64
	switch {
	case stop < start && step < 0:
		d, s := uint64(start)-uint64(stop), uint64(0)-uint64(step)
		n = d / s
		if d%s != 0 {
			n++
		}
	case stop > start && step > 0:
		d, s := uint64(stop)-uint64(start), uint64(step)
		n = d / s
		if d%s != 0 {
			n++
		}
	}
	if n > MaxList {
		return nil, fmt.Errorf("%d items is more than the %d a list may hold", n, MaxList)
	}
	v := make([]int, n)
	for i := range v {
		v[i] = start + i*step
	}
	return v, nil
}

func indent(ctx context.Context, spaces int, s string) (string, error) {
	if err := ctx.Err(); err != nil {
		return "", err
	}
	if spaces < 0 {
		return "", fmt.Errorf("negative count %d", spaces)
	}
	lines := strings.Count(s, "\n") + 1
	if spaces > MaxString/lines || len(s)+spaces*lines > MaxString {
		return "", fmt.Errorf("the result would be more than the %d bytes a string may hold", MaxString)
	}
	pad := strings.Repeat(" ", spaces)
	return pad + strings.ReplaceAll(s, "\n", "\n"+pad), nil
}
