package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/idp-cli/idp/internal/fleet"
	"github.com/idp-cli/idp/internal/forge/forgetest"
	"github.com/idp-cli/idp/internal/golden"
	"github.com/idp-cli/idp/internal/testutil/fleetrig"
)

// fleetRigRun runs idp on a fleetrig fleet on GitHub's fake, at the rig's now, and returns its
// output with the run's temporary paths, ports and commit hashes made constant.
func fleetRigRun(t *testing.T, rig *fleetrig.Rig, args ...string) result {
	t.Helper()
	env := map[string]string{"HOME": t.TempDir(), "XDG_CACHE_HOME": t.TempDir(), "GITHUB_TOKEN": forgetest.Token}
	r := runWith(t, env, nil, func(f *Factory) { f.Now = func() time.Time { return rig.Now } }, args...)
	hash := regexp.MustCompile(`\b[0-9a-f]{40}\b`)
	clean := func(s string) string {
		s = strings.ReplaceAll(s, rig.Source, "$SOURCE")
		s = strings.ReplaceAll(s, rig.Fake.URL, "$FORGE")
		s = strings.ReplaceAll(s, rig.Git.URL, "$GIT")
		return hash.ReplaceAllString(s, "$$COMMIT")
	}
	r.stdout, r.stderr = clean(r.stdout), clean(r.stderr)
	return r
}

// TestFleetStatusMeasuresAFleet: a fleet with known numbers (fleetrig) gives exactly the
// expected adoption, lead times, pull request states and divergence, as JSON valid against
// docs/fleet-status.schema.json, as a table and as CSV.
func TestFleetStatusMeasuresAFleet(t *testing.T) {
	rig := fleetrig.New(t, "github")
	args := []string{"fleet", "status", "--provider", "github", "--owner", "acme", "--host", rig.Fake.URL, "--all", "--divergence"}

	r := fleetRigRun(t, rig, append(args, "--output", "json")...)
	if r.code != 0 || r.stderr != "" {
		t.Fatalf("%+v", r)
	}
	validateSchema(t, r.stdout)
	golden.Assert(t, "testdata/fleet/status.json", []byte(r.stdout))
	var out fleet.StatusJSON
	if err := json.Unmarshal([]byte(r.stdout), &out); err != nil {
		t.Fatal(err)
	}
	if a := out.Summary.Adoption; a == nil || a.OnGoldenPath != 4 || a.Repositories != 6 || a.NotOnGoldenPath != 2 || a.Archived != 1 {
		t.Errorf("adoption: %+v", a)
	}

	r = fleetRigRun(t, rig, args...)
	if r.code != 0 {
		t.Fatalf("%+v", r)
	}
	golden.Assert(t, "testdata/fleet/status.txt", []byte(r.stdout))

	r = fleetRigRun(t, rig, append(args, "--output", "csv")...)
	if r.code != 0 {
		t.Fatalf("%+v", r)
	}
	golden.Assert(t, "testdata/fleet/status.csv", []byte(r.stdout))
}

// TestFleetReport writes the page from the same inputs as fleet status, loading nothing from
// anywhere, and prints its data as JSON; without --html or --output json it is a usage error.
func TestFleetReport(t *testing.T) {
	rig := fleetrig.New(t, "github")
	page := t.TempDir() + "/fleet.html"
	args := []string{"fleet", "report", "--provider", "github", "--owner", "acme", "--host", rig.Fake.URL, "--all", "--divergence"}
	r := fleetRigRun(t, rig, append(args, "--html", page)...)
	if r.code != 0 || r.stdout != "Wrote "+page+": 4 services, 1 release with bot pull requests.\n" {
		t.Fatalf("%+v", r)
	}
	data, err := os.ReadFile(page)
	if err != nil {
		t.Fatal(err)
	}
	html := string(data)
	for _, bad := range []string{" src=", " href=", "url(http", "@import", "<link", "<iframe"} {
		if strings.Contains(html, bad) {
			t.Errorf("the page has %q: it must load nothing", bad)
		}
	}
	for _, want := range []string{"<title>Golden paths: fleet report</title>", "Content-Security-Policy", "4 of 6 repositories (67%) are on a golden path",
		"svc v1.1.0: median 6d, p90 10d, 2 services", `<svg id="burndown-1-chart"`} {
		if !strings.Contains(html, want) {
			t.Errorf("the page lacks %q", want)
		}
	}

	r = fleetRigRun(t, rig, append(args, "--output", "json")...)
	var d struct {
		Summary   json.RawMessage `json:"summary"`
		Burndowns []struct {
			Template, Release string
			Points            []map[string]any
		} `json:"burndowns"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &d); err != nil || r.code != 0 {
		t.Fatalf("%+v: %v", r, err)
	}
	if len(d.Burndowns) != 1 || d.Burndowns[0].Release != "v1.1.0" || len(d.Burndowns[0].Points) != 5 {
		t.Errorf("burndowns: %+v", d.Burndowns)
	}
	validateAgainst(t, "fleet-report.schema.json", r.stdout)

	r = fleetRigRun(t, rig, args...)
	if r.code != 2 || !strings.HasPrefix(r.stderr, "idp: give --html FILE for the page, or --output json for its data\n") {
		t.Errorf("%+v", r)
	}
}

// TestFleetStatusAddOns: a service with an add-on has it as a golden path of its own, in its
// row's layers (valid against the schema) and in the summary; the table gives it a line.
func TestFleetStatusAddOns(t *testing.T) {
	src := taggedSource(t)
	writeFiles(t, src, map[string]string{"docs/template.yaml": "apiVersion: idp/v1\nkind: Template\ntype: addon\nparameters:\n  - name: site\n    default: docs\n",
		"docs/skeleton/docs/index.md": "# {{ .site }}\n"})
	gitIn(t, src, "add", "-A")
	gitIn(t, src, "commit", "-q", "-m", "docs")
	gitIn(t, src, "tag", "v1.2.0")
	home := t.TempDir()
	env := map[string]string{"HOME": home, "XDG_CACHE_HOME": t.TempDir()}
	shop := filepath.Join(home, "shop")
	if r := run(t, env, nil, "new", "service", "shop", "-s", "file://"+src, "--version", "v1.1.0", "--no-input", "-o", shop); r.code != 0 {
		t.Fatalf("%+v", r)
	}
	if r := run(t, env, nil, "add", "docs", "-s", "file://"+src, "--dir", shop, "--no-input"); r.code != 0 {
		t.Fatalf("%+v", r)
	}
	writeFiles(t, home, map[string]string{"repos.txt": "shop\n"})
	r := run(t, env, nil, "fleet", "status", "--repos", filepath.Join(home, "repos.txt"), "--divergence", "--output", "json")
	if r.code != 0 {
		t.Fatalf("%+v", r)
	}
	validateSchema(t, r.stdout)
	var out fleet.StatusJSON
	if err := json.Unmarshal([]byte(r.stdout), &out); err != nil {
		t.Fatal(err)
	}
	row := out.Services[0]
	if row.Template != "svc" || row.Version != "v1.1.0" || len(row.Layers) != 1 || row.Layers[0].Template != "docs" || row.Layers[0].Version != "v1.2.0" ||
		len(row.Layers[0].Moves) != 1 || row.Layers[0].Diverged == nil || len(row.Layers[0].Diverged) != 0 {
		t.Errorf("row: %+v", row)
	}
	if len(out.Summary.Paths) != 2 || out.Summary.Services != 1 {
		t.Errorf("summary: %+v", out.Summary)
	}
	r = run(t, env, nil, "fleet", "status", "--repos", filepath.Join(home, "repos.txt"))
	if !regexp.MustCompile(`(?m)^shop +docs \(add-on\) +v1\.2\.0 +v1\.2\.0 +0 +0 +- +-$`).MatchString(r.stdout) {
		t.Errorf("table:\n%s", r.stdout)
	}
}
