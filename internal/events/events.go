// Package events records, when a platform team has configured it and only then, one event per
// command that makes or moves a service (new, add, adopt, update, the bot): which command,
// golden path and versions, how long it took, how it ended and the golden path's timeSaved.
// Events go to a JSON-lines file and/or an OpenTelemetry collector of the team's own over
// OTLP/HTTP. They never hold answers, secrets or paths; a failing endpoint costs the command at
// most a bounded wait and never fails it.
package events

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/idp-cli/idp/internal/neterr"
)

// Config is the events: key of idp's config file.
type Config struct {
	// File is a JSON-lines file events are appended to, one object per line.
	File string
	// OTLP is an OpenTelemetry collector's OTLP/HTTP endpoint; nil: none.
	OTLP *OTLP
	// CI sends events also when the CI variable is set (a CI job, the bot); without it a
	// config file on a CI runner sends nothing.
	CI bool
}

// OTLP is where events go as OpenTelemetry log records.
type OTLP struct {
	// Endpoint is the collector's base URL (http://collector:4318); /v1/logs is added unless
	// the URL has a path.
	Endpoint string
	// Headers are sent with each export (an authorization, a tenant); a value $NAME or ${NAME}
	// is read from the environment variable NAME, so that the file holds no secret.
	Headers map[string]string
	// Timeout bounds each export; the default is DefaultTimeout.
	Timeout time.Duration
}

// DefaultTimeout is the longest an export may delay a command.
const DefaultTimeout = 2 * time.Second

// ParseConfig reads the events: key, as the config file's YAML gives it (nil: none).
func ParseConfig(raw any, file string) (*Config, error) {
	if raw == nil {
		return nil, nil
	}
	bad := func(format string, a ...any) error {
		return fmt.Errorf("config file %s: events: %s", file, fmt.Sprintf(format, a...))
	}
	m, ok := raw.(map[string]any)
	if !ok {
		return nil, bad("must be a mapping with file, otlp and ci, as events: {file: /var/log/idp-events.jsonl}")
	}
	c := &Config{}
	for k, v := range m {
		switch k {
		case "file":
			s, ok := v.(string)
			if !ok || s == "" {
				return nil, bad("file must be the path of a JSON-lines file")
			}
			c.File = s
		case "ci":
			b, ok := v.(bool)
			if !ok {
				return nil, bad("ci must be true or false")
			}
			c.CI = b
		case "otlp":
			o, err := parseOTLP(v, bad)
			if err != nil {
				return nil, err
			}
			c.OTLP = o
		default:
			return nil, bad("unknown key %q; the keys are file, otlp and ci", k)
		}
	}
	if c.File == "" && c.OTLP == nil {
		return nil, bad("give file, otlp or both")
	}
	return c, nil
}

func parseOTLP(v any, bad func(string, ...any) error) (*OTLP, error) {
	m, ok := v.(map[string]any)
	if !ok {
		return nil, bad("otlp must be a mapping, as otlp: {endpoint: http://collector:4318}")
	}
	o := &OTLP{Timeout: DefaultTimeout}
	for k, v := range m {
		switch k {
		case "endpoint":
			s, _ := v.(string)
			u, err := url.Parse(s)
			if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil {
				return nil, bad("otlp.endpoint %q must be an http(s) URL without credentials, as http://collector:4318", s)
			}
			o.Endpoint = s
		case "headers":
			hm, ok := v.(map[string]any)
			if !ok {
				return nil, bad("otlp.headers must be a mapping of header names to values")
			}
			o.Headers = map[string]string{}
			for name, val := range hm {
				o.Headers[name] = fmt.Sprint(val)
			}
		case "timeout":
			d, err := time.ParseDuration(fmt.Sprint(v))
			if err != nil || d <= 0 || d > 30*time.Second {
				return nil, bad("otlp.timeout %v must be a duration up to 30s, as 2s", v)
			}
			o.Timeout = d
		default:
			return nil, bad("unknown key otlp.%s; the keys are endpoint, headers and timeout", k)
		}
	}
	if o.Endpoint == "" {
		return nil, bad("otlp needs an endpoint, as http://collector:4318")
	}
	return o, nil
}

// Event is one command's run. It holds no answer, no secret, no path: the service is named by
// its name alone.
type Event struct {
	Time       time.Time `json:"time"`
	Command    string    `json:"command"`        // new, add, adopt, update
	Mode       string    `json:"mode,omitempty"` // interactive, no-input, bot, dry-run
	GoldenPath string    `json:"goldenPath,omitempty"`
	From       string    `json:"versionFrom,omitempty"`
	To         string    `json:"versionTo,omitempty"`
	Service    string    `json:"service,omitempty"`
	DurationMS int64     `json:"durationMs"`
	// Outcome is ok, conflicts, needs-input, cancelled, usage-error or error.
	Outcome string `json:"outcome"`
	// TimeSavedSeconds is the golden path's timeSaved, when it declares one.
	TimeSavedSeconds *int64 `json:"timeSavedSeconds,omitempty"`
	IdpVersion       string `json:"idpVersion"`
}

// Recorder sends events where Config says. A nil *Recorder records nothing.
type Recorder struct {
	cfg    *Config
	client *http.Client
	getenv func(string) string
	mu     sync.Mutex
}

// New returns the recorder for cfg, or nil (record nothing) when cfg is nil, or when getenv
// says this is CI (CI set to anything but false or 0) and cfg does not say ci: true.
func New(cfg *Config, client *http.Client, getenv func(string) string) *Recorder {
	if cfg == nil || (inCI(getenv) && !cfg.CI) {
		return nil
	}
	if client == nil {
		client = http.DefaultClient
	}
	return &Recorder{cfg: cfg, client: client, getenv: getenv}
}

func inCI(getenv func(string) string) bool {
	v := strings.ToLower(strings.TrimSpace(getenv("CI")))
	return v != "" && v != "false" && v != "0"
}

// Record sends ev to the file and the collector, each within its bound; it returns what
// failed, for a warning.
func (r *Recorder) Record(ctx context.Context, ev Event) error {
	if r == nil {
		return nil
	}
	var errs []error
	if r.cfg.File != "" {
		if err := r.append(ev); err != nil {
			errs = append(errs, fmt.Errorf("events file %s: %w", r.cfg.File, err))
		}
	}
	if o := r.cfg.OTLP; o != nil {
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), o.Timeout)
		defer cancel()
		if err := r.export(ctx, o, ev); err != nil {
			errs = append(errs, fmt.Errorf("events endpoint %s: %w; the event was not sent", o.Endpoint, neterr.Explain(err)))
		}
	}
	return errors.Join(errs...)
}

// append writes one line; O_APPEND keeps lines whole when several idp runs share the file.
func (r *Recorder) append(ev Event) error {
	line, err := json.Marshal(ev)
	if err != nil {
		return err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if err := os.MkdirAll(filepath.Dir(r.cfg.File), 0o755); err != nil {
		return err
	}
	f, err := os.OpenFile(r.cfg.File, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		return err
	}
	if _, err := f.Write(append(line, '\n')); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// export posts ev as one OTLP log record, in OTLP/HTTP's JSON encoding.
func (r *Recorder) export(ctx context.Context, o *OTLP, ev Event) error {
	body, err := json.Marshal(otlpRequest(ev))
	if err != nil {
		return err
	}
	endpoint := o.Endpoint
	if u, err := url.Parse(endpoint); err == nil && (u.Path == "" || u.Path == "/") {
		endpoint = strings.TrimSuffix(endpoint, "/") + "/v1/logs"
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, endpoint, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "idp/"+ev.IdpVersion)
	for name, val := range o.Headers {
		req.Header.Set(name, os.Expand(val, r.getenv))
	}
	resp, err := r.client.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return fmt.Errorf("no answer within %s", o.Timeout)
		}
		return err
	}
	defer resp.Body.Close()
	io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("%s", resp.Status)
	}
	return nil
}

// The OTLP JSON encoding of ExportLogsServiceRequest (opentelemetry-proto
// collector/logs/v1): field names in lowerCamelCase, 64-bit integers as strings, enums as
// numbers. idp writes it by hand: the SDK's OTLP exporters would link gRPC into every idp run
// for one small POST now and then.
type (
	otlpExport struct {
		ResourceLogs []otlpResourceLogs `json:"resourceLogs"`
	}
	otlpResourceLogs struct {
		Resource  otlpResource    `json:"resource"`
		ScopeLogs []otlpScopeLogs `json:"scopeLogs"`
	}
	otlpResource struct {
		Attributes []otlpKV `json:"attributes"`
	}
	otlpScopeLogs struct {
		Scope      otlpScope       `json:"scope"`
		LogRecords []otlpLogRecord `json:"logRecords"`
	}
	otlpScope struct {
		Name    string `json:"name"`
		Version string `json:"version,omitempty"`
	}
	otlpLogRecord struct {
		TimeUnixNano         string    `json:"timeUnixNano"`
		ObservedTimeUnixNano string    `json:"observedTimeUnixNano"`
		SeverityNumber       int       `json:"severityNumber"`
		SeverityText         string    `json:"severityText"`
		EventName            string    `json:"eventName"`
		Body                 otlpValue `json:"body"`
		Attributes           []otlpKV  `json:"attributes"`
	}
	otlpKV struct {
		Key   string    `json:"key"`
		Value otlpValue `json:"value"`
	}
	otlpValue struct {
		StringValue *string `json:"stringValue,omitempty"`
		IntValue    *string `json:"intValue,omitempty"`
	}
)

// EventName names idp's events in OpenTelemetry.
const EventName = "idp.command"

func str(s string) otlpValue { return otlpValue{StringValue: &s} }
func num(n int64) otlpValue {
	s := strconv.FormatInt(n, 10)
	return otlpValue{IntValue: &s}
}

func otlpRequest(ev Event) otlpExport {
	attrs := []otlpKV{{"idp.command", str(ev.Command)}, {"idp.outcome", str(ev.Outcome)}, {"idp.duration_ms", num(ev.DurationMS)}}
	for _, kv := range []struct{ k, v string }{{"idp.mode", ev.Mode}, {"idp.golden_path", ev.GoldenPath}, {"idp.version.from", ev.From},
		{"idp.version.to", ev.To}, {"idp.service", ev.Service}} {
		if kv.v != "" {
			attrs = append(attrs, otlpKV{kv.k, str(kv.v)})
		}
	}
	if ev.TimeSavedSeconds != nil {
		attrs = append(attrs, otlpKV{"idp.time_saved_s", num(*ev.TimeSavedSeconds)})
	}
	t := strconv.FormatInt(ev.Time.UnixNano(), 10)
	severity, text := 9, "INFO"
	if ev.Outcome == "error" {
		severity, text = 17, "ERROR"
	}
	body := "idp " + ev.Command + ": " + ev.Outcome
	return otlpExport{ResourceLogs: []otlpResourceLogs{{
		Resource: otlpResource{Attributes: []otlpKV{{"service.name", str("idp")}, {"service.version", str(ev.IdpVersion)}}},
		ScopeLogs: []otlpScopeLogs{{
			Scope:      otlpScope{Name: "github.com/idp-cli/idp/internal/events", Version: ev.IdpVersion},
			LogRecords: []otlpLogRecord{{TimeUnixNano: t, ObservedTimeUnixNano: t, SeverityNumber: severity, SeverityText: text, EventName: EventName, Body: str(body), Attributes: attrs}},
		}},
	}}}
}
