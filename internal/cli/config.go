package cli

import (
	"context"
	"errors"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/idp-cli/idp/internal/config"
)

// Config is idp's typed configuration (internal/config), as the commands read it.
type Config struct{ config.Config }

func (c *Config) trusts(src string) bool          { return c.Trusts(src) }
func (c *Config) resolveSource(loc string) string { return c.ResolveSource(loc) }

// loadConfig is config.Load for cmd: its flags, idp's keys, a mistake in either a usage error.
func loadConfig(cmd *cobra.Command, getenv func(string) string) (*config.Config, error) {
	ctx := cmd.Context()
	if ctx == nil {
		ctx = context.Background()
	}
	cfg, err := config.Load(ctx, config.Options{Flags: cmd.Flags(), Getenv: getenv, ReadFile: true, Optional: isConfigOptional(cmd),
		Keys: func() []string { return allFlagNames(cmd.Root()) }, CSV: cmd.Annotations["output-csv"] != "", Command: cmd.CommandPath()})
	if err != nil && !errors.Is(err, context.Canceled) && !errors.Is(err, context.DeadlineExceeded) {
		return nil, usageErrorf(cmd, err)
	}
	return cfg, err
}

// useConfig is what the factory holds once the config is read: it, and a logger at its level.
func (f *Factory) useConfig(cfg *config.Config) {
	f.Config, f.Logger = &Config{*cfg}, cfg.Logger(f.IO.ErrOut)
}

func allFlagNames(root *cobra.Command) []string {
	var names []string
	add := func(f *pflag.Flag) { names = append(names, f.Name) }
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		c.Flags().VisitAll(add)
		c.PersistentFlags().VisitAll(add)
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
	return names
}
