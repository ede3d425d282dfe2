package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/idp-cli/idp/internal/doctor"
	"github.com/idp-cli/idp/internal/forge/forgetest"
)

// TestDoctorOptions: --provider and --host come from the config file and IDP_* variables like
// any flag, and from the variables even when the config file is broken; the JSON output holds
// to docs/doctor.schema.json.
func TestDoctorOptions(t *testing.T) {
	fake := forgetest.GitHub(t)
	host := fake.WithScopes(t, forgetest.Scopes{Scopes: []string{"repo", "workflow"}})
	home := t.TempDir()
	cfgDir := filepath.Join(home, "cfg")
	os.MkdirAll(filepath.Join(cfgDir, "idp"), 0o755)
	os.WriteFile(filepath.Join(cfgDir, "idp", "config.yaml"), []byte("provider: github\nhost: "+host+"\ntimeout: 5s\n"), 0o644)
	env := map[string]string{"HOME": home, "XDG_CONFIG_HOME": cfgDir, "XDG_CACHE_HOME": filepath.Join(home, "cache"), "GITHUB_TOKEN": forgetest.Token}

	r := run(t, env, nil, "doctor", "--output", "json")
	if r.code != 0 || r.stderr != "" {
		t.Fatalf("exit %d, stderr %q, stdout:\n%s", r.code, r.stderr, r.stdout)
	}
	validateDoctorSchema(t, r.stdout)
	var out doctor.Summary
	if err := json.Unmarshal([]byte(r.stdout), &out); err != nil {
		t.Fatal(err)
	}
	last := out.Checks[len(out.Checks)-1]
	if want := host + ": the token from GITHUB_TOKEN is accepted as alice; scopes repo, workflow"; last.Name != "forge github" || last.Status != "ok" || last.Detail != want {
		t.Errorf("forge check from the config's provider and host: %+v", last)
	}
	if out.OK != len(out.Checks) || out.Warnings != 0 || out.Failed != 0 {
		t.Errorf("counts: %+v", out)
	}

	// A broken config: the variables still name the forge, and the config check fails.
	os.WriteFile(filepath.Join(cfgDir, "idp", "config.yaml"), []byte("provider: github\nprovider: gitlab\n"), 0o644)
	env["IDP_PROVIDER"], env["IDP_HOST"] = "github", host
	r = run(t, env, nil, "doctor")
	if r.code != 1 || r.stderr != "idp: 1 check failed; do what its fix says, then run idp doctor again\n" {
		t.Fatalf("exit %d, stderr %q", r.code, r.stderr)
	}
	for _, want := range []string{
		"fail  config: config file " + filepath.Join(cfgDir, "idp", "config.yaml") + ":2: provider is given twice (first at line 1)\n" +
			"      fix: keep one; until then idp commands stop at this error\n",
		"ok    forge github: " + host + ": the token from GITHUB_TOKEN is accepted as alice; scopes repo, workflow\n",
		"4 checks: 3 ok, 0 warnings, 1 failed\n",
	} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("stdout lacks %q:\n%s", want, r.stdout)
		}
	}

	for _, args := range [][]string{{"doctor", "--timeout", "soon"}, {"doctor", "now"}, {"doctor", "--output", "csv"}} {
		if r := run(t, env, nil, args...); r.code != 2 {
			t.Errorf("%v: exit %d, want 2 (usage); stderr %q", args, r.code, r.stderr)
		}
	}
}

func validateDoctorSchema(t *testing.T, doc string) {
	t.Helper()
	data, err := os.ReadFile("../../docs/doctor.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	var schema map[string]any
	if err := json.Unmarshal(data, &schema); err != nil {
		t.Fatal(err)
	}
	var value any
	if err := json.Unmarshal([]byte(doc), &value); err != nil {
		t.Fatal(err)
	}
	for _, e := range checkSchema(schema, schema, value, "$") {
		t.Error(e)
	}
}
