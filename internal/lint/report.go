package lint

import (
	"context"
	"fmt"
	"io"

	"github.com/idp-cli/idp/internal/english"
)

// Report is what idp template lint found in a golden path, and the counts.
type Report struct {
	Template string    `json:"template"`
	Findings []Finding `json:"findings"`
	Errors   int       `json:"errors"`
	Warnings int       `json:"warnings"`
}

// Check lints the golden path in dir, as Lint does, and counts the findings.
func Check(ctx context.Context, dir string) (*Report, error) {
	found, err := Lint(ctx, dir)
	if err != nil {
		return nil, err
	}
	if found == nil {
		found = []Finding{}
	}
	errs := Errors(found)
	return &Report{Template: dir, Findings: found, Errors: errs, Warnings: len(found) - errs}, nil
}

// JSON is idp template lint --output json.
func (r *Report) JSON() any { return r }

// WriteText writes one line per finding and the counts, or that there are none.
func (r *Report) WriteText(w io.Writer) error {
	for _, fd := range r.Findings {
		fmt.Fprintf(w, "%s\n", fd)
	}
	if len(r.Findings) == 0 {
		_, err := fmt.Fprintf(w, "%s: no problems found.\n", r.Template)
		return err
	}
	_, err := fmt.Fprintf(w, "%s: %s, %s.\n", r.Template, english.Plural(r.Errors, "error"), english.Plural(r.Warnings, "warning"))
	return err
}

// Fails: there are errors, so idp template lint exits 1 (warnings alone do not).
func (r *Report) Fails() bool { return r.Errors > 0 }
