package cli

import (
	"fmt"
	"os"
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
		Args: usageArgs(noArgs),
	}
	cmd.AddCommand(newTemplateInitCmd(f), newTemplateLintCmd(f), newTemplateTestCmd(f))
	return cmd
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
			if err := isDir(cmd, args[0]); err != nil {
				return err
			}
			rep, err := lint.Check(cmd.Context(), args[0])
			if err != nil {
				return err
			}
			return printResult(f, rep)
		},
	}
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
			return tmpltest.CaseNames(args[0], args[1:]), cobra.ShellCompDirectiveNoFileComp
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := isDir(cmd, args[0]); err != nil {
				return err
			}
			o.Cases = args[1:]
			rep, err := tmpltest.Test(cmd.Context(), args[0], *o, renderLimitHint)
			if err != nil {
				return err
			}
			return printResult(f, rep)
		},
	}
	fl := cmd.Flags()
	fl.BoolVar(&o.Update, "update", false, "write the render into the golden trees that differ from it")
	fl.BoolVar(&o.Trust, "trust", false, "run the cases' check commands")
	addRenderFlags(cmd, &o.Render, f.Build.Version)
	return cmd
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
			if err != nil {
				return err
			}
			return printResult(f, res)
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

// isDir checks that dir is a golden path's directory, at least a directory.
func isDir(cmd *cobra.Command, dir string) error {
	if info, err := os.Stat(dir); err != nil || !info.IsDir() {
		return usageErrorf(cmd, fmt.Errorf("%s is not a directory; give the golden path's directory, the one holding template.yaml", dir))
	}
	return nil
}
