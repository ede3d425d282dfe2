package manifest

import (
	"fmt"
	"regexp"
	"strconv"
	"sync"
	"time"
)

// isoDurationRe is an ISO 8601 duration in weeks, days, hours, minutes and seconds, as
// Backstage's backstage.io/time-saved annotation takes it (PT2H, P1DT4H30M, P2W). Years and
// months are left out: they have no fixed length.
var isoDurationRe = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$`)
})

// ParseISODuration reads an ISO 8601 duration such as PT2H or P1DT4H30M.
func ParseISODuration(s string) (time.Duration, error) {
	m := isoDurationRe().FindStringSubmatch(s)
	if m == nil || s == "P" || s == "PT" {
		return 0, fmt.Errorf("%q is not an ISO 8601 duration such as PT2H, P1DT4H30M or P2W (years and months have no fixed length)", s)
	}
	var d time.Duration
	for i, unit := range []time.Duration{7 * 24 * time.Hour, 24 * time.Hour, time.Hour, time.Minute} {
		if m[i+1] != "" {
			n, err := strconv.ParseInt(m[i+1], 10, 64)
			if err != nil || n > 1e6 {
				return 0, fmt.Errorf("%q is too long a duration", s)
			}
			d += time.Duration(n) * unit
		}
	}
	if m[5] != "" {
		f, err := strconv.ParseFloat(m[5], 64)
		if err != nil || f > 1e9 {
			return 0, fmt.Errorf("%q is too long a duration", s)
		}
		d += time.Duration(f * float64(time.Second))
	}
	return d, nil
}

// TimeSavedDuration is the golden path's timeSaved; 0 when it declares none.
func (m *Manifest) TimeSavedDuration() time.Duration {
	d, _ := ParseISODuration(m.TimeSaved)
	return d
}
