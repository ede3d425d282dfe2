package fleet

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/idp-cli/idp/internal/testutil/gittest"

	"github.com/idp-cli/idp/internal/builtin"
	"github.com/idp-cli/idp/internal/forge"
	"github.com/idp-cli/idp/internal/forge/forgetest"
	"github.com/idp-cli/idp/internal/gitauth"
	"github.com/idp-cli/idp/internal/source"
)

// goldenPaths is a source directory, a git repository with v1.0.0 and v1.1.0 tagged.
func goldenPaths(t *testing.T) string {
	src := t.TempDir()
	gittest.Write(t, src, map[string]string{
		"svc/template.yaml":     "apiVersion: idp/v1\nkind: Template\ntype: service\nparameters:\n  - name: name\n    required: true\n",
		"svc/skeleton/app.yaml": "name: {{ .name }}\n",
	})
	gittest.Git(t, src, "init", "-q", "-b", "main")
	gittest.Git(t, src, "add", "-A")
	gittest.Git(t, src, "commit", "-q", "-m", "v1")
	gittest.Git(t, src, "tag", "v1.0.0")
	gittest.Git(t, src, "commit", "-q", "--allow-empty", "-m", "v1.1")
	gittest.Git(t, src, "tag", "v1.1.0")
	return src
}

func record(src, version string) string {
	return fmt.Sprintf("template:\n  source: %s\n  name: svc\n  version: %s\nanswers:\n  name: x\n", src, version)
}

func deps(t *testing.T) StatusDeps {
	return StatusDeps{
		Credentials: func(url string) gitauth.Result { return gitauth.Result{} },
		OpenCatalog: func(ctx context.Context, loc string) (*source.Catalog, error) {
			return source.OpenCatalog(ctx, loc, source.OpenOptions{CacheDir: t.TempDir(), Builtin: &builtin.History{}})
		},
	}
}

// TestReadStatusFromAList reads each repository of a list without a checkout and measures its
// drift; a repository that is not a service is an error in its row, and the rest go on.
func TestReadStatusFromAList(t *testing.T) {
	src := goldenPaths(t)
	dir := t.TempDir()
	for name, rec := range map[string]string{"shop": record(src, "v1.0.0"), "billing": record(src, "v1.1.0"), "docs": ""} {
		repo := filepath.Join(dir, name)
		os.MkdirAll(repo, 0o755)
		gittest.Git(t, repo, "init", "-q", "-b", "main")
		if rec != "" {
			gittest.Write(t, repo, map[string]string{".idp.yaml": rec})
		} else {
			gittest.Write(t, repo, map[string]string{"README.md": "docs\n"})
		}
		gittest.Git(t, repo, "add", "-A")
		gittest.Git(t, repo, "commit", "-q", "-m", "one")
	}
	gittest.Write(t, dir, map[string]string{"repos.txt": "shop\nbilling\ndocs\n"})
	res, err := ReadStatus(context.Background(), deps(t), StatusOptions{Repos: filepath.Join(dir, "repos.txt"), Jobs: 2})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range res.Rows {
		behind := "-"
		if r.Behind != nil {
			behind = fmt.Sprint(*r.Behind)
		}
		got = append(got, fmt.Sprintf("%s %s %s %s %t", r.Repo, r.Version, r.Latest, behind, r.Error != ""))
	}
	want := "shop v1.0.0 v1.1.0 1 false|billing v1.1.0 v1.1.0 0 false|docs   - true"
	if strings.Join(got, "|") != want {
		t.Errorf("rows:\n%s\nwant:\n%s", strings.Join(got, "|"), want)
	}
	if res.Summary.Failed != 1 {
		t.Errorf("summary: %+v", res.Summary)
	}
	if _, err := ReadStatus(context.Background(), deps(t), StatusOptions{Repos: filepath.Join(dir, "nope.txt")}); err == nil {
		t.Error("a missing list was read")
	} else if _, ok := err.(*ListError); !ok {
		t.Errorf("a missing list: %T %v, want a ListError", err, err)
	}
}

// TestReadStatusFromAForge lists an owner's repositories through each forge's documented API:
// archived ones and those without .idp.yaml are not services.
func TestReadStatusFromAForge(t *testing.T) {
	src := goldenPaths(t)
	for _, provider := range []string{"github", "gitlab", "gitea"} {
		t.Run(provider, func(t *testing.T) {
			fake := forgetest.New(t, provider)
			for _, name := range []string{"billing", "docs", "old", "shop"} {
				fake.AddRepo(forgetest.Repo{Owner: "acme", Name: name, Archived: name == "old"})
			}
			fake.SetFile("acme", "shop", ".idp.yaml", []byte(record(src, "v1.0.0")))
			fake.SetFile("acme", "billing", ".idp.yaml", []byte(record(src, "v1.1.0")))
			fake.SetFile("acme", "old", ".idp.yaml", []byte(record(src, "v1.0.0")))
			api, err := forge.New(provider, forge.Options{Host: fake.URL, Token: forgetest.Token})
			if err != nil {
				t.Fatal(err)
			}
			d := deps(t)
			d.Forge = api
			res, err := ReadStatus(context.Background(), d, StatusOptions{Owner: "acme", Jobs: 4})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, r := range res.Rows {
				got = append(got, fmt.Sprintf("%s %s %s %s %s", r.Repo, r.Version, r.Latest, intText(r.Behind), r.Error))
			}
			if strings.Join(got, "|") != "acme/billing v1.1.0 v1.1.0 0 |acme/shop v1.0.0 v1.1.0 1 " {
				t.Errorf("rows: %v", got)
			}
			p := res.Summary.Paths
			if res.Summary.Services != 2 || len(p) != 1 || p[0].OnLatest != 1 || p[0].ShareOnLatest != 0.5 || p[0].Oldest != "v1.0.0" {
				t.Errorf("summary: %+v", res.Summary)
			}
			if a := res.Summary.Adoption; a == nil || *a != (Adoption{Repositories: 3, OnGoldenPath: 2, NotOnGoldenPath: 1, Share: 2.0 / 3, Archived: 1}) {
				t.Errorf("adoption: %+v", a)
			}
		})
	}
}
