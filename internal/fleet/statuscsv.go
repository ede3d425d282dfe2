package fleet

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/idp-cli/idp/internal/gitauth"
)

// WriteCSV writes the status as fleet status --output csv: a line per service and add-on, then
// one per repository on no golden path.
func (res *StatusResult) WriteCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	cw.Write([]string{"repository", "template", "source", "version", "latest", "behind", "days_behind", "error",
		"on_golden_path", "lead_time_seconds", "pull_request", "pull_request_state", "pull_request_age_seconds", "time_to_merge_seconds", "diverged_files", "add_on"})
	num := func(p *int64) string {
		if p == nil {
			return ""
		}
		return strconv.FormatInt(*p, 10)
	}
	var rows []Row
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
		// on_golden_path: false for a listed repository without .idp.yaml, empty when it could
		// not be read.
		on := map[string]string{"": "true", "none": "false", "unknown": ""}[r.notService]
		cw.Write([]string{r.Repo, r.Template, gitauth.Redact(r.Source), r.Version, r.Latest, b, d, r.Error,
			on, num(r.LeadTime()), pr, state, age, ttm, div, strconv.FormatBool(addOn[i])})
	}
	for _, r := range res.NotOnGoldenPath {
		cw.Write([]string{r.Repo, "", "", "", "", "", "", "", "false", "", "", "", "", "", "", "false"})
	}
	cw.Flush()
	return cw.Error()
}

// WriteWarnings writes what could not be measured of the services that were read, a line
// each, for stderr.
func (res *StatusResult) WriteWarnings(w io.Writer) {
	for _, r := range res.Rows {
		for _, warn := range r.Warnings {
			fmt.Fprintf(w, "idp: warning: %s: %s\n", r.Repo, warn)
		}
	}
}
