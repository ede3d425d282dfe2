package cli

import (
	"context"
	"errors"
	"fmt"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/idp-cli/idp/internal/config"
)

// readConfig reads idp's configuration for cmd, from its flags, the IDP_* variables and the
// config file (internal/config), into the factory with a logger at its level. A mistake in any
// of them is a usage error.
func readConfig(f *Factory, cmd *cobra.Command) error {
	ctx := cmd.Context()
	if ctx == nil {
		ctx = context.Background()
	}
	cfg, err := config.Load(ctx, config.Options{Flags: cmd.Flags(), Getenv: f.Getenv, ReadFile: true, Optional: isConfigOptional(cmd),
		Keys: func() []string { return allFlagNames(cmd.Root()) }, CSV: cmd.Annotations["output-csv"] != "", Command: cmd.CommandPath()})
	switch {
	case errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded):
		return err
	case err != nil:
		return usageErrorf(cmd, err)
	case cfg.Ignored != nil:
		fmt.Fprintf(f.IO.ErrOut, "idp: ignored: %s\n", cfg.Ignored)
	}
	f.UseConfig(cfg)
	if cfg.File != "" {
		f.Logger.Debug("read config", "file", cfg.File)
	}
	return nil
}

// allFlagNames are the names of every command's flags: the keys a config file may hold.
func allFlagNames(root *cobra.Command) []string {
	var names []string
	eachFlag(root, (*cobra.Command).Flags, func(f *pflag.Flag) { names = append(names, f.Name) })
	return names
}

// eachFlag calls fn on every flag of root and the commands under it: those of set(c), and the
// persistent ones c declares.
func eachFlag(c *cobra.Command, set func(*cobra.Command) *pflag.FlagSet, fn func(*pflag.Flag)) {
	set(c).VisitAll(fn)
	c.PersistentFlags().VisitAll(fn)
	for _, sub := range c.Commands() {
		eachFlag(sub, set, fn)
	}
}
