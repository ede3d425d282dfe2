package cli

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/idp-cli/idp/internal/updaterun"
)

// TestBotPullRequestPerLayer: a service with an add-on gets one pull request per layer, each
// from its own branch (idp/update-<golden path>) into main; a re-run opens no other.
func TestBotPullRequestPerLayer(t *testing.T) {
	r := newBotRig(t, "github")
	writeFiles(t, r.src, map[string]string{
		"docs/template.yaml":          "apiVersion: idp/v1\nkind: Template\ntype: addon\nparameters:\n  - name: name\n    required: true\nfiles:\n  blocks:\n    - file: app.yaml\n      content: 'docs: /{{ .name }}'\n",
		"docs/skeleton/docs/index.md": "# {{ .name }}\n",
	})
	gitIn(t, r.src, "add", "-A")
	gitIn(t, r.src, "commit", "-q", "-m", "docs")
	gitIn(t, r.src, "tag", "v1.0.1")
	if res := run(t, r.env, nil, "add", "docs", "--dir", r.work); res.code != 0 {
		t.Fatalf("add: %+v", res)
	}
	gitIn(t, r.work, "push", "-q", r.srv.CredentialURL("acme/shop"), "main")

	writeFiles(t, r.src, map[string]string{
		"svc/skeleton/app.yaml":       "name: {{ .name }}\nprobe: /healthz\nport: 8080\n",
		"docs/skeleton/docs/index.md": "# {{ .name }}\n\nStart here.\n",
	})
	gitIn(t, r.src, "commit", "-q", "-am", "v1.1.0")
	gitIn(t, r.src, "tag", "v1.1.0")

	bot := func() updaterun.Layered {
		t.Helper()
		res := run(t, r.env, nil, "update", "--dir", r.work, "--no-input", "--pull-request", "--provider", r.provider, "--host", r.fake.URL, "--output", "json")
		if res.code != 0 {
			t.Fatalf("bot: exit %d\n%s\n%s", res.code, res.stdout, res.stderr)
		}
		var out updaterun.Layered
		if err := json.Unmarshal([]byte(res.stdout), &out); err != nil {
			t.Fatalf("%v\n%s", err, res.stdout)
		}
		return out
	}
	out := bot()
	if len(out.Layers) != 2 {
		t.Fatalf("layers: %+v", out.Layers)
	}
	prs := r.fake.PullRequests("acme", "shop")
	if len(prs) != 2 {
		t.Fatalf("pull requests: %+v", prs)
	}
	heads := map[string]string{}
	for _, pr := range prs {
		heads[pr.Head] = pr.Title
		if pr.Base != "main" || pr.State != "open" || pr.Draft {
			t.Errorf("pull request: %+v", pr)
		}
	}
	if !strings.HasSuffix(heads["idp/update-svc"], "update svc from v1.0.0 to v1.1.0") || !strings.HasSuffix(heads["idp/update-docs"], "update docs from v1.0.1 to v1.1.0") {
		t.Errorf("heads: %v", heads)
	}
	before := len(r.writes())
	bot()
	if n := len(r.fake.PullRequests("acme", "shop")); n != 2 || len(r.writes()) != before {
		t.Errorf("second run: %d pull requests, writes %v", n, r.writes()[before:])
	}
}
