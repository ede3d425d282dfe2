package fleetreport

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/idp-cli/idp/internal/builtin"
	"github.com/idp-cli/idp/internal/fleet"
	"github.com/idp-cli/idp/internal/forge"
	"github.com/idp-cli/idp/internal/forge/forgetest"
	"github.com/idp-cli/idp/internal/gitauth"
	"github.com/idp-cli/idp/internal/source"
	"github.com/idp-cli/idp/internal/testutil/fleetrig"
)

// rigReport reads the status of a fleetrig fleet and writes its report; it returns the data
// and the page's path.
func rigReport(t *testing.T) (*Data, string) {
	t.Helper()
	rig := fleetrig.New(t, "github")
	api, err := forge.New("github", forge.Options{Host: rig.Fake.URL, Token: forgetest.Token})
	if err != nil {
		t.Fatal(err)
	}
	cache := t.TempDir()
	res, err := fleet.ReadStatus(context.Background(), fleet.StatusDeps{
		Credentials: func(string) gitauth.Result { return gitauth.Result{} },
		Forge:       api,
		OpenCatalog: func(ctx context.Context, loc string) (*source.Catalog, error) {
			return source.OpenCatalog(ctx, loc, source.OpenOptions{CacheDir: cache, Builtin: &builtin.History{}})
		},
		Now: func() time.Time { return rig.Now },
	}, fleet.StatusOptions{Owner: fleetrig.Owner, Jobs: 2, All: true, Divergence: true})
	if err != nil {
		t.Fatal(err)
	}
	d := Build(res, Options{Generated: rig.Now, Scope: "acme on github"})
	page := filepath.Join(t.TempDir(), "report.html")
	f, err := os.Create(page)
	if err != nil {
		t.Fatal(err)
	}
	if err := WriteHTML(f, d); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	if keep := os.Getenv("IDP_REPORT_KEEP"); keep != "" {
		data, _ := os.ReadFile(page)
		os.WriteFile(keep, data, 0o644)
	}
	return d, page
}

// TestBurndowns follows each release's pull requests: opened, then merged or closed.
func TestBurndowns(t *testing.T) {
	d, _ := rigReport(t)
	if len(d.Burndowns) != 1 {
		t.Fatalf("burndowns: %+v", d.Burndowns)
	}
	b := d.Burndowns[0]
	var got []string
	for _, p := range b.Points {
		got = append(got, p.At.Format(time.DateOnly)+" "+itoa(p.Open)+"/"+itoa(p.Merged)+"/"+itoa(p.Closed))
	}
	want := "2026-03-02 3/0/0|2026-03-03 2/1/0|2026-03-04 1/1/1|2026-03-05 2/1/1|2026-03-11 1/2/1"
	if b.Template != "svc" || b.Release != "v1.1.0" || join(got) != want {
		t.Errorf("burndown %s %s: %s, want %s", b.Template, b.Release, join(got), want)
	}
}

func itoa(n int) string { return string(rune('0' + n)) }

func join(xs []string) string {
	s := ""
	for i, x := range xs {
		if i > 0 {
			s += "|"
		}
		s += x
	}
	return s
}
