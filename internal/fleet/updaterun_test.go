package fleet

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/idp-cli/idp/internal/bot"
	"github.com/idp-cli/idp/internal/builtin"
	"github.com/idp-cli/idp/internal/gitauth"
	"github.com/idp-cli/idp/internal/source"
	"github.com/idp-cli/idp/internal/testutil/gittest"
	"github.com/idp-cli/idp/internal/update"
)

// updateFleet is a golden path at v1.0.0 and v1.1.0 (app.yaml gains a line), and services
// made from v1.0.0 in bare repositories, listed in repos.txt.
func updateFleet(t *testing.T, names ...string) (list string, bare map[string]string) {
	t.Helper()
	src := t.TempDir()
	gittest.Write(t, src, map[string]string{
		"svc/template.yaml":     "apiVersion: idp/v1\nkind: Template\ntype: service\nparameters:\n  - name: name\n    required: true\n",
		"svc/skeleton/app.yaml": "name: {{ .name }}\n",
	})
	gittest.Git(t, src, "init", "-q", "-b", "main")
	gittest.Git(t, src, "add", "-A")
	gittest.Git(t, src, "commit", "-q", "-m", "v1")
	gittest.Git(t, src, "tag", "v1.0.0")
	gittest.Write(t, src, map[string]string{"svc/skeleton/app.yaml": "name: {{ .name }}\nport: {{ .port }}\n",
		"svc/template.yaml": "apiVersion: idp/v1\nkind: Template\ntype: service\nparameters:\n  - name: name\n    required: true\n  - name: port\n    required: true\n"})
	gittest.Git(t, src, "commit", "-q", "-am", "port")
	gittest.Git(t, src, "tag", "v1.1.0")

	root := t.TempDir()
	bare = map[string]string{}
	var lines []string
	for _, name := range names {
		work := filepath.Join(root, "work", name)
		gittest.Write(t, work, map[string]string{".idp.yaml": record(src, "v1.0.0"), "app.yaml": "name: x\n"})
		gittest.Git(t, work, "init", "-q", "-b", "main")
		gittest.Git(t, work, "add", "-A")
		gittest.Git(t, work, "commit", "-q", "-m", "made")
		bare[name] = filepath.Join(root, name+".git")
		gittest.Git(t, root, "clone", "-q", "--bare", work, bare[name])
		lines = append(lines, bare[name])
	}
	list = filepath.Join(root, "repos.txt")
	gittest.Write(t, root, map[string]string{"repos.txt": strings.Join(lines, "\n") + "\n"})
	return list, bare
}

func updateDeps(t *testing.T) UpdateDeps {
	cache := t.TempDir()
	none := func(string) gitauth.Result { return gitauth.Result{} }
	now := func() time.Time { return time.Date(2026, 3, 12, 0, 0, 0, 0, time.UTC) }
	return UpdateDeps{
		Update: update.Deps{OpenCatalog: func(ctx context.Context, loc string) (*source.Catalog, error) {
			return source.OpenCatalog(ctx, loc, source.OpenOptions{CacheDir: cache, Builtin: &builtin.History{}})
		}},
		Push:        bot.PushDeps{Credentials: none, Now: now},
		Credentials: none,
		Now:         now,
	}
}

// TestUpdateRunsTheBotOnEach: each repository of the list is cloned, updated with the answers
// of --values (read once, for all) and pushed to the bot's branch; its outcome is a JSON line
// of --results as soon as it is done; --resume skips what a run finished.
func TestUpdateRunsTheBotOnEach(t *testing.T) {
	list, bare := updateFleet(t, "billing", "shop")
	values := filepath.Join(t.TempDir(), "values.yaml")
	gittest.Write(t, filepath.Dir(values), map[string]string{"values.yaml": "port: 8080\n"})
	d := updateDeps(t)
	resultsFile := filepath.Join(t.TempDir(), "results.jsonl")
	o := UpdateOptions{Repos: list, Jobs: 2, Results: resultsFile, Do: update.DoOptions{To: "latest", ValuesFile: values}}
	res, err := Update(context.Background(), d, o)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	res.WriteText(&b)
	want := "REPOSITORY" + strings.Repeat(" ", len(bare["billing"])-8) + "GOLDEN PATH  FROM    TO      RESULT   PULL REQUEST\n" +
		bare["billing"] + "  svc          v1.0.0  v1.1.0  updated  -\n" +
		bare["shop"] + strings.Repeat(" ", len(bare["billing"])-len(bare["shop"])) + "  svc          v1.0.0  v1.1.0  updated  -\n" +
		"\n2 updated, 0 unchanged, 0 with conflicts, 0 needing input, 0 failed.\n"
	if b.String() != want {
		t.Errorf("table:\n%s\nwant:\n%s", b.String(), want)
	}
	for name, dir := range bare {
		if got := gittest.Git(t, dir, "show", "idp/update-svc:app.yaml"); got != "name: x\nport: 8080" {
			t.Errorf("%s: app.yaml on the bot's branch: %q", name, got)
		}
	}
	results, err := os.ReadFile(resultsFile)
	if n := strings.Count(string(results), "\n"); err != nil || n != 2 || !strings.Contains(string(results), `"result":"updated"`) {
		t.Errorf("--results: %v\n%s", err, results)
	}

	resume := filepath.Join(t.TempDir(), "done.jsonl")
	os.WriteFile(resume, results, 0o644)
	o.Resume = resume
	if res, err = Update(context.Background(), d, o); err != nil || len(res.Rows) != 0 || res.Resumed != 2 {
		t.Errorf("resumed: %+v %v", res, err)
	}
}

// TestUpdateRefusesBeforeAnyWork: a --values file, --repos list or --resume file that cannot
// be read stops the run before any repository is touched; the list's is the command line's
// fault (a source.RequestError).
func TestUpdateRefusesBeforeAnyWork(t *testing.T) {
	list, bare := updateFleet(t, "shop")
	missing := filepath.Join(t.TempDir(), "missing.yaml")
	for _, c := range []struct {
		o       UpdateOptions
		want    string
		request bool
	}{
		{UpdateOptions{Repos: list, Jobs: 1, Do: update.DoOptions{ValuesFile: missing}}, missing, false},
		{UpdateOptions{Repos: missing, Jobs: 1}, missing, true},
		{UpdateOptions{Repos: list, Jobs: 1, Resume: missing}, "--resume: ", true},
		{UpdateOptions{Repos: list, Jobs: 1, Results: filepath.Join(missing, "results.jsonl")}, "--results: ", false},
	} {
		res, err := Update(context.Background(), updateDeps(t), c.o)
		if res != nil || err == nil || !strings.Contains(err.Error(), c.want) || source.IsRequest(err) != c.request {
			t.Errorf("%+v: %+v %v (a request error: %v)", c.o, res, err, source.IsRequest(err))
		}
	}
	if out := gittest.Git(t, bare["shop"], "branch", "--list"); strings.Contains(out, "idp/") {
		t.Errorf("a branch was pushed: %s", out)
	}
}
