package server

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

func quietLogger() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

func TestRoutes(t *testing.T) {
	s := New(quietLogger())
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
		{"/", true, http.StatusOK, map[string]string{"service": "payments", "message": "hello"}},
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
	New(quietLogger()).Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/nope", nil))
	if rec.Code != http.StatusNotFound {
		t.Errorf("status %d, want 404", rec.Code)
	}
}

func TestServeShutsDownGracefully(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- New(quietLogger()).Serve(ctx, ln, 5*time.Second) }()

	resp, err := http.Get("http://" + ln.Addr().String() + "/readyz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("readyz while serving: %d", resp.StatusCode)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("Serve after shutdown: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Serve did not return after its context was cancelled")
	}
	if _, err := http.Get("http://" + ln.Addr().String() + "/healthz"); err == nil {
		t.Error("server still answers after shutdown")
	}
}
