package doctor

import (
	"fmt"
	"io"

	"github.com/idp-cli/idp/internal/english"
)

// About is idp doctor's help: what each check looks at, and what its outcomes mean.
const About = `Check what idp depends on, and say for each what works and what to fix:

  git           the git command and its version
  config        the config file (or an IDP_* variable) that every command reads
  source        the default source and every named one in the config: reached with the
                credentials idp would use (it says where they come from, never what they are),
                cloned or fetched into the cache as idp new would, and its golden paths listed
  known_hosts   for ssh sources: the host's key, read without connecting
  cache         the source cache: its size, and what failed or killed runs left there
  forge         with --provider: whether the forge accepts the token and has the scopes idp
                needs (GitHub: X-OAuth-Scopes; GitLab: the token's own record; Gitea shows none)

Each check is ok, warn (works, but will bite) or fail (some command fails until it is fixed).
A broken config is reported like any other check. Exit status: 0 when nothing failed, 1 when
something did, 2 for a usage error.`

// Summary is idp doctor's --output json; docs/doctor.schema.json describes it.
type Summary struct {
	Checks   []Check `json:"checks"`
	OK       int     `json:"ok"`
	Warnings int     `json:"warnings"`
	Failed   int     `json:"failed"`
}

// JSON is the report as idp doctor --output json prints it: every check and how many came out
// each way.
func (r *Report) JSON() any { return r.summary() }

func (r *Report) summary() Summary {
	return Summary{Checks: r.Checks, OK: r.Count(OK), Warnings: r.Count(Warn), Failed: r.Count(Fail)}
}

// WriteText writes the report as idp doctor prints it: a line for each check with its fix
// below it, then the counts.
func (r *Report) WriteText(w io.Writer) error {
	for _, c := range r.Checks {
		if _, err := fmt.Fprintf(w, "%-4s  %s: %s\n", c.Status, c.Name, c.Detail); err != nil {
			return err
		}
		if c.Fix != "" {
			fmt.Fprintf(w, "      fix: %s\n", c.Fix)
		}
	}
	s := r.summary()
	_, err := fmt.Fprintf(w, "%s: %d ok, %s, %d failed\n", english.Plural(len(r.Checks), "check"), s.OK, english.Plural(s.Warnings, "warning"), s.Failed)
	return err
}

// Failures says what failed and what to do, or "" when nothing did.
func (r *Report) Failures() string {
	switch n := r.Count(Fail); {
	case n == 1:
		return "1 check failed; do what its fix says, then run idp doctor again"
	case n > 1:
		return fmt.Sprintf("%d checks failed; do what their fixes say, then run idp doctor again", n)
	}
	return ""
}
