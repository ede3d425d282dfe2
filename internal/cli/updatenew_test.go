package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestUpdateSaysWhichVersionAddedAParameter: idp update asks for a parameter that is new since
// the service's version and says which version added it (v1.1.0, though the update goes to
// v1.2.0); idp diff and idp update --dry-run agree: neither asks, both take the default and
// say so.
func TestUpdateSaysWhichVersionAddedAParameter(t *testing.T) {
	src := t.TempDir()
	writeFiles(t, src, map[string]string{
		"svc/template.yaml":     "apiVersion: idp/v1\nkind: Template\ntype: service\nparameters:\n  - name: name\n    required: true\n",
		"svc/skeleton/app.yaml": "name: {{ .name }}\n",
	})
	gitIn(t, src, "init", "-q", "-b", "main")
	gitIn(t, src, "add", "-A")
	gitIn(t, src, "commit", "-q", "-m", "v1")
	gitIn(t, src, "tag", "v1.0.0")
	writeFiles(t, src, map[string]string{
		"svc/template.yaml":     "apiVersion: idp/v1\nkind: Template\ntype: service\nparameters:\n  - name: name\n    required: true\n  - name: port\n    type: int\n    default: 8080\n",
		"svc/skeleton/app.yaml": "name: {{ .name }}\nport: {{ .port }}\n",
	})
	gitIn(t, src, "commit", "-q", "-am", "v1.1")
	gitIn(t, src, "tag", "v1.1.0")
	writeFiles(t, src, map[string]string{"svc/skeleton/README.md": "# {{ .name }}\n"})
	gitIn(t, src, "add", "-A")
	gitIn(t, src, "commit", "-q", "-m", "v1.2")
	gitIn(t, src, "tag", "v1.2.0")

	dir := filepath.Join(t.TempDir(), "api")
	if r := run(t, nil, nil, "new", "service", "api", "-s", src, "--version", "v1.0.0", "-o", dir, "--no-input"); r.code != 0 {
		t.Fatalf("%+v", r)
	}
	note := "idp: port is new in v1.1.0; this preview asks nothing and takes its default, 8080; idp update asks for it in a terminal, or give --set port=VALUE\n"
	for _, args := range [][]string{{"diff"}, {"update", "--dry-run"}} {
		p := &reviewer{}
		r := run(t, nil, p, append(args, "--dir", dir)...)
		if r.code != 0 || len(p.asked) != 0 || !strings.Contains(r.stderr, note) || !strings.Contains(r.stdout, "port: 8080") && args[0] == "diff" {
			t.Errorf("%v: exit %d, asked %v\nstdout:\n%s\nstderr:\n%s", args, r.code, p.asked, r.stdout, r.stderr)
		}
	}
	// --set answers it: nothing to say.
	r := run(t, nil, &reviewer{}, "diff", "--dir", dir, "--set", "port=9000")
	if r.code != 0 || strings.Contains(r.stderr, "preview") || !strings.Contains(r.stdout, "+port: 9000") {
		t.Errorf("diff --set: exit %d\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
	}
	p := &reviewer{fakePrompter: fakePrompter{answers: map[string]any{"port": "9000"}}}
	r = run(t, nil, p, "update", "--dir", dir)
	if r.code != 0 || strings.Join(p.asked, ",") != "port" || p.newIn["port"] != "v1.1.0" || p.command != "" {
		t.Errorf("update: exit %d, asked %v, new in %v, reviewed %q\n%s", r.code, p.asked, p.newIn, p.command, r.stderr)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "app.yaml")); string(b) != "name: api\nport: 9000\n" {
		t.Errorf("app.yaml = %q", b)
	}
}
