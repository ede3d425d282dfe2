package layer

import (
	"fmt"
	"io"
	"path/filepath"

	"github.com/idp-cli/idp/internal/english"
	"github.com/idp-cli/idp/internal/update"
)

// Shown names the service in what idp add, remove and adopt print: its directory as display
// gives it, or its directory's name when that is the working directory.
func (r *Result) Shown(display func(dir string) string) string {
	rel := display(r.Service.Dir)
	if rel == "." {
		rel = filepath.Base(r.Service.Dir)
	}
	return rel
}

// Report is a layer flow's Result as idp add, remove or adopt (Verb) prints it.
type Report struct {
	*Result
	Verb    string // add, remove or adopt
	DryRun  bool
	Display func(dir string) string // names the service's directory
}

// Conflicted: files are left in conflict (idp add, remove and adopt then exit 3).
func (r *Report) Conflicted() bool { return r.Conflicts > 0 && !r.DryRun }

// JSON is the result as idp add, remove and adopt print it with --output json.
func (r *Report) JSON() any {
	out := map[string]any{"service": r.Shown(r.Display), "dir": r.Service.Dir, "template": r.Name, "version": r.Version, "dryRun": r.DryRun,
		"changes": r.changes(), "conflicts": r.Conflicts}
	if r.Commit != "" {
		out["commit"] = r.Commit
	}
	return out
}

// changes are the changes for JSON: a list, empty rather than null.
func (r *Result) changes() []update.Change {
	if r.Changes == nil {
		return []update.Change{}
	}
	return r.Changes
}

var heads = map[string][2]string{
	"add":    {"Added %s %s to %s:\n", "Would add %s %s to %s:\n"},
	"remove": {"Removed %s %s from %s:\n", "Would remove %s %s from %s:\n"},
	"adopt":  {"Adopted %[3]s onto %[1]s %[2]s:\n", "Would adopt %[3]s onto %[1]s %[2]s:\n"},
}

// WriteText writes what idp add, remove or adopt did, or would do with DryRun: the changes,
// then the conflicts left or the commit.
func (r *Report) WriteText(w io.Writer) error {
	form := heads[r.Verb][0]
	if r.DryRun {
		form = heads[r.Verb][1]
	}
	fmt.Fprintf(w, form, r.Name, unversioned(r.Version), r.Shown(r.Display))
	update.WriteChangeLines(w, r.Changes)
	if r.DryRun {
		return nil
	}
	fmt.Fprintln(w)
	switch {
	case r.Conflicts > 0:
		them := "them"
		if r.Conflicts == 1 {
			them = "it"
		}
		_, err := fmt.Fprintf(w, "%s left in conflict: resolve %s, then commit.\n", english.Plural(r.Conflicts, "file"), them)
		return err
	case r.Commit != "":
		_, err := fmt.Fprintf(w, "Committed as %s.\n", r.Commit[:7])
		return err
	}
	_, err := fmt.Fprintf(w, "Review with 'git diff', then commit.\n")
	return err
}

// unversioned names a version, "(unversioned)" for a source without versions.
func unversioned(v string) string {
	if v == "" {
		return "(unversioned)"
	}
	return v
}

// noteUnversioned says that a layer applied from a source without versions cannot be updated.
func (d Deps) noteUnversioned(res *Result) {
	if res.Unversioned && d.Log != nil {
		fmt.Fprintf(d.Log, "idp: note: the source of %s has no versions (no vX.Y.Z tags), so idp update cannot update it later\n", res.Name)
	}
}
