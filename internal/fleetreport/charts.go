package fleetreport

import (
	"fmt"
	"html"
	"html/template"
	"math"
	"strings"
	"time"
)

// Charts are inline SVG, each with a <title> and a <desc> that say its numbers in words, and
// each series drawn with a pattern as well as a colour, so that the page reads in greyscale,
// printed, or with a screen reader; every chart also has its numbers in a table beside it.

const (
	chartWidth = 960
	labelWidth = 170
	barArea    = 480 // the rest is for the note after each bar
	barHeight  = 26
	barGap     = 14
)

// patternDefs are the fills of series 0..5: a colour and a texture each.
const patternDefs = `<svg width="0" height="0" style="position:absolute" aria-hidden="true" focusable="false"><defs>
<pattern id="p0" width="8" height="8" patternUnits="userSpaceOnUse"><rect width="8" height="8" fill="#2b6cb0"/></pattern>
<pattern id="p1" width="8" height="8" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="8" height="8" fill="#9ecae1"/><line x1="0" y1="0" x2="0" y2="8" stroke="#1a3d5c" stroke-width="3"/></pattern>
<pattern id="p2" width="8" height="8" patternUnits="userSpaceOnUse"><rect width="8" height="8" fill="#fdd49e"/><circle cx="4" cy="4" r="1.8" fill="#7f2704"/></pattern>
<pattern id="p3" width="8" height="8" patternUnits="userSpaceOnUse"><rect width="8" height="8" fill="#d9d9d9"/><path d="M0 0L8 8M8 0L0 8" stroke="#252525" stroke-width="1.2"/></pattern>
<pattern id="p4" width="8" height="8" patternUnits="userSpaceOnUse"><rect width="8" height="8" fill="#c7e9c0"/><line x1="0" y1="4" x2="8" y2="4" stroke="#00441b" stroke-width="2"/></pattern>
<pattern id="p5" width="8" height="8" patternUnits="userSpaceOnUse"><rect width="8" height="8" fill="#fcbba1"/><line x1="4" y1="0" x2="4" y2="8" stroke="#67000d" stroke-width="2"/></pattern>
</defs></svg>`

func fill(series int) string { return fmt.Sprintf("url(#p%d)", min(series, 5)) }

// segment is one part of a stacked bar.
type segment struct {
	Label  string // in the legend and the description: "v1.1.0"
	Value  float64
	Text   string // drawn inside when it fits: "2"
	Series int
}

// bar is one row of a bar chart.
type bar struct {
	Label    string
	Segments []segment
	// Note is written after the bar: "2 of 4 services", "median 6d".
	Note string
	// Mark is a tick drawn across the bar at this value (a p90); 0: none.
	Mark float64
}

type legendItem struct {
	Label  string
	Series int
}

// svgOpen starts a chart: its title and description, which screen readers read.
func svgOpen(b *strings.Builder, id string, width, height int, title, desc string) {
	fmt.Fprintf(b, `<svg id="%s" class="chart" role="img" aria-labelledby="%s-title %s-desc" viewBox="0 0 %d %d" width="%d" height="%d" xmlns="http://www.w3.org/2000/svg">`,
		id, id, id, width, height, width, height)
	fmt.Fprintf(b, `<title id="%s-title">%s</title><desc id="%s-desc">%s</desc>`, id, esc(title), id, esc(desc))
}

// barChart draws horizontal, possibly stacked, bars on one scale from 0 to max.
func barChart(id, title, desc string, bars []bar, legend []legendItem, max float64) template.HTML {
	if max <= 0 {
		max = 1
	}
	legendHeight := 0
	if len(legend) > 0 && len(bars) > 0 {
		legendHeight = 34
	}
	height := legendHeight + len(bars)*(barHeight+barGap) + 8
	var b strings.Builder
	svgOpen(&b, id, chartWidth, height, title, desc)
	x := 0
	used := map[int]bool{}
	for _, br := range bars {
		for _, s := range br.Segments {
			used[s.Series] = used[s.Series] || s.Value > 0
		}
	}
	for _, l := range legend {
		if !used[l.Series] {
			continue
		}
		fmt.Fprintf(&b, `<rect x="%d" y="6" width="18" height="18" fill="%s" stroke="#222"/><text x="%d" y="20" class="legend">%s</text>`,
			x, fill(l.Series), x+24, esc(l.Label))
		x += 24 + 8*len(l.Label) + 22
	}
	for i, br := range bars {
		y := legendHeight + i*(barHeight+barGap)
		fmt.Fprintf(&b, `<text x="0" y="%d" class="label">%s</text>`, y+barHeight/2+5, esc(clip(br.Label, 26)))
		x := float64(labelWidth)
		for _, s := range br.Segments {
			w := s.Value / max * barArea
			if w <= 0 {
				continue
			}
			fmt.Fprintf(&b, `<rect x="%.1f" y="%d" width="%.1f" height="%d" fill="%s" stroke="#222"><title>%s</title></rect>`,
				x, y, w, barHeight, fill(s.Series), esc(s.Label+": "+s.Text))
			if s.Text != "" && w >= float64(8*len(s.Text)+10) {
				fmt.Fprintf(&b, `<text x="%.1f" y="%d" class="in" text-anchor="middle">%s</text>`, x+w/2, y+barHeight/2+5, esc(s.Text))
			}
			x += w
		}
		if br.Mark > 0 {
			mx := labelWidth + br.Mark/max*barArea
			fmt.Fprintf(&b, `<line x1="%.1f" y1="%d" x2="%.1f" y2="%d" stroke="#000" stroke-width="3"/>`, mx, y-4, mx, y+barHeight+4)
			x = math.Max(x, mx)
		}
		fmt.Fprintf(&b, `<text x="%.1f" y="%d" class="note">%s</text>`, x+8, y+barHeight/2+5, esc(br.Note))
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// layer is one series of a stacked step chart.
type layer struct {
	Label  string
	Series int
	Pts    []float64
}

// stackedSteps draws series stacked on each other, each changing at times ts and held until
// the next change and until end: the bottom one is what is still to do (a burndown), the
// ones above it what was done.
func stackedSteps(id, title, desc string, ts []time.Time, end time.Time, layers []layer) template.HTML {
	const width, height, left, top, bottom, right = chartWidth, 240, 44, 16, 40, 200
	var b strings.Builder
	svgOpen(&b, id, width, height, title, desc)
	if len(ts) == 0 {
		b.WriteString(`</svg>`)
		return template.HTML(b.String())
	}
	start := ts[0]
	if end.Before(ts[len(ts)-1]) {
		end = ts[len(ts)-1]
	}
	span := end.Sub(start).Seconds()
	if span <= 0 {
		span = 86400
	}
	total := make([]float64, len(ts))
	for _, l := range layers {
		for j, v := range l.Pts {
			total[j] += v
		}
	}
	max := 1.0
	for _, v := range total {
		max = math.Max(max, v)
	}
	plotW, plotH := float64(width-left-right), float64(height-top-bottom)
	xOf := func(t time.Time) float64 { return left + t.Sub(start).Seconds()/span*plotW }
	yOf := func(v float64) float64 { return top + plotH - v/max*plotH }
	base := make([]float64, len(ts))
	for i, l := range layers {
		for j, v := range l.Pts {
			x0, x1 := xOf(ts[j]), xOf(end)
			if j+1 < len(ts) {
				x1 = xOf(ts[j+1])
			}
			if v > 0 && x1 > x0 {
				fmt.Fprintf(&b, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s" stroke="#222" stroke-width="0.5"/>`,
					x0, yOf(base[j]+v), x1-x0, yOf(base[j])-yOf(base[j]+v), fill(l.Series))
			}
			base[j] += v
		}
		last := l.Pts[len(l.Pts)-1]
		ly := float64(top + 16 + i*24)
		fmt.Fprintf(&b, `<rect x="%.1f" y="%.1f" width="18" height="18" fill="%s" stroke="#222"/><text x="%.1f" y="%.1f" class="legend">%s: %g now</text>`,
			xOf(end)+14, ly-13, fill(l.Series), xOf(end)+38, ly, esc(l.Label), last)
	}
	fmt.Fprintf(&b, `<line x1="%d" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#444"/>`, left, yOf(0), left+plotW, yOf(0))
	fmt.Fprintf(&b, `<line x1="%d" y1="%d" x2="%d" y2="%.1f" stroke="#444"/>`, left, top, left, yOf(0))
	for v := 0.0; v <= max; v += math.Max(1, math.Ceil(max/4)) {
		fmt.Fprintf(&b, `<text x="%d" y="%.1f" class="axis" text-anchor="end">%g</text>`, left-6, yOf(v)+4, v)
	}
	fmt.Fprintf(&b, `<text x="%d" y="%d" class="axis">%s</text>`, left, height-12, start.Format(time.DateOnly))
	fmt.Fprintf(&b, `<text x="%.1f" y="%d" class="axis" text-anchor="end">%s</text>`, left+plotW, height-12, end.Format(time.DateOnly))
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

func esc(s string) string { return html.EscapeString(s) }

func clip(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return s
}
