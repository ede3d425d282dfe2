package cli

import (
	"github.com/spf13/cobra"

	"github.com/idp-cli/idp/internal/config"
)

func newEnvironmentTopic() *cobra.Command {
	return &cobra.Command{Use: "environment", Short: "Environment variables that idp reads", Long: config.Help()}
}
