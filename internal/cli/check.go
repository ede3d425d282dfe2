package cli

import (
	"cmp"

	"github.com/spf13/cobra"

	"github.com/idp-cli/idp/internal/update"
)

func newCheckCmd(f *Factory) *cobra.Command {
	o := &updateOptions{}
	var strict bool
	cmd := &cobra.Command{
		Use:   "check",
		Short: "Exit 0 when the service is on its golden path's latest version, 4 when behind",
		Long: `Compare the version in .idp.yaml with the golden path's latest (or the newest matching --to,
such as a pinned ^1), from the source's tags alone: nothing is rendered.

Exit status: 0 up to date, 4 a newer version exists, 3 files still hold an earlier update's
conflicts (markers, FILE.rej, FILE.idp-new), 1 an error (no .idp.yaml, an unreachable source),
2 a usage error. So 'idp check || notify' is wrong: test for 4. With --output json,
stdout always holds one object whose status is current, behind, conflicts or error.

A service with add-ons (idp add) is checked layer by layer; --layer checks one. With --strict,
the files a golden path enforces (files.enforced in its template.yaml) are compared with the
recorded version's render too, and exit status 6 says one differs or is missing.`,
		Example: `  idp check
  idp check --to '^1' --output json
  idp check; [ $? -eq 4 ] && echo "a newer golden path is out"
  idp check --strict   # exit 6 when a file the golden path enforces was changed`,
		Args: usageArgs(noArgs),
		RunE: func(cmd *cobra.Command, args []string) error {
			res, err := update.Check(cmd.Context(), f.UpdateDeps(o.Offline, false), update.CheckOptions{
				Dir: o.Dir, Layer: o.Layer, To: o.To, Pre: o.Pre, Strict: strict,
			})
			if res != nil {
				err = cmp.Or(printResult(f, res), err)
			}
			switch {
			case err != nil:
				return err
			case res.Diverged:
				return &exitError{Code: ExitEnforced}
			case len(res.Leftovers) > 0:
				return &exitError{Code: ExitConflicts}
			case res.Behind:
				return &exitError{Code: ExitBehind}
			}
			return nil
		},
	}
	addUpdateFlags(cmd, o)
	cmd.Flags().BoolVar(&strict, "strict", false, "also compare the files the golden path enforces (files.enforced) with its render; exit 6 when one differs")
	completeServiceFlags(cmd, f, o)
	return cmd
}
