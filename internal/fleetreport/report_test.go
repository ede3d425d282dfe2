package fleetreport

import (
	"context"
	"os"
	"path/filepath"
	"strings"
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
	page := filepath.Join(t.TempDir(), "report.html")
	res, err := Run(context.Background(), rigDeps(t, rig, api), RunOptions{
		Status: fleet.StatusOptions{Owner: fleetrig.Owner, Jobs: 2, All: true, Divergence: true}, Provider: "github", HTML: page})
	if err != nil {
		t.Fatal(err)
	}
	d := res.Data
	if keep := os.Getenv("IDP_REPORT_KEEP"); keep != "" {
		data, _ := os.ReadFile(page)
		os.WriteFile(keep, data, 0o644)
	}
	return d, page
}

func rigDeps(t *testing.T, rig *fleetrig.Rig, api forge.Provider) fleet.StatusDeps {
	cache := t.TempDir()
	return fleet.StatusDeps{
		Credentials: func(string) gitauth.Result { return gitauth.Result{} },
		Forge:       api,
		OpenCatalog: func(ctx context.Context, loc string) (*source.Catalog, error) {
			return source.OpenCatalog(ctx, loc, source.OpenOptions{CacheDir: cache, Builtin: &builtin.History{}})
		},
		Now: func() time.Time { return rig.Now },
	}
}

// TestRun reads the fleet, builds the report and writes the page in place of the last one,
// readable by all and with nothing left beside it; without HTML it writes none.
func TestRun(t *testing.T) {
	rig := fleetrig.New(t, "gitea")
	dir := t.TempDir()
	page := filepath.Join(dir, "fleet.html")
	os.WriteFile(page, []byte("the last report"), 0o600)
	list := filepath.Join(dir, "repos.txt")
	os.WriteFile(list, []byte(rig.Git.URL+"/acme/shop.git\n"), 0o644)
	res, err := Run(context.Background(), rigDeps(t, rig, nil), RunOptions{Status: fleet.StatusOptions{Repos: list, Jobs: 1}, Title: "Shop", HTML: page})
	if err != nil {
		t.Fatal(err)
	}
	if d := res.Data; d.Title != "Shop" || d.Scope != list || !d.Generated.Equal(rig.Now) || res.Status.Summary.Services != 1 || len(d.Services) != 1 {
		t.Errorf("data: %+v", d)
	}
	fi, err := os.Stat(page)
	if err != nil || fi.Mode().Perm() != 0o644 {
		t.Fatalf("page: %v %v", fi, err)
	}
	if html, _ := os.ReadFile(page); !strings.Contains(string(html), "<title>Shop</title>") {
		t.Errorf("the page was not written over the last one")
	}
	var b strings.Builder
	if res.WriteText(&b); b.String() != "Wrote "+page+": 1 service, 0 releases with bot pull requests.\n" {
		t.Errorf("text: %q", b.String())
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 2 {
		t.Errorf("left beside the page: %v", entries)
	}

	res, err = Run(context.Background(), rigDeps(t, rig, nil), RunOptions{Status: fleet.StatusOptions{Repos: list, Jobs: 1}})
	if err != nil || res.Data.Title != "Golden paths: fleet report" {
		t.Errorf("without a page: %+v %v", res, err)
	}
	missing := filepath.Join(dir, "no", "fleet.html")
	if _, err := Run(context.Background(), rigDeps(t, rig, nil), RunOptions{Status: fleet.StatusOptions{Repos: list, Jobs: 1}, HTML: missing}); err == nil ||
		!strings.HasPrefix(err.Error(), "--html "+missing+": ") {
		t.Errorf("a page in no directory: %v", err)
	}
	if _, err := Run(context.Background(), rigDeps(t, rig, nil), RunOptions{Status: fleet.StatusOptions{Repos: missing, Jobs: 1}}); !source.IsRequest(err) {
		t.Errorf("a missing list: %v, want a request error", err)
	}
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

// TestWriteFileWhereItCannot: a page that cannot be written says what is wrong with its path
// in idp's words, never naming the temporary file written beside it.
func TestWriteFileWhereItCannot(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "list.txt")
	os.WriteFile(file, nil, 0o644)
	for _, tc := range []struct{ path, want string }{
		{filepath.Join(dir, "no", "r.html"), "--html " + filepath.Join(dir, "no", "r.html") + ": the directory " + filepath.Join(dir, "no") + " does not exist; create it first (mkdir -p " + filepath.Join(dir, "no") + ")"},
		{filepath.Join(file, "r.html"), "--html " + filepath.Join(file, "r.html") + ": " + file + " is not a directory; give a path in a directory"},
		{dir, "--html " + dir + " is a directory; give the page's file name, as " + filepath.Join(dir, "report.html")},
	} {
		if err := WriteFile(tc.path, &Data{}); err == nil || err.Error() != tc.want {
			t.Errorf("WriteFile(%s): %v\nwant %s", tc.path, err, tc.want)
		}
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("left behind: %v", entries)
	}
}
