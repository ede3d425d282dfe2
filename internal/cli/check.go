package cli

import (
	"fmt"
	"time"

	"github.com/spf13/cobra"
)

func newCheckCmd(f *Factory) *cobra.Command {
	o := &updateOptions{}
	cmd := &cobra.Command{
		Use:   "check",
		Short: "Exit 0 when the service is on its golden path's latest version, 1 when behind",
		Long: `Compare the version in .idp.yaml with the golden path's latest (or the newest matching --to,
such as a pinned ^1), from the source's tags alone: nothing is rendered. Exit status 0 means up
to date, 1 behind (or an error); --output json gives the versions.`,
		Example: `  idp check
  idp check --to '^1' --output json`,
		Args: usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, args []string) error {
			p, err := resolveVersions(cmd, f, o)
			if err != nil {
				return err
			}
			upToDate := p.behind == 0 && (p.downgrade || p.target.Source.Commit == p.svc.Record.Template.Commit || p.wants == p.current)
			rel := p.display()
			if f.Config.Output == "json" {
				out := map[string]any{
					"service": rel, "template": p.name, "version": p.current, "latest": p.wants,
					"upToDate": upToDate, "behind": p.behind,
				}
				if !p.targetDate.IsZero() {
					out["latestDate"] = p.targetDate.UTC().Format(time.RFC3339)
				}
				if err := printJSON(f.IO.Out, out); err != nil {
					return err
				}
			} else if upToDate {
				fmt.Fprintf(f.IO.Out, "%s is on %s %s, the latest.\n", rel, p.name, p.current)
			} else {
				fmt.Fprintf(f.IO.Out, "%s is on %s %s; %s is out (%s behind). Run 'idp update'.\n", rel, p.name, p.current, p.wants, plural(p.behind, "version"))
			}
			if !upToDate {
				return &exitError{Code: ExitError}
			}
			return nil
		},
	}
	addUpdateFlags(cmd, o)
	return cmd
}
