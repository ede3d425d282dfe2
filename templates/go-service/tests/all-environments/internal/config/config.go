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
	Port     int
	LogLevel slog.Level
	// DrainDelay is how long the service keeps serving after SIGTERM with /readyz failing, so
	// that load balancers and Kubernetes endpoints stop sending it traffic before it closes.
	DrainDelay time.Duration
	// ShutdownTimeout is how long in-flight requests then get to finish.
	ShutdownTimeout time.Duration
	// MemoryLimit is the container's memory limit in bytes (0: none known); the Go runtime's
	// soft limit is set below it.
	MemoryLimit int64
}

// Addr is the address to listen on.
func (c Config) Addr() string { return fmt.Sprintf(":%d", c.Port) }

// FromEnv reads PORT, LOG_LEVEL, DRAIN_DELAY, SHUTDOWN_TIMEOUT and MEMORY_LIMIT, with defaults
// for those not set.
func FromEnv(getenv func(string) string) (Config, error) {
	cfg := Config{Port: 8080, LogLevel: slog.LevelInfo, DrainDelay: 5 * time.Second, ShutdownTimeout: 10 * time.Second}
	if v := getenv("PORT"); v != "" {
		port, err := strconv.Atoi(v)
		if err != nil || port < 0 || port > 65535 {
			return Config{}, fmt.Errorf("PORT=%q: want a port number from 1 to 65535 (0: any free port)", v)
		}
		cfg.Port = port
	}
	if v := getenv("LOG_LEVEL"); v != "" {
		if err := cfg.LogLevel.UnmarshalText([]byte(v)); err != nil {
			return Config{}, fmt.Errorf("LOG_LEVEL=%q: want debug, info, warn or error", v)
		}
	}
	if err := duration(getenv, "DRAIN_DELAY", &cfg.DrainDelay, true); err != nil {
		return Config{}, err
	}
	if err := duration(getenv, "SHUTDOWN_TIMEOUT", &cfg.ShutdownTimeout, false); err != nil {
		return Config{}, err
	}
	if v := getenv("MEMORY_LIMIT"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 0 {
			return Config{}, fmt.Errorf("MEMORY_LIMIT=%q: want a number of bytes, as Kubernetes' resourceFieldRef gives", v)
		}
		cfg.MemoryLimit = n
	}
	return cfg, nil
}

// duration reads the variable name into to when it is set; zero says whether 0 is allowed.
func duration(getenv func(string) string, name string, to *time.Duration, zero bool) error {
	v := getenv(name)
	if v == "" {
		return nil
	}
	d, err := time.ParseDuration(v)
	if err != nil || d < 0 || (d == 0 && !zero) {
		return fmt.Errorf("%s=%q: want a positive duration such as 10s", name, v)
	}
	*to = d
	return nil
}
