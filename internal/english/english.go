// Package english says counts in words, the one way idp's messages do: "1 file", "3 files",
// "2 dependencies".
package english

import (
	"strconv"
	"strings"
)

// Plural is n and the noun, plural unless n is 1: a noun ending in y takes ies.
func Plural(n int, noun string) string {
	switch {
	case n == 1:
		return "1 " + noun
	case strings.HasSuffix(noun, "y"):
		return strconv.Itoa(n) + " " + noun[:len(noun)-1] + "ies"
	}
	return strconv.Itoa(n) + " " + noun + "s"
}
