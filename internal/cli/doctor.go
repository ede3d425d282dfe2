package cli

import (
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/idp-cli/idp/internal/config"
	"github.com/idp-cli/idp/internal/doctor"
	"github.com/idp-cli/idp/internal/forge"
	"github.com/idp-cli/idp/internal/limit"
)

type doctorOptions struct {
	Source   string
	Provider string
	Host     string
	Timeout  time.Duration

	configErr error // why the config cannot be used: reported, not a reason to stop
}

func newDoctorCmd(f *Factory) *cobra.Command {
	o := &doctorOptions{}
	cmd := &cobra.Command{
		Use:   "doctor",
		Short: "Check git, the config, sources, credentials, known_hosts, the cache and forge tokens",
		Long:  doctor.About,
		Example: `  idp doctor
  idp doctor --provider github
  idp doctor --provider gitlab --host https://gitlab.example.com --output json`,
		Args: usageArgs(noArgs),
		PersistentPreRunE: func(cmd *cobra.Command, args []string) error {
			if out, _ := cmd.Flags().GetString("output"); out != "text" && out != "json" {
				return usageErrorf(cmd, fmt.Errorf("--output %q: idp doctor prints text or json", out))
			}
			err := cmd.Root().PersistentPreRunE(cmd, args)
			if err == nil || cmd.Context().Err() != nil {
				return err
			}
			// A broken config is reported like any other check; doctor runs on its flags.
			o.configErr = err
			f.UseConfig(config.Fallback(cmd.Flags(), f.Getenv, "source", "provider", "host", "timeout"))
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			flagPath, _ := cmd.Flags().GetString("config")
			cfg := doctor.Config{File: f.Config.File, Found: f.Config.File != "", Err: o.configErr, Source: o.Source, Sources: f.Config.Sources}
			if !cfg.Found {
				cfg.File, _ = config.Path(flagPath, f.Getenv)
			}
			rep, err := doctor.Run(cmd.Context(), f.DoctorDeps(), doctor.Options{Config: cfg, CacheDir: f.CacheDir(), Provider: o.Provider, Host: o.Host, Timeout: o.Timeout})
			if err != nil {
				return err
			}
			if err := printResult(f, rep); err != nil || rep.Failures() == "" {
				return err
			}
			return &exitError{Code: ExitError, Msg: rep.Failures()}
		},
	}
	fl := cmd.Flags()
	fl.StringVarP(&o.Source, "source", "s", "", "check this source first: a git `URL` or a directory (default: config source, else the ones built in)")
	fl.StringVar(&o.Provider, "provider", "", "check the token for `forge` github, gitlab or gitea (GITHUB_TOKEN, GITLAB_TOKEN, GITEA_TOKEN, else IDP_GIT_TOKEN)")
	fl.StringVar(&o.Host, "host", "", "with --provider: the forge's `URL` when self-hosted (default github.com, gitlab.com, gitea.com)")
	o.Timeout = doctor.DefaultTimeout
	fl.Var((*limit.Duration)(&o.Timeout), "timeout", "how long to wait for each source and the forge (0: no limit)")
	cmd.RegisterFlagCompletionFunc("provider", cobra.FixedCompletions(forge.Names(), cobra.ShellCompDirectiveNoFileComp))
	return cmd
}
