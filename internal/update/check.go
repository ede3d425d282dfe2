package update

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"time"

	"github.com/idp-cli/idp/internal/english"
	"github.com/idp-cli/idp/internal/render"
)

// CheckOptions is one idp check.
type CheckOptions struct {
	Dir, Layer string
	To         string // latest, or a constraint such as a pinned ^1
	Pre        bool
	// Strict also compares the files each golden path enforces with its recorded version's
	// render (Enforced).
	Strict bool
}

// Checked is one layer's check: its versions, and with Strict the enforced files that differ.
type Checked struct {
	*Planned
	Enforced []Divergence
}

// CheckResult is what idp check found.
type CheckResult struct {
	// Dir is the directory asked for: its JSON names it when Failed.
	Dir    string
	Failed error // the service or its source could not be read
	// Layers are the layers checked, in order; Layered says every layer of a service with
	// add-ons (or --layer) was asked for.
	Layers  []Checked
	Layered bool
	// Leftovers are an earlier update's conflicts still in the files.
	Leftovers []Leftover
	// Behind: a layer has a newer version. Diverged: a file a golden path enforces differs.
	Behind, Diverged bool

	to, name string
	strict   bool
}

// Check compares each layer of the service in o.Dir with the newest version within o.To, from
// the source's tags alone, and looks for an earlier update's conflicts left in the files. When
// the service or its source cannot be read, the result says so (Failed) with the error.
func Check(ctx context.Context, d Deps, o CheckOptions) (*CheckResult, error) {
	ps, layered, err := ResolveLayers(ctx, d, o.Dir, o.Layer, o.To, o.Pre)
	if err != nil {
		return &CheckResult{Dir: o.Dir, Failed: err}, err
	}
	r := &CheckResult{Dir: o.Dir, Layered: layered, to: o.To, strict: o.Strict, name: d.Name(ps[0].Service)}
	if r.Leftovers, err = ps[0].Service.Leftovers(ctx, ps[0].Service.Record.Names()...); err != nil {
		return nil, err
	}
	for _, p := range ps {
		c := Checked{Planned: p}
		if o.Strict {
			if c.Enforced, err = Enforced(ctx, p, render.Options{}); err != nil {
				return nil, err
			}
			r.Diverged = r.Diverged || len(c.Enforced) > 0
		}
		r.Behind = r.Behind || !p.UpToDate()
		r.Layers = append(r.Layers, c)
	}
	return r, nil
}

// WriteText says, one line per layer, whether it is on the newest version, and what else the
// check found; nothing when it failed (the error says it).
func (r *CheckResult) WriteText(w io.Writer) error {
	if r.Failed != nil {
		return nil
	}
	newest := "the latest"
	if r.to != "" && r.to != "latest" {
		newest = "the newest matching --to " + r.to
	}
	for i, c := range r.Layers {
		p := c.Planned
		switch {
		case p.UpToDate() && len(r.Leftovers) > 0 && i == 0:
			fmt.Fprintf(w, "%s is on %s %s, %s, but has %s.\n", r.name, p.Name, p.Current, newest, DescribeLeftovers(r.Leftovers))
		case p.UpToDate():
			fmt.Fprintf(w, "%s is on %s %s, %s.\n", r.name, p.Name, p.Current, newest)
		default:
			run := "idp update"
			if r.Layered {
				run += " --layer " + p.Name
			}
			fmt.Fprintf(w, "%s is on %s %s; %s is out (%s behind). Run '%s'.\n", r.name, p.Name, p.Current, p.Wants, english.Plural(p.Behind, "version"), run)
		}
		for _, d := range c.Enforced {
			fmt.Fprintf(w, "  enforced  %s %s: %s enforces it (files.enforced); put back its version with git, or ask the platform team\n", d.Path, d.Status, p.Name)
		}
	}
	if len(r.Leftovers) > 0 && !r.Layers[0].UpToDate() {
		fmt.Fprintf(w, "%s also has %s.\n", r.name, DescribeLeftovers(r.Leftovers))
	}
	return nil
}

// JSON is the check as docs/check.schema.json gives it: one object whose status is current,
// behind, conflicts or error.
func (r *CheckResult) JSON() any {
	if r.Failed != nil {
		dir := r.Dir
		if dir == "" {
			dir = "."
		}
		doc := map[string]any{"service": dir, "status": "error", "error": r.Failed.Error()}
		if abs, err := filepath.Abs(dir); err == nil {
			doc["dir"] = abs
		}
		return doc
	}
	var layers []map[string]any
	for _, c := range r.Layers {
		p := c.Planned
		status := "current"
		if !p.UpToDate() {
			status = "behind"
		}
		l := map[string]any{
			"service": r.name, "dir": p.Service.Dir, "template": p.Name, "version": p.Current, "latest": p.Wants,
			"upToDate": p.UpToDate(), "behind": p.Behind, "status": status,
		}
		if !p.TargetDate.IsZero() {
			l["latestDate"] = p.TargetDate.UTC().Format(time.RFC3339)
		}
		if r.strict {
			l["enforced"] = append([]Divergence{}, c.Enforced...)
		}
		layers = append(layers, l)
	}
	doc := layers[0]
	if r.Layered {
		status := "current"
		if r.Behind {
			status = "behind"
		}
		for _, l := range layers {
			delete(l, "service")
		}
		doc = map[string]any{"service": r.name, "dir": r.Layers[0].Service.Dir, "status": status, "upToDate": !r.Behind, "layers": layers}
	}
	if len(r.Leftovers) > 0 {
		doc["conflicts"] = r.Leftovers
		if doc["status"] == "current" {
			doc["status"] = "conflicts"
		}
	}
	return doc
}
