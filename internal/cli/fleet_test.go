package cli

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// taggedSource is a golden-path source with v1.0.0 and v1.1.0 tagged.
func taggedSource(t *testing.T) string {
	t.Helper()
	src := t.TempDir()
	writeFiles(t, src, map[string]string{
		"svc/template.yaml":     "apiVersion: idp/v1\nkind: Template\ntype: service\nparameters:\n  - name: name\n    required: true\n",
		"svc/skeleton/app.yaml": "name: {{ .name }}\n",
	})
	gitIn(t, src, "init", "-q", "-b", "main")
	gitIn(t, src, "add", "-A")
	gitIn(t, src, "commit", "-q", "-m", "v1")
	gitIn(t, src, "tag", "v1.0.0")
	writeFiles(t, src, map[string]string{"svc/skeleton/app.yaml": "name: {{ .name }}\nport: 80\n"})
	gitIn(t, src, "commit", "-q", "-am", "v1.1")
	gitIn(t, src, "tag", "v1.1.0")
	return src
}

func record(src, version string) []byte {
	return []byte(fmt.Sprintf("# Made by idp.\ntemplate:\n  source: file://%s\n  name: svc\n  version: %s\nanswers:\n  name: x\n", src, version))
}

// TestFleetStatusProgressAndErrors: a bar on a terminal's stderr, none otherwise; a broken
// .idp.yaml is its row's error, and the others go on.
func TestFleetStatusProgressAndErrors(t *testing.T) {
	src := taggedSource(t)
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"a/.idp.yaml": string(record(src, "v1.0.0")),
		"b/.idp.yaml": "template: [\n",
		"repos.txt":   "a\nb\n",
	})
	repos := filepath.Join(dir, "repos.txt")
	tty := func(f *Factory) { f.IO.ErrTTY = true }
	r := runWith(t, nil, nil, tty, "fleet", "status", "--repos", repos)
	if r.code != 1 || !strings.Contains(r.stderr, "\rreading [==============================] 2/2") {
		t.Errorf("on a terminal: %+v", r)
	}
	if !strings.Contains(r.stdout, "\nb           error: "+filepath.Join(dir, "b", ".idp.yaml")+":1: not valid YAML: ") {
		t.Errorf("broken row: %q", r.stdout)
	}
	if !strings.Contains(r.stdout, "2 repositories, 1 service, 1 failed.") {
		t.Errorf("summary: %q", r.stdout)
	}
	if r = run(t, nil, nil, "fleet", "status", "--repos", repos); r.stderr != "" {
		t.Errorf("not a terminal, stderr: %q", r.stderr)
	}
}

// validateSchema checks doc against docs/fleet-status.schema.json, for the parts of JSON Schema
// it uses: type, enum, minimum, maximum, required, properties, additionalProperties, items and
// local $ref.
func validateSchema(t *testing.T, doc string) {
	t.Helper()
	data, err := os.ReadFile("../../docs/fleet-status.schema.json")
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

func checkSchema(root, s map[string]any, v any, at string) []string {
	if ref, ok := s["$ref"].(string); ok {
		name := strings.TrimPrefix(ref, "#/$defs/")
		return checkSchema(root, root["$defs"].(map[string]any)[name].(map[string]any), v, at)
	}
	var errs []string
	if typ, ok := s["type"]; ok {
		var types []string
		switch x := typ.(type) {
		case string:
			types = []string{x}
		case []any:
			for _, y := range x {
				types = append(types, y.(string))
			}
		}
		got := jsonType(v)
		if got == "integer" && slices.Contains(types, "number") {
			got = "number"
		}
		if !slices.Contains(types, got) {
			return []string{fmt.Sprintf("%s: %s, want %v", at, jsonType(v), types)}
		}
	}
	if enum, ok := s["enum"].([]any); ok && !slices.Contains(enum, v) {
		errs = append(errs, fmt.Sprintf("%s: %v is not one of %v", at, v, enum))
	}
	if n, ok := v.(float64); ok {
		if lo, ok := s["minimum"].(float64); ok && n < lo {
			errs = append(errs, fmt.Sprintf("%s: %v is below the minimum %v", at, n, lo))
		}
		if hi, ok := s["maximum"].(float64); ok && n > hi {
			errs = append(errs, fmt.Sprintf("%s: %v is above the maximum %v", at, n, hi))
		}
	}
	switch x := v.(type) {
	case map[string]any:
		props, _ := s["properties"].(map[string]any)
		required, _ := s["required"].([]any)
		for _, k := range required {
			if _, ok := x[k.(string)]; !ok {
				errs = append(errs, fmt.Sprintf("%s: %s is required", at, k))
			}
		}
		for k, val := range x {
			if ps, ok := props[k].(map[string]any); ok {
				errs = append(errs, checkSchema(root, ps, val, at+"."+k)...)
				continue
			}
			switch ap := s["additionalProperties"].(type) {
			case bool:
				if !ap {
					errs = append(errs, fmt.Sprintf("%s: %s is not in the schema", at, k))
				}
			case map[string]any:
				errs = append(errs, checkSchema(root, ap, val, at+"."+k)...)
			}
		}
	case []any:
		if items, ok := s["items"].(map[string]any); ok {
			for i, val := range x {
				errs = append(errs, checkSchema(root, items, val, fmt.Sprintf("%s[%d]", at, i))...)
			}
		}
	}
	return errs
}

func jsonType(v any) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case bool:
		return "boolean"
	case float64:
		if x == float64(int64(x)) {
			return "integer"
		}
		return "number"
	case string:
		return "string"
	case []any:
		return "array"
	case map[string]any:
		return "object"
	}
	return "unknown"
}
