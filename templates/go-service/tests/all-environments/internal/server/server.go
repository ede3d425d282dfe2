// Package server is orders's HTTP server: its routes, probes, metrics and graceful shutdown.
package server

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"runtime"
	"strings"
	"sync/atomic"
	"time"
)

// Info says which build is running; /version and the build_info metric report it.
type Info struct {
	Version  string `json:"version"`
	Revision string `json:"revision"`
	Go       string `json:"go"`
}

// Server serves the HTTP API, the Kubernetes probes and the metrics.
type Server struct {
	logger  *slog.Logger
	info    Info
	mux     *http.ServeMux
	metrics *metrics
	ready   atomic.Bool
}

// New returns a server that logs to logger and reports info as its version.
func New(logger *slog.Logger, info Info) *Server {
	if info.Go == "" {
		info.Go = runtime.Version()
	}
	s := &Server{logger: logger, info: info, mux: http.NewServeMux(), metrics: newMetrics(info)}
	s.mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	})
	s.mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		if !s.ready.Load() {
			writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "not ready"})
			return
		}
		writeJSON(w, http.StatusOK, map[string]string{"status": "ready"})
	})
	s.mux.HandleFunc("GET /version", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, s.info)
	})
	s.mux.Handle("GET /metrics", s.metrics)
	s.mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, map[string]string{"service": "orders", "message": "hello"})
	})
	return s
}

// Handle adds a route, as http.ServeMux patterns say ("GET /accounts/{id}"). Every route is
// logged and measured.
func (s *Server) Handle(pattern string, h http.Handler) { s.mux.Handle(pattern, h) }

// Handler is every route behind the request id, access log and metrics middleware.
func (s *Server) Handler() http.Handler { return s.instrument(s.mux) }

// Shutdown says how the server stops.
type Shutdown struct {
	// Drain is how long the server goes on serving with /readyz failing, so that Kubernetes
	// takes the pod out of its Service's endpoints before the listener closes.
	Drain time.Duration
	// Timeout is how long requests in flight then get to finish.
	Timeout time.Duration
}

// Serve serves on ln until ctx is done, then stops taking traffic: readiness fails first, the
// server keeps serving for stop.Drain, then closes the listener and waits up to stop.Timeout
// for requests in flight.
func (s *Server) Serve(ctx context.Context, ln net.Listener, stop Shutdown) error {
	srv := &http.Server{
		Handler:           s.Handler(),
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       15 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(s.logger.Handler(), slog.LevelWarn),
	}
	// Ready before the first request is served: the listener is open, so a probe that gets an
	// answer gets 200, never a 503 from the moment between accepting and being marked ready.
	s.ready.Store(true)
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()

	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	s.ready.Store(false)
	s.logger.Info("draining", "drain", stop.Drain.String(), "timeout", stop.Timeout.String())
	select {
	case err := <-errc:
		return err
	case <-time.After(stop.Drain):
	}
	s.logger.Info("shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), stop.Timeout)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return err
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	s.logger.Info("stopped")
	return nil
}

// RequestID is the id of the request ctx belongs to, as logged and sent back in X-Request-Id.
func RequestID(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey{}).(string)
	return id
}

type requestIDKey struct{}

// instrument gives each request an id (the caller's X-Request-Id when it is sane), logs it once
// served (probes and scrapes at debug, the rest at info) and measures it.
func (s *Server) instrument(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		id := r.Header.Get("X-Request-Id")
		if !validRequestID(id) {
			id = newRequestID()
		}
		w.Header().Set("X-Request-Id", id)
		r = r.WithContext(context.WithValue(r.Context(), requestIDKey{}, id))
		rec := &recorder{ResponseWriter: w, status: http.StatusOK}
		s.metrics.inFlight.Add(1)
		next.ServeHTTP(rec, r)
		s.metrics.inFlight.Add(-1)
		took := time.Since(start)

		// The mux has set the matched pattern on r: routes, not raw paths, keep the metrics' label
		// sets bounded.
		route := r.Pattern
		if _, path, ok := strings.Cut(route, " "); ok {
			route = path
		}
		if route == "" {
			route = "unmatched"
		}
		s.metrics.observe(r.Method, route, rec.status, took)
		level := slog.LevelInfo
		switch route {
		case "/healthz", "/readyz", "/metrics":
			level = slog.LevelDebug
		}
		s.logger.LogAttrs(r.Context(), level, "request",
			slog.String("request_id", id), slog.String("method", r.Method), slog.String("path", r.URL.Path),
			slog.String("route", route), slog.Int("status", rec.status), slog.Int64("bytes", rec.bytes),
			slog.Duration("took", took), slog.String("remote", r.RemoteAddr))
	})
}

func validRequestID(id string) bool {
	if id == "" || len(id) > 64 {
		return false
	}
	return !strings.ContainsFunc(id, func(c rune) bool {
		ok := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.'
		return !ok
	})
}

func newRequestID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

type recorder struct {
	http.ResponseWriter
	status int
	bytes  int64
}

func (r *recorder) WriteHeader(code int) {
	r.status = code
	r.ResponseWriter.WriteHeader(code)
}

func (r *recorder) Write(b []byte) (int, error) {
	n, err := r.ResponseWriter.Write(b)
	r.bytes += int64(n)
	return n, err
}

// Unwrap lets http.ResponseController reach the connection (flush, deadlines).
func (r *recorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
