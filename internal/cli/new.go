package cli

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/idp-cli/idp/internal/answers"
	"github.com/idp-cli/idp/internal/forge"
	"github.com/idp-cli/idp/internal/gitauth"
	"github.com/idp-cli/idp/internal/gitrepo"
	"github.com/idp-cli/idp/internal/manifest"
	"github.com/idp-cli/idp/internal/prompt"
	"github.com/idp-cli/idp/internal/provenance"
	"github.com/idp-cli/idp/internal/render"
	"github.com/idp-cli/idp/internal/scaffold"
	"github.com/idp-cli/idp/internal/shell"
	"github.com/idp-cli/idp/internal/source"
)

type newOptions struct {
	Kind       string
	Name       string
	Template   string
	Source     string
	Version    string
	Set        []string
	ValuesFile string
	OutputDir  string
	DryRun     bool
	Pre        bool
	Offline    bool
	Remote     string
	InRepo     bool
	Trust      bool
	Render     render.Options

	Provider    string
	Owner       string
	Host        string
	Private     bool
	UseExisting bool
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
			cat, err := f.openCatalog(cmd.Context(), o.Source, true)
			if err != nil {
				return nil, cobra.ShellCompDirectiveError
			}
			return source.Types(cat.All), cobra.ShellCompDirectiveNoFileComp
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			o.Kind = args[0]
			if len(args) > 1 {
				o.Name = args[1]
			}
			o.Source = f.Config.Source
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
		cat, err := f.openCatalog(cmd.Context(), o.Source, true)
		if err != nil {
			return nil, cobra.ShellCompDirectiveError
		}
		all := cat.All
		if len(args) > 0 {
			all = source.ByType(all, args[0])
		}
		return source.Names(all), cobra.ShellCompDirectiveNoFileComp
	})
	cmd.RegisterFlagCompletionFunc("set", func(cmd *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
		_, all := f.goldenPaths(cmd.Context(), o.Source, o.Template, firstArg(args))
		return completeSet(toComplete, all)
	})
	cmd.RegisterFlagCompletionFunc("version", func(cmd *cobra.Command, args []string, _ string) ([]string, cobra.ShellCompDirective) {
		return completeVersions(f.goldenPaths(cmd.Context(), o.Source, o.Template, firstArg(args)))
	})
	return cmd
}

func runNew(cmd *cobra.Command, f *Factory, o *newOptions) error {
	ctx := cmd.Context()
	pub, err := newPublish(cmd, f, o)
	if err != nil {
		return err
	}
	if o.InRepo && (o.Remote != "" || o.Provider != "") {
		return usageErrorf(cmd, fmt.Errorf("--in-repo adds the service to the repository it is made in, which has its own remote: leave out --remote and --provider"))
	}
	d := scaffold.CreateDeps{
		OpenCatalog: func(ctx context.Context, loc string) (*source.Catalog, error) {
			return f.openCatalog(ctx, loc, o.Offline)
		},
		Trusted: f.Config.trusts, Log: f.IO.ErrOut, Display: relDir,
		Push: f.pushTo, Author: f.Author(), Now: f.Now,
	}
	if pub != nil {
		d.Publisher = pub
	}
	if p := f.prompter(); p != nil {
		d.Prompter = p
		d.Choose = func(ctx context.Context, title string, labels, values []string) (string, error) {
			choices := make([]prompt.Choice, len(labels))
			for i := range labels {
				choices[i] = prompt.Choice{Key: labels[i], Value: values[i]}
			}
			return p.Choose(ctx, title, choices)
		}
	}
	res, err := scaffold.Run(ctx, d, scaffold.CreateOptions{
		Source: o.Source, Kind: o.Kind, Template: o.Template, Version: o.Version, Pre: o.Pre,
		Name: o.Name, Set: o.Set, ValuesFile: o.ValuesFile, Verbose: f.Config.Verbose,
		OutputDir: o.OutputDir, DryRun: o.DryRun, Remote: o.Remote, InRepo: o.InRepo, Trust: o.Trust, Render: o.Render,
		Review: func(m *manifest.Manifest) *answers.Review { return newReview(cmd, o, m) },
	})
	f.noteCreated(res)
	var pe *scaffold.PushError
	switch {
	case errors.As(err, &pe):
		printCreated(f, res, notPushed)
		return fmt.Errorf("%w\n%s", err, retryHint(relDir(pe.Dir), o.Remote, err))
	case err != nil:
		return renderLimitHint(withCmd(cmd, err))
	case o.DryRun:
		return printDryRun(f, res.NewResult)
	}
	return printCreated(f, res, gitauth.Redact(res.Pushed))
}

type fileJSON struct {
	Path   string `json:"path"`
	Mode   string `json:"mode"`
	Size   int    `json:"size"`
	Binary bool   `json:"binary,omitempty"`
}

func treeJSON(res *scaffold.NewResult) []fileJSON {
	files := make([]fileJSON, 0, len(res.Tree.Files))
	for _, fl := range res.Tree.Files {
		mode := fmt.Sprintf("%04o", fl.Mode.Perm())
		if fl.IsSymlink() {
			mode = "symlink"
		}
		files = append(files, fileJSON{Path: fl.Path, Mode: mode, Size: len(fl.Data), Binary: fl.Binary})
	}
	return files
}

func printDryRun(f *Factory, res *scaffold.NewResult) error {
	if f.Config.Output == "json" {
		dir, err := filepath.Abs(res.Dir) // absolute, as when the service is written
		if err != nil {
			return err
		}
		return printJSON(f.IO.Out, map[string]any{"dir": dir, "dryRun": true, "files": treeJSON(res), "template": res.Record.Template})
	}
	w := f.IO.Out
	fmt.Fprintf(w, "Would create %s with %s:\n", res.Dir, plural(len(res.Tree.Files)+1, "file"))
	for _, fl := range res.Tree.Files {
		fmt.Fprintf(w, "  %s\n", describe(fl.Path, fl.IsSymlink(), fl.Mode.Perm()&0o111 != 0, fl.Binary))
	}
	fmt.Fprintf(w, "  %s\n", provenance.FileName)
	return nil
}

func describe(path string, link, exec, binary bool) string {
	switch {
	case link:
		return path + " (symlink)"
	case exec:
		return path + " (executable)"
	case binary:
		return path + " (binary)"
	}
	return path
}

// notPushed tells printCreated that the push to --remote failed.
const notPushed = "\x00"

func printCreated(f *Factory, c *scaffold.Created, pushed string) error {
	tmpl, src, res, webURL := c.Template, c.Source, c.NewResult, c.WebURL
	if f.Config.Output == "json" {
		out := map[string]any{
			"dir": res.Dir, "commit": res.Commit, "branch": "main", "template": res.Record.Template, "files": treeJSON(res),
		}
		if res.InRepo != "" {
			out["repository"], out["staged"] = res.InRepo, true
			delete(out, "commit")
			delete(out, "branch")
		}
		if pushed != "" && pushed != notPushed {
			out["remote"] = pushed
		}
		if webURL != "" {
			out["url"] = webURL
		}
		return printJSON(f.IO.Out, out)
	}
	rel := relDir(res.Dir)
	from := tmpl.Manifest.Name
	if src.Version != "" {
		from += " " + src.Version
	}
	w := f.IO.Out
	where := rel
	if rel == "." {
		where = filepath.Base(res.Dir) + " (here)"
	}
	if res.InRepo != "" {
		fmt.Fprintf(w, "Created %s from %s: %s, staged in the repository at %s.\n\n", where, from, plural(len(res.Tree.Files)+1, "file"), res.InRepo)
		fmt.Fprintf(w, "Next steps:\n  review them (git status, git diff --cached), then commit\n")
		if src.Version != "" {
			fmt.Fprintf(w, "  'idp update --dir %s' when the golden path moves on\n", rel)
		}
		return nil
	}
	fmt.Fprintf(w, "Created %s from %s: %s, first commit %s on main.\n\n", where, from, plural(len(res.Tree.Files)+1, "file"), res.Commit[:7])
	if pushed == notPushed {
		return nil // the error that follows says how to retry
	}
	if pushed != "" {
		fmt.Fprintf(w, "Pushed main to %s.\n", pushed)
		if webURL != "" {
			fmt.Fprintf(w, "Repository: %s\n", webURL)
		}
		fmt.Fprintln(w)
	}
	fmt.Fprintf(w, "Next steps:\n")
	if rel != "." {
		fmt.Fprintf(w, "  cd %s\n", rel)
	}
	if pushed == "" {
		fmt.Fprintf(w, "  git remote add origin <url> && git push -u origin main\n")
	}
	switch {
	case src.Version == "": // no versions to update to
		if res.Tree.Lookup("README.md") != nil {
			fmt.Fprintf(w, "  read README.md\n")
		}
	case res.Tree.Lookup("README.md") != nil:
		fmt.Fprintf(w, "  read README.md, then 'idp update' when the golden path moves on\n")
	default:
		fmt.Fprintf(w, "  'idp update' when the golden path moves on\n")
	}
	return nil
}

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	if strings.HasSuffix(noun, "y") {
		return fmt.Sprintf("%d %sies", n, noun[:len(noun)-1])
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

func relDir(dir string) string {
	if wd, err := filepath.Abs("."); err == nil {
		if rel, err := filepath.Rel(wd, dir); err == nil && !strings.HasPrefix(rel, "..") {
			return rel
		}
	}
	return dir
}

func errNoGoldenPaths(src string) error {
	return fmt.Errorf("source %s holds no golden paths: directories with a template.yaml and a skeleton/, at depth 1 or 2", src)
}

// withCmd attaches the command to a usage error so the hint names it.
func withCmd(cmd *cobra.Command, err error) error {
	if ue, ok := err.(*UsageError); ok && ue.Cmd == nil {
		ue.Cmd = cmd
	}
	return err
}

// retryHint says how to push a service that was made but not pushed, in the way that will
// work: into an empty repository when the remote had other commits, with a token when the
// credentials given in the URL were not kept.
func retryHint(rel, remote string, err error) string {
	retry := "cd " + shell.Quote(rel) + " && idp push"
	switch {
	case errors.Is(err, gitrepo.ErrNotEmpty):
		retry = "cd " + shell.Quote(rel) + " && idp push --remote <URL of an empty repository>"
	case remote != "" && gitauth.Redact(remote) != remote:
		retry = "cd " + shell.Quote(rel) + " && IDP_GIT_TOKEN=<token> idp push   (the credentials in --remote are not kept)"
	}
	return "the service is committed in " + rel + "; to retry the push: " + retry
}
