package bot

import (
	"errors"
	"strings"
	"testing"

	"github.com/idp-cli/idp/internal/forge"
	"github.com/idp-cli/idp/internal/source"
)

func TestParseAge(t *testing.T) {
	for _, c := range []struct{ in, want string }{{"72h", "72h0m0s"}, {"3d", "72h0m0s"}, {"0.5d", "12h0m0s"}, {"0", "0s"}} {
		d, err := ParseAge(c.in)
		if err != nil || d.String() != c.want {
			t.Errorf("ParseAge(%q) = %v, %v, want %s", c.in, d, err, c.want)
		}
	}
	for _, in := range []string{"soon", "-1d", "-2h", "d"} {
		if _, err := ParseAge(in); err == nil || err.Error() != `--min-age "`+in+`" is not a duration; give one as 72h or 3d` {
			t.Errorf("ParseAge(%q): %v", in, err)
		}
	}
}

func TestPushOptionsCheck(t *testing.T) {
	for _, c := range []struct {
		o    PushOptions
		want string
	}{
		{PushOptions{Labels: []string{"a,b"}}, `--label "a,b" is not a label name: give one label, without commas, per --label`},
		{PushOptions{Labels: []string{" "}}, `--label " " is not a label name: give one label, without commas, per --label`},
		{PushOptions{Reviewers: []string{"@"}}, `--reviewer and --assignee take a user name (or, for --reviewer, a team as org/team); got ""`},
		{PushOptions{Reviewers: []string{"a/b/c"}}, `--reviewer and --assignee take a user name (or, for --reviewer, a team as org/team); got "a/b/c"`},
		{PushOptions{Assignees: []string{"acme/team"}}, `--assignee "acme/team": assignees are users, not teams`},
		{PushOptions{Branch: "-x"}, `--branch "-x" is not a valid branch name`},
		{PushOptions{Branch: "a..b"}, `--branch "a..b" is not a valid branch name`},
	} {
		if err := c.o.Check(); err == nil || err.Error() != c.want {
			t.Errorf("%+v: %v, want %s", c.o, err, c.want)
		}
	}
	ok := PushOptions{Branch: "idp/update", Labels: []string{"deps"}, Reviewers: []string{"@carol", "acme/platform"}, Assignees: []string{"bob"}}
	if err := ok.Check(); err != nil {
		t.Errorf("%+v: %v", ok, err)
	}
}

// TestForgeFor: the forge comes from the remote's URL, or --provider and --host; a URL that
// names none is the command line's fault, and a forge without a token is refused before any call.
func TestForgeFor(t *testing.T) {
	none := func(string) string { return "" }
	_, err := ForgeFor("https://git.example.com/acme/shop.git", ForgeOptions{Token: none})
	if !source.IsRequest(err) || err.Error() != "--pull-request: cannot tell which forge hosts https://git.example.com/acme/shop.git; give --provider ("+strings.Join(forge.Names(), ", ")+")" {
		t.Errorf("no forge: %v", err)
	}
	var ae *forge.AuthError
	if _, err := ForgeFor("https://git.example.com/acme/shop.git", ForgeOptions{Provider: "gitea", Token: none}); !errors.As(err, &ae) || ae.Provider != "gitea" {
		t.Errorf("no token: %v", err)
	}
	f, err := ForgeFor("https://github.com/acme/shop.git", ForgeOptions{Token: func(p string) string { return "t-" + p }})
	if err != nil || f.Owner != "acme" || f.Name != "shop" || f.API == nil {
		t.Errorf("github: %+v, %v", f, err)
	}
}
