package cli

import (
	"github.com/spf13/cobra"

	"github.com/idp-cli/idp/internal/scaffold"
)

func newPushCmd(f *Factory) *cobra.Command {
	var dir, remote string
	cmd := &cobra.Command{
		Use:   "push",
		Short: "Push a new service's main branch to its remote",
		Long: `Push main to the service's origin remote: the retry when 'idp new --remote' could not
push. --remote sets (or replaces) origin first.`,
		Example: `  cd payments && idp push
  idp push --dir payments --remote https://git.example.com/team/payments.git`,
		Args: usageArgs(noArgs),
		RunE: func(cmd *cobra.Command, args []string) error {
			res, err := scaffold.PushMain(cmd.Context(), f.PushTo, dir, remote)
			if err != nil {
				return err
			}
			return printResult(f, res)
		},
	}
	cmd.Flags().StringVar(&dir, "dir", ".", "the service `directory`")
	cmd.Flags().StringVar(&remote, "remote", "", "set origin to this `URL` first")
	return cmd
}
