package forge

import (
	"bytes"
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/time/rate"
)

// DefaultWritesPerHour paces content-creating requests (POST, PATCH, PUT, DELETE: a pull
// request opened or edited, a repository made): with a burst of writeBurst, at most 460 in any
// hour and 17 in any minute, under GitHub's documented secondary limits of 500 an hour and 80
// a minute per token. IDP_FORGE_WRITES_PER_HOUR changes it; processes sharing a token (shards)
// should share the rate between them.
const DefaultWritesPerHour = 450

const writeBurst = 10

// maxRetries is how many times a request refused for a rate limit is sent again; the waits
// together stay within Pacing.MaxWait.
const maxRetries = 100

// Pacing is how a forge client keeps under the forge's rate limits.
type Pacing struct {
	// WritesPerHour paces content-creating requests; 0 means the rate SetWritesPerHour set
	// (DefaultWritesPerHour), below 0 no pacing.
	WritesPerHour int
	// MaxWait is the longest one wait for a limit may be; a longer one returns the forge's
	// refusal. 0 means an hour and a minute (a primary limit resets within the hour).
	MaxWait time.Duration
	// Sleep waits d or until ctx is done; nil means a timer. Tests make it instant.
	Sleep func(ctx context.Context, d time.Duration) error
	// Now is the clock for X-RateLimit-Reset; nil means time.Now.
	Now func() time.Time
}

// Wait is one wait for a rate limit, told to the function WithWaitNotice put in a request's
// context: how long, and why ("github: secondary rate limit, Retry-After 60").
type Wait struct {
	For time.Duration
	Why string
}

type waitNoticeKey struct{}

// WithWaitNotice returns ctx whose forge requests tell notice before each wait for a rate
// limit, so that a command can say on its progress bar why it stands still.
func WithWaitNotice(ctx context.Context, notice func(Wait)) context.Context {
	return context.WithValue(ctx, waitNoticeKey{}, notice)
}

var writesPerHour atomic.Int64

func init() { writesPerHour.Store(DefaultWritesPerHour) }

// SetWritesPerHour sets the pace of content-creating requests for the clients New makes from
// now on, in this process (IDP_FORGE_WRITES_PER_HOUR): 0 means DefaultWritesPerHour, below 0
// no pacing.
func SetWritesPerHour(n int) {
	if n == 0 {
		n = DefaultWritesPerHour
	}
	writesPerHour.Store(int64(n))
}

// limiters are shared by every client of the same forge, host and token in this process: the
// fleet view makes one client per repository's host, and the limits are the token's.
var limiters sync.Map // key → *rate.Limiter

// gates are shared as limiters are, without the rate in the key: when the forge says to wait
// (a rate limit's refusal), every request of the process with that token waits, not only the
// one refused, since GitHub counts what is sent during the wait against the token and may
// block it for longer.
var gates sync.Map // key → *gate

// gate is a time before which no request is sent, and why.
type gate struct {
	mu    sync.Mutex
	until time.Time
	why   string
}

// block makes the gate hold until t, unless it already holds longer.
func (g *gate) block(t time.Time, why string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if t.After(g.until) {
		g.until, g.why = t, why
	}
}

func (g *gate) get() (time.Time, string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.until, g.why
}

// pace wraps c's transport in a pacer. c is not changed.
func pace(provider, host, token string, c *http.Client, p Pacing) *http.Client {
	if p.WritesPerHour == 0 {
		p.WritesPerHour = int(writesPerHour.Load())
	}
	if p.MaxWait == 0 {
		p.MaxWait = time.Hour + time.Minute
	}
	if p.Sleep == nil {
		p.Sleep = sleep
	}
	if p.Now == nil {
		p.Now = time.Now
	}
	sum := sha256.Sum256([]byte(token))
	who := fmt.Sprintf("%s %s %x", provider, host, sum[:8])
	var lim *rate.Limiter
	if p.WritesPerHour > 0 {
		l, _ := limiters.LoadOrStore(fmt.Sprintf("%s %d", who, p.WritesPerHour), rate.NewLimiter(rate.Limit(float64(p.WritesPerHour)/3600), writeBurst))
		lim = l.(*rate.Limiter)
	}
	g, _ := gates.LoadOrStore(who, &gate{})
	// The pacer sends each attempt through c, so that c's timeout is per attempt and never
	// cuts a wait short.
	return &http.Client{Transport: &pacer{provider: provider, c: c, writes: lim, gate: g.(*gate), p: p}}
}

// pacer is an http.RoundTripper that paces writes and waits out rate limits the forge
// reports, then sends the request again.
type pacer struct {
	provider string
	c        *http.Client
	writes   *rate.Limiter
	gate     *gate
	p        Pacing
}

func (pc *pacer) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx := req.Context()
	notice, _ := ctx.Value(waitNoticeKey{}).(func(Wait))
	wait := func(d time.Duration, why string) error {
		if notice != nil && d >= time.Second {
			notice(Wait{For: d, Why: pc.provider + ": " + why})
		}
		return pc.p.Sleep(ctx, d)
	}
	if pc.writes != nil && isWrite(req) {
		now := pc.p.Now()
		r := pc.writes.ReserveN(now, 1)
		if d := r.DelayFrom(now); d > 0 {
			if err := wait(d, fmt.Sprintf("pacing writes at %d an hour", pc.p.WritesPerHour)); err != nil {
				r.Cancel()
				return nil, err
			}
		}
	}
	var waited time.Duration
	for attempt := 0; ; attempt++ {
		// Another request's refusal holds every request until its wait is over.
		for {
			until, why := pc.gate.get()
			d := until.Sub(pc.p.Now())
			if d <= 0 {
				break
			}
			if err := wait(d, why); err != nil {
				return nil, err
			}
		}
		resp, err := pc.c.Do(req)
		if ue, ok := err.(*url.Error); ok {
			err = ue.Err // the caller's client wraps it again, with the same method and URL
		}
		if err != nil {
			return nil, err
		}
		d, why := pc.limited(resp, attempt)
		if why == "" || attempt == maxRetries || waited+d > pc.p.MaxWait || (req.Body != nil && req.GetBody == nil) {
			return resp, nil
		}
		waited += d
		io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<16))
		resp.Body.Close()
		pc.gate.block(pc.p.Now().Add(d), why) // the loop's first step waits it out
		next := req.Clone(ctx)
		if req.GetBody != nil {
			if next.Body, err = req.GetBody(); err != nil {
				return nil, err
			}
		}
		req = next
	}
}

// limited says how long to wait before sending again when resp is a rate limit's refusal, and
// why; why is "" when it is not one. It follows GitHub's documented order: Retry-After, else
// x-ratelimit-remaining 0 until x-ratelimit-reset, else for a secondary limit at least a
// minute, growing with each attempt. GitLab's RateLimit-* headers and Gitea's 429 are read
// the same way.
func (pc *pacer) limited(resp *http.Response, attempt int) (time.Duration, string) {
	if resp.StatusCode != http.StatusForbidden && resp.StatusCode != http.StatusTooManyRequests {
		return 0, ""
	}
	h := resp.Header
	if ra := h.Get("Retry-After"); ra != "" {
		if s, err := strconv.Atoi(strings.TrimSpace(ra)); err == nil && s >= 0 {
			return time.Duration(s) * time.Second, "rate limited, Retry-After " + ra
		}
		if t, err := http.ParseTime(ra); err == nil {
			return max(t.Sub(pc.p.Now()), 0), "rate limited, Retry-After " + ra
		}
	}
	remaining := cmp.Or(h.Get("X-RateLimit-Remaining"), h.Get("RateLimit-Remaining"))
	reset := cmp.Or(h.Get("X-RateLimit-Reset"), h.Get("RateLimit-Reset"))
	if remaining == "0" && reset != "" {
		if s, err := strconv.ParseInt(reset, 10, 64); err == nil {
			d := time.Unix(s, 0).Sub(pc.p.Now()) + time.Second
			return max(d, time.Second), "rate limit used up until " + time.Unix(s, 0).UTC().Format("15:04:05") + " UTC"
		}
	}
	backoff := time.Minute << min(attempt, 5)
	if resp.StatusCode == http.StatusTooManyRequests {
		return backoff, "rate limited (429)"
	}
	// A 403 is a secondary limit only when GitHub says so; otherwise it is a permission.
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<16))
	resp.Body.Close()
	resp.Body = io.NopCloser(bytes.NewReader(body))
	if bytes.Contains(bytes.ToLower(body), []byte("secondary rate limit")) {
		return backoff, "secondary rate limit"
	}
	return 0, ""
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// isWrite reports a request that creates or changes content, which forges limit separately: any
// method but GET and HEAD, except a GraphQL query (a POST that reads, such as the batched reads
// of .idp.yaml); a GraphQL mutation is a write.
func isWrite(req *http.Request) bool {
	if req.Method == http.MethodGet || req.Method == http.MethodHead {
		return false
	}
	if req.Method != http.MethodPost || !strings.HasSuffix(req.URL.Path, "/graphql") || req.GetBody == nil {
		return true
	}
	body, err := req.GetBody()
	if err != nil {
		return true
	}
	defer body.Close()
	data, err := io.ReadAll(io.LimitReader(body, 1<<20))
	if err != nil {
		return true
	}
	var q struct {
		Query string `json:"query"`
	}
	if json.Unmarshal(data, &q) != nil {
		return true
	}
	return strings.HasPrefix(strings.TrimSpace(q.Query), "mutation")
}
