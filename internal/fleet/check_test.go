package fleet

import "testing"

// TestCheck: what is wrong with a fleet command's options, in the words of its flags.
func TestCheck(t *testing.T) {
	for _, c := range []struct {
		o        StatusOptions
		provider string
		want     string
	}{
		{StatusOptions{Repos: "repos.txt", Jobs: 8}, "", ""},
		{StatusOptions{Repos: "repos.txt", Jobs: 8}, "gitlab", ""}, // where a list's pull requests are
		{StatusOptions{Owner: "acme", Jobs: 8, All: true, Filter: Filter{Topics: []string{"go"}, Forks: true}}, "github", ""},
		{StatusOptions{Repos: "repos.txt", Jobs: 0}, "", "--jobs 0: give at least 1"},
		{StatusOptions{Jobs: 8}, "", "give --repos FILE, or --provider and --owner to list a forge's repositories"},
		{StatusOptions{Repos: "repos.txt", Owner: "acme", Jobs: 8}, "github", "--repos and --owner do not go together; use one"},
		{StatusOptions{Jobs: 8}, "github", "--provider github needs --owner, the organization to list"},
		{StatusOptions{Owner: "acme", Jobs: 8}, "", "--owner goes with --provider"},
		{StatusOptions{Owner: "acme", Jobs: 8}, "bitbucket", `--provider "bitbucket": use one of github, gitlab, gitea`},
		{StatusOptions{Repos: "repos.txt", Jobs: 8, All: true}, "", "--all lists an owner's repositories that are on no golden path; it goes with --provider and --owner"},
		{StatusOptions{Repos: "repos.txt", Jobs: 8, Filter: Filter{Topics: []string{"go"}}}, "", "--topic filters an owner's repositories; it goes with --provider and --owner"},
		{StatusOptions{Repos: "repos.txt", Jobs: 8, Filter: Filter{Forks: true}}, "", "--forks filters an owner's repositories; it goes with --provider and --owner"},
		{StatusOptions{Owner: "acme", Jobs: 8, Filter: Filter{Exclude: []string{"svc-["}}}, "github", `--exclude "svc-[": syntax error in pattern; give a glob such as 'payments-*' or 'acme/*-api'`},
	} {
		got := ""
		if err := c.o.Check(c.provider); err != nil {
			got = err.Error()
		}
		if got != c.want {
			t.Errorf("%+v --provider %q: %q, want %q", c.o, c.provider, got, c.want)
		}
		u := UpdateOptions{Repos: c.o.Repos, Owner: c.o.Owner, Jobs: c.o.Jobs, Filter: c.o.Filter}
		if err := u.Check(c.provider); c.o.All && c.o.Owner == "" {
			if err != nil { // fleet update has no --all
				t.Errorf("update %+v: %v", u, err)
			}
		} else if got := errText(err); got != c.want {
			t.Errorf("update %+v --provider %q: %q, want %q", u, c.provider, got, c.want)
		}
	}
}

func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}
