package cli

import (
	"fmt"
	"io"
	"strings"

	"github.com/idp-cli/idp/internal/bot"
	"github.com/idp-cli/idp/internal/update"
)

// say prints a line of text output, or nothing with --output json.
func (f *Factory) say(format string, args ...any) error {
	if f.Config.Output == "json" {
		return nil
	}
	_, err := fmt.Fprintf(f.IO.Out, format, args...)
	return err
}

type updateJSON struct {
	Service    string          `json:"service"`
	Dir        string          `json:"dir"` // absolute
	Template   string          `json:"template"`
	From       string          `json:"from"`
	To         string          `json:"to"`
	DryRun     bool            `json:"dryRun"`
	Changes    []update.Change `json:"changes"`
	Conflicts  int             `json:"conflicts"`
	NewAnswers []answerJSON    `json:"newAnswers"`
	// PendingMigrations are the versions whose migrations were not run, recorded so in
	// .idp.yaml for a later idp update --trust.
	PendingMigrations []string `json:"pendingMigrations"`
	// Push is what bot mode did with the branch and the pull request.
	Push *bot.Report `json:"push,omitempty"`
	// Held is the newer version an update without input did not take, and what it needs.
	Held *update.Held `json:"held,omitempty"`
	// PassedOver are the newer versions not taken: too young for --min-age, or under skip:.
	PassedOver []update.Passed `json:"passedOver,omitempty"`
	// Diff is idp diff's unified diff of the same changes.
	Diff *string `json:"diff,omitempty"`
}

// answerJSON is an answer, by its parameter's name: the same shape wherever JSON gives answers
// with their values. A secret's value is never among them.
type answerJSON struct {
	Name  string `json:"name"`
	Value any    `json:"value"`
}

// newAnswers are the parameters res answered for the first time, with their values as
// .idp.yaml records them (secrets are neither new answers nor recorded).
func newAnswers(res *update.Result) []answerJSON {
	out := []answerJSON{}
	for _, k := range res.NewAnswers {
		for _, a := range res.Own().Answers {
			if a.Key == k {
				out = append(out, answerJSON{Name: k, Value: a.Value})
			}
		}
	}
	return out
}

func updateReport(p *update.Planned, res *update.Result, dryRun bool, rep *bot.Report) updateJSON {
	changes := res.Changes
	if changes == nil {
		changes = []update.Change{}
	}
	return updateJSON{
		Service: display(p), Dir: p.Service.Dir, Template: p.Name, From: res.From, To: res.To, DryRun: dryRun,
		Changes: changes, Conflicts: res.Conflicts, NewAnswers: newAnswers(res),
		PendingMigrations: append([]string{}, res.Own().PendingMigrations...),
		Push:              rep, Held: p.Held, PassedOver: p.Passed,
	}
}

func printUpdate(f *Factory, p *update.Planned, res *update.Result, dryRun bool) error {
	if f.Config.Output == "json" {
		return printJSON(f.IO.Out, updateReport(p, res, dryRun, nil))
	}
	if !printSummary(f, p, res, dryRun) || dryRun {
		return nil
	}
	printTrailer(f, p, res.Conflicts)
	return nil
}

// printSummary prints what the update of one layer did, and reports whether it changed
// anything.
func printSummary(f *Factory, p *update.Planned, res *update.Result, dryRun bool) bool {
	rel := display(p)
	w := f.IO.Out
	notRun := ""
	if pending := res.Own().PendingMigrations; len(pending) > 0 {
		notRun = fmt.Sprintf("Migrations not run: %s; .idp.yaml records them, and 'idp update --trust' runs them.\n", strings.Join(pending, ", "))
	}
	if res.Unchanged(p.Service.Record) {
		fmt.Fprintf(w, "%s is on %s %s; nothing to update.\n%s", rel, p.Name, res.To, notRun)
		return false
	}
	verb := "Updated"
	if dryRun {
		verb = "Would update"
	}
	ran := p.Service.Own().PendingMigrations
	if notRun != "" || dryRun {
		ran = nil
	}
	if len(ran) > 0 && res.From == res.To && len(res.Changes) == 0 && len(res.NewAnswers) == 0 {
		// Only the migrations an earlier update did not run had something to do.
		fmt.Fprintf(w, "Ran the migrations .idp.yaml recorded as not run in %s: %s.\n", rel, strings.Join(ran, ", "))
	} else {
		printChanges(f, p, res, verb, "")
		if len(ran) > 0 {
			fmt.Fprintf(w, "Ran the migrations .idp.yaml recorded as not run: %s.\n", strings.Join(ran, ", "))
		}
	}
	fmt.Fprint(w, notRun)
	return true
}

// printTrailer ends a written update: what is left to do, and how to undo it.
func printTrailer(f *Factory, p *update.Planned, conflicts int) {
	w := f.IO.Out
	fmt.Fprintln(w)
	if conflicts > 0 {
		them := "them"
		if conflicts == 1 {
			them = "it"
		}
		fmt.Fprintf(w, "%s left in conflict: resolve %s, then commit.\n", plural(conflicts, "file"), them)
	} else {
		fmt.Fprintf(w, "Review with 'git diff', then commit.\n")
	}
	undo := "git checkout HEAD -- . && git clean -fd ."
	if relDir(p.Service.Dir) != "." {
		undo = "(cd " + display(p) + " && " + undo + ")"
	}
	fmt.Fprintf(w, "To undo the update: %s\n", undo)
}

// printChanges prints the per-file summary: "<verb> <service> from <template> vX to vY<where>:".
func printChanges(f *Factory, p *update.Planned, res *update.Result, verb, where string) {
	w := f.IO.Out
	span := res.From + " to " + res.To
	if res.From == res.To {
		span = res.To + " (new answers)"
	}
	fmt.Fprintf(w, "%s %s from %s %s%s:\n", verb, display(p), p.Name, span, where)
	printChangeLines(w, res.Changes)
	if kv := res.NewAnswerPairs(); len(kv) > 0 {
		fmt.Fprintf(w, "New answers: %s\n", strings.Join(kv, ", "))
	}
}

// printChangeLines prints one line per changed path: action, path and why.
func printChangeLines(w io.Writer, changes []update.Change) {
	for _, c := range changes {
		line := c.Path
		if c.From != "" {
			line = c.From + " -> " + c.Path
		}
		if c.Reason != "" {
			line += ": " + c.Reason
		}
		fmt.Fprintf(w, "  %-9s %s\n", c.Action, line)
	}
	if len(changes) == 0 {
		fmt.Fprintf(w, "  no file changes\n")
	}
}

// printPush reports bot mode: the update, then what happened to the branch and pull request.
func printPush(f *Factory, p *update.Planned, res *update.Result, rep *bot.Report) error {
	if f.Config.Output == "json" {
		return printJSON(f.IO.Out, updateReport(p, res, false, rep))
	}
	w := f.IO.Out
	if res.Unchanged(p.Service.Record) {
		fmt.Fprintf(w, "%s is on %s %s on %s; nothing to update.\n", display(p), p.Name, res.To, rep.Base)
	} else {
		printChanges(f, p, res, "Committed the update of", " on "+rep.Branch)
	}
	printReport(f, rep, res.To)
	return nil
}

// printReport says what the bot did with its branch and pull request; to is the version the
// pull request proposes.
func printReport(f *Factory, rep *bot.Report, to string) {
	w := f.IO.Out
	switch rep.Push {
	case "created", "updated":
		fmt.Fprintf(w, "Pushed %s (%s, on top of %s): %s.\n", rep.Branch, rep.Commit[:7], rep.Base, rep.Push)
	case "unchanged":
		if rep.Raced {
			fmt.Fprintf(w, "Another run pushed this same update to %s (%s) while this one worked; nothing pushed, nothing lost.\n", rep.Branch, rep.Commit[:7])
			break
		}
		fmt.Fprintf(w, "Branch %s already holds this update (%s); nothing pushed.\n", rep.Branch, rep.Commit[:7])
	case "deleted":
		fmt.Fprintf(w, "Deleted the branch %s: %s no longer needs it.\n", rep.Branch, rep.Base)
	case "kept":
		fmt.Fprintf(w, "Branch %s has commits idp did not make, for this same update; left as it is.\n", rep.Branch)
	}
	if pr := rep.PullRequest; pr != nil {
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
