package fleet

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
)

// WriteText writes the update as fleet update's table: a line per repository, then the counts.
func (res *UpdateResult) WriteText(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "REPOSITORY\tGOLDEN PATH\tFROM\tTO\tRESULT\tPULL REQUEST")
	for _, r := range res.Rows {
		if r.Result == "failed" {
			fmt.Fprintf(tw, "%s\t%s\t%s\t\tfailed: %s\n", r.Repo, r.Template, r.From, r.Error)
			continue
		}
		pr := "-"
		if r.Push != nil && r.Push.PullRequest != nil && r.Push.PullRequest.Number > 0 {
			pr = fmt.Sprintf("#%d %s", r.Push.PullRequest.Number, r.Push.PullRequest.Action)
		}
		result := r.Result
		if r.Result == "needsInput" {
			result = "needs input"
		}
		if r.Held != nil {
			result += fmt.Sprintf(" (%s held: needs %s)", r.Held.Version, strings.Join(r.Held.Missing, ", "))
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", r.Repo, r.Template, r.From, r.To, result, pr)
	}
	for _, repo := range res.NotStarted {
		fmt.Fprintf(tw, "%s\t\t\t\tnot started\t-\n", repo)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	sum := res.Summary
	notStarted := ""
	if res.Cancelled {
		notStarted = fmt.Sprintf(", %d not started", len(res.NotStarted))
	}
	_, err := fmt.Fprintf(w, "\n%d updated, %d unchanged, %d with conflicts, %d needing input, %d failed%s.\n", sum["updated"], sum["unchanged"], sum["conflicts"], sum["needsInput"], sum["failed"], notStarted)
	if err == nil && res.Resumed > 0 {
		_, err = fmt.Fprintf(w, "%d already done (--resume).\n", res.Resumed)
	}
	if err == nil && res.Cancelled {
		_, err = fmt.Fprintf(w, "Cancelled before every repository was done: run the same command again to finish; with --results FILE, --resume FILE skips the repositories done.\n")
	}
	return err
}

// JSON is the result as fleet update --output json prints it (docs/fleet-update.schema.json).
func (res *UpdateResult) JSON() any { return res }

// Worst is the result that decides how a fleet update ends: failed, else conflicts, else
// needsInput, else "".
func (res *UpdateResult) Worst() string {
	for _, r := range []string{"failed", "conflicts", "needsInput"} {
		if res.Summary[r] > 0 {
			return r
		}
	}
	return ""
}
