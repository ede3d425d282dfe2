// Package bytesize says a size limit in words: the largest binary unit that divides it exactly,
// as idp's limits (64 MiB a file, 1 MiB for .idp.yaml) are set.
package bytesize

import "fmt"

// Text is n bytes as "64 MiB", "4 KiB" or, when no unit divides it, "1000 bytes".
func Text(n int64) string {
	for _, u := range []struct {
		name string
		n    int64
	}{{"GiB", 1 << 30}, {"MiB", 1 << 20}, {"KiB", 1 << 10}} {
		if n >= u.n && n%u.n == 0 {
			return fmt.Sprintf("%d %s", n/u.n, u.name)
		}
	}
	return fmt.Sprintf("%d bytes", n)
}
