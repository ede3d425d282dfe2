package bot

import (
	"bytes"
	"testing"
)

// TestReportText: what the bot says it did with its branch and pull request.
func TestReportText(t *testing.T) {
	for _, c := range []struct {
		rep  Report
		want string
	}{
		{Report{Branch: "idp/update-go", Base: "main", Commit: "0123456789", Push: "created", PullRequest: &PRReport{Action: "created", Number: 7, URL: "https://x/7", Draft: true}},
			"Pushed idp/update-go (0123456, on top of main): created.\nPull request #7 created (draft: conflicts to resolve): https://x/7\n"},
		{Report{Branch: "b", Commit: "abcdef0123", Push: "unchanged", Raced: true},
			"Another run pushed this same update to b (abcdef0) while this one worked; nothing pushed, nothing lost.\n"},
		{Report{Branch: "b", Commit: "abcdef0123", Push: "unchanged"}, "Branch b already holds this update (abcdef0); nothing pushed.\n"},
		{Report{Branch: "b", Base: "main", Push: "deleted"}, "Deleted the branch b: main no longer needs it.\n"},
		{Report{Branch: "b", Push: "kept", PullRequest: &PRReport{Action: "declined", Number: 3, URL: "u"}},
			"Branch b has commits idp did not make, for this same update; left as it is.\nPull request #3 for v2.0.0 was closed unmerged; not opened again until a newer version: u\n"},
	} {
		var b bytes.Buffer
		c.rep.WriteText(&b, "v2.0.0")
		if b.String() != c.want {
			t.Errorf("%s:\n%s\nwant:\n%s", c.rep.Push, b.String(), c.want)
		}
	}
}
