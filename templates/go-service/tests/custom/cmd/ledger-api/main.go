// Command ledger-api serves ledger-api over HTTP.
package main

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"syscall"

	"github.com/acme/ledger-api/internal/config"
	"github.com/acme/ledger-api/internal/server"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "ledger-api:", err)
		os.Exit(1)
	}
}

func run() error {
	cfg, err := config.FromEnv(os.Getenv)
	if err != nil {
		return err
	}
	logger := slog.New(slog.NewJSONHandler(os.Stdout, &slog.HandlerOptions{Level: cfg.LogLevel})).
		With("service", "ledger-api")

	// Kubernetes sends SIGTERM before it stops a pod; finish in-flight requests first.
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	defer stop()

	ln, err := net.Listen("tcp", cfg.Addr())
	if err != nil {
		return err
	}
	logger.Info("listening", "addr", ln.Addr().String())
	return server.New(logger).Serve(ctx, ln, cfg.ShutdownTimeout)
}
