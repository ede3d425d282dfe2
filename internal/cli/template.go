package cli

import (
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/idp-cli/idp/internal/lint"
)

func newTemplateCmd(f *Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:     "template",
		Short:   "Tools for writing golden paths",
		Long:    "Tools for platform teams who write golden paths: check one before it ships.",
		Example: `  idp template lint golden-paths/go-service`,
		Args:    usageArgs(cobra.NoArgs),
	}
	cmd.AddCommand(newTemplateLintCmd(f))
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
  - files that would be rendered but look like GitHub Actions (${{ }}) or Helm ({{ .Values }})
    templates (warnings: add them to files.verbatim, or set files.delimiters);
  - every default, when and computed expression, and every file, with the default answers.

Exit status 1 when there are errors; warnings alone exit 0.`,
		Example: `  idp template lint golden-paths/go-service
  idp template lint . --output json`,
		Args: usageArgs(cobra.ExactArgs(1)),
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
