package tmpltest

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/idp-cli/idp/internal/english"
)

// Report is what idp template test came to: every case's result, in order, and the counts.
type Report struct {
	Template string   `json:"template"`
	Cases    []Result `json:"cases"`
	Passed   int      `json:"passed"`
	Failed   int      `json:"failed"`
	Updated  int      `json:"updated"`
}

// Test runs the cases of the golden path in dir, as Run does, and counts their outcomes.
// explain, when set, rewords a case's error (to say how to raise a limit that stopped it).
func Test(ctx context.Context, dir string, o Options, explain func(error) error) (*Report, error) {
	results, err := Run(ctx, dir, o)
	if err != nil {
		return nil, err
	}
	r := &Report{Template: dir, Cases: results}
	for i, c := range results {
		if c.Err != nil && explain != nil {
			results[i].Error = explain(c.Err).Error()
		}
		switch c.Outcome {
		case Passed:
			r.Passed++
		case Updated:
			r.Updated++
		default:
			r.Failed++
		}
	}
	return r, nil
}

// JSON is idp template test --output json.
func (r *Report) JSON() any { return r }

// WriteText writes one line per case (status, case, detail), a failed case's diff and its
// check's output, the checks not run, and the counts.
func (r *Report) WriteText(w io.Writer) error {
	width := 0
	for _, c := range r.Cases {
		width = max(width, len(c.Case))
	}
	var skipped []string
	differs := false
	for _, c := range r.Cases {
		status, detail := "ERROR", c.Error
		switch c.Outcome {
		case Passed:
			status, detail = "ok", english.Plural(c.Files, "file")
		case Updated:
			status, detail = "updated", fmt.Sprintf("wrote %s/%s/ (%s)", Dir, c.Case, english.Plural(c.Files, "file"))
		case Failed:
			status, detail = "FAIL", english.Plural(c.Files, "file")+" as in the golden tree"
			if len(c.Differ) > 0 {
				differs = true
				detail = fmt.Sprintf("%s/%s/ differs from the render in %s: %s", Dir, c.Case, english.Plural(len(c.Differ), "file"), strings.Join(c.Differ, ", "))
			}
		}
		ck := c.Check
		switch {
		case ck == nil:
		case ck.Outcome == CheckPassed:
			detail += "; check passed"
		case ck.Outcome == CheckFailed:
			detail += "; check failed: " + ck.Command
		default:
			skipped = append(skipped, fmt.Sprintf("  %s: %s", c.Case, ck.Command))
		}
		fmt.Fprintf(w, "%-7s %-*s  %s\n", status, width, c.Case, detail)
		if c.Outcome == Failed {
			fmt.Fprint(w, c.Diff)
		}
		if ck != nil && ck.Outcome == CheckFailed {
			for _, l := range strings.Split(strings.TrimRight(ck.Output, "\n"), "\n") {
				fmt.Fprintln(w, "    "+l)
			}
		}
	}
	if len(skipped) > 0 {
		fmt.Fprintf(w, "Checks not run (they run only with --trust):\n%s\n", strings.Join(skipped, "\n"))
	}
	summary := fmt.Sprintf("%s: %d passed, %d failed", r.Template, r.Passed, r.Failed)
	if r.Updated > 0 {
		summary += fmt.Sprintf(", %d updated", r.Updated)
	}
	fmt.Fprintln(w, summary+".")
	if differs {
		fmt.Fprintln(w, "If the render is right, accept it with --update and review the golden trees with git diff.")
	}
	return nil
}

// Fails: a case failed, so idp template test exits 1.
func (r *Report) Fails() bool { return r.Failed > 0 }

// CaseNames are the names of the golden path's cases in dir, but those in given (for completing
// the cases of a command line); none when they cannot be read.
func CaseNames(dir string, given []string) []string {
	cases, _ := LoadCases(dir)
	var names []string
	for _, c := range cases {
		if !slices.Contains(given, c.Name) {
			names = append(names, c.Name)
		}
	}
	return names
}
