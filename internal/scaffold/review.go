package scaffold

import (
	"path/filepath"
	"strings"

	"github.com/idp-cli/idp/internal/answers"
	"github.com/idp-cli/idp/internal/manifest"
	"github.com/idp-cli/idp/internal/shell"
)

// Flag is one flag given on the command line: its name and value as given.
type Flag struct {
	Name, Value string
	Bool        bool
}

// review ends idp new's prompts: the answers, the command that gives them without prompts (to
// keep, or to run again with a change), and "Create ./NAME?".
func review(o CreateOptions, m *manifest.Manifest) *answers.Review {
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
		Command: func(sets []string) string { return commandLine(o, m, sets) },
	}
}

// commandLine is `idp new` with the flags given and every answer as --set, --no-input so that
// it never asks. sets are the prompted answers that differ from their defaults, secrets already
// masked; a secret given with --set is masked here.
func commandLine(o CreateOptions, m *manifest.Manifest, sets []string) string {
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
	chosen := true // the golden path was chosen at a prompt
	for _, fl := range o.Flags {
		chosen = chosen && fl.Name != "template"
	}
	if chosen {
		args = append(args, "--template", shell.Quote(m.Name))
	}
	for _, fl := range o.Flags {
		switch {
		case fl.Name == "set", fl.Name == "no-input", fl.Name == "accessible", fl.Name == "verbose", fl.Name == "config", fl.Name == "help":
		case fl.Bool && fl.Value == "true":
			args = append(args, "--"+fl.Name)
		case fl.Bool:
			args = append(args, "--"+fl.Name+"=false")
		default:
			args = append(args, "--"+fl.Name, shell.Quote(fl.Value))
		}
	}
	for _, s := range rest {
		args = append(args, "--set", shell.Quote(s))
	}
	return strings.Join(append(args, "--no-input"), " ")
}
