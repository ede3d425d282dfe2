package server

import (
	"bytes"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// metrics are the server's request rate, errors and duration in the Prometheus text format, on
// the standard library alone. To use the Prometheus client library instead, register the same
// names with it: dashboards and alerts do not change.
type metrics struct {
	info     Info
	inFlight atomic.Int64

	mu     sync.Mutex
	series map[seriesKey]*series
}

type seriesKey struct{ method, route, code string }

type series struct {
	count   uint64
	buckets []uint64 // per upper bound in durationBuckets, not cumulative
	sum     float64
}

// durationBuckets are the upper bounds of the request duration histogram, in seconds.
var durationBuckets = []float64{0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10}

func newMetrics(info Info) *metrics { return &metrics{info: info, series: map[seriesKey]*series{}} }

// knownMethods keeps the method label to a bounded set.
var knownMethods = []string{"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}

func (m *metrics) observe(method, route string, status int, took time.Duration) {
	if !slices.Contains(knownMethods, method) {
		method = "OTHER"
	}
	k := seriesKey{method, route, strconv.Itoa(status)}
	secs := took.Seconds()
	m.mu.Lock()
	defer m.mu.Unlock()
	s := m.series[k]
	if s == nil {
		s = &series{buckets: make([]uint64, len(durationBuckets))}
		m.series[k] = s
	}
	s.count++
	s.sum += secs
	if i, _ := slices.BinarySearch(durationBuckets, secs); i < len(durationBuckets) {
		s.buckets[i]++
	}
}

// ServeHTTP writes every series in the Prometheus text exposition format, version 0.0.4.
func (m *metrics) ServeHTTP(w http.ResponseWriter, _ *http.Request) {
	m.mu.Lock()
	keys := make([]seriesKey, 0, len(m.series))
	snap := make(map[seriesKey]series, len(m.series))
	for k, s := range m.series {
		keys = append(keys, k)
		snap[k] = series{count: s.count, sum: s.sum, buckets: slices.Clone(s.buckets)}
	}
	m.mu.Unlock()
	slices.SortFunc(keys, func(a, b seriesKey) int {
		return strings.Compare(a.route+" "+a.method+" "+a.code, b.route+" "+b.method+" "+b.code)
	})

	b := new(bytes.Buffer)
	fmt.Fprintln(b, "# HELP http_requests_total Requests served, by method, route and status code.")
	fmt.Fprintln(b, "# TYPE http_requests_total counter")
	for _, k := range keys {
		fmt.Fprintf(b, "http_requests_total{method=%q,route=%q,code=%q} %d\n", k.method, k.route, k.code, snap[k].count)
	}
	fmt.Fprintln(b, "# HELP http_request_duration_seconds Time taken to serve requests, by method, route and status code.")
	fmt.Fprintln(b, "# TYPE http_request_duration_seconds histogram")
	for _, k := range keys {
		s := snap[k]
		labels := fmt.Sprintf("method=%q,route=%q,code=%q", k.method, k.route, k.code)
		var cum uint64
		for i, le := range durationBuckets {
			cum += s.buckets[i]
			fmt.Fprintf(b, "http_request_duration_seconds_bucket{%s,le=%q} %d\n", labels, strconv.FormatFloat(le, 'g', -1, 64), cum)
		}
		fmt.Fprintf(b, "http_request_duration_seconds_bucket{%s,le=\"+Inf\"} %d\n", labels, s.count)
		fmt.Fprintf(b, "http_request_duration_seconds_sum{%s} %s\n", labels, strconv.FormatFloat(s.sum, 'g', -1, 64))
		fmt.Fprintf(b, "http_request_duration_seconds_count{%s} %d\n", labels, s.count)
	}
	fmt.Fprintln(b, "# HELP http_requests_in_flight Requests being served.")
	fmt.Fprintln(b, "# TYPE http_requests_in_flight gauge")
	fmt.Fprintf(b, "http_requests_in_flight %d\n", m.inFlight.Load())
	fmt.Fprintln(b, "# HELP build_info The running build: always 1, with its version as labels.")
	fmt.Fprintln(b, "# TYPE build_info gauge")
	fmt.Fprintf(b, "build_info{version=%q,revision=%q,goversion=%q} 1\n", m.info.Version, m.info.Revision, m.info.Go)
	w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
	_, _ = w.Write(b.Bytes())
}
