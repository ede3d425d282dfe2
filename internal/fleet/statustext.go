package fleet

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/idp-cli/idp/internal/english"
)

// StatusJSON is idp fleet status --output json (docs/fleet-status.schema.json).
type StatusJSON struct {
	Services []Row `json:"services"`
	// NotOnGoldenPath is listed with --all.
	NotOnGoldenPath []Repository `json:"notOnGoldenPath,omitempty"`
	Summary         Summary      `json:"summary"`
}

// JSON is the result as fleet status prints it: empty lists as [], the repositories on no
// golden path only when all asks for them.
func (res *StatusResult) JSON(all bool) StatusJSON {
	out := StatusJSON{Services: res.Rows, Summary: res.Summary}
	if out.Services == nil {
		out.Services = []Row{}
	}
	if all {
		out.NotOnGoldenPath = res.NotOnGoldenPath
		if out.NotOnGoldenPath == nil {
			out.NotOnGoldenPath = []Repository{}
		}
	}
	return out
}

// TextOptions says which parts of a status the table shows: the divergence columns and table,
// and the repositories on no golden path.
type TextOptions struct {
	Divergence, All bool
}

// WriteText writes the status as fleet status's tables: a line per service and add-on, the
// counts and adoption, each golden path, each release's lead times, the files most diverged.
func (res *StatusResult) WriteText(w io.Writer, o TextOptions) error {
	rows, sum := res.Rows, res.Summary
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	head := "REPOSITORY\tGOLDEN PATH\tVERSION\tLATEST\tBEHIND\tDAYS\tLEAD TIME\tBOT PULL REQUEST"
	if o.Divergence {
		head += "\tDIVERGED"
	}
	fmt.Fprintln(tw, head)
	for _, r := range rows {
		if r.Error != "" {
			fmt.Fprintf(tw, "%s\terror: %s\n", r.Repo, r.Error)
			continue
		}
		for i, l := range append([]Row{r}, r.Layers...) {
			name := l.Template
			if i > 0 {
				name += " (add-on)"
			}
			if l.Error != "" {
				fmt.Fprintf(tw, "%s\t%s\terror: %s\n", l.Repo, name, l.Error)
				continue
			}
			line := fmt.Sprintf("%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s", l.Repo, name, l.Version, l.Latest, intText(l.Behind), intText(l.DaysBehind),
				durationText(l.LeadTime()), prCell(l))
			if o.Divergence {
				d := "-"
				if l.Diverged != nil {
					d = english.Plural(len(l.Diverged), "file")
				}
				line += "\t" + d
			}
			fmt.Fprintln(tw, line)
		}
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if sum.Adoption != nil {
		// The adoption line counts repositories; the rows are services.
		fmt.Fprintf(w, "\n%s", english.Plural(sum.Services, "service"))
	} else {
		fmt.Fprintf(w, "\n%s, %s", english.Plural(sum.Repositories, "repository"), english.Plural(sum.Services, "service"))
	}
	if sum.Failed > 0 {
		fmt.Fprintf(w, ", %d failed", sum.Failed)
	}
	fmt.Fprintln(w, ".")
	if a := sum.Adoption; a != nil {
		fmt.Fprintf(w, "%d of %s on a golden path (%.0f%%)", a.OnGoldenPath, english.Plural(a.Repositories, "repository"), a.Share*100)
		if a.NotOnGoldenPath > 0 {
			fmt.Fprintf(w, "; %d not", a.NotOnGoldenPath)
			if !o.All {
				fmt.Fprint(w, " (--all lists them)")
			}
		}
		if a.Unknown > 0 {
			fmt.Fprintf(w, "; %d could not be read", a.Unknown)
		}
		if a.Archived > 0 {
			fmt.Fprintf(w, "; %d archived, not counted", a.Archived)
		}
		fmt.Fprintln(w, ".")
	}
	if len(sum.Paths) > 0 {
		if err := writePaths(w, sum.Paths); err != nil {
			return err
		}
	}
	if o.Divergence {
		if err := writeDiverged(w, sum.Paths); err != nil {
			return err
		}
	}
	if o.All && len(res.NotOnGoldenPath) > 0 {
		fmt.Fprintln(w, "\nNOT ON A GOLDEN PATH")
		for _, r := range res.NotOnGoldenPath {
			fmt.Fprintln(w, r.Repo)
		}
	}
	return nil
}

// writePaths writes a table of the golden paths, then one of their releases' lead times.
func writePaths(w io.Writer, paths []PathSummary) error {
	fmt.Fprintln(w)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "GOLDEN PATH\tSERVICES\tON LATEST\tLATEST\tOLDEST\tBOT PULL REQUESTS")
	for _, p := range paths {
		fmt.Fprintf(tw, "%s\t%d\t%d (%.0f%%)\t%s\t%s\t%s\n", p.Template, p.Services, p.OnLatest, p.ShareOnLatest*100, p.Latest, p.Oldest, p.PullRequests.Text())
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintln(w)
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "GOLDEN PATH\tRELEASE\tTAGGED\tSERVICES ON IT\tUPDATED TO IT\tLEAD TIME MEDIAN\tLEAD TIME P90")
	for _, p := range paths {
		for _, r := range p.Releases {
			tagged, med, p90 := "-", "-", "-"
			if r.Tagged != nil {
				tagged = r.Tagged.Format(time.DateOnly)
			}
			if r.LeadTime != nil {
				med, p90 = Duration(r.LeadTime.MedianSeconds), Duration(r.LeadTime.P90Seconds)
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%d\t%s\t%s\n", p.Template, r.Version, tagged, r.Services, r.Updated, med, p90)
		}
	}
	return tw.Flush()
}

// writeDiverged writes the table of the files that services rewrite, per golden path.
func writeDiverged(w io.Writer, paths []PathSummary) error {
	fmt.Fprintln(w)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "GOLDEN PATH\tFILE\tSERVICES DIVERGED\tMODIFIED\tDELETED")
	n := 0
	for _, p := range paths {
		for _, fc := range p.DivergedFiles {
			fmt.Fprintf(tw, "%s\t%s\t%d of %d\t%d\t%d\n", p.Template, fc.Path, fc.Services, p.Measured, fc.Modified, fc.Deleted)
			n++
		}
	}
	if n == 0 {
		fmt.Fprintln(tw, "(none: every service has the golden path's files as its version renders them)")
	}
	return tw.Flush()
}

// LeadTime is the lead time of the update that brought the service onto its version.
func (r *Row) LeadTime() *int64 {
	if m := r.LastMove(); m != nil && m.Version == r.Version {
		return m.LeadTimeSeconds
	}
	return nil
}

// intText is a number for a table, or "-" when there is none.
func intText(p *int) string {
	if p == nil {
		return "-"
	}
	return strconv.Itoa(*p)
}

func durationText(p *int64) string {
	if p == nil {
		return "-"
	}
	return Duration(*p)
}

// prCell is the bot's newest pull request in words: #12 merged in 2d, #14 draft, 5d old.
func prCell(r Row) string {
	if len(r.PullRequests) == 0 {
		if r.PullRequests == nil {
			return "-"
		}
		return "none"
	}
	pr := r.PullRequests[0]
	s := fmt.Sprintf("#%d %s", pr.Number, pr.State)
	switch {
	case pr.TimeToMergeSeconds != nil:
		s += " in " + Duration(*pr.TimeToMergeSeconds)
	case pr.AgeSeconds != nil:
		s += ", " + Duration(*pr.AgeSeconds) + " old"
	}
	return s
}

// Text is a golden path's bot pull requests in words: 1 open, 2 merged (median time to merge
// 3d 12h); "-" when they were not read.
func (ps *PullSummary) Text() string {
	if ps == nil {
		return "-"
	}
	var parts []string
	for _, c := range []struct {
		n    int
		what string
	}{{ps.Open, "open"}, {ps.Draft, "draft"}, {ps.Merged, "merged"}, {ps.Closed, "closed"}, {ps.None, "none"}} {
		if c.n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", c.n, c.what))
		}
	}
	s := strings.Join(parts, ", ")
	if ps.MedianTimeToMergeSeconds != nil {
		s += " (median time to merge " + Duration(*ps.MedianTimeToMergeSeconds) + ")"
	}
	return s
}
