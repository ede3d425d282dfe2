package bot

import (
	"fmt"
	"io"

	"github.com/idp-cli/idp/internal/layer"
	"github.com/idp-cli/idp/internal/update"
)

// WriteText says what the bot did with its branch and pull request; to is the version the pull
// request proposes.
func (r *Report) WriteText(w io.Writer, to string) {
	switch r.Push {
	case "created", "updated":
		fmt.Fprintf(w, "Pushed %s (%s, on top of %s): %s.\n", r.Branch, r.Commit[:7], r.Base, r.Push)
	case "unchanged":
		if r.Raced {
			fmt.Fprintf(w, "Another run pushed this same update to %s (%s) while this one worked; nothing pushed, nothing lost.\n", r.Branch, r.Commit[:7])
			break
		}
		fmt.Fprintf(w, "Branch %s already holds this update (%s); nothing pushed.\n", r.Branch, r.Commit[:7])
	case "deleted":
		fmt.Fprintf(w, "Deleted the branch %s: %s no longer needs it.\n", r.Branch, r.Base)
	case "kept":
		fmt.Fprintf(w, "Branch %s has commits idp did not make, for this same update; left as it is.\n", r.Branch)
	}
	if pr := r.PullRequest; pr != nil {
		switch pr.Action {
		case "created", "updated", "unchanged", "closed":
			draft := ""
			if pr.Draft {
				draft = " (draft: conflicts to resolve)"
			}
			fmt.Fprintf(w, "Pull request #%d %s%s: %s\n", pr.Number, pr.Action, draft, pr.URL)
		case "declined":
			fmt.Fprintf(w, "Pull request #%d for %s was closed unmerged; not opened again until a newer version: %s\n", pr.Number, to, pr.URL)
		}
	}
}

// Adopted is what idp adopt --push did: the adoption, and the bot's branch and pull request.
type Adopted struct {
	Result *layer.Result
	Report *Report
	// Display names the repository's directory for the user.
	Display func(dir string) string
}

// JSON is idp adopt --push --output json.
func (a *Adopted) JSON() any {
	res := a.Result
	changes := res.Changes
	if changes == nil {
		changes = []update.Change{}
	}
	return map[string]any{"service": res.Shown(a.Display), "dir": res.Service.Dir, "template": res.Name, "version": res.Version,
		"changes": changes, "conflicts": res.Conflicts, "push": a.Report}
}

// WriteText writes the adoption committed on the bot's branch, or that there was nothing to
// adopt, then what happened to the branch and pull request.
func (a *Adopted) WriteText(w io.Writer) error {
	res, rep := a.Result, a.Report
	rel := res.Shown(a.Display)
	if len(res.Changes) == 0 && res.Conflicts == 0 && res.Answers == nil {
		fmt.Fprintf(w, "%s is on %s %s on %s; nothing to adopt.\n", rel, res.Name, res.Version, rep.Base)
	} else {
		fmt.Fprintf(w, "Committed the adoption of %s onto %s %s on %s:\n", rel, res.Name, res.Version, rep.Branch)
		update.WriteChangeLines(w, res.Changes)
	}
	rep.WriteText(w, res.Version)
	return nil
}

// Conflicted: files are left in conflict on the bot's branch (a draft pull request), unless the
// branch was kept as it was.
func (a *Adopted) Conflicted() bool { return a.Result.Conflicts > 0 && a.Report.Push != "kept" }
