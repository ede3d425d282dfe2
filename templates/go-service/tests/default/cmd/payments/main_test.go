package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/team-payments/payments/internal/server"
)

// TestSIGTERMDrains runs the service as Kubernetes stops it: on SIGTERM, /readyz answers 503
// while the service goes on serving for DRAIN_DELAY, then the listener closes, a request in
// flight still completes, and run returns without error.
func TestSIGTERMDrains(t *testing.T) {
	if testing.Short() {
		t.Skip("sends SIGTERM to the test process and takes a few seconds")
	}
	started, release := make(chan struct{}), make(chan struct{})
	newServer := func(l *slog.Logger, info server.Info) *server.Server {
		s := server.New(l, info)
		s.Handle("GET /slow", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			close(started)
			<-release
			_, _ = io.WriteString(w, "done")
		}))
		return s
	}
	env := map[string]string{"PORT": "0", "DRAIN_DELAY": "1s", "SHUTDOWN_TIMEOUT": "10s"}
	logr, logw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- run(context.Background(), func(k string) string { return env[k] }, logw, newServer)
		_ = logw.Close()
	}()

	// The first log line says where the service listens.
	lines := bufio.NewScanner(logr)
	var base string
	for base == "" && lines.Scan() {
		var entry struct{ Msg, Addr string }
		if err := json.Unmarshal(lines.Bytes(), &entry); err != nil {
			t.Fatalf("log line %q: %v", lines.Text(), err)
		}
		if entry.Msg == "listening" {
			_, port, _ := net.SplitHostPort(entry.Addr)
			base = "http://127.0.0.1:" + port
		}
	}
	if base == "" {
		t.Fatalf("the service never said where it listens: %v", <-done)
	}
	var logs strings.Builder
	logsDone := make(chan struct{})
	go func() {
		defer close(logsDone)
		for lines.Scan() {
			logs.WriteString(lines.Text() + "\n")
		}
	}()

	client := &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
	status := func(path string) (int, error) {
		resp, err := client.Get(base + path)
		if err != nil {
			return 0, err
		}
		defer func() { _ = resp.Body.Close() }()
		_, _ = io.Copy(io.Discard, resp.Body)
		return resp.StatusCode, nil
	}
	// Ready once serving, as the kubelet's readiness probe would find it.
	for start := time.Now(); ; time.Sleep(10 * time.Millisecond) {
		code, err := status("/readyz")
		if err == nil && code == http.StatusOK {
			break
		}
		if time.Since(start) > 5*time.Second {
			t.Fatalf("/readyz before SIGTERM: %d %v, want 200", code, err)
		}
	}

	slow := make(chan error, 1)
	go func() {
		resp, err := client.Get(base + "/slow")
		if err != nil {
			slow <- err
			return
		}
		defer func() { _ = resp.Body.Close() }()
		body, err := io.ReadAll(resp.Body)
		if err == nil && (resp.StatusCode != http.StatusOK || string(body) != "done") {
			err = errors.New("in-flight request answered " + resp.Status + ": " + string(body))
		}
		slow <- err
	}()
	<-started

	if err := syscall.Kill(syscall.Getpid(), syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	// During the drain the service still answers, but not ready.
	deadline := time.Now().Add(900 * time.Millisecond)
	for {
		code, err := status("/readyz")
		if err == nil && code == http.StatusServiceUnavailable {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("/readyz after SIGTERM: %d %v, want 503 during the drain", code, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
	if code, err := status("/healthz"); err != nil || code != http.StatusOK {
		t.Errorf("/healthz during the drain: %d %v, want 200", code, err)
	}

	// After the drain the listener closes, but the request in flight holds the shutdown open.
	for {
		if _, err := status("/healthz"); err != nil {
			break
		}
		if time.Now().After(deadline.Add(3 * time.Second)) {
			t.Fatal("the listener still takes connections 3s after the drain delay")
		}
		time.Sleep(50 * time.Millisecond)
	}
	select {
	case err := <-done:
		t.Fatalf("run returned with a request in flight: %v", err)
	default:
	}
	close(release)
	if err := <-slow; err != nil {
		t.Errorf("in-flight request: %v", err)
	}
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("run: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("run did not return after the last request finished")
	}
	<-logsDone
	for _, msg := range []string{`"msg":"draining"`, `"msg":"shutting down"`, `"msg":"stopped"`, `"route":"/slow"`} {
		if !strings.Contains(logs.String(), msg) {
			t.Errorf("log lacks %s:\n%s", msg, logs.String())
		}
	}
}
