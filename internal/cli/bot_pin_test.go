package cli

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/idp-cli/idp/internal/forge"
	"github.com/idp-cli/idp/internal/forge/forgetest"
	"github.com/idp-cli/idp/internal/testutil/gitserver"
	"github.com/idp-cli/idp/internal/updaterun"
)

// TestBotMovesTheIdpPin: a service made by idp v0.9.0, whose golden path pins idp's GitHub
// Action to .idp.version; the bot of idp v1.0.0 proposes the golden path's next version with
// the pin moved to v1.0.0 and .idp.yaml recording it, leaving the service's files alone.
func TestBotMovesTheIdpPin(t *testing.T) {
	r := &botRig{t: t, provider: "github", fake: forgetest.New(t, "github")}
	r.srv = gitserver.StartAnonymousRead(t, forge.TokenUser("github"), forgetest.Token)
	r.remote = r.srv.NewBare(t, "acme/shop")
	r.fake.AddRepo(forgetest.Repo{Owner: "acme", Name: "shop", CloneURL: r.remote})
	r.env = map[string]string{"HOME": t.TempDir(), "IDP_GIT_TOKEN": forgetest.Token, "IDP_GIT_USERNAME": forge.TokenUser("github"), "GITHUB_TOKEN": forgetest.Token}
	r.src = t.TempDir()
	writeFiles(t, r.src, map[string]string{
		"svc/template.yaml":                       "apiVersion: idp/v1\nkind: Template\ntype: service\nparameters:\n  - name: name\n    required: true\n",
		"svc/skeleton/app.yaml":                   "name: {{ .name }}\n",
		"svc/skeleton/.github/workflows/idp.yaml": "steps:\n  - uses: idp-cli/idp@{{ .idp.version }}\n",
	})
	gitIn(t, r.src, "init", "-q", "-b", "main")
	gitIn(t, r.src, "add", "-A")
	gitIn(t, r.src, "commit", "-q", "-m", "v1")
	gitIn(t, r.src, "tag", "v1.0.0")
	parent := t.TempDir()
	as := func(version string) func(*Factory) { return func(f *Factory) { f.Build.Version = version } }
	if res := runWith(t, r.env, nil, as("v0.9.0"), "new", "service", "shop", "--source", "file://"+r.src, "-o", filepath.Join(parent, "shop"), "--remote", r.remote); res.code != 0 {
		t.Fatalf("new: %+v", res)
	}
	r.work = filepath.Join(t.TempDir(), "shop")
	gitIn(t, parent, "clone", "-q", r.remote, r.work)
	r.release("v1.1.0", "name: {{ .name }}\nport: 8080\n")

	res := runWith(t, r.env, nil, as("v1.0.0"), "update", "--dir", r.work, "--no-input", "--pull-request", "--provider", "github", "--host", r.fake.URL)
	if res.code != 0 {
		t.Fatalf("bot: %+v", res)
	}
	show := func(path string) string {
		out, err := exec.Command("git", "--git-dir", filepath.Join(r.srv.Root, "acme/shop.git"), "show", "idp/update-svc:"+path).Output()
		if err != nil {
			t.Fatalf("git show %s: %v", path, err)
		}
		return string(out)
	}
	if got := show(".github/workflows/idp.yaml"); got != "steps:\n  - uses: idp-cli/idp@v1.0.0\n" {
		t.Errorf("the bot's workflow:\n%s", got)
	}
	if got := show(".idp.yaml"); !strings.Contains(got, "\nidp-version: v1.0.0\n") || !strings.Contains(got, "  version: v1.1.0\n") {
		t.Errorf("the bot's .idp.yaml:\n%s", got)
	}
	if prs := r.fake.PullRequests("acme", "shop"); len(prs) != 1 || !strings.Contains(prs[0].Body, "| `.github/workflows/idp.yaml` | updated |") {
		t.Errorf("pull request: %+v", prs)
	}
	if got, err := os.ReadFile(filepath.Join(r.work, ".github/workflows/idp.yaml")); err != nil || string(got) != "steps:\n  - uses: idp-cli/idp@v0.9.0\n" {
		t.Errorf("the service's own workflow changed (%v):\n%s", err, got)
	}

	// An older idp's bot (the service's own, say, while a campaign ran a newer one) keeps the
	// newer idp's commit of the same update instead of moving the pin back; a newer one
	// replaces it.
	for _, tc := range []struct{ version, push, pin string }{{"v0.9.5", "unchanged", "v1.0.0"}, {"v1.0.0", "unchanged", "v1.0.0"}, {"v1.1.0", "updated", "v1.1.0"}} {
		res := runWith(t, r.env, nil, as(tc.version), "update", "--dir", r.work, "--no-input", "--pull-request", "--provider", "github", "--host", r.fake.URL, "--output", "json")
		var out updaterun.Report
		if err := json.Unmarshal([]byte(res.stdout), &out); res.code != 0 || err != nil {
			t.Fatalf("bot %s: %+v", tc.version, res)
		}
		if out.Push.Push != tc.push || show(".github/workflows/idp.yaml") != "steps:\n  - uses: idp-cli/idp@"+tc.pin+"\n" {
			t.Errorf("bot %s: push %s, workflow %q; want %s, %s", tc.version, out.Push.Push, show(".github/workflows/idp.yaml"), tc.push, tc.pin)
		}
	}
}
