package cli

import (
	"context"
	"fmt"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/idp-cli/idp/internal/gitauth"
	"github.com/idp-cli/idp/internal/gitrepo"
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
			if remote != "" {
				if err := gitrepo.SetRemote(dir, remote); err != nil {
					return err
				}
			}
			url, err := gitrepo.RemoteURL(dir)
			if err != nil {
				return err
			}
			if url == "" {
				return usageErrorf(cmd, fmt.Errorf("%s has no origin remote; give one with --remote URL", dir))
			}
			if remote != "" {
				url = remote // keeps a password given on the command line for this push
			}
			if err := f.pushTo(cmd.Context(), dir, url); err != nil {
				return err
			}
			abs, _ := filepath.Abs(dir)
			if f.Config.Output == "json" {
				return printJSON(f.IO.Out, map[string]string{"dir": abs, "remote": gitauth.Redact(url), "branch": gitrepo.Branch})
			}
			_, err = fmt.Fprintf(f.IO.Out, "Pushed %s to %s.\n", gitrepo.Branch, gitauth.Redact(url))
			return err
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
