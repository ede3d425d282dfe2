// Package config reads the service's settings from the environment.
package config

import (
	"fmt"
	"log/slog"
	"strconv"
	"time"
)

// Config holds the service's settings.
type Config struct {
	Port            int
	LogLevel        slog.Level
	ShutdownTimeout time.Duration
}

// Addr is the address to listen on.
func (c Config) Addr() string { return fmt.Sprintf(":%d", c.Port) }

// FromEnv reads PORT, LOG_LEVEL and SHUTDOWN_TIMEOUT, with defaults for those not set.
func FromEnv(getenv func(string) string) (Config, error) {
	cfg := Config{Port: 9090, LogLevel: slog.LevelInfo, ShutdownTimeout: 10 * time.Second}
	if v := getenv("PORT"); v != "" {
		port, err := strconv.Atoi(v)
		if err != nil || port < 1 || port > 65535 {
			return Config{}, fmt.Errorf("PORT=%q: want a port number from 1 to 65535", v)
		}
		cfg.Port = port
	}
	if v := getenv("LOG_LEVEL"); v != "" {
		if err := cfg.LogLevel.UnmarshalText([]byte(v)); err != nil {
			return Config{}, fmt.Errorf("LOG_LEVEL=%q: want debug, info, warn or error", v)
		}
	}
	if v := getenv("SHUTDOWN_TIMEOUT"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			return Config{}, fmt.Errorf("SHUTDOWN_TIMEOUT=%q: want a positive duration such as 10s", v)
		}
		cfg.ShutdownTimeout = d
	}
	return cfg, nil
}
