package fleet

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/idp-cli/idp/internal/forge"
	"github.com/idp-cli/idp/internal/forge/forgetest"
)

// fakeClock is a time that sleeping moves on, shared by the pacer and the limited fake, so
// that hours of waiting for GitHub's limits take no time.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }

func (c *fakeClock) Sleep(ctx context.Context, d time.Duration) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
	return ctx.Err()
}

// TestFleetStatusUnderGitHubLimits runs fleet status on GitHub over 1,000 repositories (the
// forge fake, each service's history on the git server) with 8 workers, against a fake that
// enforces GitHub's limits and answers 403 with GitHub's headers. Under the documented limits
// of a personal token, nothing is refused: 20 requests, 10 of them the batched reads of
// .idp.yaml and the bot's pull requests. Under limits tighter than what the fleet needs, every
// refusal is waited out as its headers say (no request is sent while a wait runs: a refusal
// holds every worker, TestPacerRefusalHoldsEveryWorker), and every repository is read as
// before, after hours of the fake clock and none of the real one.
func TestFleetStatusUnderGitHubLimits(t *testing.T) {
	if testing.Short() {
		t.Skip("1,000 repositories")
	}
	const n = 1000
	r := newScaleRig(t, n)
	run := func(t *testing.T, jobs int, l forgetest.Limits) (forgetest.LimitStats, time.Duration, []forge.Wait) {
		c := &fakeClock{now: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}
		l.Now = c.Now
		url, stats := r.fake.Limited(t, l)
		api, err := forge.New("github", forge.Options{Host: url, Token: forgetest.Token,
			Pacing: forge.Pacing{Sleep: c.Sleep, Now: c.Now}})
		if err != nil {
			t.Fatal(err)
		}
		var mu sync.Mutex
		var waits []forge.Wait
		ctx := forge.WithWaitNotice(context.Background(), func(w forge.Wait) { mu.Lock(); waits = append(waits, w); mu.Unlock() })
		start := c.Now()
		res, err := ReadStatus(ctx, scaleDeps(t, api), StatusOptions{Owner: "acme", Jobs: jobs})
		if err != nil {
			t.Fatal(err)
		}
		r.check(t, res)
		return stats(), c.Now().Sub(start), waits
	}

	t.Run("documented", func(t *testing.T) {
		before := r.fake.BatchReads()
		st, took, waits := run(t, 8, forgetest.GitHubLimits)
		if st.Primary != 0 || st.Secondary != 0 || st.Over != 0 || len(waits) != 0 || took != 0 {
			t.Errorf("stats %+v, %d waits over %v: want no refusal and no wait", st, len(waits), took)
		}
		// The listing (10 pages), and 10 queries that read the .idp.yaml and the bot's pull
		// requests of 100 repositories each.
		if reads := r.fake.BatchReads() - before; st.Requests != 10+10 || reads != n/100 {
			t.Errorf("%d requests, %d of them batched reads; want %d and %d", st.Requests, reads, 10+10, n/100)
		}
	})

	t.Run("tight", func(t *testing.T) {
		st, took, waits := run(t, 8, forgetest.Limits{PerHour: 5, WritesPerMinute: 2, WritesPerHour: 100})
		// Status only reads: its GraphQL queries are not writes (the pacer does not pace them
		// and GitHub does not count them so), so only the primary limit is met.
		if st.Primary == 0 || st.Secondary != 0 || st.Writes != 0 || st.Over != 0 {
			t.Errorf("stats %+v: want the primary limit met, no write, and no request sent while a wait ran", st)
		}
		// 20 requests at 5 an hour: three resets of the primary limit.
		if took < 3*time.Hour {
			t.Errorf("took %v of the fake clock, want over 3 hours", took)
		}
		var why []string
		for _, w := range waits {
			why = append(why, w.Why)
		}
		all := strings.Join(why, "\n")
		if !strings.Contains(all, "github: rate limit used up until ") {
			t.Errorf("waits told:\n%s", all)
		}
	})
}
