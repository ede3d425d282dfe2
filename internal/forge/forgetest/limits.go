package forgetest

import (
	"bytes"
	"cmp"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// Limits are GitHub's documented rate limits, for Fake.Limited: the primary limit of requests
// an hour per token (5,000 for a personal token), and the secondary limits on content-creating
// requests (POST, PATCH, PUT, DELETE): 80 a minute and 500 an hour.
type Limits struct {
	PerHour, WritesPerMinute, WritesPerHour int
	// Now is the fake's clock; nil means time.Now. A test that makes waiting instant moves it.
	Now func() time.Time
	// Minute is how long the fake's minute lasts, and its hour sixty of them; 0 means a
	// minute. A test of processes that wait in real time shortens it: with 5 s, GitHub's
	// limits hold twelve times as fast, and a secondary limit's refusal says Retry-After 5.
	Minute time.Duration
}

// GitHubLimits are the documented limits of a personal token.
var GitHubLimits = Limits{PerHour: 5000, WritesPerMinute: 80, WritesPerHour: 500}

// LimitStats counts what a limited fake saw.
type LimitStats struct {
	Requests, Writes int
	// Refused counts answers of 403 for the primary limit, and for the secondary.
	Primary, Secondary int
	// Over counts requests sent while a refusal's wait was still running: a client that does
	// not honour Retry-After or X-RateLimit-Reset.
	Over int
}

// Limited starts a server in front of f that enforces l as GitHub does and returns its URL:
// every answer carries X-RateLimit-Limit, -Remaining, -Used and -Reset; past the primary limit
// it answers 403 "API rate limit exceeded" with X-RateLimit-Remaining 0; past a secondary limit
// 403 "You have exceeded a secondary rate limit" with Retry-After 60. stats reads its counts.
func (f *Fake) Limited(t testing.TB, l Limits) (url string, stats func() LimitStats) {
	if l.Now == nil {
		l.Now = time.Now
	}
	minute := cmp.Or(l.Minute, time.Minute)
	hour := 60 * minute
	retryAfter := strconv.Itoa(int(max((minute+time.Second-1)/time.Second, 1)))
	var mu sync.Mutex
	var st LimitStats
	var all, writes []time.Time // when each accepted request came
	var blockedUntil time.Time
	within := func(ts []time.Time, now time.Time, d time.Duration) int {
		n := 0
		for _, x := range ts {
			if now.Sub(x) < d {
				n++
			}
		}
		return n
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		now := l.Now()
		st.Requests++
		// A GraphQL query reads; GitHub counts only mutations and REST writes as content-creating.
		write := r.Method != http.MethodGet && r.Method != http.MethodHead && !graphQLQuery(r)
		if write {
			st.Writes++
		}
		if now.Before(blockedUntil) {
			st.Over++
		}
		// The primary window: an hour from the first request of the window.
		used := within(all, now, hour)
		reset := now.Add(hour)
		for _, x := range all {
			if now.Sub(x) < hour {
				reset = x.Add(hour)
				break
			}
		}
		h := w.Header()
		h.Set("X-RateLimit-Limit", strconv.Itoa(l.PerHour))
		h.Set("X-RateLimit-Reset", strconv.FormatInt(reset.Unix(), 10))
		h.Set("X-RateLimit-Resource", "core")
		switch {
		case l.PerHour > 0 && used >= l.PerHour:
			st.Primary++
			blockedUntil = reset
			h.Set("X-RateLimit-Remaining", "0")
			h.Set("X-RateLimit-Used", strconv.Itoa(used))
			mu.Unlock()
			githubError(w, http.StatusForbidden, "API rate limit exceeded for user ID 1. If you reach out to GitHub Support for help, please include the request ID.")
			return
		case write && ((l.WritesPerMinute > 0 && within(writes, now, minute) >= l.WritesPerMinute) ||
			(l.WritesPerHour > 0 && within(writes, now, hour) >= l.WritesPerHour)):
			st.Secondary++
			blockedUntil = now.Add(minute)
			h.Set("Retry-After", retryAfter)
			h.Set("X-RateLimit-Remaining", strconv.Itoa(l.PerHour-used))
			mu.Unlock()
			githubError(w, http.StatusForbidden, "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.")
			return
		}
		all = append(all, now)
		if write {
			writes = append(writes, now)
		}
		h.Set("X-RateLimit-Remaining", strconv.Itoa(l.PerHour-used-1))
		h.Set("X-RateLimit-Used", strconv.Itoa(used+1))
		mu.Unlock()
		f.serveHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv.URL, func() LimitStats {
		mu.Lock()
		defer mu.Unlock()
		return st
	}
}

// graphQLQuery reports a POST to /graphql whose body is a query, not a mutation; the body is
// put back for the handler.
func graphQLQuery(r *http.Request) bool {
	if r.Method != http.MethodPost || !strings.HasSuffix(r.URL.Path, "/graphql") {
		return false
	}
	data, err := io.ReadAll(r.Body)
	r.Body = io.NopCloser(bytes.NewReader(data))
	if err != nil {
		return false
	}
	var q struct {
		Query string `json:"query"`
	}
	return json.Unmarshal(data, &q) == nil && !strings.HasPrefix(strings.TrimSpace(q.Query), "mutation")
}
