package cli

import (
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/idp-cli/idp/internal/answers"
	"github.com/idp-cli/idp/internal/manifest"
	"github.com/idp-cli/idp/internal/shell"
)

// newReview ends idp new's prompts: the answers, the command that gives them without prompts
// (to keep, or to run again with a change), and "Create ./NAME?".
func newReview(cmd *cobra.Command, o *newOptions, m *manifest.Manifest) *answers.Review {
	return &answers.Review{
		Confirm: func(all map[string]any) string {
			dir := o.OutputDir
			if dir == "" {
				name, _ := all["name"].(string)
				dir = "." + string(filepath.Separator) + name
			}
			if o.DryRun {
				return "Show the files for " + dir + "? (--dry-run: nothing is written)"
			}
			return "Create " + dir + "?"
		},
		Command: func(sets []string) string { return newCommandLine(cmd, o, m, sets) },
	}
}

// newCommandLine is `idp new` with the flags given and every answer as --set, --no-input so
// that it never asks. sets are the prompted answers that differ from their defaults, secrets
// already masked; a secret given with --set is masked here.
func newCommandLine(cmd *cobra.Command, o *newOptions, m *manifest.Manifest, sets []string) string {
	args := []string{"idp", "new", o.Kind}
	name := o.Name
	var rest []string
	for _, s := range o.Set {
		k, v, _ := strings.Cut(s, "=")
		k = strings.TrimSpace(k)
		if k == "name" && name == "" {
			name = v
			continue
		}
		if p := m.Param(k); p != nil && p.Secret && v != "" {
			s = k + "=" + answers.Masked
		}
		rest = append(rest, s)
	}
	for _, s := range sets {
		if v, ok := strings.CutPrefix(s, "name="); ok && name == "" {
			name = v
			continue
		}
		rest = append(rest, s)
	}
	if name != "" {
		args = append(args, shell.Quote(name))
	}
	if !cmd.Flags().Changed("template") {
		args = append(args, "--template", shell.Quote(m.Name)) // chosen at a prompt
	}
	cmd.Flags().Visit(func(fl *pflag.Flag) {
		switch fl.Name {
		case "set", "no-input", "accessible", "verbose", "config", "help":
			return
		}
		if fl.Value.Type() == "bool" {
			if fl.Value.String() == "true" {
				args = append(args, "--"+fl.Name)
			} else {
				args = append(args, "--"+fl.Name+"=false")
			}
			return
		}
		args = append(args, "--"+fl.Name, shell.Quote(fl.Value.String()))
	})
	for _, s := range rest {
		args = append(args, "--set", shell.Quote(s))
	}
	return strings.Join(append(args, "--no-input"), " ")
}
