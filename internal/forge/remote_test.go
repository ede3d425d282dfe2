package forge_test

import (
	"strings"
	"testing"

	"github.com/idp-cli/idp/internal/forge"
)

func TestParseRemote(t *testing.T) {
	tests := []struct {
		url  string
		want forge.Remote
	}{
		{"https://github.com/acme/svc.git", forge.Remote{"github", "https://github.com", "acme", "svc"}},
		{"https://github.com/acme/svc", forge.Remote{"github", "https://github.com", "acme", "svc"}},
		{"https://github.com/acme/svc/", forge.Remote{"github", "https://github.com", "acme", "svc"}},
		{"git@github.com:acme/svc.git", forge.Remote{"github", "https://github.com", "acme", "svc"}},
		{"ssh://git@github.com/acme/svc.git", forge.Remote{"github", "https://github.com", "acme", "svc"}},
		{"  git@GitHub.com:acme/svc.git\n", forge.Remote{"github", "https://github.com", "acme", "svc"}},
		// Credentials go.
		{"https://x-access-token:ghp_s3cret@github.com/acme/svc.git", forge.Remote{"github", "https://github.com", "acme", "svc"}},
		{"https://ghp_s3cret@github.com/acme/svc.git", forge.Remote{"github", "https://github.com", "acme", "svc"}},
		// GitLab: nested groups, and a project page's URL.
		{"https://gitlab.com/acme/platform/svc.git", forge.Remote{"gitlab", "https://gitlab.com", "acme/platform", "svc"}},
		{"git@gitlab.com:acme/platform/team/svc.git", forge.Remote{"gitlab", "https://gitlab.com", "acme/platform/team", "svc"}},
		{"https://oauth2:glpat-s3cret@gitlab.example.com/acme/svc.git", forge.Remote{"gitlab", "https://gitlab.example.com", "acme", "svc"}},
		{"https://gitlab.example.com/acme/svc/-/tree/main", forge.Remote{"gitlab", "https://gitlab.example.com", "acme", "svc"}},
		// The SSH port is not the web's.
		{"ssh://git@gitlab.example.com:2222/acme/platform/svc.git", forge.Remote{"gitlab", "https://gitlab.example.com", "acme/platform", "svc"}},
		{"https://gitea.com/acme/svc.git", forge.Remote{"gitea", "https://gitea.com", "acme", "svc"}},
		{"git@codeberg.org:acme/svc.git", forge.Remote{"gitea", "https://codeberg.org", "acme", "svc"}},
		{"https://gitea.example.com:3000/acme/svc.git", forge.Remote{"gitea", "https://gitea.example.com:3000", "acme", "svc"}},
		{"https://github.example.com/acme/svc.git", forge.Remote{"github", "https://github.example.com", "acme", "svc"}},
		// A host that does not say: the provider is for the caller to choose.
		{"https://git.example.com/acme/platform/svc.git", forge.Remote{"", "https://git.example.com", "acme/platform", "svc"}},
		{"http://127.0.0.1:8080/acme/svc.git", forge.Remote{"", "http://127.0.0.1:8080", "acme", "svc"}},
		{"git://git.example.com/acme/svc.git", forge.Remote{"", "https://git.example.com", "acme", "svc"}},
		{"git.example.com:acme/svc.git", forge.Remote{"", "https://git.example.com", "acme", "svc"}},
	}
	for _, tt := range tests {
		got, err := forge.ParseRemote(tt.url)
		if err != nil || got != tt.want {
			t.Errorf("ParseRemote(%q) = %+v, %v; want %+v", tt.url, got, err, tt.want)
		}
	}
}

func TestParseRemoteErrors(t *testing.T) {
	const fix = "; give one like https://github.com/owner/name or git@github.com:owner/name.git"
	tests := []struct{ url, want string }{
		{"/srv/git/svc.git", "/srv/git/svc.git is not a forge URL: it is a local path"},
		{"../svc", "../svc is not a forge URL: it is a local path"},
		{`C:\src\svc`, `C:\src\svc is not a forge URL: it is a local path`},
		{"file:///srv/git/svc.git", "file:///srv/git/svc.git is not a forge URL: it is a local path"},
		{"https://github.com/acme", "https://github.com/acme is not a forge URL: it names no owner/name repository"},
		{"https://github.com/", "https://github.com/ is not a forge URL: it names no owner/name repository"},
		{"git@github.com:svc.git", "git@github.com:svc.git is not a forge URL: it names no owner/name repository"},
		{"https://github.com/acme/svc/pull/3", "https://github.com/acme/svc/pull/3 is not a forge URL: github repositories are owner/name, without more path"},
		{"https://github.com/acme/svc.git?x=1", "https://github.com/acme/svc.git?x=1 is not a forge URL: it has a query or fragment"},
		{"ftp://example.com/acme/svc", "ftp://example.com/acme/svc is not a forge URL: git does not fetch over ftp"},
		{"https:///acme/svc", "https:///acme/svc is not a forge URL: it names no host"},
		// Credentials never show.
		{"https://alice:s3cret@github.com/acme", "https://xxxxx@github.com/acme is not a forge URL: it names no owner/name repository"},
		{"https://ghp_s3cret@example.com/%zz/svc", "https://xxxxx@example.com/%zz/svc is not a forge URL: it does not parse as a URL"},
		{"ssh://git@github.com/acme", "ssh://git@github.com/acme is not a forge URL: it names no owner/name repository"},
	}
	if _, err := forge.ParseRemote(" "); err == nil || err.Error() != "remote URL is empty"+fix {
		t.Errorf("ParseRemote(\" \") = %v, want the empty URL error", err)
	}
	for _, tt := range tests {
		got, err := forge.ParseRemote(tt.url)
		if want := tt.want + fix; err == nil || err.Error() != want {
			t.Errorf("ParseRemote(%q) = %+v, %v; want error %q", tt.url, got, err, want)
		}
		if err != nil && strings.Contains(err.Error(), "s3cret") {
			t.Errorf("ParseRemote(%q): error shows the credentials: %v", tt.url, err)
		}
	}
}
