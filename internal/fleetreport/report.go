// Package fleetreport turns a fleet's status into one self-contained HTML page that a platform
// team puts in a review: adoption, services per golden path and version, lead time per release,
// the bot's pull requests over time and the most diverged files, as charts drawn in inline SVG
// with their numbers in words and tables, and a sortable table of services. The page loads
// nothing: no fonts, scripts or images from anywhere, so it opens offline from file://.
package fleetreport

import (
	"cmp"
	_ "embed"
	"html/template"
	"io"
	"slices"
	"time"

	"github.com/idp-cli/idp/internal/fleet"
)

// Options are what the status does not say.
type Options struct {
	Title     string    // default "Golden paths: fleet report"
	Generated time.Time // when the status was read
	Scope     string    // what was read, in words: "acme on github", "services.txt"
}

// Data is the report's content: what the page shows, and what --output json prints.
type Data struct {
	Title     string        `json:"title"`
	Generated time.Time     `json:"generated"`
	Scope     string        `json:"scope,omitempty"`
	Summary   fleet.Summary `json:"summary"`
	Services  []fleet.Row   `json:"services"`
	// NotOnGoldenPath are listed when the status listed them (--all).
	NotOnGoldenPath []fleet.Repository `json:"notOnGoldenPath,omitempty"`
	// Burndowns are the bot's pull requests for each release, by state over time.
	Burndowns []Burndown `json:"burndowns"`
}

// Burndown is the bot's pull requests proposing one release of a golden path, by state over
// time: at each moment one opened, merged or closed, how many were open, merged and closed.
type Burndown struct {
	Template string  `json:"template"`
	Release  string  `json:"release"`
	Points   []Point `json:"points"`
}

// Point is the state of a release's pull requests just after At.
type Point struct {
	At     time.Time `json:"at"`
	Open   int       `json:"open"` // open and draft
	Merged int       `json:"merged"`
	Closed int       `json:"closed"`
}

// Build gathers the report's content from a fleet's status.
func Build(res *fleet.StatusResult, o Options) *Data {
	d := &Data{Title: cmp.Or(o.Title, "Golden paths: fleet report"), Generated: o.Generated.UTC(), Scope: o.Scope,
		Summary: res.Summary, Services: res.Rows, NotOnGoldenPath: res.NotOnGoldenPath, Burndowns: burndowns(res.Rows)}
	if d.Services == nil {
		d.Services = []fleet.Row{}
	}
	return d
}

type event struct {
	at                  time.Time
	open, merged, close int
}

// burndowns follows every bot pull request of every service, per golden path and release.
func burndowns(rows []fleet.Row) []Burndown {
	type key struct{ template, release string }
	events := map[key][]event{}
	var all []fleet.Row
	for _, r := range rows {
		all = append(append(all, r), r.Layers...) // an add-on's pull requests are its own
	}
	for _, r := range all {
		for _, pr := range r.PullRequests {
			k := key{r.Template, pr.To}
			events[k] = append(events[k], event{at: pr.CreatedAt, open: 1})
			switch {
			case pr.MergedAt != nil:
				events[k] = append(events[k], event{at: *pr.MergedAt, open: -1, merged: 1})
			case pr.ClosedAt != nil:
				events[k] = append(events[k], event{at: *pr.ClosedAt, open: -1, close: 1})
			}
		}
	}
	out := []Burndown{}
	for k, evs := range events {
		slices.SortStableFunc(evs, func(a, b event) int { return a.at.Compare(b.at) })
		b := Burndown{Template: k.template, Release: k.release}
		var p Point
		for _, e := range evs {
			p.At, p.Open, p.Merged, p.Closed = e.at, p.Open+e.open, p.Merged+e.merged, p.Closed+e.close
			if n := len(b.Points); n > 0 && b.Points[n-1].At.Equal(p.At) {
				b.Points[n-1] = p
			} else {
				b.Points = append(b.Points, p)
			}
		}
		out = append(out, b)
	}
	slices.SortFunc(out, func(a, b Burndown) int {
		return cmp.Or(cmp.Compare(a.Template, b.Template), -compareVersions(a.Release, b.Release))
	})
	return out
}

//go:embed report.html.tmpl
var page string

// WriteHTML writes the report as one HTML page.
func WriteHTML(w io.Writer, d *Data) error {
	t, err := template.New("report").Funcs(funcs).Parse(page)
	if err != nil {
		return err
	}
	return t.Execute(w, view(d))
}
