package source

import (
	"net/url"
	"path"
	"path/filepath"
	"strings"
)

// Trusted reports whether the source at loc lies under one of the trusted prefixes (config
// trusted-sources). Both are parsed and cleaned first and compared by scheme, host and whole
// path segments: file:///srv/trusted/../evil is /srv/evil, and .../platform does not trust
// .../platform-evil. A prefix that cannot be parsed trusts nothing.
func Trusted(loc string, prefixes []string) bool {
	src, ok := locate(loc)
	if !ok {
		return false
	}
	for _, p := range prefixes {
		pre, ok := locate(p)
		if !ok || pre.scheme != src.scheme || pre.host != src.host || len(pre.segs) > len(src.segs) {
			continue
		}
		if pre.scheme == "builtin" || equalSegs(pre.segs, src.segs[:len(pre.segs)]) {
			return true
		}
	}
	return false
}

func equalSegs(a, b []string) bool {
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// location is a source's place, cleaned: credentials and default ports dropped, host in lower
// case, a repository's .git suffix dropped, the path as its segments.
type location struct {
	scheme, host string
	segs         []string
}

func locate(loc string) (location, bool) {
	loc = strings.TrimSpace(loc)
	switch {
	case loc == "":
		return location{}, false
	case loc == "builtin":
		return location{scheme: "builtin"}, true
	case strings.Contains(loc, "://"):
		u, err := url.Parse(loc)
		if err != nil || u.Opaque != "" {
			return location{}, false
		}
		l := location{scheme: strings.ToLower(u.Scheme), host: strings.ToLower(u.Hostname())}
		if port := u.Port(); port != "" && port != defaultPort[l.scheme] {
			l.host += ":" + port
		}
		p := u.Path
		if l.scheme == "file" {
			if l.host != "" && l.host != "localhost" {
				return location{}, false
			}
			l.host = ""
			p = realPath(p)
		}
		l.segs = segments(p)
		return l, true
	case isSCP(loc):
		// git@host:path, as git and ssh read it: ssh to host, path relative to the login.
		userHost, p, _ := strings.Cut(loc, ":")
		_, host, found := strings.Cut(userHost, "@")
		if !found {
			host = userHost
		}
		return location{scheme: "ssh", host: strings.ToLower(host), segs: segments(p)}, true
	}
	abs, err := filepath.Abs(loc)
	if err != nil {
		return location{}, false
	}
	return location{scheme: "file", segs: segments(realPath(filepath.ToSlash(abs)))}, true
}

var defaultPort = map[string]string{"https": "443", "http": "80", "ssh": "22", "git": "9418"}

// isSCP reports git's scp-like syntax: a colon before any slash, and not a Windows drive.
func isSCP(loc string) bool {
	colon := strings.IndexByte(loc, ':')
	slash := strings.IndexByte(loc, '/')
	return colon > 1 && (slash < 0 || colon < slash)
}

// realPath resolves links in a local path where it exists, so a link under a trusted
// directory that points elsewhere is judged by where it points.
func realPath(p string) string {
	if r, err := filepath.EvalSymlinks(filepath.FromSlash(p)); err == nil {
		if abs, err := filepath.Abs(r); err == nil {
			return filepath.ToSlash(abs)
		}
	}
	return p
}

func segments(p string) []string {
	p = path.Clean("/" + strings.ReplaceAll(p, "\\", "/"))
	var out []string
	for _, s := range strings.Split(p, "/") {
		if s != "" {
			out = append(out, s)
		}
	}
	if n := len(out); n > 0 {
		out[n-1] = strings.TrimSuffix(out[n-1], ".git")
		if out[n-1] == "" {
			out = out[:n-1]
		}
	}
	return out
}
