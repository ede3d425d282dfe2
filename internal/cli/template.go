package cli

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/idp-cli/idp/internal/lint"
	"github.com/idp-cli/idp/internal/starter"
	"github.com/idp-cli/idp/internal/tmpltest"
)

func newTemplateCmd(f *Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "template",
		Short: "Tools for writing golden paths",
		Long:  "Tools for platform teams who write golden paths: start one, check it and test it before it ships.",
		Example: `  idp template lint golden-paths/go-service
  idp template test golden-paths/go-service
  idp template init golden-paths/node-service`,
		Args: usageArgs(cobra.NoArgs),
	}
	cmd.AddCommand(newTemplateInitCmd(f), newTemplateLintCmd(f), newTemplateTestCmd(f))
	return cmd
}

type lintJSON struct {
	Template string         `json:"template"`
	Findings []lint.Finding `json:"findings"`
	Errors   int            `json:"errors"`
	Warnings int            `json:"warnings"`
}

func newTemplateLintCmd(f *Factory) *cobra.Command {
	return &cobra.Command{
		Use:   "lint <dir>",
		Short: "Check a golden path: template.yaml, every file and path, parameters, expressions",
		Long: `Check the golden path in <dir> (its template.yaml and skeleton/) before it ships:

  - template.yaml: every field, with file and line;
  - every file and path parses as a template with the golden path's delimiters;
  - references to parameters that do not exist (errors) and parameters nothing uses (warnings);
  - a pattern without words for it, pattern_help or help, to explain a refused answer (warnings);
  - files that would be rendered but look like GitHub Actions (${{ }}) or Helm ({{ .Values }})
    templates (warnings: add them to files.verbatim, or set files.delimiters);
  - every default, when and computed expression, and every file, with the default answers.

Exit status 1 when there are errors; warnings alone exit 0.`,
		Example: `  idp template lint golden-paths/go-service
  idp template lint . --output json`,
		Args:              oneDir("the golden path's directory, the one holding template.yaml"),
		ValidArgsFunction: completeDir,
		RunE: func(cmd *cobra.Command, args []string) error {
			if info, err := os.Stat(args[0]); err != nil || !info.IsDir() {
				return usageErrorf(cmd, fmt.Errorf("%s is not a directory; give the golden path's directory, the one holding template.yaml", args[0]))
			}
			found, err := lint.Lint(cmd.Context(), args[0])
			if err != nil {
				return err
			}
			errs := lint.Errors(found)
			if f.Config.Output == "json" {
				if found == nil {
					found = []lint.Finding{}
				}
				if err := printJSON(f.IO.Out, lintJSON{Template: args[0], Findings: found, Errors: errs, Warnings: len(found) - errs}); err != nil {
					return err
				}
			} else {
				for _, fd := range found {
					fmt.Fprintf(f.IO.Out, "%s\n", fd)
				}
				if len(found) == 0 {
					fmt.Fprintf(f.IO.Out, "%s: no problems found.\n", args[0])
				} else {
					fmt.Fprintf(f.IO.Out, "%s: %s, %s.\n", args[0], plural(errs, "error"), plural(len(found)-errs, "warning"))
				}
			}
			if errs > 0 {
				return &exitError{Code: ExitError}
			}
			return nil
		},
	}
}

type testJSON struct {
	Template string            `json:"template"`
	Cases    []tmpltest.Result `json:"cases"`
	Passed   int               `json:"passed"`
	Failed   int               `json:"failed"`
	Updated  int               `json:"updated"`
}

func newTemplateTestCmd(f *Factory) *cobra.Command {
	o := &tmpltest.Options{}
	cmd := &cobra.Command{
		Use:   "test <dir> [case...]",
		Short: "Render a golden path with each test case's answers and compare with its golden trees",
		Long: `Render the golden path in <dir> with the answers of each test case, tests/<case>.yaml, and
compare the render with the case's golden tree, tests/<case>/, file by file (content, executable
bit, symlinks). A difference fails the case and is shown as a unified diff, golden tree first.

A case file holds the answers, as a values file does, and optionally a check command:

  answers:
    name: payments
    owner: team-payments
  check: go vet ./... && go test ./...

Cases run side by side, as many at a time as there are CPUs; the results keep their order.
The check runs with sh in a scratch copy of the render, with PATH, HOME, IDP_TEMPLATE,
IDP_TEST_CASE and the go command's cache and settings variables (GOCACHE, GOMODCACHE, GOPATH,
GOFLAGS, XDG_CACHE_HOME, ...) only, and only with --trust: it is a command from the golden path.

--update writes the golden trees that differ (or are missing) from the render; review them with
git diff before committing. Exit status 1 when a case fails.`,
		Example: `  idp template test golden-paths/go-service
  idp template test golden-paths/go-service default --update
  idp template test . --trust --output json`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return oneDir("the golden path's directory, the one holding template.yaml and tests/")(cmd, args)
			}
			return nil
		},
		ValidArgsFunction: func(cmd *cobra.Command, args []string, _ string) ([]string, cobra.ShellCompDirective) {
			if len(args) == 0 {
				return nil, cobra.ShellCompDirectiveFilterDirs
			}
			cases, err := tmpltest.LoadCases(args[0])
			if err != nil {
				return nil, cobra.ShellCompDirectiveNoFileComp
			}
			var names []string
			for _, c := range cases {
				if !slices.Contains(args[1:], c.Name) {
					names = append(names, c.Name)
				}
			}
			return names, cobra.ShellCompDirectiveNoFileComp
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			dir := args[0]
			if info, err := os.Stat(dir); err != nil || !info.IsDir() {
				return usageErrorf(cmd, fmt.Errorf("%s is not a directory; give the golden path's directory, the one holding template.yaml", dir))
			}
			o.Cases = args[1:]
			results, err := tmpltest.Run(cmd.Context(), dir, *o)
			if err != nil {
				return err
			}
			out := testJSON{Template: dir, Cases: results}
			for i, r := range results {
				if r.Err != nil {
					results[i].Error = renderLimitHint(r.Err).Error()
				}
				switch r.Outcome {
				case tmpltest.Passed:
					out.Passed++
				case tmpltest.Updated:
					out.Updated++
				default:
					out.Failed++
				}
			}
			if f.Config.Output == "json" {
				if err := printJSON(f.IO.Out, out); err != nil {
					return err
				}
			} else {
				printTestResults(f.IO.Out, dir, out)
			}
			if out.Failed > 0 {
				return &exitError{Code: ExitError}
			}
			return nil
		},
	}
	fl := cmd.Flags()
	fl.BoolVar(&o.Update, "update", false, "write the render into the golden trees that differ from it")
	fl.BoolVar(&o.Trust, "trust", false, "run the cases' check commands")
	addRenderFlags(cmd, &o.Render, f.Build.Version)
	return cmd
}

func printTestResults(w io.Writer, dir string, out testJSON) {
	width := 0
	for _, r := range out.Cases {
		width = max(width, len(r.Case))
	}
	var skipped []string
	differs := false
	for _, r := range out.Cases {
		status, detail := "ERROR", r.Error
		switch r.Outcome {
		case tmpltest.Passed:
			status, detail = "ok", plural(r.Files, "file")
		case tmpltest.Updated:
			status, detail = "updated", fmt.Sprintf("wrote %s/%s/ (%s)", tmpltest.Dir, r.Case, plural(r.Files, "file"))
		case tmpltest.Failed:
			status, detail = "FAIL", plural(r.Files, "file")+" as in the golden tree"
			if len(r.Differ) > 0 {
				differs = true
				detail = fmt.Sprintf("%s/%s/ differs from the render in %s: %s", tmpltest.Dir, r.Case, plural(len(r.Differ), "file"), strings.Join(r.Differ, ", "))
			}
		}
		c := r.Check
		switch {
		case c == nil:
		case c.Outcome == tmpltest.CheckPassed:
			detail += "; check passed"
		case c.Outcome == tmpltest.CheckFailed:
			detail += "; check failed: " + c.Command
		default:
			skipped = append(skipped, fmt.Sprintf("  %s: %s", r.Case, c.Command))
		}
		fmt.Fprintf(w, "%-7s %-*s  %s\n", status, width, r.Case, detail)
		if r.Outcome == tmpltest.Failed {
			fmt.Fprint(w, r.Diff)
		}
		if c != nil && c.Outcome == tmpltest.CheckFailed {
			for _, l := range strings.Split(strings.TrimRight(c.Output, "\n"), "\n") {
				fmt.Fprintln(w, "    "+l)
			}
		}
	}
	if len(skipped) > 0 {
		fmt.Fprintf(w, "Checks not run (they run only with --trust):\n%s\n", strings.Join(skipped, "\n"))
	}
	summary := fmt.Sprintf("%s: %d passed, %d failed", dir, out.Passed, out.Failed)
	if out.Updated > 0 {
		summary += fmt.Sprintf(", %d updated", out.Updated)
	}
	fmt.Fprintln(w, summary+".")
	if differs {
		fmt.Fprintln(w, "If the render is right, accept it with --update and review the golden trees with git diff.")
	}
}

func newTemplateInitCmd(f *Factory) *cobra.Command {
	o := &starter.Options{}
	cmd := &cobra.Command{
		Use:   "init <dir>",
		Short: "Start a new golden path: template.yaml, a small skeleton and a passing test case",
		Long: `Write a new golden path into <dir>, which must not exist or be empty: a template.yaml asking
for a name, an owning team and a description; a skeleton/ with a README, a Backstage catalog
entry, CODEOWNERS and a CI workflow (copied verbatim, as GitHub Actions expressions must be);
and a test case, tests/default.yaml, with its golden tree tests/default/ rendered from it.

It lints clean and its test passes as written; change it from there. See docs/authoring.md.`,
		Example: `  idp template init golden-paths/node-service
  idp template init golden-paths/terraform-module --type module --title "Terraform module"`,
		Args:              oneDir("a directory for the new golden path, one that does not exist yet or is empty"),
		ValidArgsFunction: completeDir,
		RunE: func(cmd *cobra.Command, args []string) error {
			o.Dir = args[0]
			res, err := starter.Create(cmd.Context(), *o)
			var oe *starter.OptionError
			if errors.As(err, &oe) {
				return usageErrorf(cmd, err)
			}
			if err != nil {
				return err
			}
			if f.Config.Output == "json" {
				out := *res
				if abs, err := filepath.Abs(res.Dir); err == nil {
					out.Dir = abs // absolute, as every command's JSON gives a directory
				}
				return printJSON(f.IO.Out, out)
			}
			fmt.Fprintf(f.IO.Out, "Created the golden path %s in %s:\n", res.Name, res.Dir)
			for _, file := range res.Files {
				fmt.Fprintf(f.IO.Out, "  %s\n", file)
			}
			fmt.Fprintf(f.IO.Out, `Next:
  edit %[1]s/template.yaml and the files under %[1]s/skeleton/
  idp template lint %[1]s
  idp template test %[1]s            # after a change: --update, then review with git diff
  idp new %[2]s --source %[3]s --template %[4]s   # try it
`, res.Dir, o.Type, filepath.Dir(filepath.Clean(res.Dir)), res.Name)
			return nil
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&o.Name, "name", "", "the golden path's `name`, typed in --template (default: the directory's name)")
	fl.StringVar(&o.Type, "type", "service", "what it makes: the KIND in idp new KIND, one `word`")
	fl.StringVar(&o.Title, "title", "", "its `title` in lists and prompts (default: from the name)")
	return cmd
}

// oneDir checks that a command got the one directory it takes, and says in idp's words what to
// give when it did not (want: what the directory is).
func oneDir(want string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		use := cmd.CommandPath() + " <dir>"
		switch {
		case len(args) == 0:
			return usageErrorf(cmd, fmt.Errorf("%s needs a directory: give %s, as in %s", cmd.CommandPath(), want, strings.TrimSpace(strings.SplitN(cmd.Example, "\n", 2)[0])))
		case len(args) > 1:
			return usageErrorf(cmd, fmt.Errorf("%s takes one directory, got %d: %s; usage: %s", cmd.CommandPath(), len(args), strings.Join(args, " "), use))
		}
		return nil
	}
}

// completeDir completes a command's one directory argument.
func completeDir(_ *cobra.Command, args []string, _ string) ([]string, cobra.ShellCompDirective) {
	if len(args) > 0 {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	return nil, cobra.ShellCompDirectiveFilterDirs
}
