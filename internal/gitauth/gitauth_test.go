package gitauth

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"

	githttp "github.com/go-git/go-git/v5/plumbing/transport/http"
)

func TestFor(t *testing.T) {
	home := t.TempDir()
	os.WriteFile(filepath.Join(home, ".netrc"), []byte("# hosts\nmachine git.example.com login ada password netrc-pw\ndefault login anon password def-pw\n"), 0o600)
	netrcFile := filepath.Join(home, ".netrc")
	for _, tc := range []struct {
		name  string
		url   string
		env   map[string]string
		user  string
		pass  string
		from  string
		tried []string
	}{
		{"url password first", "https://u:url-pw@github.com/o/r.git", map[string]string{"IDP_GIT_TOKEN": "idp-tok", "GITHUB_TOKEN": "gh"}, "u", "url-pw", "the URL", []string{"the URL"}},
		{"idp token", "https://u@github.com/o/r.git", map[string]string{"IDP_GIT_TOKEN": "idp-tok", "GITHUB_TOKEN": "gh"}, "git", "idp-tok", "IDP_GIT_TOKEN", []string{"the URL", "IDP_GIT_TOKEN"}},
		{"github token", "https://github.com/o/r.git", map[string]string{"GITHUB_TOKEN": "gh"}, "x-access-token", "gh", "GITHUB_TOKEN", []string{"IDP_GIT_TOKEN", "GITHUB_TOKEN"}},
		{"gitlab token", "https://gitlab.example.org/o/r.git", map[string]string{"GITLAB_TOKEN": "gl", "GITHUB_TOKEN": "gh"}, "oauth2", "gl", "GITLAB_TOKEN", []string{"IDP_GIT_TOKEN", "GITLAB_TOKEN"}},
		{"netrc machine", "https://git.example.com/o/r.git", nil, "ada", "netrc-pw", netrcFile, []string{"IDP_GIT_TOKEN", netrcFile}},
		{"netrc default", "https://other.example.com/o/r.git", nil, "anon", "def-pw", netrcFile, []string{"IDP_GIT_TOKEN", netrcFile}},
		{"ssh looks for keys, not tokens", "ssh://git@host/r.git", map[string]string{"IDP_GIT_TOKEN": "x"}, "", "", "", []string{"IDP_SSH_KEY", "the ssh agent (SSH_AUTH_SOCK)", "~/.ssh/id_ed25519", "~/.ssh/id_ecdsa", "~/.ssh/id_rsa"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			env := map[string]string{"HOME": home}
			for k, v := range tc.env {
				env[k] = v
			}
			r := For(tc.url, func(k string) string { return env[k] })
			if !reflect.DeepEqual(r.Tried, tc.tried) || r.From != tc.from {
				t.Errorf("tried %v from %q; want %v from %q", r.Tried, r.From, tc.tried, tc.from)
			}
			if tc.pass == "" {
				if r.Auth != nil {
					t.Errorf("auth %v", r.Auth)
				}
				return
			}
			b, ok := r.Auth.(*githttp.BasicAuth)
			if !ok || b.Username != tc.user || b.Password != tc.pass {
				t.Errorf("auth %+v", r.Auth)
			}
		})
	}
	r := For("https://nowhere.example/r.git", func(k string) string { return map[string]string{"HOME": t.TempDir()}[k] })
	if r.Auth != nil || len(r.Tried) != 2 {
		t.Errorf("nothing found: %+v", r)
	}
}

func TestRedact(t *testing.T) {
	for in, want := range map[string]string{
		"https://user:s3cret@git.example.com/p.git": "https://git.example.com/p.git",
		"https://token@git.example.com/p.git":       "https://git.example.com/p.git",
		"ssh://git@host/p.git":                      "ssh://git@host/p.git",
		"ssh://git:pw@host/p.git":                   "ssh://git@host/p.git",
		"git@github.com:org/repo.git":               "git@github.com:org/repo.git",
	} {
		if got := Redact(in); got != want {
			t.Errorf("Redact(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestHint(t *testing.T) {
	want := "the credentials were missing or wrong (tried: the URL, IDP_GIT_TOKEN); give them in the URL, IDP_GIT_TOKEN (and IDP_GIT_USERNAME), the host's token variable or ~/.netrc"
	if got := Hint([]string{"the URL", "IDP_GIT_TOKEN"}); got != want {
		t.Errorf("got %s", got)
	}
}
