package shell

import "strings"

// Quote quotes s for a POSIX shell when it holds anything but characters no shell treats
// specially, so that a command idp prints can be pasted as it is.
func Quote(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_@%+=:,./-") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
