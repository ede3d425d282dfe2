package events

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	collogs "go.opentelemetry.io/proto/otlp/collector/logs/v1"
	"google.golang.org/protobuf/encoding/protojson"
)

// receiver is a local OTLP/HTTP logs endpoint: it decodes each export with the official OTLP
// protobuf types, as a collector does, and keeps what it got.
type receiver struct {
	*httptest.Server
	mu      sync.Mutex
	got     []*collogs.ExportLogsServiceRequest
	headers []http.Header
}

func newReceiver(t *testing.T) *receiver {
	r := &receiver{}
	r.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		if req.Method != http.MethodPost || req.URL.Path != "/v1/logs" || req.Header.Get("Content-Type") != "application/json" {
			http.Error(w, "want POST /v1/logs of application/json", http.StatusBadRequest)
			return
		}
		body, _ := io.ReadAll(req.Body)
		var ex collogs.ExportLogsServiceRequest
		if err := (protojson.UnmarshalOptions{DiscardUnknown: false}).Unmarshal(body, &ex); err != nil {
			t.Errorf("the export is not OTLP: %v\n%s", err, body)
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		r.mu.Lock()
		r.got = append(r.got, &ex)
		r.headers = append(r.headers, req.Header.Clone())
		r.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte("{}"))
	}))
	t.Cleanup(r.Close)
	return r
}

func (r *receiver) exports() []*collogs.ExportLogsServiceRequest {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]*collogs.ExportLogsServiceRequest(nil), r.got...)
}

func env(kv ...string) func(string) string {
	m := map[string]string{}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	return func(k string) string { return m[k] }
}

func event() Event {
	saved := int64(7200)
	return Event{Time: time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC), Command: "update", Mode: "bot", GoldenPath: "go-service",
		From: "v1.0.0", To: "v1.1.0", Service: "payments", DurationMS: 1234, Outcome: "conflicts", TimeSavedSeconds: &saved, IdpVersion: "v1.2.3"}
}

// TestOTLPExport sends an event to a local OTLP/HTTP receiver, which reads it with the official
// OTLP types: one log record, idp's event name, its attributes, the header from the
// environment.
func TestOTLPExport(t *testing.T) {
	rcv := newReceiver(t)
	cfg, err := ParseConfig(map[string]any{"otlp": map[string]any{"endpoint": rcv.URL, "headers": map[string]any{"Authorization": "Bearer ${OTEL_TOKEN}"}}}, "config.yaml")
	if err != nil {
		t.Fatal(err)
	}
	rec := New(cfg, nil, env("OTEL_TOKEN", "s3cret"))
	if err := rec.Record(context.Background(), event()); err != nil {
		t.Fatal(err)
	}
	got := rcv.exports()
	if len(got) != 1 || len(got[0].ResourceLogs) != 1 || len(got[0].ResourceLogs[0].ScopeLogs) != 1 || len(got[0].ResourceLogs[0].ScopeLogs[0].LogRecords) != 1 {
		t.Fatalf("exports: %v", got)
	}
	rl := got[0].ResourceLogs[0]
	if a := rl.Resource.Attributes; len(a) != 2 || a[0].Key != "service.name" || a[0].Value.GetStringValue() != "idp" || a[1].Value.GetStringValue() != "v1.2.3" {
		t.Errorf("resource: %v", a)
	}
	lr := rl.ScopeLogs[0].LogRecords[0]
	if lr.EventName != EventName || lr.TimeUnixNano != uint64(event().Time.UnixNano()) || lr.SeverityText != "INFO" || lr.Body.GetStringValue() != "idp update: conflicts" {
		t.Errorf("record: %v", lr)
	}
	attrs := map[string]string{}
	for _, kv := range lr.Attributes {
		attrs[kv.Key] = kv.Value.GetStringValue()
	}
	want := map[string]string{"idp.command": "update", "idp.outcome": "conflicts", "idp.mode": "bot", "idp.golden_path": "go-service",
		"idp.version.from": "v1.0.0", "idp.version.to": "v1.1.0", "idp.service": "payments"}
	for k, v := range want {
		if attrs[k] != v {
			t.Errorf("attribute %s = %q, want %q (all: %v)", k, attrs[k], v, attrs)
		}
	}
	for _, kv := range lr.Attributes {
		switch kv.Key {
		case "idp.duration_ms":
			if kv.Value.GetIntValue() != 1234 {
				t.Errorf("duration: %v", kv.Value)
			}
		case "idp.time_saved_s":
			if kv.Value.GetIntValue() != 7200 {
				t.Errorf("time saved: %v", kv.Value)
			}
		}
	}
	if len(lr.Attributes) != 9 {
		t.Errorf("attributes: %v", lr.Attributes)
	}
	if h := rcv.headers[0].Get("Authorization"); h != "Bearer s3cret" {
		t.Errorf("Authorization: %q", h)
	}
}

// TestJSONLines appends one object per event to the file.
func TestJSONLines(t *testing.T) {
	file := filepath.Join(t.TempDir(), "log", "events.jsonl")
	rec := New(&Config{File: file}, nil, env())
	for range 2 {
		if err := rec.Record(context.Background(), event()); err != nil {
			t.Fatal(err)
		}
	}
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	n := 0
	for sc.Scan() {
		n++
		want := `{"time":"2026-03-02T10:00:00Z","command":"update","mode":"bot","goldenPath":"go-service","versionFrom":"v1.0.0","versionTo":"v1.1.0","service":"payments","durationMs":1234,"outcome":"conflicts","timeSavedSeconds":7200,"idpVersion":"v1.2.3"}`
		if sc.Text() != want {
			t.Errorf("line %d:\n%s\nwant:\n%s", n, sc.Text(), want)
		}
		var ev Event
		if err := json.Unmarshal(sc.Bytes(), &ev); err != nil {
			t.Error(err)
		}
	}
	if n != 2 {
		t.Errorf("%d lines, want 2", n)
	}
}

// TestNothingByDefault: no config, no recorder; under CI a config sends nothing unless it says
// ci: true.
func TestNothingByDefault(t *testing.T) {
	if New(nil, nil, env()) != nil {
		t.Error("a recorder without config")
	}
	var none *Recorder
	if err := none.Record(context.Background(), event()); err != nil {
		t.Error(err)
	}
	cfg := &Config{File: filepath.Join(t.TempDir(), "events.jsonl")}
	for _, ci := range []string{"true", "1", "yes"} {
		if New(cfg, nil, env("CI", ci)) != nil {
			t.Errorf("CI=%s: a recorder without ci: true", ci)
		}
	}
	if New(cfg, nil, env("CI", "false")) == nil {
		t.Error("CI=false: no recorder")
	}
	cfg.CI = true
	if New(cfg, nil, env("CI", "true")) == nil {
		t.Error("ci: true: no recorder under CI")
	}
}

// TestSilentEndpoint: an endpoint that never answers costs the command the timeout, and an
// error to warn about, never more.
func TestSilentEndpoint(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			defer c.Close() // held open, never answered
		}
	}()
	rec := New(&Config{OTLP: &OTLP{Endpoint: "http://" + ln.Addr().String(), Timeout: 200 * time.Millisecond}}, nil, env())
	done := make(chan error, 1)
	go func() { done <- rec.Record(context.Background(), event()) }()
	select {
	case err := <-done:
		if err == nil || !strings.Contains(err.Error(), "no answer within 200ms") {
			t.Errorf("error: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Record did not give up")
	}
}

// TestParseConfig refuses what it cannot use, saying how to write it.
func TestParseConfig(t *testing.T) {
	for _, c := range []struct {
		raw  any
		want string
	}{
		{"yes", "events: must be a mapping"},
		{map[string]any{}, "events: give file, otlp or both"},
		{map[string]any{"url": "x"}, `events: unknown key "url"`},
		{map[string]any{"otlp": map[string]any{"endpoint": "https://u:p@collector"}}, "must be an http(s) URL without credentials"},
		{map[string]any{"otlp": map[string]any{}}, "otlp needs an endpoint"},
		{map[string]any{"otlp": map[string]any{"endpoint": "http://c:4318", "timeout": "5m"}}, "up to 30s"},
		{map[string]any{"file": "e.jsonl", "ci": "yes"}, "ci must be true or false"},
	} {
		_, err := ParseConfig(c.raw, "config.yaml")
		if err == nil || !strings.Contains(err.Error(), c.want) || !strings.HasPrefix(err.Error(), "config file config.yaml: events: ") {
			t.Errorf("ParseConfig(%v) = %v, want %q", c.raw, err, c.want)
		}
	}
	cfg, err := ParseConfig(map[string]any{"file": "e.jsonl", "otlp": map[string]any{"endpoint": "http://c:4318", "timeout": "1s"}, "ci": true}, "config.yaml")
	if err != nil || cfg.File != "e.jsonl" || cfg.OTLP.Timeout != time.Second || !cfg.CI {
		t.Errorf("%+v %v", cfg, err)
	}
}

// TestRefusedEndpoint: an endpoint where nothing listens is a warning in idp's words, naming
// the endpoint and what to check, never Go's "Post ...: dial tcp".
func TestRefusedEndpoint(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nothing listens there now
	rec := New(&Config{OTLP: &OTLP{Endpoint: "http://" + addr, Timeout: 5 * time.Second}}, nil, env())
	err = rec.Record(context.Background(), event())
	want := "events endpoint http://" + addr + ": nothing answers at " + addr + " (connection refused); check the host and port in the URL, and that the server is running; the event was not sent"
	if err == nil || err.Error() != want {
		t.Errorf("error: %v\nwant %s", err, want)
	}
}
