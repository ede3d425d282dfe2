package cli

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/idp-cli/idp/internal/answers"
	"github.com/idp-cli/idp/internal/fleet"
	"github.com/idp-cli/idp/internal/forge"
	"github.com/idp-cli/idp/internal/gitauth"
	"github.com/idp-cli/idp/internal/render"
	"github.com/idp-cli/idp/internal/source"
	"github.com/idp-cli/idp/internal/update"
)

func newFleetCmd(f *Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "fleet",
		Short: "See and update many services at once",
		Long: `Work on every service of a fleet: the repositories listed in a file (one git URL or local
path per line), or, for status, those of an organization on a forge.`,
		Example: `  idp fleet status --repos services.txt
  idp fleet update --repos services.txt --pull-request`,
		Args: usageArgs(cobra.NoArgs),
	}
	cmd.AddCommand(newFleetStatusCmd(f), newFleetReportCmd(f), newFleetUpdateCmd(f))
	return cmd
}

type fleetOptions struct {
	Repos    string
	Provider string
	Owner    string
	Host     string
	Jobs     int
	Offline  bool
}

func addFleetFlags(cmd *cobra.Command, o *fleetOptions) {
	fl := cmd.Flags()
	fl.StringVar(&o.Repos, "repos", "", "a `file` listing the repositories: one git URL or local path per line")
	fl.IntVar(&o.Jobs, "jobs", 8, "repositories worked on at once")
	fl.BoolVar(&o.Offline, "offline", false, "use the cached clones of the golden paths' sources as they are")
}

// fleetStatusOptions are the inputs of idp fleet status and idp fleet report.
type fleetStatusOptions struct {
	fleetOptions
	All        bool
	Branch     string
	Divergence bool
	Scale      fleetScaleOptions
}

func addFleetStatusFlags(cmd *cobra.Command, o *fleetStatusOptions) {
	addFleetFlags(cmd, &o.fleetOptions)
	fl := cmd.Flags()
	fl.StringVar(&o.Provider, "provider", "", "the forge: {github|gitlab|gitea}; with --owner it lists the owner's repositories, with --repos it is where the bot's pull requests are")
	fl.StringVar(&o.Owner, "owner", "", "the organization, group or user whose repositories to list")
	fl.StringVar(&o.Host, "host", "", "the forge's web `URL` (default: the public github.com, gitlab.com or gitea.com)")
	fl.BoolVar(&o.All, "all", false, "also list the owner's repositories that are on no golden path")
	fl.StringVar(&o.Branch, "branch", "", "the bot's `branch` (default idp/update-<golden path>)")
	fl.BoolVar(&o.Divergence, "divergence", false, "render each service's recorded version and list the files that differ from it")
	addFleetScaleFlags(cmd, &o.Scale)
	cmd.RegisterFlagCompletionFunc("provider", cobra.FixedCompletions(forge.Names(), cobra.ShellCompDirectiveNoFileComp))
}

func newFleetStatusCmd(f *Factory) *cobra.Command {
	o := &fleetStatusOptions{}
	cmd := &cobra.Command{
		Use:   "status {--repos <file> | --provider <name> --owner <org>} [--all] [--divergence]",
		Short: "Every service's golden path and version, and how the fleet keeps up",
		Long: `For each repository: its golden path, version, the latest version, how many releases and days
it is behind (from the tags' dates), the lead time of the update that brought it onto its
version, and the state of the bot's pull request; then for each golden path: services, share
on the latest version, the oldest version in use, each release's lead time (median and 90th
percentile), and the bot's pull requests by state. A repository that cannot be read gets its
error in its row and the others go on.

Repositories come from --repos, or from a forge: --provider lists the repositories of --owner
through the forge's API and reads each one's .idp.yaml without cloning; those without one are
not on a golden path: they are counted ("4 of 6 repositories are on a golden path") and
listed with --all. Lead times come from each service's history of .idp.yaml on its default
branch: a repository's default branch is fetched into memory (every commit, no checkout, nothing
written to disk) to read it. The bot's pull requests are read through the forge's API: the forge that lists them, or for
--repos the one their URLs name (github.com, gitlab.example.com, ...) or --provider and
--host, with the forge's token (GITHUB_TOKEN, GITLAB_TOKEN, GITEA_TOKEN, else IDP_GIT_TOKEN).

--divergence renders each service's recorded version with its recorded answers and lists the
golden path's files the service changed or deleted (files.owned ones are the service's), and
per golden path the files that most services rewrite. docs/metrics.md says how each number is
computed.

Output is a table, or --output json (schema: docs/fleet-status.schema.json) or --output csv.
Exit status 1 when any repository failed.`,
		Example: `  idp fleet status --repos services.txt
  idp fleet status --provider github --owner acme --all
  idp fleet status --provider github --owner acme --output json | jq '.summary.adoption'
  idp fleet status --repos services.txt --divergence --output csv > fleet.csv`,
		Annotations: map[string]string{"output-csv": "yes"},
		Args:        usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runFleetStatus(cmd, f, o)
		},
	}
	addFleetStatusFlags(cmd, o)
	cmd.Flags().StringArrayVar(&o.Scale.From, "from", nil, "merge these fleet update --results `files` (a campaign's shards) into one summary; repeatable")
	return cmd
}

func (o *fleetOptions) validate(cmd *cobra.Command, forgeAllowed bool) error {
	switch {
	case o.Jobs < 1:
		return usageErrorf(cmd, fmt.Errorf("--jobs %d: give at least 1", o.Jobs))
	case o.Repos == "" && !forgeAllowed:
		return usageErrorf(cmd, fmt.Errorf("give --repos FILE, one git URL or local path per line"))
	case o.Repos == "" && o.Provider == "" && o.Owner == "":
		return usageErrorf(cmd, fmt.Errorf("give --repos FILE, or --provider and --owner to list a forge's repositories"))
	case o.Repos != "" && o.Owner != "":
		return usageErrorf(cmd, fmt.Errorf("--repos and --owner do not go together; use one"))
	case o.Provider != "" && o.Owner == "" && o.Repos == "":
		return usageErrorf(cmd, fmt.Errorf("--provider %s needs --owner, the organization to list", o.Provider))
	case o.Owner != "" && o.Provider == "":
		return usageErrorf(cmd, fmt.Errorf("--owner goes with --provider"))
	case o.Provider != "" && forge.TokenVar(o.Provider) == "":
		return usageErrorf(cmd, fmt.Errorf("--provider %q: use one of %s", o.Provider, strings.Join(forge.Names(), ", ")))
	}
	return nil
}

func (o *fleetStatusOptions) validate(cmd *cobra.Command) error {
	if err := o.fleetOptions.validate(cmd, true); err != nil {
		return err
	}
	if o.All && o.Owner == "" {
		return usageErrorf(cmd, fmt.Errorf("--all lists an owner's repositories that are on no golden path; it goes with --provider and --owner"))
	}
	return nil
}

// readFleetStatus runs the fleet status engine with the factory's services.
func readFleetStatus(cmd *cobra.Command, f *Factory, o *fleetStatusOptions) (*fleet.StatusResult, error) {
	if err := o.Scale.validate(cmd, f, o.Owner); err != nil {
		return nil, err
	}
	ctx := cmd.Context()
	f.quietGit = true
	f.shareCatalogs()
	d := fleet.StatusDeps{
		Credentials: f.gitAuth, Progress: f, Now: f.Now,
		OpenCatalog: func(ctx context.Context, loc string) (*source.Catalog, error) {
			return f.openCatalog(ctx, loc, o.Offline)
		},
		PullRequestsFor: func(url string) *fleet.PullRequestsAt { return f.pullRequestsAt(url, o) },
	}
	if o.Owner != "" {
		api, err := forge.New(o.Provider, forge.Options{Host: o.Host, Token: f.forgeToken(o.Provider), HTTPClient: f.HTTPClient})
		if err != nil {
			return nil, &UsageError{Err: err}
		}
		d.Forge = api
	}
	res, err := fleet.ReadStatus(ctx, d, fleet.StatusOptions{Repos: o.Repos, Owner: o.Owner, Jobs: o.Jobs,
		All: o.All, Branch: o.Branch, Divergence: o.Divergence, Filter: o.Scale.filter(), Shard: o.Scale.Shard})
	var le *fleet.ListError
	if errors.As(err, &le) {
		return nil, &UsageError{Err: err}
	}
	return res, err
}

// pullRequestsAt is the forge API for a listed repository's URL: --provider and --host, else
// what the URL's host says; nil without a token or when the host says nothing.
func (f *Factory) pullRequestsAt(url string, o *fleetStatusOptions) *fleet.PullRequestsAt {
	r, err := forge.ParseRemote(url)
	if err != nil {
		return nil
	}
	provider, host := cmp.Or(o.Provider, r.Provider), cmp.Or(o.Host, r.Host)
	token := f.forgeToken(provider)
	if provider == "" || token == "" {
		return nil
	}
	api, err := forge.New(provider, forge.Options{Host: host, Token: token, HTTPClient: f.HTTPClient})
	if err != nil {
		return nil
	}
	return &fleet.PullRequestsAt{API: api, Owner: r.Owner, Name: r.Name}
}

func runFleetStatus(cmd *cobra.Command, f *Factory, o *fleetStatusOptions) error {
	if len(o.Scale.From) > 0 {
		return runFleetStatusFrom(cmd, f, o)
	}
	if err := o.validate(cmd); err != nil {
		return err
	}
	res, err := readFleetStatus(cmd, f, o)
	if err != nil {
		return err
	}
	switch f.Config.Output {
	case "json":
		err = printJSON(f.IO.Out, newFleetStatusJSON(res, o.All))
	case "csv":
		err = printFleetCSV(f.IO.Out, res)
	default:
		err = printFleetTable(f.IO.Out, res, o)
	}
	if err != nil {
		return err
	}
	printFleetWarnings(f.IO.ErrOut, res.Rows)
	if res.Summary.Failed > 0 {
		return &exitError{Code: ExitError}
	}
	return nil
}

// --- fleet update ---

type fleetUpdateOptions struct {
	fleetOptions
	Bot        botOptions
	Render     render.Options
	To         string
	Pre        bool
	Set        []string
	ValuesFile string
	Conflict   string
	Scale      fleetScaleOptions
}

func newFleetUpdateCmd(f *Factory) *cobra.Command {
	o := &fleetUpdateOptions{}
	cmd := &cobra.Command{
		Use:   "update {--repos <file> | --provider <name> --owner <org>} [--shard I/N] [--pull-request]",
		Short: "Run the update bot on every service of a fleet",
		Long: `For each repository in --repos: clone it, work out the update to the latest version of its
golden path, and push it to the bot's branch as 'idp update --push' does (with --pull-request,
open or update its pull request). Repositories are worked on in parallel (--jobs); a failure
on one is reported and the others go on. Then a summary: updated, unchanged, conflicts, failed.

--to keeps the fleet within a range (a pinned '^1' while a major release is rolled out by
hand); --set and --values answer what a newer version asks, for every repository; --conflict
rej puts the golden path's hunks beside the files. Without them, a service whose newer version
needs an answer only a person can give takes the newest version that needs none, and the table
says which version is held and what it needs ("needs input" when none can be taken).

--provider and --owner update an owner's repositories on a forge instead of a list
(--topic, --include, --exclude, --archived, --forks pick which); --shard I/N takes one share of
them, so that N jobs of a CI matrix or a Kubernetes Indexed Job cover the fleet once;
--results records each repository's outcome as a JSON line as it finishes, and --resume skips
those a cut-short run finished (docs/scale.md).

Exit status 1 when any repository failed, else 3 when any was left with conflicts, else 5 when
any needs a person to answer a newer version's parameters.`,
		Example: `  idp fleet update --repos services.txt --pull-request --jobs 8
  idp fleet update --repos services.txt --pull-request --to '^1'
  idp fleet update --repos services.txt --pull-request --set slack=#platform-alerts`,
		Args: usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runFleetUpdate(cmd, f, o)
		},
	}
	addFleetFlags(cmd, &o.fleetOptions)
	addBotFlags(cmd, &o.Bot, true)
	addFleetUpdateScaleFlags(cmd, o)
	addRenderFlags(cmd, &o.Render, f.Build.Version)
	fl := cmd.Flags()
	fl.StringVar(&o.To, "to", "latest", "the `version` to move every service to: latest, a tag, or a constraint such as ^1")
	fl.BoolVar(&o.Pre, "pre", false, "let latest and constraints pick pre-release versions")
	fl.StringArrayVar(&o.Set, "set", nil, "answer a parameter for every repository, as `KEY=VALUE`; repeatable")
	fl.StringVar(&o.ValuesFile, "values", "", "answers for every repository from a YAML or JSON `file`")
	fl.StringVar(&o.Conflict, "conflict", "inline", "how conflicts are left: {inline|rej}")
	cmd.RegisterFlagCompletionFunc("to", func(cmd *cobra.Command, _ []string, _ string) ([]string, cobra.ShellCompDirective) {
		return completeVersions(f.goldenPaths(cmd.Context(), "", "", "")) // the configured source's
	})
	return cmd
}

func runFleetUpdate(cmd *cobra.Command, f *Factory, o *fleetUpdateOptions) error {
	o.Provider, o.Host = o.Bot.Provider, o.Bot.Host // --provider and --host also say where --owner is
	if err := o.validate(cmd, true); err != nil {
		return err
	}
	if err := o.Scale.validate(cmd, f, o.Owner); err != nil {
		return err
	}
	o.Bot.Push = true
	if err := o.Bot.validate(cmd); err != nil {
		return err
	}
	if o.Conflict != "inline" && o.Conflict != "rej" {
		return usageErrorf(cmd, fmt.Errorf("--conflict %q: use inline or rej", o.Conflict))
	}
	var values map[string]any
	if o.ValuesFile != "" {
		var err error
		if values, err = answers.ReadValuesFile(cmd.Context(), o.ValuesFile); err != nil {
			return err
		}
	}
	f.shareCatalogs()
	f.quietGit = true
	ud := f.updateDeps(o.Offline, false)
	ud.Log = io.Discard // each repository's story is its row
	deps := fleet.UpdateDeps{
		Update: ud, Push: f.pushDeps(&o.Bot), Credentials: f.gitAuth, Progress: f,
		Explain: func(url string, err error) error { return gitauth.ExplainSSH(err, url, f.Getenv) },
		Hint:    renderLimitHint,
	}
	if err := f.fleetUpdateScaleDeps(&deps, o); err != nil {
		return err
	}
	if c, ok := deps.Results.(io.Closer); ok {
		defer c.Close()
	}
	res, err := fleet.Update(cmd.Context(), deps, fleet.UpdateOptions{
		Repos: o.Repos, Owner: o.Owner, Filter: o.Scale.filter(), Shard: o.Scale.Shard, Resume: o.Scale.Resume, Jobs: o.Jobs,
		Do: update.DoOptions{To: o.To, ToGiven: cmd.Flags().Changed("to"), Pre: o.Pre, Set: o.Set, ValuesFile: o.ValuesFile, Values: values,
			Verbose: f.Config.Verbose, Rej: o.Conflict == "rej", Render: o.Render, MinAge: o.Bot.MinAge},
		Push: o.Bot.pushOptions(""),
	})
	if fleet.IsListError(err) {
		return &UsageError{Err: err}
	}
	if res == nil {
		return err
	}
	f.recordFleetEvents(cmd.Context(), res)
	if f.Config.Output == "json" {
		if err := printJSON(f.IO.Out, res); err != nil {
			return err
		}
	} else {
		printFleetUpdate(f.IO.Out, res.Rows, res.Summary)
		if res.Resumed > 0 {
			fmt.Fprintf(f.IO.Out, "%d already done (--resume).\n", res.Resumed)
		}
	}
	switch sum := res.Summary; {
	case sum["failed"] > 0:
		return &exitError{Code: ExitError}
	case sum["conflicts"] > 0:
		return &exitError{Code: ExitConflicts}
	case sum["needsInput"] > 0:
		return &exitError{Code: ExitNeedsInput}
	}
	return err
}

func printFleetUpdate(w io.Writer, rows []fleet.UpdateRow, sum map[string]int) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "REPOSITORY\tGOLDEN PATH\tFROM\tTO\tRESULT\tPULL REQUEST")
	for _, r := range rows {
		if r.Result == "failed" {
			fmt.Fprintf(tw, "%s\t%s\t%s\t\tfailed: %s\n", r.Repo, r.Template, r.From, r.Error)
			continue
		}
		pr := "-"
		if r.Push != nil && r.Push.PullRequest != nil && r.Push.PullRequest.Number > 0 {
			pr = fmt.Sprintf("#%d %s", r.Push.PullRequest.Number, r.Push.PullRequest.Action)
		}
		result := r.Result
		if r.Result == "needsInput" {
			result = "needs input"
		}
		if r.Held != nil {
			result += fmt.Sprintf(" (%s held: needs %s)", r.Held.Version, strings.Join(r.Held.Missing, ", "))
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", r.Repo, r.Template, r.From, r.To, result, pr)
	}
	tw.Flush()
	fmt.Fprintf(w, "\n%d updated, %d unchanged, %d with conflicts, %d needing input, %d failed.\n", sum["updated"], sum["unchanged"], sum["conflicts"], sum["needsInput"], sum["failed"])
}
