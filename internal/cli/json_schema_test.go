package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// validateAgainst checks doc against the JSON Schema docs/<name> that idp publishes for a
// command's --output json, with checkSchema (fleet_test.go).
func validateAgainst(t *testing.T, name, doc string) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "..", "docs", name))
	if err != nil {
		t.Fatal(err)
	}
	var schema map[string]any
	if err := json.Unmarshal(data, &schema); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	var value any
	if err := json.Unmarshal([]byte(doc), &value); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, doc)
	}
	for _, e := range checkSchema(schema, schema, value, "$") {
		t.Errorf("%s: %s", name, e)
	}
}

// TestUpdateAndDiffJSON: idp diff --output json reports what idp update --dry-run --output json
// does (per-file actions, conflicts, new answers with their values, the absolute directory),
// and its unified diff under diff; both match docs/update.schema.json.
func TestUpdateAndDiffJSON(t *testing.T) {
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
		"svc/template.yaml":     "apiVersion: idp/v1\nkind: Template\ntype: service\nparameters:\n  - name: name\n    required: true\n  - name: port\n    type: int\n    default: 8080\n  - name: token\n    secret: true\n    default: s3cr3t\n",
		"svc/skeleton/app.yaml": "name: {{ .name }}\nport: {{ .port }}\n",
	})
	gitIn(t, src, "commit", "-q", "-am", "v1.1")
	gitIn(t, src, "tag", "v1.1.0")
	dir := filepath.Join(t.TempDir(), "api")
	if r := run(t, nil, nil, "new", "service", "api", "-s", src, "--version", "v1.0.0", "-o", dir, "--no-input"); r.code != 0 {
		t.Fatalf("%+v", r)
	}

	type report struct {
		Dir     string `json:"dir"`
		Changes []struct {
			Path   string `json:"path"`
			Action string `json:"action"`
		} `json:"changes"`
		Conflicts  *int `json:"conflicts"`
		NewAnswers []struct {
			Name  string `json:"name"`
			Value any    `json:"value"`
		} `json:"newAnswers"`
		Diff *string `json:"diff"`
	}
	for _, cmd := range []string{"update", "diff"} {
		args := []string{cmd, "--dir", dir, "--set", "port=9000", "--output", "json", "--no-input"}
		if cmd == "update" {
			args = append(args, "--dry-run")
		}
		r := run(t, nil, nil, args...)
		if r.code != 0 {
			t.Fatalf("%v: exit %d\n%s", args, r.code, r.stderr)
		}
		validateAgainst(t, "update.schema.json", r.stdout)
		var got report
		if err := json.Unmarshal([]byte(r.stdout), &got); err != nil {
			t.Fatal(err)
		}
		if got.Dir != dir || !filepath.IsAbs(got.Dir) {
			t.Errorf("%s: dir %q, want %q", cmd, got.Dir, dir)
		}
		if len(got.Changes) != 1 || got.Changes[0].Path != "app.yaml" || got.Changes[0].Action != "updated" || got.Conflicts == nil || *got.Conflicts != 0 {
			t.Errorf("%s: changes %+v, conflicts %v", cmd, got.Changes, got.Conflicts)
		}
		if len(got.NewAnswers) != 1 || got.NewAnswers[0].Name != "port" || got.NewAnswers[0].Value != float64(9000) {
			t.Errorf("%s: newAnswers %+v, want port 9000 (and never the secret)", cmd, got.NewAnswers)
		}
		if strings.Contains(r.stdout, "s3cr3t") {
			t.Errorf("%s: the secret's value is in the JSON:\n%s", cmd, r.stdout)
		}
		switch {
		case cmd == "diff" && (got.Diff == nil || !strings.Contains(*got.Diff, "+port: 9000")):
			t.Errorf("diff: no unified diff under diff:\n%s", r.stdout)
		case cmd == "update" && got.Diff != nil:
			t.Errorf("update: a diff key:\n%s", r.stdout)
		}
	}
}

// TestNewDryRunJSONDirIsAbsolute: dir is absolute in every mode of idp new --output json, as it
// is when the service is written.
func TestNewDryRunJSONDirIsAbsolute(t *testing.T) {
	r := run(t, nil, nil, "new", "service", "payments", "--set", "owner=t", "--dry-run", "-o", filepath.Join("not-written", "payments"), "--output", "json")
	var got struct {
		Dir string `json:"dir"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &got); r.code != 0 || err != nil {
		t.Fatalf("exit %d, %v\n%s", r.code, err, r.stderr)
	}
	want, _ := filepath.Abs(filepath.Join("not-written", "payments"))
	if got.Dir != want {
		t.Errorf("dir %q, want %q", got.Dir, want)
	}
}
