package updaterun

import (
	"fmt"
	"strings"

	"github.com/idp-cli/idp/internal/update"
)

// noMerge records a layer that merged nothing (on a version newer than the latest, or whose
// newer version needs a person) in doc and says so; it reports whether it was one.
func (w *printer) noMerge(doc *Layered, out *update.Outcome) bool {
	p := out.Planned
	switch {
	case out.Newer:
		doc.Layers = append(doc.Layers, LayerStatus{Template: p.Name, From: p.Current, To: p.Current, Status: "newer"})
		w.say("%s is on %s %s, newer than the latest %s; nothing to update.\n", w.name(p), p.Name, p.Current, p.Wants)
		return true
	case out.NeedsInput:
		doc.Layers = append(doc.Layers, LayerStatus{Template: p.Name, From: p.Current, To: p.Current, Status: "needsInput", Held: p.Held, PassedOver: p.Passed})
		fmt.Fprintf(w.log, "idp: %s\n", w.needsInput(p))
		return true
	}
	return false
}

// layered writes the update of every layer of a service, one after another, then once what is
// left to do.
func (w *printer) layered() error {
	var doc Layered
	changed := false
	var last *update.Planned
	for _, l := range w.Layers {
		out := l.Outcome
		p := out.Planned
		last = p
		doc.Service, doc.Dir = w.name(p), p.Service.Dir
		if w.noMerge(&doc, out) || out.Result == nil {
			continue // nil: the error that stopped the run says what happened
		}
		res := out.Result
		doc.Conflicts += res.Conflicts
		doc.Layers = append(doc.Layers, w.report(p, res, w.Mode == update.ModeDryRun, nil))
		if !w.json && w.summary(p, res, w.Mode == update.ModeDryRun) {
			changed = true
		}
		w.held(p)
	}
	if w.json {
		if doc.Layers == nil {
			doc.Layers = []any{}
		}
		return w.print(doc)
	}
	if changed && w.Mode == update.ModeWrite && last != nil {
		w.trailer(last, doc.Conflicts)
	}
	return nil
}

// layeredDiff writes the diff of each layer's update, in order; each is worked out from the
// service's files as they are.
func (w *printer) layeredDiff() error {
	var all strings.Builder
	doc := Layered{Layers: []any{}}
	for _, l := range w.Layers {
		out := l.Outcome
		p := out.Planned
		doc.Service, doc.Dir = w.name(p), p.Service.Dir
		if out.Result == nil {
			if out.NeedsInput {
				fmt.Fprintf(w.log, "idp: %s\n", w.needsInput(p))
			}
			continue
		}
		d := out.Result.Diff()
		all.WriteString(d)
		r := w.report(p, out.Result, true, nil)
		r.Diff = &d
		doc.Layers = append(doc.Layers, r)
		doc.Conflicts += out.Result.Conflicts
	}
	if w.json {
		return w.print(doc)
	}
	_, err := fmt.Fprint(w.out, all.String())
	return err
}

// layeredBot writes the bot's run of each layer: its branch and pull request, or its error.
func (w *printer) layeredBot() error {
	var doc Layered
	for _, l := range w.Layers {
		if l.Err != nil {
			err := l.Err
			if w.deps.Hint != nil {
				err = w.deps.Hint(err)
			}
			fmt.Fprintf(w.log, "idp: layer %s: %s\n", l.Name, err)
			st := LayerStatus{Template: l.Name, Status: "failed", Error: l.Err.Error()}
			if l.Outcome != nil {
				st.From, st.To = l.Outcome.Current, l.Outcome.Wants
			}
			doc.Layers = append(doc.Layers, st)
			continue
		}
		out := l.Outcome
		p := out.Planned
		doc.Service, doc.Dir = w.name(p), p.Service.Dir
		if w.noMerge(&doc, out) {
			continue
		}
		doc.Layers = append(doc.Layers, w.report(p, out.Result, false, l.Report))
		doc.Conflicts += out.Result.Conflicts
		if !w.json {
			if err := w.push(p, out.Result, l.Report); err != nil {
				return err
			}
		}
		w.held(p)
	}
	if w.json {
		return w.print(doc)
	}
	return nil
}
