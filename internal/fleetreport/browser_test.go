package fleetreport

import (
	"context"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

func run[T any](t *testing.T, ctx context.Context, a chromedp.Action[T]) T {
	t.Helper()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// chromium finds Debian's chromium; CI installs it (.ci/run), elsewhere the test is skipped.
func chromium(t *testing.T) string {
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") != "" {
		t.Fatal("chromium is not installed; .ci/run installs it with apt-get")
	}
	t.Skip("chromium is not installed (apt-get install chromium)")
	return ""
}

// TestReportInABrowser opens the report from file:// in a real headless chromium: nothing is
// requested but the page itself, nothing goes to the console as an error, every chart is
// there with its numbers in its text alternative, and the services' table sorts.
func TestReportInABrowser(t *testing.T) {
	bin := chromium(t)
	_, page := rigReport(t)

	alloc, cancel := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(bin), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-dev-shm-usage", true), chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1200, 900))
	defer cancel()
	ctx, cancel := chromedp.NewContext(alloc)
	defer cancel()
	ctx, cancel = context.WithTimeout(ctx, 90*time.Second)
	defer cancel()

	var mu sync.Mutex
	var requests, problems []string
	err := chromedp.Listen(ctx, func(ev any) {
		mu.Lock()
		defer mu.Unlock()
		switch e := ev.(type) {
		case *network.EventRequestWillBeSent:
			requests = append(requests, e.Request.URL)
		case *runtime.EventConsoleAPICalled:
			if e.Type == "error" || e.Type == "warning" || e.Type == "assert" {
				var args []string
				for _, a := range e.Args {
					args = append(args, string(a.Value))
				}
				problems = append(problems, "console "+string(e.Type)+": "+strings.Join(args, " "))
			}
		case *runtime.EventExceptionThrown:
			problems = append(problems, "exception: "+(&chromedp.ExceptionError{ExceptionDetails: e.ExceptionDetails}).Error())
		case *log.EventEntryAdded:
			if e.Entry.Level == log.EntryLevelError || e.Entry.Level == log.EntryLevelWarning {
				problems = append(problems, "log "+string(e.Entry.Level)+": "+e.Entry.Text+" "+e.Entry.URL)
			}
		}
	})
	if err != nil {
		t.Fatal(err)
	}

	rows := `Array.from(document.querySelectorAll("#services-table tbody tr")).map(r => r.cells[0].textContent)`
	sortBy := chromedp.Click(chromedp.CSS(`#services-table thead th:nth-child(7) button`))
	if err := chromedp.Do(ctx, chromedp.Navigate("file://"+page), chromedp.WaitReady(chromedp.ID("services-table"))); err != nil {
		t.Fatal(err)
	}
	descs := run(t, ctx, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll("figure svg[role=img]")).map(s => s.querySelector("desc").textContent)`))
	titles := run(t, ctx, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll("figure svg[role=img]")).map(s => document.getElementById(s.getAttribute("aria-labelledby").split(" ")[0]).textContent)`))
	before := run(t, ctx, chromedp.Evaluate[[]string](rows))
	run(t, ctx, sortBy)
	ascending := run(t, ctx, chromedp.Evaluate[[]string](rows))
	run(t, ctx, sortBy)
	descending := run(t, ctx, chromedp.Evaluate[[]string](rows))
	sortState := run(t, ctx, chromedp.AttributeValue(chromedp.CSS(`#services-table thead th:nth-child(7)`), "aria-sort")).Value
	shot := run(t, ctx, chromedp.FullScreenshot(100))
	if keep := os.Getenv("IDP_REPORT_SCREENSHOT"); keep != "" {
		os.WriteFile(keep, shot, 0o644)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(requests) != 1 || requests[0] != "file://"+page {
		t.Errorf("requests: %q, want only the page", requests)
	}
	if len(problems) > 0 {
		t.Errorf("console:\n%s", strings.Join(problems, "\n"))
	}

	wantTitles := []string{"Adoption: repositories on a golden path", "Services per golden path and version", "Lead time per release",
		"The bot's pull requests now", "The bot's pull requests for svc v1.1.0 over time", "Most diverged files"}
	if strings.Join(titles, "|") != strings.Join(wantTitles, "|") {
		t.Errorf("charts:\n%s\nwant:\n%s", strings.Join(titles, "\n"), strings.Join(wantTitles, "\n"))
	}
	for i, want := range []string{
		"4 of 6 repositories (67%) are on a golden path; 2 are not (1 archived repositories not counted).",
		"Services per version: svc: v1.1.0 2, v1.0.0 2 (latest v1.1.0).",
		"svc v1.1.0: median 6d, p90 10d, 2 services; svc v1.0.0: no service updated to it yet.",
		"svc: 0 open, 1 draft, 2 merged, 1 closed unmerged, 0 with none; median time to merge 3d 12h.",
		"from 2026-03-02 to 2026-03-12, 4 opened; now 1 open, 2 merged, 1 closed unmerged.",
		"app.yaml of svc: 1 of 4 services (1 modified, 0 deleted); config.yaml of svc: 1 of 4 services (0 modified, 1 deleted).",
	} {
		if i >= len(descs) || !strings.HasSuffix(descs[i], want) {
			t.Errorf("text alternative %d:\n%v\nwant it to end %q", i, descs, want)
		}
	}

	if got := strings.Join(before, " "); got != "acme/billing acme/ledger acme/search acme/shop" {
		t.Errorf("table: %s", got)
	}
	if got := strings.Join(ascending, " "); got != "acme/ledger acme/search acme/shop acme/billing" {
		t.Errorf("by lead time: %s", got)
	}
	if got := strings.Join(descending, " "); got != "acme/billing acme/shop acme/ledger acme/search" || sortState != "descending" {
		t.Errorf("by lead time, descending: %s (aria-sort %s)", got, sortState)
	}
}
