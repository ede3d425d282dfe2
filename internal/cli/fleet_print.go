package cli

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/idp-cli/idp/internal/fleet"
	"github.com/idp-cli/idp/internal/gitauth"
)

// fleetStatusJSON is idp fleet status --output json (docs/fleet-status.schema.json).
type fleetStatusJSON struct {
	Services []fleet.Row `json:"services"`
	// NotOnGoldenPath is listed with --all.
	NotOnGoldenPath []fleet.Repository `json:"notOnGoldenPath,omitempty"`
	Summary         fleet.Summary      `json:"summary"`
}

func newFleetStatusJSON(res *fleet.StatusResult, all bool) fleetStatusJSON {
	out := fleetStatusJSON{Services: res.Rows, Summary: res.Summary}
	if out.Services == nil {
		out.Services = []fleet.Row{}
	}
	if all {
		out.NotOnGoldenPath = res.NotOnGoldenPath
		if out.NotOnGoldenPath == nil {
			out.NotOnGoldenPath = []fleet.Repository{}
		}
	}
	return out
}

func intOrDash(p *int) string {
	if p == nil {
		return "-"
	}
	return strconv.Itoa(*p)
}

func durationOrDash(p *int64) string {
	if p == nil {
		return "-"
	}
	return fleet.Duration(*p)
}

// leadTime is the lead time of the update that brought the service onto its version.
func leadTime(r fleet.Row) *int64 {
	if m := r.LastMove(); m != nil && m.Version == r.Version {
		return m.LeadTimeSeconds
	}
	return nil
}

// prCell is the bot's newest pull request in words: #12 merged in 2d, #14 draft, 5d old.
func prCell(r fleet.Row) string {
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
		s += " in " + fleet.Duration(*pr.TimeToMergeSeconds)
	case pr.AgeSeconds != nil:
		s += ", " + fleet.Duration(*pr.AgeSeconds) + " old"
	}
	return s
}

func printFleetTable(w io.Writer, res *fleet.StatusResult, o *fleetStatusOptions) error {
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
		for i, l := range append([]fleet.Row{r}, r.Layers...) {
			name := l.Template
			if i > 0 {
				name += " (add-on)"
			}
			if l.Error != "" {
				fmt.Fprintf(tw, "%s\t%s\terror: %s\n", l.Repo, name, l.Error)
				continue
			}
			line := fmt.Sprintf("%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s", l.Repo, name, l.Version, l.Latest, intOrDash(l.Behind), intOrDash(l.DaysBehind),
				durationOrDash(leadTime(l)), prCell(l))
			if o.Divergence {
				d := "-"
				if l.Diverged != nil {
					d = plural(len(l.Diverged), "file")
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
		fmt.Fprintf(w, "\n%s", plural(sum.Services, "service"))
	} else {
		fmt.Fprintf(w, "\n%s, %s", plural(sum.Repositories, "repository"), plural(sum.Services, "service"))
	}
	if sum.Failed > 0 {
		fmt.Fprintf(w, ", %d failed", sum.Failed)
	}
	fmt.Fprintln(w, ".")
	if a := sum.Adoption; a != nil {
		fmt.Fprintf(w, "%d of %s on a golden path (%.0f%%)", a.OnGoldenPath, plural(a.Repositories, "repository"), a.Share*100)
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
		fmt.Fprintln(w)
		tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "GOLDEN PATH\tSERVICES\tON LATEST\tLATEST\tOLDEST\tBOT PULL REQUESTS")
		for _, p := range sum.Paths {
			fmt.Fprintf(tw, "%s\t%d\t%d (%.0f%%)\t%s\t%s\t%s\n", p.Template, p.Services, p.OnLatest, p.ShareOnLatest*100, p.Latest, p.Oldest, prSummary(p.PullRequests))
		}
		if err := tw.Flush(); err != nil {
			return err
		}
		fmt.Fprintln(w)
		tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "GOLDEN PATH\tRELEASE\tTAGGED\tSERVICES ON IT\tUPDATED TO IT\tLEAD TIME MEDIAN\tLEAD TIME P90")
		for _, p := range sum.Paths {
			for _, r := range p.Releases {
				tagged, med, p90 := "-", "-", "-"
				if r.Tagged != nil {
					tagged = r.Tagged.Format(time.DateOnly)
				}
				if r.LeadTime != nil {
					med, p90 = fleet.Duration(r.LeadTime.MedianSeconds), fleet.Duration(r.LeadTime.P90Seconds)
				}
				fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%d\t%s\t%s\n", p.Template, r.Version, tagged, r.Services, r.Updated, med, p90)
			}
		}
		if err := tw.Flush(); err != nil {
			return err
		}
	}
	if o.Divergence {
		fmt.Fprintln(w)
		tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "GOLDEN PATH\tFILE\tSERVICES DIVERGED\tMODIFIED\tDELETED")
		n := 0
		for _, p := range sum.Paths {
			for _, fc := range p.DivergedFiles {
				fmt.Fprintf(tw, "%s\t%s\t%d of %d\t%d\t%d\n", p.Template, fc.Path, fc.Services, p.Measured, fc.Modified, fc.Deleted)
				n++
			}
		}
		if n == 0 {
			fmt.Fprintln(tw, "(none: every service has the golden path's files as its version renders them)")
		}
		if err := tw.Flush(); err != nil {
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

// prSummary is a golden path's bot pull requests in words: 1 open, 2 merged (median 3d 12h).
func prSummary(ps *fleet.PullSummary) string {
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
		s += " (median time to merge " + fleet.Duration(*ps.MedianTimeToMergeSeconds) + ")"
	}
	return s
}

// printFleetWarnings says on stderr what could not be measured of services that were read.
func printFleetWarnings(w io.Writer, rows []fleet.Row) {
	for _, r := range rows {
		for _, warn := range r.Warnings {
			fmt.Fprintf(w, "idp: warning: %s: %s\n", r.Repo, warn)
		}
	}
}

func printFleetCSV(w io.Writer, res *fleet.StatusResult) error {
	cw := csv.NewWriter(w)
	cw.Write([]string{"repository", "template", "source", "version", "latest", "behind", "days_behind", "error",
		"on_golden_path", "lead_time_seconds", "pull_request", "pull_request_state", "pull_request_age_seconds", "time_to_merge_seconds", "diverged_files", "add_on"})
	num := func(p *int64) string {
		if p == nil {
			return ""
		}
		return strconv.FormatInt(*p, 10)
	}
	var rows []fleet.Row
	var addOn []bool
	for _, r := range res.Rows {
		rows, addOn = append(rows, r), append(addOn, false)
		for _, l := range r.Layers {
			rows, addOn = append(rows, l), append(addOn, true)
		}
	}
	for i, r := range rows {
		b, d := "", ""
		if r.Behind != nil {
			b = strconv.Itoa(*r.Behind)
		}
		if r.DaysBehind != nil {
			d = strconv.Itoa(*r.DaysBehind)
		}
		var pr, state, age, ttm, div string
		if len(r.PullRequests) > 0 {
			p := r.PullRequests[0]
			pr, state, age, ttm = strconv.Itoa(p.Number), p.State, num(p.AgeSeconds), num(p.TimeToMergeSeconds)
		}
		if r.Diverged != nil {
			var paths []string
			for _, f := range r.Diverged {
				paths = append(paths, f.Path)
			}
			div = strings.Join(paths, ";")
		}
		cw.Write([]string{r.Repo, r.Template, gitauth.Redact(r.Source), r.Version, r.Latest, b, d, r.Error,
			"true", num(leadTime(r)), pr, state, age, ttm, div, strconv.FormatBool(addOn[i])})
	}
	for _, r := range res.NotOnGoldenPath {
		cw.Write([]string{r.Repo, "", "", "", "", "", "", "", "false", "", "", "", "", "", "", "false"})
	}
	cw.Flush()
	return cw.Error()
}
