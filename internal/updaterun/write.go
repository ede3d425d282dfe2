package updaterun

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/idp-cli/idp/internal/bot"
	"github.com/idp-cli/idp/internal/update"
)

// Report is one layer's update for --output json (docs/update.schema.json).
type Report struct {
	Service    string          `json:"service"`
	Dir        string          `json:"dir"` // absolute
	Template   string          `json:"template"`
	From       string          `json:"from"`
	To         string          `json:"to"`
	DryRun     bool            `json:"dryRun"`
	Changes    []update.Change `json:"changes"`
	Conflicts  int             `json:"conflicts"`
	NewAnswers []Answer        `json:"newAnswers"`
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

// Answer is an answer, by its parameter's name: the same shape wherever JSON gives answers with
// their values. A secret's value is never among them.
type Answer struct {
	Name  string `json:"name"`
	Value any    `json:"value"`
}

// LayerStatus is one layer of a layered update that did no merge, for --output json.
type LayerStatus struct {
	Template string       `json:"template"`
	From     string       `json:"from"`
	To       string       `json:"to"`
	Status   string       `json:"status"` // newer, needsInput, failed
	Held     *update.Held `json:"held,omitempty"`
	// PassedOver are the newer versions not taken: too young for --min-age, or under skip:.
	PassedOver []update.Passed `json:"passedOver,omitempty"`
	Error      string          `json:"error,omitempty"`
}

// Layered is a layered update for --output json: one entry per layer, in order, each a Report
// or a LayerStatus.
type Layered struct {
	Service   string `json:"service"`
	Dir       string `json:"dir"` // absolute
	Layers    []any  `json:"layers"`
	Conflicts int    `json:"conflicts"`
}

// printer writes a result: data on out (text, or one JSON document), what a person should know
// on log.
type printer struct {
	*Result
	out, log io.Writer
	json     bool
}

// Write says what the run did on out, as text or (asJSON) one JSON document, and on log which
// newer versions it left for a person.
func (r *Result) Write(out, log io.Writer, asJSON bool) error {
	w := &printer{Result: r, out: out, log: log, json: asJSON}
	switch {
	case !r.Layered:
		return w.single(r.Layers[0])
	case r.Mode == update.ModeDiff:
		return w.layeredDiff()
	case r.Mode == update.ModeBot:
		return w.layeredBot()
	}
	return w.layered()
}

func (w *printer) name(p *update.Planned) string { return w.deps.Update.Name(p.Service) }

// say writes a line of text, or nothing with JSON.
func (w *printer) say(format string, args ...any) {
	if !w.json {
		fmt.Fprintf(w.out, format, args...)
	}
}

func (w *printer) print(doc any) error {
	enc := json.NewEncoder(w.out)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(doc)
}

func (w *printer) single(l Layer) error {
	out := l.Outcome
	p, res := out.Planned, out.Result
	switch {
	case out.Newer:
		w.say("%s is on %s %s, newer than the latest %s; nothing to update.\n", w.name(p), p.Name, p.Current, p.Wants)
		return nil
	case out.NeedsInput:
		if !w.json {
			return nil
		}
		doc := map[string]any{
			"service": w.name(p), "template": p.Name, "from": p.Current, "to": p.Current,
			"status": "needsInput", "held": p.Held,
		}
		if len(p.Passed) > 0 {
			doc["passedOver"] = p.Passed
		}
		return w.print(doc)
	case out.Interrupted:
		return w.update(p, res, false)
	case w.Mode == update.ModeDiff:
		d := res.Diff()
		if w.json {
			doc := w.report(p, res, true, nil)
			doc.Diff = &d
			return w.print(doc)
		}
		_, err := fmt.Fprint(w.out, d)
		return err
	case w.Mode == update.ModeBot:
		if err := w.push(p, res, l.Report); err != nil {
			return err
		}
	default:
		if err := w.update(p, res, w.Mode == update.ModeDryRun); err != nil {
			return err
		}
	}
	w.held(p)
	return nil
}

// report is one layer's update for JSON.
func (w *printer) report(p *update.Planned, res *update.Result, dryRun bool, rep *bot.Report) Report {
	changes := res.Changes
	if changes == nil {
		changes = []update.Change{}
	}
	answers := []Answer{}
	for _, k := range res.NewAnswers {
		for _, a := range res.Own().Answers {
			if a.Key == k {
				answers = append(answers, Answer{Name: k, Value: a.Value})
			}
		}
	}
	return Report{
		Service: w.name(p), Dir: p.Service.Dir, Template: p.Name, From: res.From, To: res.To, DryRun: dryRun,
		Changes: changes, Conflicts: res.Conflicts, NewAnswers: answers,
		PendingMigrations: append([]string{}, res.Own().PendingMigrations...),
		Push:              rep, Held: p.Held, PassedOver: p.Passed,
	}
}

func (w *printer) update(p *update.Planned, res *update.Result, dryRun bool) error {
	if w.json {
		return w.print(w.report(p, res, dryRun, nil))
	}
	if w.summary(p, res, dryRun) && !dryRun {
		w.trailer(p, res.Conflicts)
	}
	return nil
}

// held says which newer version the update left for a person, and why.
func (w *printer) held(p *update.Planned) {
	if p.Held != nil {
		fmt.Fprintf(w.log, "idp: %s %s was not taken: it needs %s, which only a person can answer; pass --set KEY=VALUE or --values FILE, add them under answers: in .idp.yaml, or run idp update in a terminal\n",
			p.Name, p.Held.Version, p.Held.Describe())
	}
}

// summary writes what the update of one layer did, and reports whether it changed anything.
func (w *printer) summary(p *update.Planned, res *update.Result, dryRun bool) bool {
	notRun := ""
	if pending := res.Own().PendingMigrations; len(pending) > 0 {
		notRun = fmt.Sprintf("Migrations not run: %s; .idp.yaml records them, and 'idp update --trust' runs them.\n", strings.Join(pending, ", "))
	}
	if res.Unchanged(p.Service.Record) {
		fmt.Fprintf(w.out, "%s is on %s %s; nothing to update.\n%s", w.name(p), p.Name, res.To, notRun)
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
		fmt.Fprintf(w.out, "Ran the migrations .idp.yaml recorded as not run in %s: %s.\n", w.name(p), strings.Join(ran, ", "))
	} else {
		w.changes(p, res, verb, "")
		if len(ran) > 0 {
			fmt.Fprintf(w.out, "Ran the migrations .idp.yaml recorded as not run: %s.\n", strings.Join(ran, ", "))
		}
	}
	fmt.Fprint(w.out, notRun)
	return true
}

// trailer ends a written update: what is left to do, and how to undo it.
func (w *printer) trailer(p *update.Planned, conflicts int) {
	fmt.Fprintln(w.out)
	switch conflicts {
	case 0:
		fmt.Fprintf(w.out, "Review with 'git diff', then commit.\n")
	case 1:
		fmt.Fprintf(w.out, "1 file left in conflict: resolve it, then commit.\n")
	default:
		fmt.Fprintf(w.out, "%d files left in conflict: resolve them, then commit.\n", conflicts)
	}
	undo := "git checkout HEAD -- . && git clean -fd ."
	rel := p.Service.Dir
	if d := w.deps.Update.Display; d != nil {
		rel = d(rel)
	}
	if rel != "." {
		undo = "(cd " + w.name(p) + " && " + undo + ")"
	}
	fmt.Fprintf(w.out, "To undo the update: %s\n", undo)
}

// changes writes the per-file summary: "<verb> <service> from <template> vX to vY<where>:".
func (w *printer) changes(p *update.Planned, res *update.Result, verb, where string) {
	span := res.From + " to " + res.To
	if res.From == res.To {
		span = res.To + " (new answers)"
	}
	fmt.Fprintf(w.out, "%s %s from %s %s%s:\n", verb, w.name(p), p.Name, span, where)
	update.WriteChangeLines(w.out, res.Changes)
	if kv := res.NewAnswerPairs(); len(kv) > 0 {
		fmt.Fprintf(w.out, "New answers: %s\n", strings.Join(kv, ", "))
	}
}

// push writes bot mode: the update, then what happened to the branch and pull request.
func (w *printer) push(p *update.Planned, res *update.Result, rep *bot.Report) error {
	if w.json {
		return w.print(w.report(p, res, false, rep))
	}
	if res.Unchanged(p.Service.Record) {
		fmt.Fprintf(w.out, "%s is on %s %s on %s; nothing to update.\n", w.name(p), p.Name, res.To, rep.Base)
	} else {
		w.changes(p, res, "Committed the update of", " on "+rep.Branch)
	}
	rep.WriteText(w.out, res.To)
	return nil
}
