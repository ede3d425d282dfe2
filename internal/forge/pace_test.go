package forge_test

import (
	"context"
	"fmt"
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
