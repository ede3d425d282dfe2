package cli

import (
	"fmt"
	"log/slog"
	"time"

	"github.com/spf13/cobra"

	"github.com/idp-cli/idp/internal/doctor"
	"github.com/idp-cli/idp/internal/forge"
	"github.com/idp-cli/idp/internal/gitcli"
	"github.com/idp-cli/idp/internal/source"
	"github.com/idp-cli/idp/templates"
)

type doctorOptions struct {
	Source   string
	Provider string
	Host     string
	Timeout  time.Duration

	configErr error // why the config cannot be used: reported, not a reason to stop
}

// doctorJSON is idp doctor's --output json; docs/doctor.schema.json describes it.
type doctorJSON struct {
	Checks   []doctor.Check `json:"checks"`
	OK       int            `json:"ok"`
	Warnings int            `json:"warnings"`
	Failed   int            `json:"failed"`
}

func newDoctorCmd(f *Factory) *cobra.Command {
	o := &doctorOptions{}
	cmd := &cobra.Command{
		Use:   "doctor",
		Short: "Check git, the config, sources, credentials, known_hosts, the cache and forge tokens",
		Long: `Check what idp depends on, and say for each what works and what to fix:

  git           the git command and its version
  config        the config file (or an IDP_* variable) that every command reads
  source        the default source and every named one in the config: reached with the
                credentials idp would use (it says where they come from, never what they are),
                cloned or fetched into the cache as idp new would, and its golden paths listed
  known_hosts   for ssh sources: the host's key, read without connecting
  cache         the source cache: its size, and what failed or killed runs left there
  forge         with --provider: whether the forge accepts the token and has the scopes idp
                needs (GitHub: X-OAuth-Scopes; GitLab: the token's own record; Gitea shows none)

Each check is ok, warn (works, but will bite) or fail (some command fails until it is fixed).
A broken config is reported like any other check. Exit status: 0 when nothing failed, 1 when
something did, 2 for a usage error.`,
		Example: `  idp doctor
  idp doctor --provider github
  idp doctor --provider gitlab --host https://gitlab.example.com --output json`,
		Args: usageArgs(cobra.NoArgs),
		PersistentPreRunE: func(cmd *cobra.Command, args []string) error {
			if out, _ := cmd.Flags().GetString("output"); out != "text" && out != "json" {
				return usageErrorf(cmd, fmt.Errorf("--output %q: idp doctor prints text or json", out))
			}
			err := cmd.Root().PersistentPreRunE(cmd, args)
			if err == nil || cmd.Context().Err() != nil {
				return err
			}
			o.configErr = err
			doctorFallbackConfig(cmd, f)
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			flagPath, _ := cmd.Flags().GetString("config")
			cfg := doctor.Config{File: f.Config.File, Found: f.Config.File != "", Err: o.configErr, Source: o.Source, Sources: f.Config.Sources}
			if !cfg.Found {
				cfg.File, _ = configPath(flagPath, f.Getenv)
			}
			rep, err := doctor.Run(cmd.Context(), doctor.Deps{
				Getenv:     f.Getenv,
				Git:        gitcli.Version,
				Builtin:    func() (*source.GitSource, error) { return source.OpenBuiltin(templates.History()) },
				HTTPClient: f.HTTPClient,
				Now:        f.Now,
				Progress:   f.progress(),
			}, doctor.Options{Config: cfg, CacheDir: f.cacheDir(), Provider: o.Provider, Host: o.Host, Timeout: o.Timeout})
			if err != nil {
				return err
			}
			ok, warn, fail := rep.Count(doctor.OK), rep.Count(doctor.Warn), rep.Count(doctor.Fail)
			if f.Config.Output == "json" {
				err = printJSON(f.IO.Out, doctorJSON{Checks: rep.Checks, OK: ok, Warnings: warn, Failed: fail})
			} else {
				err = printDoctor(f, rep, ok, warn, fail)
			}
			if err != nil {
				return err
			}
			switch {
			case fail == 1:
				return &exitError{Code: ExitError, Msg: "1 check failed; do what its fix says, then run idp doctor again"}
			case fail > 1:
				return &exitError{Code: ExitError, Msg: fmt.Sprintf("%d checks failed; do what their fixes say, then run idp doctor again", fail)}
			}
			return nil
		},
	}
	fl := cmd.Flags()
	fl.StringVarP(&o.Source, "source", "s", "", "check this source first: a git `URL` or a directory (default: config source, else the ones built in)")
	fl.StringVar(&o.Provider, "provider", "", "check the token for `forge` github, gitlab or gitea (GITHUB_TOKEN, GITLAB_TOKEN, GITEA_TOKEN, else IDP_GIT_TOKEN)")
	fl.StringVar(&o.Host, "host", "", "with --provider: the forge's `URL` when self-hosted (default github.com, gitlab.com, gitea.com)")
	o.Timeout = doctor.DefaultTimeout
	fl.Var((*timeoutValue)(&o.Timeout), "timeout", "how long to wait for each source and the forge (0: no limit)")
	cmd.RegisterFlagCompletionFunc("provider", cobra.FixedCompletions(forge.Names(), cobra.ShellCompDirectiveNoFileComp))
	return cmd
}

// doctorFallbackConfig is the config doctor runs with when idp's own cannot be read: its flags,
// and the IDP_* variables of its own flags where they can be taken as they are.
func doctorFallbackConfig(cmd *cobra.Command, f *Factory) {
	fl := cmd.Flags()
	for _, name := range []string{"source", "provider", "host", "timeout"} {
		if v := f.Getenv(envName(name)); v != "" && !fl.Changed(name) {
			_ = fl.Set(name, v)
		}
	}
	cfg := &Config{Output: "text"}
	if out, _ := fl.GetString("output"); fl.Changed("output") {
		cfg.Output = out
	} else if v := f.Getenv("IDP_OUTPUT"); v == "json" {
		cfg.Output = v
	}
	cfg.Verbose, _ = fl.GetBool("verbose")
	cfg.Verbose = cfg.Verbose || f.Getenv("IDP_DEBUG") != ""
	level := slog.LevelWarn
	if cfg.Verbose {
		level = slog.LevelDebug
	}
	f.Config = cfg
	f.Logger = slog.New(slog.NewTextHandler(f.IO.ErrOut, &slog.HandlerOptions{Level: level}))
}

func printDoctor(f *Factory, rep *doctor.Report, ok, warn, fail int) error {
	w := f.IO.Out
	for _, c := range rep.Checks {
		if _, err := fmt.Fprintf(w, "%-4s  %s: %s\n", c.Status, c.Name, c.Detail); err != nil {
			return err
		}
		if c.Fix != "" {
			fmt.Fprintf(w, "      fix: %s\n", c.Fix)
		}
	}
	_, err := fmt.Fprintf(w, "%s: %d ok, %s, %d failed\n", plural(len(rep.Checks), "check"), ok, plural(warn, "warning"), fail)
	return err
}
