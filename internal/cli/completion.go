package cli

import (
	"context"
	"slices"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/idp-cli/idp/internal/source"
	"github.com/idp-cli/idp/internal/update"
)

// Shell completion reads only what is on this machine: the cached clone of a git source
// (offline), the built-in golden paths and the service's .idp.yaml, so that a Tab never waits
// on the network.

// completeOutput offers the --output formats the command takes: csv only where its data is
// one table.
func completeOutput(cmd *cobra.Command, _ []string, _ string) ([]string, cobra.ShellCompDirective) {
	formats := []string{"text", "json"}
	if cmd.Annotations["output-csv"] != "" {
		formats = append(formats, "csv")
	}
	return formats, cobra.ShellCompDirectiveNoFileComp
}

// plainFlagUsages takes pflag's backquotes (the name of a flag's value in help) out of every
// flag's usage: completion shows the usage as it is written.
func plainFlagUsages(root *cobra.Command) {
	var walk func(c *cobra.Command)
	plain := func(fl *pflag.Flag) { fl.Usage = strings.ReplaceAll(fl.Usage, "`", "") }
	walk = func(c *cobra.Command) {
		c.LocalNonPersistentFlags().VisitAll(plain)
		c.PersistentFlags().VisitAll(plain)
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
}

// isCompletion reports a run that completes a command line rather than runs it.
func isCompletion(args []string) bool {
	return len(args) > 0 && (args[0] == cobra.ShellCompRequestCmd || args[0] == cobra.ShellCompNoDescRequestCmd)
}

// goldenPaths picks the golden paths a command line names: from the cached catalog of source,
// named (if given) or else of kind (if given). Nil when there are none or the source cannot be
// read offline.
func (f *Factory) goldenPaths(ctx context.Context, src, name, kind string) (*source.Catalog, []*source.Template) {
	cat, err := f.openCatalog(ctx, src, true)
	if err != nil {
		return nil, nil
	}
	switch {
	case name != "":
		if t := source.Find(cat.All, name); t != nil {
			return cat, []*source.Template{t}
		}
		return cat, nil
	case kind != "":
		return cat, source.ByType(cat.All, kind)
	}
	return cat, cat.All
}

// serviceGoldenPath is the golden path of the service in dir (its layer named layer, else its
// base), from the cached catalog of its source.
func (f *Factory) serviceGoldenPath(ctx context.Context, dir, layer string) (*source.Catalog, []*source.Template) {
	svc, err := update.Open(dir)
	if err != nil {
		return nil, nil
	}
	i := 0
	if layer != "" {
		if i = svc.Record.Find(layer); i < 0 {
			return nil, nil
		}
	}
	t := svc.Record.Layer(i).Template
	return f.goldenPaths(ctx, t.Source, t.Name, "")
}

// completeSet offers the golden paths' parameters as key=, with their help, for --set; after
// the = it offers a parameter's options, if it has them.
func completeSet(toComplete string, all []*source.Template) ([]string, cobra.ShellCompDirective) {
	var out []string
	if key, _, ok := strings.Cut(toComplete, "="); ok {
		for _, t := range all {
			for _, p := range t.Manifest.Parameters {
				if p.Name != key {
					continue
				}
				for _, opt := range p.Options {
					if v := key + "=" + opt; !slices.Contains(out, v) {
						out = append(out, v)
					}
				}
			}
		}
		return out, cobra.ShellCompDirectiveNoFileComp
	}
	seen := map[string]bool{}
	for _, t := range all {
		for _, p := range t.Manifest.Parameters {
			if seen[p.Name] {
				continue
			}
			seen[p.Name] = true
			if !strings.HasPrefix(p.Name+"=", toComplete) {
				continue
			}
			desc := p.Title
			if desc == "" {
				desc = p.Help
			}
			out = append(out, p.Name+"="+"\t"+firstLine(desc))
		}
	}
	return out, cobra.ShellCompDirectiveNoFileComp | cobra.ShellCompDirectiveNoSpace
}

// completeVersions offers latest and the versions the golden paths have, newest first.
func completeVersions(cat *source.Catalog, all []*source.Template) ([]string, cobra.ShellCompDirective) {
	out := []string{"latest"}
	if cat == nil {
		return out, cobra.ShellCompDirectiveNoFileComp
	}
	for _, t := range all {
		_, vs := cat.Latest(t)
		for _, v := range vs {
			if !slices.Contains(out, v) {
				out = append(out, v)
			}
		}
	}
	// Keep the shell's order, not its sort: the newest are the likeliest.
	return out, cobra.ShellCompDirectiveNoFileComp | cobra.ShellCompDirectiveKeepOrder
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(strings.TrimSpace(s), "\n")
	return s
}

// addOnGoldenPath is the add-on named name from src, else from the source of the base golden
// path of the service in dir, as idp add finds it.
func (f *Factory) addOnGoldenPath(ctx context.Context, src, dir, name string) (*source.Catalog, []*source.Template) {
	if src == "" {
		if svc, err := update.Open(dir); err == nil {
			src = svc.Record.Template.Source
		}
	}
	return f.goldenPaths(ctx, src, name, "")
}

// completeServiceFlags completes --to (and --set, where the command has it) of a command on
// one service (update, diff, check) from the service's golden path.
func completeServiceFlags(cmd *cobra.Command, f *Factory, o *updateOptions) {
	cmd.RegisterFlagCompletionFunc("to", func(cmd *cobra.Command, _ []string, _ string) ([]string, cobra.ShellCompDirective) {
		return completeVersions(f.serviceGoldenPath(cmd.Context(), o.Dir, o.Layer))
	})
	if cmd.Flags().Lookup("set") != nil {
		cmd.RegisterFlagCompletionFunc("set", func(cmd *cobra.Command, _ []string, toComplete string) ([]string, cobra.ShellCompDirective) {
			_, all := f.serviceGoldenPath(cmd.Context(), o.Dir, o.Layer)
			return completeSet(toComplete, all)
		})
	}
}

func firstArg(args []string) string {
	if len(args) == 0 {
		return ""
	}
	return args[0]
}
