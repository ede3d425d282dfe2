package cli

import (
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/idp-cli/idp/internal/forge"
	"github.com/idp-cli/idp/internal/scaffold"
	"github.com/idp-cli/idp/internal/source"
)

type newOptions struct {
	scaffold.CreateOptions
	Offline bool

	// --provider and its flags: the forge repository to create (provider.go)
	Provider, Owner, Host string
	Private, UseExisting  bool
}

func newNewCmd(f *Factory) *cobra.Command {
	o := &newOptions{}
	cmd := &cobra.Command{
		Use:   "new <kind> [<name>]",
		Short: "Create a new service (or other kind) from a golden path",
		Long: `Create a new repository from a golden path: answer its parameters, get the files rendered
into ./<name> as a git repository with one commit on main, and .idp.yaml recording the golden
path and the answers for 'idp update'.

<kind> is a golden path's type: 'idp new service' offers the service golden paths. Answers come
from --set, --values, the <name> argument, prompts (in a terminal) and the golden path's
defaults. Questions end with a review: the answers, the same command without prompts, and
"Create ./<name>?". Without a terminal, or with --no-input, a missing required answer is an
error that lists every one missing.`,
		Example: `  # Ask for everything in a terminal
  idp new service

  # No prompts: every required answer on the command line
  idp new service payments --set owner=team-payments --no-input

  # From your platform's golden paths, answers from a file, see the files first
  idp new service payments -s ./golden-paths -t go-service --values answers.yaml --dry-run`,
		Args: func(cmd *cobra.Command, args []string) error {
			switch {
			case len(args) == 0:
				return usageErrorf(cmd, fmt.Errorf("give the kind of thing to create, such as: idp new service; 'idp templates list' shows the kinds on offer"))
			case len(args) > 2:
				return usageErrorf(cmd, fmt.Errorf("too many arguments: %s; pass answers with --set KEY=VALUE", strings.Join(args[2:], " ")))
			}
			return nil
		},
		ValidArgsFunction: func(cmd *cobra.Command, args []string, _ string) ([]string, cobra.ShellCompDirective) {
			if len(args) > 0 {
				return nil, cobra.ShellCompDirectiveNoFileComp
			}
			if cat, _ := f.GoldenPaths(cmd.Context(), o.Source, "", ""); cat != nil {
				return source.Types(cat.All), cobra.ShellCompDirectiveNoFileComp
			}
			return nil, cobra.ShellCompDirectiveError
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			o.Kind, o.Source = args[0], f.Config.Source
			if len(args) > 1 {
				o.Name = args[1]
			}
			return runNew(cmd, f, o)
		},
	}
	fl := cmd.Flags()
	fl.StringVarP(&o.Template, "template", "t", "", "golden path `name`; asked when several match and input is allowed")
	fl.StringVarP(&o.Source, "source", "s", "", "golden paths: a git `URL` or a directory (default: config source, else the ones built in)")
	fl.StringVar(&o.Version, "version", "latest", "golden path version: latest, a tag, a constraint (^1.2), a branch or a commit")
	fl.BoolVar(&o.Pre, "pre", false, "let latest and constraints pick pre-release versions")
	fl.BoolVar(&o.Offline, "offline", false, "use the cached clone of a git source as it is")
	fl.StringArrayVar(&o.Set, "set", nil, "an answer as `key=value`; repeatable")
	fl.StringVar(&o.ValuesFile, "values", "", "answers from a YAML or JSON `file`")
	fl.StringVarP(&o.OutputDir, "output-dir", "o", "", "`directory` to create (default ./<name>)")
	fl.BoolVar(&o.DryRun, "dry-run", false, "print the files that would be written; write nothing")
	fl.BoolVar(&o.Trust, "trust", false, "run the golden path's hooks (commands) even though its source is not in trusted-sources")
	fl.StringVar(&o.Remote, "remote", "", "push the first commit to this empty git repository (`URL`)")
	fl.BoolVar(&o.InRepo, "in-repo", false, "inside a git repository (a monorepo): add the service to it, files staged, instead of a repository of its own")
	fl.StringVar(&o.Provider, "provider", "", "create the repository on `forge` github, gitlab or gitea (token in GITHUB_TOKEN, GITLAB_TOKEN or GITEA_TOKEN), then push")
	fl.StringVar(&o.Owner, "owner", "", "with --provider: the `organization`, group or user that owns the repository")
	fl.StringVar(&o.Host, "host", "", "with --provider: the forge's `URL` when self-hosted (default github.com, gitlab.com, gitea.com)")
	fl.BoolVar(&o.Private, "private", true, "with --provider: make the repository private; --private=false makes it public")
	fl.BoolVar(&o.UseExisting, "use-existing", false, "with --provider: push into the repository if it exists and is empty")
	addRenderFlags(cmd, &o.Render, f.Build.Version)
	cmd.RegisterFlagCompletionFunc("provider", cobra.FixedCompletions(forge.Names(), cobra.ShellCompDirectiveNoFileComp))
	cmd.RegisterFlagCompletionFunc("template", func(cmd *cobra.Command, args []string, _ string) ([]string, cobra.ShellCompDirective) {
		if cat, all := f.GoldenPaths(cmd.Context(), o.Source, "", firstArg(args)); cat != nil {
			return source.Names(all), cobra.ShellCompDirectiveNoFileComp
		}
		return nil, cobra.ShellCompDirectiveError
	})
	completeAnswers(cmd, func(cmd *cobra.Command, args []string) (*source.Catalog, []*source.Template) {
		return f.GoldenPaths(cmd.Context(), o.Source, o.Template, firstArg(args))
	})
	return cmd
}

func runNew(cmd *cobra.Command, f *Factory, o *newOptions) error {
	pub, err := newPublish(cmd, f, o)
	if err != nil {
		return err
	}
	if o.InRepo && (o.Remote != "" || o.Provider != "") {
		return usageErrorf(cmd, fmt.Errorf("--in-repo adds the service to the repository it is made in, which has its own remote: leave out --remote and --provider"))
	}
	d := f.CreateDeps(o.Offline)
	if pub != nil {
		d.Publisher = pub
	}
	o.Verbose = f.Config.Verbose
	cmd.Flags().Visit(func(fl *pflag.Flag) { // for the command line the review shows
		o.Flags = append(o.Flags, scaffold.Flag{Name: fl.Name, Value: fl.Value.String(), Bool: fl.Value.Type() == "bool"})
	})
	res, err := scaffold.Run(cmd.Context(), d, o.CreateOptions)
	f.NoteCreated(res)
	var pe *scaffold.PushError // the service is made: print it, then the error
	if err != nil && !errors.As(err, &pe) {
		return renderLimitHint(withCmd(cmd, err))
	}
	if perr := printResult(f, res); perr != nil {
		return perr
	}
	return err
}

// completeAnswers completes --set and --version from the golden paths that paths gives.
func completeAnswers(cmd *cobra.Command, paths func(cmd *cobra.Command, args []string) (*source.Catalog, []*source.Template)) {
	cmd.RegisterFlagCompletionFunc("set", func(cmd *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
		_, all := paths(cmd, args)
		return completeSet(toComplete, all)
	})
	cmd.RegisterFlagCompletionFunc("version", func(cmd *cobra.Command, args []string, _ string) ([]string, cobra.ShellCompDirective) {
		return completeVersions(paths(cmd, args))
	})
}
