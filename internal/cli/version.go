package cli

import (
	"fmt"
	"runtime"
	"runtime/debug"

	"github.com/spf13/cobra"
)

func newVersionCmd(f *Factory) *cobra.Command {
	return &cobra.Command{
		Use:     "version",
		Short:   "Print idp's version, commit and build date",
		Args:    usageArgs(cobra.NoArgs),
		Example: "  idp version\n  idp --version\n  idp version --output json",
		// idp's version is worth knowing most when something is wrong, a config file too.
		Annotations: map[string]string{configOptional: "true"},
		RunE: func(cmd *cobra.Command, args []string) error {
			b := f.Build
			if f.Config.Output == "json" {
				return printJSON(f.IO.Out, map[string]string{
					"version": b.Version, "commit": b.Commit, "date": b.Date, "go": runtime.Version(),
				})
			}
			_, err := fmt.Fprintln(f.IO.Out, versionLine(b))
			return err
		},
	}
}

// versionLine is what idp version and idp --version print.
func versionLine(b Build) string {
	line := "idp " + b.Version
	if b.Commit != "" {
		line += " (commit " + b.Commit
		if b.Date != "" {
			line += ", built " + b.Date
		}
		line += ")"
	}
	return line
}

// withBuildInfo fills what -ldflags did not set from what the go command recorded in the binary:
// the module's version for `go install .../cmd/idp@v1.2.3`, and for a build in a git checkout
// (go build, go install ./cmd/idp) the commit and its time.
func withBuildInfo(b Build, info *debug.BuildInfo) Build {
	if info == nil {
		return b
	}
	if b.Version == "dev" && info.Main.Version != "" && info.Main.Version != "(devel)" {
		b.Version = info.Main.Version
	}
	for _, s := range info.Settings {
		switch {
		case s.Key == "vcs.revision" && b.Commit == "":
			b.Commit = s.Value
		case s.Key == "vcs.time" && b.Date == "":
			b.Date = s.Value
		}
	}
	return b
}
