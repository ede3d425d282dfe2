package server

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func quietLogger() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

var testInfo = Info{Version: "v1.2.3", Revision: "abc123", Go: "go1.99"}

func TestRoutes(t *testing.T) {
	s := New(quietLogger(), testInfo)
	h := s.Handler()
	for _, tc := range []struct {
		path   string
		ready  bool
		status int
		body   map[string]string
	}{
		{"/healthz", false, http.StatusOK, map[string]string{"status": "ok"}},
		{"/readyz", false, http.StatusServiceUnavailable, map[string]string{"status": "not ready"}},
		{"/readyz", true, http.StatusOK, map[string]string{"status": "ready"}},
		{"/version", true, http.StatusOK, map[string]string{"version": "v1.2.3", "revision": "abc123", "go": "go1.99"}},
		{"/", true, http.StatusOK, map[string]string{"service": "orders", "message": "hello"}},
	} {
		s.ready.Store(tc.ready)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, tc.path, nil))
		if rec.Code != tc.status {
			t.Errorf("GET %s (ready=%v): status %d, want %d", tc.path, tc.ready, rec.Code, tc.status)
		}
		var body map[string]string
		if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
			t.Fatalf("GET %s: body %q: %v", tc.path, rec.Body.String(), err)
		}
		for k, v := range tc.body {
			if body[k] != v {
				t.Errorf("GET %s: %s = %q, want %q", tc.path, k, body[k], v)
			}
		}
	}
}

func TestUnknownPathIs404(t *testing.T) {
	rec := httptest.NewRecorder()
	New(quietLogger(), testInfo).Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/nope", nil))
	if rec.Code != http.StatusNotFound {
		t.Errorf("status %d, want 404", rec.Code)
	}
}

func TestRequestIDAndAccessLog(t *testing.T) {
	var logs bytes.Buffer
	s := New(slog.New(slog.NewJSONHandler(&logs, nil)), testInfo)
	var seen string
	s.Handle("GET /accounts/{id}", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		seen = RequestID(r.Context())
	}))
	h := s.Handler()

	req := httptest.NewRequest(http.MethodGet, "/accounts/42", nil)
	req.Header.Set("X-Request-Id", "req-1")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if got := rec.Header().Get("X-Request-Id"); got != "req-1" || seen != "req-1" {
		t.Errorf("X-Request-Id %q, handler saw %q; want the caller's req-1", got, seen)
	}
	var entry map[string]any
	if err := json.Unmarshal(logs.Bytes(), &entry); err != nil {
		t.Fatalf("access log %q: %v", logs.String(), err)
	}
	for k, v := range map[string]any{"level": "INFO", "msg": "request", "request_id": "req-1", "route": "/accounts/{id}", "path": "/accounts/42", "status": 200.0} {
		if entry[k] != v {
			t.Errorf("access log %s = %v, want %v", k, entry[k], v)
		}
	}

	// An id that could forge log lines is replaced by a fresh one.
	req = httptest.NewRequest(http.MethodGet, "/accounts/42", nil)
	req.Header.Set("X-Request-Id", "a\nb")
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if got := rec.Header().Get("X-Request-Id"); len(got) != 32 || seen != got {
		t.Errorf("X-Request-Id %q, want a new 32-character id", got)
	}

	// Probes are logged at debug only: the kubelet calls them every few seconds.
	logs.Reset()
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/healthz", nil))
	if logs.Len() != 0 {
		t.Errorf("probe logged at info: %s", logs.String())
	}
}

func TestMetrics(t *testing.T) {
	s := New(quietLogger(), testInfo)
	s.Handle("GET /fail", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "broken", http.StatusInternalServerError)
	}))
	h := s.Handler()
	for _, p := range []string{"/", "/", "/fail", "/nope"} {
		h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, p, nil))
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "text/plain; version=0.0.4") {
		t.Errorf("Content-Type %q", ct)
	}
	out := rec.Body.String()
	for _, line := range []string{
		`http_requests_total{method="GET",route="/{$}",code="200"} 2`,
		`http_requests_total{method="GET",route="/fail",code="500"} 1`,
		`http_requests_total{method="GET",route="unmatched",code="404"} 1`,
		`http_request_duration_seconds_bucket{method="GET",route="/{$}",code="200",le="+Inf"} 2`,
		`http_request_duration_seconds_count{method="GET",route="/fail",code="500"} 1`,
		`http_requests_in_flight 1`, // the scrape itself
		`build_info{version="v1.2.3",revision="abc123",goversion="go1.99"} 1`,
		`# TYPE http_request_duration_seconds histogram`,
	} {
		if !strings.Contains(out, line+"\n") {
			t.Errorf("metrics lack %s:\n%s", line, out)
		}
	}
}

func TestServeDrainsThenShutsDown(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	s := New(quietLogger(), testInfo)
	done := make(chan error, 1)
	go func() { done <- s.Serve(ctx, ln, Shutdown{Drain: 300 * time.Millisecond, Timeout: 5 * time.Second}) }()

	get := func(path string) (int, error) {
		resp, err := http.Get("http://" + ln.Addr().String() + path)
		if err != nil {
			return 0, err
		}
		_ = resp.Body.Close()
		return resp.StatusCode, nil
	}
	if code, err := get("/readyz"); err != nil || code != http.StatusOK {
		t.Fatalf("readyz while serving: %d %v", code, err)
	}
	cancel()
	for s.ready.Load() {
		time.Sleep(time.Millisecond)
	}
	if code, err := get("/readyz"); err != nil || code != http.StatusServiceUnavailable {
		t.Errorf("readyz while draining: %d %v, want 503", code, err)
	}
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("Serve after shutdown: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Serve did not return after its context was cancelled")
	}
	if _, err := get("/healthz"); err == nil {
		t.Error("server still answers after shutdown")
	}
}
