// Command payments serves payments over HTTP.
package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"

	"github.com/team-payments/payments/internal/config"
	"github.com/team-payments/payments/internal/server"
)

// Stamped at build time: go build -ldflags "-X main.version=v1.2.3 -X main.revision=<commit>"
// (the Dockerfile does, from CI's build arguments).
var (
	version  = "dev"
	revision = ""
)

func main() {
	if err := run(context.Background(), os.Getenv, os.Stdout, server.New); err != nil {
		fmt.Fprintln(os.Stderr, "payments:", err)
		os.Exit(1)
	}
}

// run serves until SIGTERM or an interrupt, then drains and stops. newServer builds the server;
// tests pass one that adds routes.
func run(ctx context.Context, getenv func(string) string, stdout io.Writer, newServer func(*slog.Logger, server.Info) *server.Server) error {
	cfg, err := config.FromEnv(getenv)
	if err != nil {
		return err
	}
	logger := slog.New(slog.NewJSONHandler(stdout, &slog.HandlerOptions{Level: cfg.LogLevel})).
		With("service", "payments")

	// A soft limit under the container's: the garbage collector works harder before the kernel's
	// OOM killer would. GOMEMLIMIT, when set, wins, as the runtime reads it itself.
	if cfg.MemoryLimit > 0 && getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(cfg.MemoryLimit / 10 * 9)
	}

	// Kubernetes sends SIGTERM before it stops a pod; finish in-flight requests first.
	ctx, stop := signal.NotifyContext(ctx, syscall.SIGTERM, os.Interrupt)
	defer stop()

	ln, err := net.Listen("tcp", cfg.Addr())
	if err != nil {
		return err
	}
	info := buildInfo()
	logger.Info("listening", "addr", ln.Addr().String(), "version", info.Version, "revision", info.Revision)
	return newServer(logger, info).Serve(ctx, ln, server.Shutdown{Drain: cfg.DrainDelay, Timeout: cfg.ShutdownTimeout})
}

// buildInfo is the version stamped at build time, the commit from the go command's VCS stamp
// when no revision was stamped.
func buildInfo() server.Info {
	info := server.Info{Version: version, Revision: revision}
	if bi, ok := debug.ReadBuildInfo(); ok {
		info.Go = bi.GoVersion
		for _, s := range bi.Settings {
			if s.Key == "vcs.revision" && info.Revision == "" {
				info.Revision = s.Value
			}
		}
	}
	return info
}
