// Package gitauth finds the credential for a git URL: a password in the URL, IDP_GIT_TOKEN, the
// forge token variables for their hosts, or ~/.netrc. It says which it tried, so that a refused
// push or fetch can tell the user where to put the right one. Credentials are never logged.
package gitauth

import (
	"bufio"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"github.com/go-git/go-git/v5/plumbing/transport"
	githttp "github.com/go-git/go-git/v5/plumbing/transport/http"
)

// Result is the credential found, if any, and the places looked at, in order.
type Result struct {
	Auth  transport.AuthMethod
	From  string   // where Auth came from
	Tried []string // every place looked at
	// Err is set when a credential or the host key check was asked for but cannot be used: an
	// IDP_SSH_KEY that is missing, not a key or has the wrong passphrase, or no known_hosts file
	// to check an ssh host against. Auth is then nil; stop and show Err, which says what to do.
	Err error
}

// forges maps a token variable to the usernames the forge expects with it and to how its hosts
// are recognised.
var forges = []struct {
	env, user string
	match     func(host string) bool
}{
	{"GITHUB_TOKEN", "x-access-token", func(h string) bool { return h == "github.com" || strings.HasPrefix(h, "github.") }},
	{"GITLAB_TOKEN", "oauth2", func(h string) bool { return h == "gitlab.com" || strings.Contains(h, "gitlab") }},
	{"GITEA_TOKEN", "git", func(h string) bool { return strings.Contains(h, "gitea") || strings.Contains(h, "codeberg") }},
}

// For finds the credential for an http(s) or ssh URL (ssh:// or scp-like user@host:path).
// getenv reads the environment. For other URLs the Result is empty.
func For(rawURL string, getenv func(string) string) Result {
	if ep, ok := sshEndpoint(rawURL); ok {
		return forSSH(ep, getenv)
	}
	var r Result
	u, err := url.Parse(rawURL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") {
		return r
	}
	host := u.Hostname()
	try := func(name string, user, pass string) bool {
		r.Tried = append(r.Tried, name)
		if pass == "" {
			return false
		}
		r.Auth, r.From = &githttp.BasicAuth{Username: user, Password: pass}, name
		return true
	}
	if u.User != nil {
		pw, _ := u.User.Password()
		if try("the URL", u.User.Username(), pw) {
			return r
		}
	}
	if try("IDP_GIT_TOKEN", orDefault(getenv("IDP_GIT_USERNAME"), "git"), getenv("IDP_GIT_TOKEN")) {
		return r
	}
	for _, f := range forges {
		if f.match(host) && try(f.env, f.user, getenv(f.env)) {
			return r
		}
	}
	user, pass := netrc(host, getenv)
	try(netrcPath(getenv), user, pass)
	return r
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

func netrcPath(getenv func(string) string) string {
	if p := getenv("NETRC"); p != "" {
		return p
	}
	return filepath.Join(getenv("HOME"), ".netrc")
}

// netrc reads the login and password for host from the netrc file (machine, then default).
func netrc(host string, getenv func(string) string) (string, string) {
	f, err := os.Open(netrcPath(getenv))
	if err != nil {
		return "", ""
	}
	defer f.Close()
	var words []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if i := strings.Index(line, "#"); i >= 0 {
			line = line[:i]
		}
		words = append(words, strings.Fields(line)...)
	}
	var login, password, defLogin, defPassword string
	current := ""
	for i := 0; i < len(words); i++ {
		switch words[i] {
		case "machine":
			if i+1 < len(words) {
				current = words[i+1]
				i++
			}
		case "default":
			current = "\x00default"
		case "login", "password":
			if i+1 >= len(words) {
				break
			}
			v := words[i+1]
			i++
			switch {
			case current == host && words[i-1] == "login":
				login = v
			case current == host:
				password = v
			case current == "\x00default" && words[i-1] == "login":
				defLogin = v
			case current == "\x00default":
				defPassword = v
			}
		}
	}
	if password != "" {
		return login, password
	}
	return defLogin, defPassword
}

// Redact removes the password or token from a URL, for anything idp prints, records or hands
// to git as a remote: all userinfo of http(s) URLs (it goes as HTTP auth instead), the
// password of others.
func Redact(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.User == nil {
		return raw
	}
	if u.Scheme == "https" || u.Scheme == "http" {
		u.User = nil
	} else if _, ok := u.User.Password(); ok {
		u.User = url.User(u.User.Username())
	}
	return u.String()
}

// Hint says that credentials were refused and where idp looked for them.
func Hint(tried []string) string {
	msg := "the credentials were missing or wrong"
	if len(tried) > 0 {
		msg += " (tried: " + strings.Join(tried, ", ") + ")"
	}
	return msg + "; give them in the URL, IDP_GIT_TOKEN (and IDP_GIT_USERNAME), the host's token variable or ~/.netrc"
}
