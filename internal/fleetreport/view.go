package fleetreport

import (
	"fmt"
	"html/template"
	"strconv"
	"strings"
	"time"

	"github.com/Masterminds/semver/v3"

	"github.com/idp-cli/idp/internal/fleet"
)

var funcs = template.FuncMap{
	"date": func(t time.Time) string { return t.Format("2006-01-02 15:04 MST") },
}

type keyNumber struct{ Value, Label string }

// chart is one figure: the drawing, its caption, and its numbers as a table.
type chart struct {
	ID, Title, Caption string
	SVG                template.HTML
	Table              table
}

type table struct {
	Head []string
	Rows [][]string
}

// cell is one cell of the services' table; Sort is its value for sorting.
type cell struct {
	Text, Sort string
	Num        bool
}

type pageView struct {
	*Data
	Patterns template.HTML
	Key      []keyNumber
	Charts   []chart
	Head     []string
	Rows     [][]cell
}

func view(d *Data) *pageView {
	v := &pageView{Data: d, Patterns: template.HTML(patternDefs)}
	s := d.Summary
	if a := s.Adoption; a != nil {
		v.Key = append(v.Key, keyNumber{fmt.Sprintf("%d of %d", a.OnGoldenPath, a.Repositories), fmt.Sprintf("repositories on a golden path (%s)", pct(a.Share))})
	} else {
		v.Key = append(v.Key, keyNumber{strconv.Itoa(s.Services), "services read"})
	}
	on := 0
	for _, p := range s.Paths {
		on += p.OnLatest
	}
	if s.Services > 0 {
		v.Key = append(v.Key, keyNumber{fmt.Sprintf("%d of %d", on, s.Services), fmt.Sprintf("services on their golden path's latest release (%s)", pct(float64(on)/float64(s.Services)))})
	}
	for i, p := range s.Paths {
		if i == 3 {
			break
		}
		for _, r := range p.Releases {
			if r.LeadTime != nil {
				v.Key = append(v.Key, keyNumber{fleet.Duration(r.LeadTime.MedianSeconds), fmt.Sprintf("median lead time to %s %s (%d services)", p.Template, r.Version, r.Updated)})
				break
			}
		}
	}
	if s.Failed > 0 {
		v.Key = append(v.Key, keyNumber{strconv.Itoa(s.Failed), "repositories could not be read (see the table)"})
	}
	v.adoption()
	v.versions()
	v.leadTimes()
	v.pullRequests()
	v.burndowns()
	v.divergence()
	v.services()
	return v
}

func pct(x float64) string { return fmt.Sprintf("%.0f%%", x*100) }

func (v *pageView) adoption() {
	a := v.Summary.Adoption
	if a == nil {
		return
	}
	segs := []segment{
		{Label: "on a golden path", Value: float64(a.OnGoldenPath), Text: strconv.Itoa(a.OnGoldenPath), Series: 0},
		{Label: "not on a golden path", Value: float64(a.NotOnGoldenPath), Text: strconv.Itoa(a.NotOnGoldenPath), Series: 3},
	}
	if a.Unknown > 0 {
		segs = append(segs, segment{Label: "could not be read", Value: float64(a.Unknown), Text: strconv.Itoa(a.Unknown), Series: 2})
	}
	caption := fmt.Sprintf("%d of %d repositories (%s) are on a golden path; %d are not", a.OnGoldenPath, a.Repositories, pct(a.Share), a.NotOnGoldenPath)
	if a.Unknown > 0 {
		caption += fmt.Sprintf("; %d could not be read", a.Unknown)
	}
	if a.Archived > 0 {
		caption += fmt.Sprintf(" (%d archived repositories not counted)", a.Archived)
	}
	caption += "."
	var legend []legendItem
	for _, s := range segs {
		legend = append(legend, legendItem{s.Label, s.Series})
	}
	v.Charts = append(v.Charts, chart{ID: "adoption", Title: "Adoption", Caption: caption,
		SVG: barChart("adoption-chart", "Adoption: repositories on a golden path", caption,
			[]bar{{Label: "repositories", Segments: segs, Note: pct(a.Share) + " on a golden path"}}, legend, float64(a.Repositories)),
		Table: table{Head: []string{"repositories", "on a golden path", "not on a golden path", "could not be read", "archived (not counted)"},
			Rows: [][]string{{strconv.Itoa(a.Repositories), strconv.Itoa(a.OnGoldenPath), strconv.Itoa(a.NotOnGoldenPath), strconv.Itoa(a.Unknown), strconv.Itoa(a.Archived)}}}})
}

// behind is the series of a version: 0 the latest release, 1 one release behind, ...
func behind(p fleet.PathSummary, version string) int {
	for i, r := range p.Releases {
		if r.Version == version {
			return min(i, 4)
		}
	}
	return 5 // not a release: a branch or a commit
}

func (v *pageView) versions() {
	var bars []bar
	var descs []string
	t := table{Head: []string{"golden path", "version", "services"}}
	max := 0.0
	for _, p := range v.Summary.Paths {
		br := bar{Label: p.Template, Note: fmt.Sprintf("%d services, %s on %s", p.Services, pct(p.ShareOnLatest), p.Latest)}
		var parts []string
		for _, r := range orderedVersions(p) {
			n := p.Versions[r]
			br.Segments = append(br.Segments, segment{Label: r, Value: float64(n), Text: fmt.Sprintf("%s: %d", r, n), Series: behind(p, r)})
			parts = append(parts, fmt.Sprintf("%s %d", r, n))
			t.Rows = append(t.Rows, []string{p.Template, r, strconv.Itoa(n)})
		}
		bars = append(bars, br)
		descs = append(descs, fmt.Sprintf("%s: %s (latest %s)", p.Template, strings.Join(parts, ", "), p.Latest))
		if float64(p.Services) > max {
			max = float64(p.Services)
		}
	}
	if len(bars) == 0 {
		return
	}
	legend := []legendItem{{"latest release", 0}, {"1 behind", 1}, {"2 behind", 2}, {"3 behind", 3}, {"4 or more behind", 4}, {"branch or commit", 5}}
	desc := "Services per version: " + strings.Join(descs, "; ") + "."
	v.Charts = append(v.Charts, chart{ID: "versions", Title: "Services per golden path and version",
		Caption: desc, SVG: barChart("versions-chart", "Services per golden path and version", desc, bars, legend, max), Table: t})
}

// orderedVersions are a path's versions in use, newest first.
func orderedVersions(p fleet.PathSummary) []string {
	var out []string
	for _, r := range p.Releases {
		if p.Versions[r.Version] > 0 {
			out = append(out, r.Version)
		}
	}
	for ver := range p.Versions {
		found := false
		for _, o := range out {
			found = found || o == ver
		}
		if !found {
			out = append(out, ver)
		}
	}
	return out
}

func (v *pageView) leadTimes() {
	var bars []bar
	var descs []string
	t := table{Head: []string{"golden path", "release", "tagged", "services updated to it", "median lead time", "90th percentile"}}
	max := 0.0
	for _, p := range v.Summary.Paths {
		for _, r := range p.Releases {
			tagged := "unknown"
			if r.Tagged != nil {
				tagged = r.Tagged.Format(time.DateOnly)
			}
			label := p.Template + " " + r.Version
			if r.LeadTime == nil {
				bars = append(bars, bar{Label: label, Note: "no service updated to it yet"})
				descs = append(descs, label+": no service updated to it yet")
				t.Rows = append(t.Rows, []string{p.Template, r.Version, tagged, "0", "-", "-"})
				continue
			}
			med, p90 := float64(r.LeadTime.MedianSeconds), float64(r.LeadTime.P90Seconds)
			note := fmt.Sprintf("median %s, p90 %s, %d services", fleet.Duration(r.LeadTime.MedianSeconds), fleet.Duration(r.LeadTime.P90Seconds), r.Updated)
			bars = append(bars, bar{Label: label, Segments: []segment{{Label: "median", Value: med, Series: 1}}, Mark: p90, Note: note})
			descs = append(descs, label+": "+note)
			t.Rows = append(t.Rows, []string{p.Template, r.Version, tagged, strconv.Itoa(r.Updated), fleet.Duration(r.LeadTime.MedianSeconds), fleet.Duration(r.LeadTime.P90Seconds)})
			if p90 > max {
				max = p90
			}
		}
	}
	if len(bars) == 0 {
		return
	}
	desc := "Lead time from a release's tag to the commit that brought each service onto it: " + strings.Join(descs, "; ") + "."
	v.Charts = append(v.Charts, chart{ID: "lead-time", Title: "Lead time per release",
		Caption: desc + " The bar is the median, the black tick the 90th percentile.",
		SVG:     barChart("lead-time-chart", "Lead time per release", desc, bars, []legendItem{{"median (tick: 90th percentile)", 1}}, max), Table: t})
}

func (v *pageView) pullRequests() {
	var bars []bar
	var descs []string
	t := table{Head: []string{"golden path", "open", "draft", "merged", "closed unmerged", "none", "median time to merge"}}
	max := 0.0
	for _, p := range v.Summary.Paths {
		ps := p.PullRequests
		if ps == nil {
			continue
		}
		segs := []segment{
			{Label: "open", Value: float64(ps.Open), Text: strconv.Itoa(ps.Open), Series: 0},
			{Label: "draft", Value: float64(ps.Draft), Text: strconv.Itoa(ps.Draft), Series: 1},
			{Label: "merged", Value: float64(ps.Merged), Text: strconv.Itoa(ps.Merged), Series: 4},
			{Label: "closed unmerged", Value: float64(ps.Closed), Text: strconv.Itoa(ps.Closed), Series: 5},
			{Label: "none", Value: float64(ps.None), Text: strconv.Itoa(ps.None), Series: 3},
		}
		ttm := "-"
		if ps.MedianTimeToMergeSeconds != nil {
			ttm = fleet.Duration(*ps.MedianTimeToMergeSeconds)
		}
		total := float64(ps.Open + ps.Draft + ps.Merged + ps.Closed + ps.None)
		if total > max {
			max = total
		}
		note := "median time to merge " + ttm
		bars = append(bars, bar{Label: p.Template, Segments: segs, Note: note})
		descs = append(descs, fmt.Sprintf("%s: %d open, %d draft, %d merged, %d closed unmerged, %d with none; %s", p.Template, ps.Open, ps.Draft, ps.Merged, ps.Closed, ps.None, note))
		t.Rows = append(t.Rows, []string{p.Template, strconv.Itoa(ps.Open), strconv.Itoa(ps.Draft), strconv.Itoa(ps.Merged), strconv.Itoa(ps.Closed), strconv.Itoa(ps.None), ttm})
	}
	if len(bars) == 0 {
		return
	}
	desc := "Services by the state of the bot's newest pull request: " + strings.Join(descs, "; ") + "."
	legend := []legendItem{{"open", 0}, {"draft", 1}, {"merged", 4}, {"closed unmerged", 5}, {"none", 3}}
	v.Charts = append(v.Charts, chart{ID: "pull-requests", Title: "The bot's pull requests now", Caption: desc,
		SVG: barChart("pull-requests-chart", "The bot's pull requests now", desc, bars, legend, max), Table: t})
}

func (v *pageView) burndowns() {
	for i, bd := range v.Burndowns {
		var ts []time.Time
		open, merged, closed := layer{Label: "open", Series: 0}, layer{Label: "merged", Series: 4}, layer{Label: "closed unmerged", Series: 5}
		t := table{Head: []string{"date", "open", "merged", "closed unmerged"}}
		for _, p := range bd.Points {
			ts = append(ts, p.At)
			open.Pts = append(open.Pts, float64(p.Open))
			merged.Pts = append(merged.Pts, float64(p.Merged))
			closed.Pts = append(closed.Pts, float64(p.Closed))
			t.Rows = append(t.Rows, []string{p.At.Format(time.DateOnly), strconv.Itoa(p.Open), strconv.Itoa(p.Merged), strconv.Itoa(p.Closed)})
		}
		last := bd.Points[len(bd.Points)-1]
		title := fmt.Sprintf("The bot's pull requests for %s %s over time", bd.Template, bd.Release)
		desc := fmt.Sprintf("%s: from %s to %s, %d opened; now %d open, %d merged, %d closed unmerged.", title,
			bd.Points[0].At.Format(time.DateOnly), v.Generated.Format(time.DateOnly), last.Open+last.Merged+last.Closed, last.Open, last.Merged, last.Closed)
		id := fmt.Sprintf("burndown-%d", i+1)
		v.Charts = append(v.Charts, chart{ID: id, Title: fmt.Sprintf("Pull requests for %s %s, over time", bd.Template, bd.Release),
			Caption: desc + " The bottom band is what is still open: it burns down as pull requests are merged or closed.",
			SVG:     stackedSteps(id+"-chart", title, desc, ts, v.Generated, []layer{open, merged, closed}), Table: t})
	}
}

func (v *pageView) divergence() {
	var bars []bar
	var descs []string
	t := table{Head: []string{"golden path", "file", "services diverged", "modified", "deleted", "services measured"}}
	max := 0.0
	for _, p := range v.Summary.Paths {
		for i, fc := range p.DivergedFiles {
			if i == 10 {
				break // the ten most diverged files of each golden path
			}
			note := fmt.Sprintf("%d of %d services", fc.Services, p.Measured)
			bars = append(bars, bar{Label: fc.Path, Note: note + " (" + p.Template + ")", Segments: []segment{
				{Label: "modified", Value: float64(fc.Modified), Text: strconv.Itoa(fc.Modified), Series: 2},
				{Label: "deleted", Value: float64(fc.Deleted), Text: strconv.Itoa(fc.Deleted), Series: 3}}})
			descs = append(descs, fmt.Sprintf("%s of %s: %s (%d modified, %d deleted)", fc.Path, p.Template, note, fc.Modified, fc.Deleted))
			t.Rows = append(t.Rows, []string{p.Template, fc.Path, strconv.Itoa(fc.Services), strconv.Itoa(fc.Modified), strconv.Itoa(fc.Deleted), strconv.Itoa(p.Measured)})
			max = float64(p.Measured)
		}
	}
	measured := false
	for _, p := range v.Summary.Paths {
		measured = measured || p.DivergedFiles != nil
	}
	if !measured {
		return
	}
	desc := "No service changed a golden path's files."
	if len(bars) > 0 {
		desc = "The golden paths' files services changed or deleted, most first: " + strings.Join(descs, "; ") + "."
	}
	v.Charts = append(v.Charts, chart{ID: "divergence", Title: "Most diverged files", Caption: desc,
		SVG: barChart("divergence-chart", "Most diverged files", desc, bars, []legendItem{{"modified", 2}, {"deleted", 3}}, max), Table: t})
}

func (v *pageView) services() {
	v.Head = []string{"repository", "golden path", "version", "latest", "releases behind", "days behind", "lead time", "bot pull request", "diverged files", "error"}
	num := func(p *int) cell {
		if p == nil {
			return cell{Text: "-", Sort: "-1", Num: true}
		}
		return cell{Text: strconv.Itoa(*p), Sort: strconv.Itoa(*p), Num: true}
	}
	var rows []fleet.Row
	for _, r := range v.Services {
		rows = append(rows, r)
		for _, l := range r.Layers {
			l.Template += " (add-on)"
			rows = append(rows, l)
		}
	}
	for _, r := range rows {
		lead := cell{Text: "-", Sort: "-1", Num: true}
		if m := r.LastMove(); m != nil && m.Version == r.Version && m.LeadTimeSeconds != nil {
			lead = cell{Text: fleet.Duration(*m.LeadTimeSeconds), Sort: strconv.FormatInt(*m.LeadTimeSeconds, 10), Num: true}
		}
		pr := cell{Text: "-", Sort: ""}
		if len(r.PullRequests) > 0 {
			p := r.PullRequests[0]
			pr.Text = fmt.Sprintf("#%d %s (%s)", p.Number, p.State, p.To)
			pr.Sort = p.State
		}
		div := cell{Text: "-", Sort: "-1", Num: true}
		if r.Diverged != nil {
			var paths []string
			for _, f := range r.Diverged {
				paths = append(paths, f.Path)
			}
			div = cell{Text: strconv.Itoa(len(r.Diverged)), Sort: strconv.Itoa(len(r.Diverged)), Num: true}
			if len(paths) > 0 {
				div.Text += ": " + strings.Join(paths, ", ")
			}
		}
		errText := r.Error
		if errText == "" && len(r.Warnings) > 0 {
			errText = "warning: " + strings.Join(r.Warnings, "; ")
		}
		v.Rows = append(v.Rows, []cell{{Text: r.Repo, Sort: r.Repo}, {Text: r.Template, Sort: r.Template}, {Text: r.Version, Sort: r.Version},
			{Text: r.Latest, Sort: r.Latest}, num(r.Behind), num(r.DaysBehind), lead, pr, div, {Text: errText, Sort: errText}})
	}
}

func compareVersions(a, b string) int {
	va, errA := semver.NewVersion(a)
	vb, errB := semver.NewVersion(b)
	if errA != nil || errB != nil {
		return strings.Compare(a, b)
	}
	return va.Compare(vb)
}
