package cli

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/idp-cli/idp/internal/gitauth"
	"github.com/idp-cli/idp/internal/gitrepo"
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
		Args: usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, args []string) error {
			res, err := scaffold.PushMain(cmd.Context(), f.pushTo, dir, remote)
			if err != nil {
				return err
			}
			return f.printResult(res)
		},
	}
	cmd.Flags().StringVar(&dir, "dir", ".", "the service `directory`")
	cmd.Flags().StringVar(&remote, "remote", "", "set origin to this `URL` first")
	return cmd
}

// pushTo pushes a service's main to rawURL with the credentials idp finds for it.
func (f *Factory) pushTo(ctx context.Context, dir, rawURL string) error {
	cred := f.gitAuth(rawURL)
	if cred.Err != nil {
		return fmt.Errorf("push to %s: %w", gitauth.Redact(rawURL), cred.Err)
	}
	return gitrepo.Push(ctx, dir, gitrepo.PushOptions{
		URL: rawURL, Auth: cred.Auth, Hint: gitauth.HintFor(rawURL, cred.Tried), Progress: f.progress(),
		Explain: func(err error) error { return gitauth.ExplainSSH(err, rawURL, f.Getenv) },
	})
}
