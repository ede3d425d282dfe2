package forge

import (
	"fmt"
	"net/url"
	"slices"
	"strings"
)

// Remote is a repository on a forge, as named by a git remote URL.
type Remote struct {
	Provider string // github, gitlab, gitea; "" when the host does not say
	Host     string // the forge's web URL: https://github.com, https://gitlab.example.com
	Owner    string // GitLab: the group path, possibly nested
	Name     string
}

// ParseRemote reads a remote URL (https://host/owner/name(.git), ssh://git@host[:port]/owner/name.git,
// git@host:owner/name.git, with or without credentials, which never appear in the result or an
// error). Provider: github.com -> github, gitlab.com -> gitlab, gitea.com and codeberg.org -> gitea,
// and a host whose first label is github, gitlab or gitea (gitlab.example.com) -> that one.
func ParseRemote(rawURL string) (Remote, error) {
	s := strings.TrimSpace(rawURL)
	if s == "" {
		return Remote{}, fmt.Errorf("remote URL is empty; give one like https://github.com/owner/name or git@github.com:owner/name.git")
	}
	bad := func(why string) (Remote, error) {
		return Remote{}, fmt.Errorf("%s is not a forge URL: %s; give one like https://github.com/owner/name or git@github.com:owner/name.git",
			redactRemote(s), why)
	}

	var web, hostname, path string
	if strings.Contains(s, "://") {
		u, err := url.Parse(s) // its error quotes the URL, credentials and all
		if err != nil {
			return bad("it does not parse as a URL")
		}
		switch strings.ToLower(u.Scheme) {
		case "https", "http":
			web = strings.ToLower(u.Scheme) + "://" + strings.ToLower(u.Host)
		case "ssh", "git", "git+ssh", "ssh+git":
			// An SSH port says nothing about the web's.
			web = "https://" + strings.ToLower(u.Hostname())
		case "file":
			return bad("it is a local path")
		default:
			return bad("git does not fetch over " + u.Scheme)
		}
		if u.RawQuery != "" || u.Fragment != "" {
			return bad("it has a query or fragment")
		}
		hostname, path = strings.ToLower(u.Hostname()), u.Path
	} else {
		// scp-like: [user@]host:path, which git recognises by a colon before any slash. A
		// one-letter "host" is a Windows drive.
		colon, slash := strings.Index(s, ":"), strings.Index(s, "/")
		if colon < 0 || (slash >= 0 && slash < colon) {
			return bad("it is a local path")
		}
		host := s[:colon]
		if at := strings.LastIndex(host, "@"); at >= 0 {
			host = host[at+1:]
		}
		if len(host) < 2 || strings.ContainsAny(host, `\[]`) {
			return bad("it is a local path")
		}
		hostname, path = strings.ToLower(host), s[colon+1:]
		web = "https://" + hostname
	}
	if hostname == "" {
		return bad("it names no host")
	}

	provider := hostProvider(hostname)
	path = strings.TrimSuffix(strings.Trim(path, "/"), ".git")
	if provider == "gitlab" || provider == "" {
		// GitLab's pages of a project are under /-/: group/project/-/tree/main.
		path, _, _ = strings.Cut(path, "/-/")
	}
	segs := strings.Split(path, "/")
	switch {
	case len(segs) < 2 || slices.Contains(segs, ""):
		return bad("it names no owner/name repository")
	case len(segs) > 2 && (provider == "github" || provider == "gitea"):
		return bad(provider + " repositories are owner/name, without more path")
	}
	return Remote{
		Provider: provider,
		Host:     web,
		Owner:    strings.Join(segs[:len(segs)-1], "/"),
		Name:     segs[len(segs)-1],
	}, nil
}

// hostProvider is the provider a host name says, or "".
func hostProvider(host string) string {
	switch host {
	case "github.com":
		return "github"
	case "gitlab.com":
		return "gitlab"
	case "gitea.com", "codeberg.org":
		return "gitea"
	}
	first, _, _ := strings.Cut(host, ".")
	switch first {
	case "github", "gitlab", "gitea":
		return first
	}
	return ""
}

// redactRemote hides the user information of a URL: a username can be a token
// (https://ghp_...@github.com/...). git@ is kept, and an scp-like address has no password.
func redactRemote(s string) string {
	scheme, rest, ok := strings.Cut(s, "://")
	if !ok {
		return s
	}
	authority, _, _ := strings.Cut(rest, "/")
	at := strings.LastIndex(authority, "@")
	if at < 0 || authority[:at] == "git" {
		return s
	}
	return scheme + "://xxxxx@" + rest[at+1:]
}
