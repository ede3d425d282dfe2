package fleet

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/idp-cli/idp/internal/testutil/gittest"

	"github.com/idp-cli/idp/internal/answers"
	"github.com/idp-cli/idp/internal/provenance"
)

// TestReadStatusCountsAddOns: an add-on is a golden path of its own: its version, drift, the
// commit that added it, divergence of its files, and its own line in the summary.
func TestReadStatusCountsAddOns(t *testing.T) {
	src := t.TempDir()
	at := func(dir string, day time.Time, args ...string) {
		t.Helper()
		cmd := exec.Command("git", args...)
		cmd.Dir = dir
		d := day.Format(time.RFC3339)
		cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@x", "GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@x",
			"GIT_CONFIG_NOSYSTEM=1", "GIT_AUTHOR_DATE="+d, "GIT_COMMITTER_DATE="+d)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	gittest.Write(t, src, map[string]string{
		"svc/template.yaml":           "apiVersion: idp/v1\nkind: Template\ntype: service\nparameters:\n  - name: name\n    required: true\n",
		"svc/skeleton/app.yaml":       "name: {{ .name }}\n",
		"docs/template.yaml":          "apiVersion: idp/v1\nkind: Template\ntype: addon\nparameters:\n  - name: site\n    default: docs\n",
		"docs/skeleton/docs/index.md": "# {{ .site }}\n",
	})
	at(src, day(1, 1), "init", "-q", "-b", "main")
	at(src, day(1, 1), "add", "-A")
	at(src, day(1, 1), "commit", "-q", "-m", "v1")
	at(src, day(1, 1), "tag", "v1.0.0")
	gittest.Write(t, src, map[string]string{"docs/skeleton/docs/index.md": "# {{ .site }}\n\nWelcome.\n"})
	at(src, day(3, 1), "commit", "-q", "-am", "docs")
	at(src, day(3, 1), "tag", "v1.1.0")

	dir := t.TempDir()
	svc := filepath.Join(dir, "shop")
	rec := &provenance.File{Template: provenance.Template{Source: src, Name: "svc", Version: "v1.0.0"}, Answers: []answers.KV{{Key: "name", Value: "shop"}}}
	data, err := provenance.Marshal(rec)
	if err != nil {
		t.Fatal(err)
	}
	gittest.Write(t, svc, map[string]string{".idp.yaml": string(data), "app.yaml": "name: shop\n"})
	at(svc, day(1, 10), "init", "-q", "-b", "main")
	at(svc, day(1, 10), "add", "-A")
	at(svc, day(1, 10), "commit", "-q", "-m", "made")
	rec = rec.AddLayer(&provenance.File{Template: provenance.Template{Source: src, Name: "docs", Version: "v1.1.0"}, Answers: []answers.KV{{Key: "site", Value: "Shop"}}})
	if data, err = provenance.Marshal(rec); err != nil {
		t.Fatal(err)
	}
	gittest.Write(t, svc, map[string]string{".idp.yaml": string(data), "docs/index.md": "# Shop\n\nOurs.\n"})
	at(svc, day(3, 5), "add", "-A")
	at(svc, day(3, 5), "commit", "-q", "-m", "add docs")
	gittest.Write(t, dir, map[string]string{"repos.txt": "shop\n"})

	res, err := ReadStatus(context.Background(), deps(t), StatusOptions{Repos: filepath.Join(dir, "repos.txt"), Jobs: 1, Divergence: true})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range append([]Row{res.Rows[0]}, res.Rows[0].Layers...) {
		line := fmt.Sprintf("%s %s %s behind=%s", r.Repo, r.Template, r.Version, ptr(r.Behind))
		for _, m := range r.Moves {
			line += fmt.Sprintf(" | %s<-%q %s", m.Version, m.From, m.At.Format(time.DateOnly))
		}
		for _, f := range r.Diverged {
			line += " | " + f.Path + " " + f.Change
		}
		got = append(got, line+r.Error+strings.Join(r.Warnings, ";"))
	}
	want := `shop svc v1.0.0 behind=1 | v1.0.0<-"" 2026-01-10|shop docs v1.1.0 behind=0 | v1.1.0<-"" 2026-03-05 | docs/index.md modified`
	if strings.Join(got, "|") != want {
		t.Errorf("rows:\n%s\nwant:\n%s", strings.Join(got, "|"), want)
	}
	var paths []string
	for _, p := range res.Summary.Paths {
		paths = append(paths, fmt.Sprintf("%s services=%d onLatest=%d measured=%d", p.Template, p.Services, p.OnLatest, p.Measured))
	}
	if strings.Join(paths, "|") != "docs services=1 onLatest=1 measured=1|svc services=1 onLatest=0 measured=1" || res.Summary.Services != 1 {
		t.Errorf("summary: %v, %d services", paths, res.Summary.Services)
	}
}
