package cli

import (
	"cmp"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/idp-cli/idp/internal/factory"
	"github.com/idp-cli/idp/internal/layer"
	"github.com/idp-cli/idp/internal/manifest"
	"github.com/idp-cli/idp/internal/source"
)

type addOptions struct {
	layer.AddOptions
	Offline  bool
	Conflict string
}

func newAddCmd(f *Factory) *cobra.Command {
	o := &addOptions{}
	cmd := &cobra.Command{
		Use:   "add <golden path>",
		Short: "Apply an add-on golden path to a service, as a layer of its own",
		Long: `Apply an add-on (a golden path of type addon, such as TechDocs or an Argo CD application) to
the service: its files are rendered with its answers and added, its managed blocks are written
into files of the layers below (between idp:begin and idp:end markers), and .idp.yaml records it
under layers:, so that 'idp update' keeps it up to date on its own. The add-on comes from the
service's own source unless --source (or the config's source) says otherwise.

A parameter of the add-on named as one of the service's answers (name, say) takes that answer.
An add-on may require golden paths under it, at versions; idp checks them first.

A file the add-on renders that the service has already is never overwritten: the same content
is nothing to do, other content is a conflict (exit status 3), marked in the file. Without
conflicts the add-on is committed; with them, resolve them, then commit.`,
		Example: `  # TechDocs for this service, from the service's own source
  idp add techdocs

  # An add-on from another source, at a version, with an answer
  idp add argocd --source https://git.example.com/platform/golden-paths.git --version ^1 --set cluster=prod

  # What it would write
  idp add techdocs --dry-run`,
		Args: usageArgs(func(cmd *cobra.Command, args []string) error {
			if len(args) != 1 {
				return fmt.Errorf("give the add-on to apply, as in idp add techdocs; 'idp templates list' shows them (type addon)")
			}
			return nil
		}),
		ValidArgsFunction: func(cmd *cobra.Command, args []string, _ string) ([]string, cobra.ShellCompDirective) {
			if len(args) > 0 {
				return nil, cobra.ShellCompDirectiveNoFileComp
			}
			if cat, _ := f.AddOnGoldenPath(cmd.Context(), o.Source, o.Dir, ""); cat != nil {
				return source.Names(source.ByType(cat.All, manifest.TypeAddon)), cobra.ShellCompDirectiveNoFileComp
			}
			return nil, cobra.ShellCompDirectiveError
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			o.Template = args[0]
			if o.Conflict != "inline" && o.Conflict != "rej" {
				return usageErrorf(cmd, fmt.Errorf("--conflict %q: use inline or rej", o.Conflict))
			}
			o.Answers.Verbose, o.Rej = f.Config.Verbose, o.Conflict == "rej"
			res, err := layer.Add(cmd.Context(), f.LayerDeps(o.Offline), o.AddOptions)
			if res == nil {
				return renderLimitHint(withCmd(cmd, err))
			}
			return cmp.Or(printLayerResult(f, res, "add", o.DryRun), err) // err: the hooks failed
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&o.Dir, "dir", ".", "the service's `directory` (where .idp.yaml is)")
	fl.StringVarP(&o.Source, "source", "s", "", "golden paths: a git `URL` or a directory (default: config source, else the source of the service's base golden path)")
	fl.StringVar(&o.Version, "version", "latest", "add-on version: latest, a tag, a constraint (^1.2), a branch or a commit")
	fl.BoolVar(&o.Pre, "pre", false, "let latest and constraints pick pre-release versions")
	fl.BoolVar(&o.Offline, "offline", false, "use the cached clone of a git source as it is")
	fl.StringArrayVar(&o.Answers.Set, "set", nil, "an answer as `key=value`; repeatable")
	fl.StringVar(&o.Answers.ValuesFile, "values", "", "answers from a YAML or JSON `file`")
	fl.BoolVar(&o.DryRun, "dry-run", false, "print what would change; write nothing")
	fl.StringVar(&o.Conflict, "conflict", "inline", "conflicts as {inline|rej}: markers in the file, or the add-on's hunks in FILE.rej")
	fl.BoolVar(&o.Trust, "trust", false, "run the add-on's hooks (commands) even though its source is not in trusted-sources")
	addRenderFlags(cmd, &o.Render, f.Build.Version)
	cmd.RegisterFlagCompletionFunc("conflict", cobra.FixedCompletions([]string{"inline", "rej"}, cobra.ShellCompDirectiveNoFileComp))
	completeAnswers(cmd, func(cmd *cobra.Command, args []string) (*source.Catalog, []*source.Template) {
		return f.AddOnGoldenPath(cmd.Context(), o.Source, o.Dir, firstArg(args))
	})
	return cmd
}

// printLayerResult prints what idp add, remove or adopt did, or would do; exit status 3 with
// conflicts left.
func printLayerResult(f *Factory, res *layer.Result, verb string, dryRun bool) error {
	f.NoteLayer(res, dryRun)
	return printResult(f, &layer.Report{Result: res, Verb: verb, DryRun: dryRun, Display: factory.RelDir})
}
