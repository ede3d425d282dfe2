package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/idp-cli/idp/internal/layer"
	"github.com/idp-cli/idp/internal/render"
	"github.com/idp-cli/idp/internal/update"
)

type removeOptions struct {
	Dir, Layer      string
	Offline, DryRun bool
	Render          render.Options
}

func newRemoveCmd(f *Factory) *cobra.Command {
	o := &removeOptions{}
	cmd := &cobra.Command{
		Use:   "remove <add-on>",
		Short: "Take an add-on off a service: its unchanged files and its blocks",
		Long: `Take an add-on that 'idp add' applied off the service: the files it rendered go when they are
as it rendered them, and so do its managed blocks in the files of other layers. A file or block
edited here stays, as a conflict for you to decide (exit status 3). .idp.yaml drops the layer.
Without conflicts the removal is committed. An add-on that another layer requires stays until
that one is removed.`,
		Example: `  idp remove techdocs
  idp remove argocd --dry-run`,
		Args: usageArgs(func(cmd *cobra.Command, args []string) error {
			if len(args) != 1 {
				return fmt.Errorf("give the add-on to take off, as in idp remove techdocs; .idp.yaml lists them under layers:")
			}
			return nil
		}),
		ValidArgsFunction: func(cmd *cobra.Command, args []string, _ string) ([]string, cobra.ShellCompDirective) {
			svc, err := update.Open(o.Dir)
			if err != nil || len(args) > 0 {
				return nil, cobra.ShellCompDirectiveNoFileComp
			}
			return svc.Record.Names()[1:], cobra.ShellCompDirectiveNoFileComp
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			o.Layer = args[0]
			res, err := layer.Remove(cmd.Context(), f.LayerDeps(o.Offline), layer.RemoveOptions{
				Dir: o.Dir, Layer: o.Layer, DryRun: o.DryRun, Render: o.Render,
			})
			if err != nil {
				return renderLimitHint(withCmd(cmd, err))
			}
			return printLayerResult(f, res, "remove", o.DryRun) // exit 3 with conflicts left
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&o.Dir, "dir", ".", "the service's `directory` (where .idp.yaml is)")
	fl.BoolVar(&o.Offline, "offline", false, "use the cached clone of the add-on's source as it is")
	fl.BoolVar(&o.DryRun, "dry-run", false, "print what would change; write nothing")
	addRenderFlags(cmd, &o.Render, f.Build.Version)
	return cmd
}
