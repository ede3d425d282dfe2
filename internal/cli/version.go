package cli

import (
	"runtime/debug"

	"github.com/spf13/cobra"

	"github.com/idp-cli/idp/internal/buildinfo"
)

func newVersionCmd(f *Factory) *cobra.Command {
	return &cobra.Command{
		Use:     "version",
		Short:   "Print idp's version, commit and build date",
		Args:    usageArgs(noArgs),
		Example: "  idp version\n  idp --version\n  idp version --output json",
		// idp's version is worth knowing most when something is wrong, a config file too.
		Annotations: map[string]string{configOptional: "true"},
		RunE:        func(cmd *cobra.Command, args []string) error { return printResult(f, buildinfo.Info(f.Build)) },
	}
}

// withBuildInfo fills what -ldflags did not set from the binary's build info.
func withBuildInfo(b Build, info *debug.BuildInfo) Build { return Build(buildinfo.Info(b).Fill(info)) }
