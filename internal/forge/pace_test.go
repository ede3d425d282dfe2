package forge_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"path"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/idp-cli/idp/internal/forge"
	"github.com/idp-cli/idp/internal/forge/forgetest"
)

// clock is a fake time that sleeping moves on, so that an hour of waiting takes no time.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *clock) Sleep(ctx context.Context, d time.Duration) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
	return ctx.Err()
}

// Unpaced, a client runs into GitHub's primary and secondary limits; it waits each out as the
// headers say (Retry-After, X-RateLimit-Reset), never sends while a wait runs, tells why it
// waits, and every repository is made.
func TestPacerWaitsOutGitHubLimits(t *testing.T) {
	c := &clock{now: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}
	fake := forgetest.GitHub(t)
	url, stats := fake.Limited(t, forgetest.Limits{PerHour: 20, WritesPerMinute: 5, WritesPerHour: 12, Now: c.Now})
	api, err := forge.New("github", forge.Options{Host: url, Token: forgetest.Token,
		Pacing: forge.Pacing{WritesPerHour: -1, Sleep: c.Sleep, Now: c.Now}})
	if err != nil {
		t.Fatal(err)
	}
	var waits []forge.Wait
	ctx := forge.WithWaitNotice(context.Background(), func(w forge.Wait) { waits = append(waits, w) })
	start := c.Now()
	for i := range 20 {
		if _, err := api.Create(ctx, forge.Repo{Owner: "acme", Name: fmt.Sprintf("r%02d", i)}); err != nil {
			t.Fatalf("create %d: %v", i, err)
		}
	}
	for i := range 20 {
		if _, ok := fake.Repo("acme", fmt.Sprintf("r%02d", i)); !ok {
			t.Errorf("r%02d was not made", i)
		}
	}
	st := stats()
	if st.Primary == 0 || st.Secondary == 0 || st.Over != 0 {
		t.Errorf("stats %+v: want both limits hit and no request sent while waiting", st)
	}
	var why []string
	for _, w := range waits {
		why = append(why, w.Why)
	}
	all := strings.Join(why, "\n")
	if !strings.Contains(all, "github: rate limited, Retry-After 60") || !strings.Contains(all, "github: rate limit used up until ") {
		t.Errorf("waits told:\n%s", all)
	}
	// 20 writes at 12 an hour: the last ones wait for the second hour.
	if took := c.Now().Sub(start); took < time.Hour {
		t.Errorf("took %v of fake time, want over an hour", took)
	}
}

// Paced at the default rate, a client never meets GitHub's secondary limits.
func TestPacerStaysUnderSecondaryLimits(t *testing.T) {
	c := &clock{now: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}
	fake := forgetest.GitHub(t)
	limits := forgetest.GitHubLimits
	limits.Now = c.Now
	url, stats := fake.Limited(t, limits)
	api, err := forge.New("github", forge.Options{Host: url, Token: forgetest.Token,
		Pacing: forge.Pacing{Sleep: c.Sleep, Now: c.Now}})
	if err != nil {
		t.Fatal(err)
	}
	const n = 600
	for i := range n {
		if _, err := api.Create(context.Background(), forge.Repo{Owner: "acme", Name: fmt.Sprintf("r%03d", i)}); err != nil {
			t.Fatalf("create %d: %v", i, err)
		}
	}
	if st := stats(); st.Secondary != 0 || st.Primary != 0 || st.Writes != n {
		t.Errorf("stats %+v: want %d writes and no refusal", st, n)
	}
}

// A 403 that is not a rate limit (a permission) comes back at once.
func TestPacerLeavesOtherRefusals(t *testing.T) {
	fake := forgetest.GitHub(t)
	fake.AddOrg("other", false)
	api, _ := forge.New("github", forge.Options{Host: fake.URL, Token: forgetest.Token,
		Pacing: forge.Pacing{Sleep: func(context.Context, time.Duration) error { t.Error("slept"); return nil }}})
	_, err := api.Create(context.Background(), forge.Repo{Owner: "other", Name: "x"})
	if err == nil || !strings.Contains(err.Error(), "no permission") {
		t.Errorf("create in another org: %v", err)
	}
}

// oneRefusal is a GitHub whose first answer is a secondary limit's refusal (403, Retry-After
// 60, GitHub's message) and every other a repository; it records when each request came, on
// the test's clock.
type oneRefusal struct {
	mu   sync.Mutex
	now  func() time.Time
	sent []string // "GET /repos/acme/a at 12:00:00"
}

func (o *oneRefusal) RoundTrip(req *http.Request) (*http.Response, error) {
	o.mu.Lock()
	first := len(o.sent) == 0
	o.sent = append(o.sent, req.Method+" "+req.URL.Path+" at "+o.now().Format("15:04:05"))
	o.mu.Unlock()
	h := http.Header{"Content-Type": {"application/json"}}
	if first {
		h.Set("Retry-After", "60")
		return &http.Response{StatusCode: http.StatusForbidden, Header: h, Request: req,
			Body: io.NopCloser(strings.NewReader(`{"message":"You have exceeded a secondary rate limit. Please wait a few minutes before you try again.","documentation_url":"https://docs.github.com/rest"}`))}, nil
	}
	name := path.Base(req.URL.Path)
	return &http.Response{StatusCode: http.StatusOK, Header: h, Request: req,
		Body: io.NopCloser(strings.NewReader(`{"name":"` + name + `","clone_url":"https://github.com/acme/` + name + `.git"}`))}, nil
}

// One request's rate-limit refusal makes every worker of the process wait, not only the one
// refused: a second worker that starts while the first waits does not send until the wait is
// over (GitHub counts requests sent during it against the token), and says why it waits.
func TestPacerRefusalHoldsEveryWorker(t *testing.T) {
	c := &clock{now: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}
	tr := &oneRefusal{now: c.Now}
	asleep := make(chan time.Duration, 2)
	wake := make(chan struct{})
	sleep := func(ctx context.Context, d time.Duration) error {
		asleep <- d
		<-wake
		return c.Sleep(ctx, d)
	}
	// Two clients, as the fleet view makes one per host: the token's gate is shared.
	token := fmt.Sprint("t-", time.Now().UnixNano()) // gates live as long as the process
	var apis []forge.Provider
	for range 2 {
		api, err := forge.New("github", forge.Options{Token: token, HTTPClient: &http.Client{Transport: tr},
			Pacing: forge.Pacing{Sleep: sleep, Now: c.Now}})
		if err != nil {
			t.Fatal(err)
		}
		apis = append(apis, api)
	}
	var mu sync.Mutex
	var told []string
	ctx := forge.WithWaitNotice(context.Background(), func(w forge.Wait) {
		mu.Lock()
		told = append(told, fmt.Sprintf("%v %s", w.For, w.Why))
		mu.Unlock()
	})
	var wg sync.WaitGroup
	wg.Go(func() {
		if _, err := apis[0].Get(ctx, "acme", "a"); err != nil {
			t.Error(err)
		}
	})
	if d := <-asleep; d != time.Minute {
		t.Fatalf("the refused worker waits %v, want 1m0s", d)
	}
	wg.Go(func() {
		if _, err := apis[1].Get(ctx, "acme", "b"); err != nil {
			t.Error(err)
		}
	})
	select {
	case d := <-asleep:
		if d != time.Minute {
			t.Fatalf("the second worker waits %v, want 1m0s", d)
		}
	case <-time.After(10 * time.Second):
		close(wake)
		tr.mu.Lock()
		defer tr.mu.Unlock()
		t.Fatalf("the second worker did not wait while the first did; sent %q", tr.sent)
	}
	tr.mu.Lock()
	sent := slices.Clone(tr.sent)
	tr.mu.Unlock()
	if want := []string{"GET /repos/acme/a at 12:00:00"}; !slices.Equal(sent, want) {
		t.Errorf("sent while the first waited: %q, want %q", sent, want)
	}
	close(wake)
	wg.Wait()
	// Each sleep moves the test's clock on a minute: the two go at 12:01 and 12:02, after
	// the minute GitHub asked for.
	if len(tr.sent) != 3 || tr.sent[1] < "GET /repos/acme/a" || tr.sent[1][len(tr.sent[1])-8:] < "12:01:00" || tr.sent[2][len(tr.sent[2])-8:] < "12:01:00" {
		t.Errorf("sent %q, want a again and b, both from 12:01:00", tr.sent)
	}
	slices.Sort(told)
	if want := []string{"1m0s github: rate limited, Retry-After 60", "1m0s github: rate limited, Retry-After 60"}; !slices.Equal(told, want) {
		t.Errorf("waits told %q, want %q", told, want)
	}
}
