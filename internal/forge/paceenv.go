package forge

import (
	"fmt"
	"strconv"
)

// SetWritesPerHourFrom sets the pace of content-creating requests (SetWritesPerHour) from
// IDP_FORGE_WRITES_PER_HOUR as getenv gives it; unset means DefaultWritesPerHour.
func SetWritesPerHourFrom(getenv func(string) string) error {
	n := 0
	if v := getenv("IDP_FORGE_WRITES_PER_HOUR"); v != "" {
		var err error
		if n, err = strconv.Atoi(v); err != nil {
			return fmt.Errorf("IDP_FORGE_WRITES_PER_HOUR=%q: give a number of content-creating requests an hour (default %d; -1 for no pacing)", v, DefaultWritesPerHour)
		}
	}
	SetWritesPerHour(n)
	return nil
}
