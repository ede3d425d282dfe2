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
	want := Config{Port: 9090, LogLevel: slog.LevelInfo, ShutdownTimeout: 10 * time.Second}
	if cfg != want {
		t.Errorf("FromEnv() = %+v, want %+v", cfg, want)
	}
	if got := cfg.Addr(); got != ":9090" {
		t.Errorf("Addr() = %q", got)
	}
}

func TestFromEnvOverrides(t *testing.T) {
	cfg, err := FromEnv(env(map[string]string{"PORT": "9999", "LOG_LEVEL": "debug", "SHUTDOWN_TIMEOUT": "3s"}))
	if err != nil {
		t.Fatal(err)
	}
	want := Config{Port: 9999, LogLevel: slog.LevelDebug, ShutdownTimeout: 3 * time.Second}
	if cfg != want {
		t.Errorf("FromEnv() = %+v, want %+v", cfg, want)
	}
}

func TestFromEnvRejectsBadValues(t *testing.T) {
	for _, vars := range []map[string]string{
		{"PORT": "http"},
		{"PORT": "70000"},
		{"LOG_LEVEL": "loud"},
		{"SHUTDOWN_TIMEOUT": "soon"},
	} {
		if _, err := FromEnv(env(vars)); err == nil {
			t.Errorf("FromEnv(%v) = nil error, want one", vars)
		}
	}
}
