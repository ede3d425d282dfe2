package cli

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/idp-cli/idp/internal/bot"
	"github.com/idp-cli/idp/internal/update"
)

// layerStatus is one layer of a layered update that did no merge, for --output json.
type layerStatus struct {
	Template string       `json:"template"`
	From     string       `json:"from"`
	To       string       `json:"to"`
	Status   string       `json:"status"` // newer, needsInput, failed
	Held     *update.Held `json:"held,omitempty"`
	// PassedOver are the newer versions not taken: too young for --min-age, or under skip:.
	PassedOver []update.Passed `json:"passedOver,omitempty"`
	Error      string          `json:"error,omitempty"`
}

// layeredJSON is a layered update for --output json: one entry per layer, in order, each an
// update's report or a layerStatus.
type layeredJSON struct {
	Service   string `json:"service"`
	Dir       string `json:"dir"` // absolute
	Layers    []any  `json:"layers"`
	Conflicts int    `json:"conflicts"`
}

// noMerge records a layer that merged nothing (on a version newer than the latest, or whose
// newer version needs a person) in doc and says so; done says it was one, held that it needs a
// person.
func (doc *layeredJSON) noMerge(f *Factory, out *update.Outcome) (done, held bool) {
	p := out.Planned
	switch {
	case out.Newer:
		doc.Layers = append(doc.Layers, layerStatus{Template: p.Name, From: p.Current, To: p.Current, Status: "newer"})
		f.say("%s is on %s %s, newer than the latest %s; nothing to update.\n", display(p), p.Name, p.Current, p.Wants)
		return true, false
	case out.NeedsInput:
		doc.Layers = append(doc.Layers, layerStatus{Template: p.Name, From: p.Current, To: p.Current, Status: "needsInput", Held: p.Held, PassedOver: p.Passed})
		fmt.Fprintf(f.IO.ErrOut, "idp: %s\n", needsInputMsg(p))
		return true, true
	}
	return false, false
}

func needsInputMsg(p *update.Planned) string {
	return fmt.Sprintf("%s is on %s %s; %s needs %s, which only a person can answer: pass --set KEY=VALUE or --values FILE, add them under answers: in .idp.yaml, or run idp update in a terminal",
		display(p), p.Name, p.Current, p.Held.Version, p.Held.Describe())
}

// printLayered prints an update of every layer of a service, one after another, then once what
// is left to do; err is what stopped it after the layers in lo.
func printLayered(f *Factory, cmd *cobra.Command, lo *update.Layered, mode update.Mode, err error) error {
	if mode == update.ModeDiff {
		return printLayeredDiff(f, cmd, lo, err)
	}
	js := f.Config.Output == "json"
	var doc layeredJSON
	conflicts, needs, changed := 0, false, false
	var last *update.Planned
	var stop error
	for _, out := range lo.Outcomes {
		p := out.Planned
		last = p
		doc.Service, doc.Dir = display(p), p.Service.Dir
		if done, held := doc.noMerge(f, out); done {
			needs = needs || held
			continue
		}
		res := out.Result
		conflicts += res.Conflicts
		doc.Layers = append(doc.Layers, updateReport(p, res, mode == update.ModeDryRun, nil))
		if !js && printSummary(f, p, res, mode == update.ModeDryRun) {
			changed = true
		}
		printHeld(f, p)
		if out.Interrupted {
			stop = interrupted(f, p, res, out.SkippedAfter, out.SkippedHooks)
		}
	}
	doc.Conflicts = conflicts
	if js {
		if doc.Layers == nil {
			doc.Layers = []any{}
		}
		if jerr := printJSON(f.IO.Out, doc); jerr != nil {
			return jerr
		}
	} else if changed && mode == update.ModeWrite && last != nil {
		printTrailer(f, last, conflicts)
	}
	switch {
	case err != nil:
		return renderLimitHint(withCmd(cmd, err))
	case stop != nil:
		return stop
	case conflicts > 0 && mode == update.ModeWrite:
		return &exitError{Code: ExitConflicts}
	case needs:
		return &exitError{Code: ExitNeedsInput}
	}
	return nil
}

// printLayeredDiff prints the diff of each layer's update, in order; each is worked out from
// the service's files as they are.
func printLayeredDiff(f *Factory, cmd *cobra.Command, lo *update.Layered, err error) error {
	var all strings.Builder
	doc := layeredJSON{Layers: []any{}}
	for _, out := range lo.Outcomes {
		p := out.Planned
		doc.Service, doc.Dir = display(p), p.Service.Dir
		if out.Result == nil {
			if out.NeedsInput {
				fmt.Fprintf(f.IO.ErrOut, "idp: %s\n", needsInputMsg(p))
			}
			continue
		}
		d := diffText(out.Result)
		all.WriteString(d)
		l := updateReport(p, out.Result, true, nil)
		l.Diff = &d
		doc.Layers = append(doc.Layers, l)
		doc.Conflicts += out.Result.Conflicts
	}
	if f.Config.Output == "json" {
		if jerr := printJSON(f.IO.Out, doc); jerr != nil {
			return jerr
		}
	} else {
		fmt.Fprint(f.IO.Out, all.String())
	}
	if err != nil {
		return renderLimitHint(withCmd(cmd, err))
	}
	return nil
}

// printLayeredBot prints the bot's run of each layer: its branch and pull request, or its error.
func printLayeredBot(f *Factory, runs []bot.LayerRun) error {
	var doc layeredJSON
	failed, conflicts, needs := 0, false, false
	for _, r := range runs {
		if r.Err != nil {
			failed++
			fmt.Fprintf(f.IO.ErrOut, "idp: layer %s: %s\n", r.Layer, renderLimitHint(r.Err))
			st := layerStatus{Template: r.Layer, Status: "failed", Error: r.Err.Error()}
			if r.Outcome != nil {
				st.From, st.To = r.Outcome.Current, r.Outcome.Wants
			}
			doc.Layers = append(doc.Layers, st)
			continue
		}
		out := r.Outcome
		p := out.Planned
		doc.Service, doc.Dir = display(p), p.Service.Dir
		if done, held := doc.noMerge(f, out); done {
			needs = needs || held
			continue
		}
		doc.Layers = append(doc.Layers, updateReport(p, out.Result, false, r.Report))
		doc.Conflicts += out.Result.Conflicts
		if f.Config.Output != "json" {
			if err := printPush(f, p, out.Result, r.Report); err != nil {
				return err
			}
		}
		printHeld(f, p)
		if out.Result.Conflicts > 0 && r.Report.Push != "kept" {
			conflicts = true
		}
	}
	if f.Config.Output == "json" {
		if err := printJSON(f.IO.Out, doc); err != nil {
			return err
		}
	}
	switch {
	case failed > 0:
		return &exitError{Code: ExitError, Msg: fmt.Sprintf("%d of %d layers failed; the others were pushed as printed", failed, len(runs))}
	case conflicts:
		return &exitError{Code: ExitConflicts}
	case needs:
		return &exitError{Code: ExitNeedsInput}
	}
	return nil
}
