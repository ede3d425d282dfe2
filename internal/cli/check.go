package cli

import (
	"fmt"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"github.com/idp-cli/idp/internal/render"
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
		Args: usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, args []string) error {
			ps, layered, err := update.ResolveLayers(cmd.Context(), f.updateDeps(o.Offline, false), o.Dir, o.Layer, o.To, o.Pre)
			if err != nil {
				if f.Config.Output == "json" {
					dir := o.Dir
					if dir == "" {
						dir = "."
					}
					doc := map[string]any{"service": dir, "status": "error", "error": err.Error()}
					if abs, aerr := filepath.Abs(dir); aerr == nil {
						doc["dir"] = abs
					}
					if jerr := printJSON(f.IO.Out, doc); jerr != nil {
						return jerr
					}
				}
				return err
			}
			// An earlier update's conflicts left in the files are not edits like any other.
			left, err := ps[0].Service.Leftovers(cmd.Context(), ps[0].Service.Record.Names()...)
			if err != nil {
				return err
			}
			newest := "the latest"
			if o.To != "" && o.To != "latest" {
				newest = "the newest matching --to " + o.To
			}
			behind, diverged := false, false
			var layers []map[string]any
			for _, p := range ps {
				var divs []update.Divergence
				if strict {
					if divs, err = update.Enforced(cmd.Context(), p, render.Options{}); err != nil {
						return err
					}
					diverged = diverged || len(divs) > 0
				}
				upToDate := p.UpToDate()
				behind = behind || !upToDate
				rel := display(p)
				status := "current"
				if !upToDate {
					status = "behind"
				}
				out := map[string]any{
					"service": rel, "dir": p.Service.Dir, "template": p.Name, "version": p.Current, "latest": p.Wants,
					"upToDate": upToDate, "behind": p.Behind, "status": status,
				}
				if !p.TargetDate.IsZero() {
					out["latestDate"] = p.TargetDate.UTC().Format(time.RFC3339)
				}
				if strict {
					out["enforced"] = append([]update.Divergence{}, divs...)
				}
				layers = append(layers, out)
				switch {
				case f.Config.Output == "json":
				case upToDate && len(left) > 0 && p == ps[0]:
					fmt.Fprintf(f.IO.Out, "%s is on %s %s, %s, but has %s.\n", rel, p.Name, p.Current, newest, update.DescribeLeftovers(left))
				case upToDate:
					fmt.Fprintf(f.IO.Out, "%s is on %s %s, %s.\n", rel, p.Name, p.Current, newest)
				default:
					run := "idp update"
					if layered {
						run += " --layer " + p.Name
					}
					fmt.Fprintf(f.IO.Out, "%s is on %s %s; %s is out (%s behind). Run '%s'.\n", rel, p.Name, p.Current, p.Wants, plural(p.Behind, "version"), run)
				}
				if f.Config.Output != "json" {
					for _, d := range divs {
						fmt.Fprintf(f.IO.Out, "  enforced  %s %s: %s enforces it (files.enforced); put back its version with git, or ask the platform team\n", d.Path, d.Status, p.Name)
					}
				}
			}
			if len(left) > 0 && f.Config.Output != "json" && !ps[0].UpToDate() {
				fmt.Fprintf(f.IO.Out, "%s also has %s.\n", display(ps[0]), update.DescribeLeftovers(left))
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
					doc = map[string]any{"service": display(ps[0]), "dir": ps[0].Service.Dir, "status": status, "upToDate": !behind, "layers": layers}
				}
				if len(left) > 0 {
					doc["conflicts"] = left
					if doc["status"] == "current" {
						doc["status"] = "conflicts"
					}
				}
				if err := printJSON(f.IO.Out, doc); err != nil {
					return err
				}
			}
			switch {
			case diverged:
				return &exitError{Code: ExitEnforced}
			case len(left) > 0:
				return &exitError{Code: ExitConflicts}
			case behind:
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
