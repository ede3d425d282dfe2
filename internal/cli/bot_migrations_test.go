package cli

import (
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// TestBotPendingMigrations: the bot never runs a golden path's migrations; it records them in
// the .idp.yaml it commits (so that idp update --trust runs them after the merge), reports them
// in its JSON and says so in the pull request.
func TestBotPendingMigrations(t *testing.T) {
	r := newBotRig(t, "github")
	writeFiles(t, r.src, map[string]string{
		"svc/template.yaml": "apiVersion: idp/v1\nkind: Template\ntype: service\nparameters:\n  - name: name\n    required: true\n" +
			"migrations:\n  - version: v1.1.0\n    run: ./scripts/rename-config.sh\n",
	})
	r.release("v1.1.0", "name: {{ .name }}\nprobe: /healthz\nport: 8080\n")

	out := r.bot(0)
	if !reflect.DeepEqual(out.PendingMigrations, []string{"v1.1.0"}) {
		t.Errorf("pendingMigrations = %q, want [v1.1.0]", out.PendingMigrations)
	}
	prs := r.fake.PullRequests("acme", "shop")
	if len(prs) != 1 {
		t.Fatalf("pull requests: %+v", prs)
	}
	for _, want := range []string{
		"**Migrations not run** by the bot; `.idp.yaml` records them under `pending-migrations`. After merging, read them, then run `idp update --trust` (or run them yourself):",
		"- v1.1.0: `./scripts/rename-config.sh`",
	} {
		if !strings.Contains(prs[0].Body, want) {
			t.Errorf("body lacks %q:\n%s", want, prs[0].Body)
		}
	}
	rec, err := exec.Command("git", "--git-dir", filepath.Join(r.srv.Root, "acme/shop.git"), "show", "idp/update-svc:.idp.yaml").Output()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(rec), "\npending-migrations: [v1.1.0]\n") {
		t.Errorf("the bot's .idp.yaml does not record the migration:\n%s", rec)
	}
}
