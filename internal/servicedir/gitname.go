package servicedir

import (
	"strings"
)

// GitComponent returns the first component of a slash- or backslash-separated path that a file
// system would take for .git, as git's core.protectNTFS and core.protectHFS refuse them on
// every OS: ".git" in any case, with trailing dots or spaces or an NTFS stream (".git.",
// ".GIT ", ".git::$INDEX_ALLOCATION"), its 8.3 short name "GIT~1", and ".git" with the code
// points HFS+ ignores (".g\u200cit"). A service made on Linux is cloned on macOS and Windows,
// where such a file is the repository's own .git: .GIT/hooks/pre-commit would run on the next
// commit. It returns "" when there is none.
func GitComponent(p string) string {
	for _, c := range strings.FieldsFunc(p, func(r rune) bool { return r == '/' || r == '\\' }) {
		if isNTFSDotGit(c) || isHFSDotGit(c) {
			return c
		}
	}
	return ""
}

// isNTFSDotGit: ".git" or "git~1", case-insensitive, followed only by dots and spaces, or by
// a colon (an alternate data stream).
func isNTFSDotGit(c string) bool {
	var rest string
	switch {
	case len(c) >= 4 && strings.EqualFold(c[:4], ".git"):
		rest = c[4:]
	case len(c) >= 5 && strings.EqualFold(c[:5], "git~1"):
		rest = c[5:]
	default:
		return false
	}
	for i := 0; i < len(rest); i++ {
		switch rest[i] {
		case ':':
			return true
		case '.', ' ':
		default:
			return false
		}
	}
	return true
}

// isHFSDotGit: ".git", case-insensitive, once the code points HFS+ ignores are dropped.
func isHFSDotGit(c string) bool {
	if !strings.ContainsFunc(c, hfsIgnored) && len(c) != 4 {
		return false
	}
	var b strings.Builder
	for _, r := range c {
		if hfsIgnored(r) {
			continue
		}
		b.WriteRune(r)
	}
	return strings.EqualFold(b.String(), ".git")
}

// hfsIgnored lists the code points HFS+ leaves out when comparing names (git's
// next_hfs_char): zero-width joiners and directional marks, and the byte-order mark.
func hfsIgnored(r rune) bool {
	switch {
	case r >= 0x200c && r <= 0x200f, r >= 0x202a && r <= 0x202e, r >= 0x206a && r <= 0x206f, r == 0xfeff:
		return true
	}
	return false
}
