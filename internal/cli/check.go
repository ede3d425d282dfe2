package cli

import (
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/idp-cli/idp/internal/update"
)

func newCheckCmd(f *Factory) *cobra.Command {
	o := &updateOptions{}
	cmd := &cobra.Command{
		Use:   "check",
		Short: "Exit 0 when the service is on its golden path's latest version, 4 when behind",
		Long: `Compare the version in .idp.yaml with the golden path's latest (or the newest matching --to,
such as a pinned ^1), from the source's tags alone: nothing is rendered.

Exit status: 0 up to date, 4 a newer version exists, 1 an error (no .idp.yaml, an unreachable
source), 2 a usage error. So 'idp check || notify' is wrong: test for 4. With --output json,
stdout always holds one object whose status is current, behind or error.`,
		Example: `  idp check
  idp check --to '^1' --output json
  idp check; [ $? -eq 4 ] && echo "a newer golden path is out"`,
		Args: usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, args []string) error {
			ps, layered, err := update.ResolveLayers(cmd.Context(), f.updateDeps(o.Offline, false), o.Dir, o.Layer, o.To, o.Pre)
			if err != nil {
				if f.Config.Output == "json" {
					dir := o.Dir
					if dir == "" {
						dir = "."
					}
					if jerr := printJSON(f.IO.Out, map[string]any{"service": dir, "status": "error", "error": err.Error()}); jerr != nil {
						return jerr
					}
				}
				return err
			}
			newest := "the latest"
			if o.To != "" && o.To != "latest" {
				newest = "the newest matching --to " + o.To
			}
			behind := false
			var layers []map[string]any
			for _, p := range ps {
				upToDate := p.UpToDate()
				behind = behind || !upToDate
				rel := display(p)
				status := "current"
				if !upToDate {
					status = "behind"
				}
				out := map[string]any{
					"service": rel, "template": p.Name, "version": p.Current, "latest": p.Wants,
					"upToDate": upToDate, "behind": p.Behind, "status": status,
				}
				if !p.TargetDate.IsZero() {
					out["latestDate"] = p.TargetDate.UTC().Format(time.RFC3339)
				}
				layers = append(layers, out)
				switch {
				case f.Config.Output == "json":
				case upToDate:
					fmt.Fprintf(f.IO.Out, "%s is on %s %s, %s.\n", rel, p.Name, p.Current, newest)
				default:
					run := "idp update"
					if layered {
						run += " --layer " + p.Name
					}
					fmt.Fprintf(f.IO.Out, "%s is on %s %s; %s is out (%s behind). Run '%s'.\n", rel, p.Name, p.Current, p.Wants, plural(p.Behind, "version"), run)
				}
			}
			if f.Config.Output == "json" {
				doc := layers[0]
				if layered {
					status := "current"
					if behind {
						status = "behind"
					}
					for _, l := range layers {
						delete(l, "service")
					}
					doc = map[string]any{"service": display(ps[0]), "status": status, "upToDate": !behind, "layers": layers}
				}
				if err := printJSON(f.IO.Out, doc); err != nil {
					return err
				}
			}
			if behind {
				return &exitError{Code: ExitBehind}
			}
			return nil
		},
	}
	addUpdateFlags(cmd, o)
	return cmd
}
