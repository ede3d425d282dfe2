package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// otlpSink is a local OTLP/HTTP endpoint that keeps the bodies it gets (internal/events checks
// them against the official OTLP types).
type otlpSink struct {
	*httptest.Server
	mu     sync.Mutex
	bodies []string
}

func newOTLPSink(t *testing.T) *otlpSink {
	s := &otlpSink{}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		s.mu.Lock()
		s.bodies = append(s.bodies, r.URL.Path+" "+string(b))
		s.mu.Unlock()
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *otlpSink) got() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.bodies...)
}

// TestEvents: idp new, update and add record nothing without events: in the config, nothing
// under CI unless it says ci: true, and with it one event each, to the file and the endpoint,
// holding the golden path, versions, outcome and timeSaved, never an answer.
func TestEvents(t *testing.T) {
	src := taggedSource(t)
	writeFiles(t, src, map[string]string{"svc/template.yaml": "apiVersion: idp/v1\nkind: Template\ntype: service\ntimeSaved: PT4H\nparameters:\n  - name: name\n    required: true\n  - name: motto\n    default: none\n",
		"docs/template.yaml": "apiVersion: idp/v1\nkind: Template\ntype: addon\nparameters:\n  - name: site\n    default: docs\n", "docs/skeleton/docs/index.md": "# {{ .site }}\n"})
	gitIn(t, src, "add", "-A")
	gitIn(t, src, "commit", "-q", "-m", "time saved, docs")
	gitIn(t, src, "tag", "v1.2.0")
	sink := newOTLPSink(t)
	home := t.TempDir()
	file := filepath.Join(home, "events.jsonl")
	config := filepath.Join(home, ".config", "idp", "config.yaml")
	env := map[string]string{"HOME": home, "XDG_CACHE_HOME": t.TempDir()}
	newService := func(name string, env map[string]string) {
		t.Helper()
		if r := run(t, env, nil, "new", "service", name, "-s", "file://"+src, "--version", "v1.2.0", "--no-input", "--set", "motto=top-secret-answer", "-o", filepath.Join(home, name)); r.code != 0 {
			t.Fatalf("%+v", r)
		}
	}

	newService("plain", env)
	if got := sink.got(); len(got) != 0 {
		t.Errorf("without config, sent: %v", got)
	}
	if _, err := os.Stat(file); err == nil {
		t.Error("without config, the events file was written")
	}

	writeFiles(t, filepath.Dir(config), map[string]string{"config.yaml": "events:\n  file: " + file + "\n  otlp:\n    endpoint: " + sink.URL + "\n"})
	ci := map[string]string{"HOME": home, "XDG_CACHE_HOME": env["XDG_CACHE_HOME"], "CI": "true"}
	newService("in-ci", ci)
	if got := sink.got(); len(got) != 0 {
		t.Errorf("under CI without ci: true, sent: %v", got)
	}
	if _, err := os.Stat(file); err == nil {
		t.Error("under CI without ci: true, the events file was written")
	}

	newService("payments", env)
	if r := run(t, env, nil, "update", "--dir", filepath.Join(home, "payments"), "--no-input"); r.code != 0 {
		t.Fatalf("%+v", r)
	}
	if r := run(t, env, nil, "add", "docs", "-s", "file://"+src, "--dir", filepath.Join(home, "payments"), "--no-input"); r.code != 0 {
		t.Fatalf("%+v", r)
	}
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(data)), "\n")
	if len(lines) != 3 {
		t.Fatalf("events:\n%s", data)
	}
	var evs []map[string]any
	for _, l := range lines {
		var ev map[string]any
		dec := json.NewDecoder(strings.NewReader(l))
		dec.UseNumber()
		if err := dec.Decode(&ev); err != nil {
			t.Fatal(err)
		}
		delete(ev, "time")
		delete(ev, "durationMs")
		evs = append(evs, ev)
	}
	want := []string{
		`map[command:new goldenPath:svc idpVersion:v1.2.3 mode:no-input outcome:ok service:payments timeSavedSeconds:14400 versionTo:v1.2.0]`,
		`map[command:update goldenPath:svc idpVersion:v1.2.3 mode:no-input outcome:ok service:payments timeSavedSeconds:14400 versionFrom:v1.2.0 versionTo:v1.2.0]`,
		`map[command:add goldenPath:docs idpVersion:v1.2.3 mode:no-input outcome:ok service:payments versionTo:v1.2.0]`,
	}
	for i := range want {
		if got := fmt.Sprint(evs[i]); got != want[i] {
			t.Errorf("event %d:\n%s\nwant:\n%s", i, got, want[i])
		}
	}
	sent := sink.got()
	if len(sent) != 3 || !strings.HasPrefix(sent[0], "/v1/logs {") || !strings.Contains(sent[1], `"eventName":"idp.command"`) {
		t.Errorf("sent: %v", sent)
	}
	for _, s := range append(sent, string(data)) {
		if strings.Contains(s, "top-secret-answer") || strings.Contains(s, home) {
			t.Errorf("an event holds an answer or a path: %s", s)
		}
	}
}
