package config

import (
	"log/slog"
	"testing"
	"time"
)

func env(vars map[string]string) func(string) string {
	return func(k string) string { return vars[k] }
}

func TestFromEnvDefaults(t *testing.T) {
	cfg, err := FromEnv(env(nil))
	if err != nil {
		t.Fatal(err)
	}
	want := Config{Port: 8080, LogLevel: slog.LevelInfo, DrainDelay: 5 * time.Second, ShutdownTimeout: 10 * time.Second}
	if cfg != want {
		t.Errorf("FromEnv() = %+v, want %+v", cfg, want)
	}
	if got := cfg.Addr(); got != ":8080" {
		t.Errorf("Addr() = %q", got)
	}
}

func TestFromEnvOverrides(t *testing.T) {
	cfg, err := FromEnv(env(map[string]string{
		"PORT": "9999", "LOG_LEVEL": "debug", "DRAIN_DELAY": "0s", "SHUTDOWN_TIMEOUT": "3s", "MEMORY_LIMIT": "134217728",
	}))
	if err != nil {
		t.Fatal(err)
	}
	want := Config{Port: 9999, LogLevel: slog.LevelDebug, DrainDelay: 0, ShutdownTimeout: 3 * time.Second, MemoryLimit: 128 << 20}
	if cfg != want {
		t.Errorf("FromEnv() = %+v, want %+v", cfg, want)
	}
}

func TestFromEnvRejectsBadValues(t *testing.T) {
	for _, vars := range []map[string]string{
		{"PORT": "http"},
		{"PORT": "70000"},
		{"LOG_LEVEL": "loud"},
		{"DRAIN_DELAY": "-1s"},
		{"SHUTDOWN_TIMEOUT": "soon"},
		{"SHUTDOWN_TIMEOUT": "0s"},
		{"MEMORY_LIMIT": "128Mi"},
	} {
		if _, err := FromEnv(env(vars)); err == nil {
			t.Errorf("FromEnv(%v) = nil error, want one", vars)
		}
	}
}
