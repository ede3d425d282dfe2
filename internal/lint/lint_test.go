package lint

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func golden(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func lines(t *testing.T, dir string) string {
	t.Helper()
	found, err := Lint(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, f := range found {
		out = append(out, f.String())
	}
	return strings.Join(out, "\n")
}

const known = "known fields: default, help, max, min, name, options, pattern, pattern_help, required, secret, title, type, when"

// TestEveryTemplateYAMLError: unknown fields do not hide the other faults of template.yaml, and
// what follows from a typo (a select whose options: is misspelt has no options) is not a
// second finding.
func TestEveryTemplateYAMLError(t *testing.T) {
	dir := golden(t, map[string]string{
		"template.yaml": `apiVersion: idp/v1
kind: Template
type: service
titel: A service
parameters:
  - name: name
    requird: true
  - name: port
    type: int
    default: abc
  - name: 9bad
  - name: db
    type: select
    optons: [none, postgres]
  - name: flag
    type: bool
    required: maybe
`,
		"skeleton/a.txt": "{{ .name }}\n",
	})
	want := strings.Join([]string{
		`template.yaml:4: error: unknown field "titel"; known fields: apiVersion, computed, description, files, hooks, kind, migrations, name, parameters, timeSaved, title, type`,
		`template.yaml:7: error: unknown field "requird" in parameters; ` + known,
		`template.yaml:10: error: parameter "port": default abc: "abc" is not a whole number`,
		`template.yaml:11: error: parameter name "9bad" must be letters, digits and _ so templates can use it as .9bad`,
		`template.yaml:14: error: unknown field "optons" in parameters; ` + known,
		`template.yaml:17: error: the string "maybe" where true or false is expected`,
	}, "\n")
	if got := lines(t, dir); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

// TestOneTypoOnce: a name that is no parameter, or a file that does not parse, is one finding,
// not one from the check and another from the render with the default answers.
func TestOneTypoOnce(t *testing.T) {
	dir := golden(t, map[string]string{
		"template.yaml":  "apiVersion: idp/v1\nkind: Template\ntype: service\nparameters:\n  - name: name\n  - name: db\n    default: '{{ .nme }}-db'\n",
		"skeleton/a.txt": "{{ .name }} {{ .db }}\n",
	})
	want := "template.yaml:6: error: .nme is not a parameter or computed value of this golden path"
	if got := lines(t, dir); got != want {
		t.Errorf("a default's typo:\n%s\nwant\n%s", got, want)
	}
	dir = golden(t, map[string]string{
		"template.yaml":  "apiVersion: idp/v1\nkind: Template\ntype: service\nparameters:\n  - name: name\n",
		"skeleton/a.txt": "{{ .name }}\n{{ end }}\n",
		"skeleton/b.txt": "{{ .name }}\n",
	})
	want = "skeleton/a.txt:2: error: unexpected {{end}}"
	if got := lines(t, dir); got != want {
		t.Errorf("a file that does not parse:\n%s\nwant\n%s", got, want)
	}
}

// TestUnclosedBlockLine: an unclosed {{ if }} is reported where it begins, also in a one-line
// file, which text/template reports at the line after its end; so is an unclosed action.
func TestUnclosedBlockLine(t *testing.T) {
	for _, tc := range []struct{ name, text, delims, want string }{
		{"one line", "{{ if .name }}x\n", "", "skeleton/a.txt:1: error: {{ if }} is never closed: add {{end}} where it should end"},
		{"no newline", "{{ if .name }}x", "", "skeleton/a.txt:1: error: {{ if }} is never closed: add {{end}} where it should end"},
		{"innermost", "a\n{{ range .xs }}\n{{- if eq \"}}\" .name -}}\n{{/* {{ with */}}\nb{{ end }}\nc\n", "", "skeleton/a.txt:2: error: {{ range }} is never closed: add {{end}} where it should end"},
		{"custom delimiters", "[[ with .name ]]\n[[ if . ]]x[[ end ]]\n", "[[", "skeleton/a.txt:1: error: [[ with ]] is never closed: add [[end]] where it should end"},
		{"unclosed action", "x: [[ .name\n", "[[", "skeleton/a.txt:1: error: unclosed action: [[ has no ]]"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			yaml := "apiVersion: idp/v1\nkind: Template\ntype: service\nparameters:\n  - name: name\n"
			if tc.delims != "" {
				yaml += "files:\n  delimiters: ['[[', ']]']\n"
			}
			dir := golden(t, map[string]string{"template.yaml": yaml, "skeleton/a.txt": tc.text, "skeleton/b.txt": "{{ .name }}[[ .name ]]\n"})
			if got := lines(t, dir); got != tc.want {
				t.Errorf("got\n%s\nwant\n%s", got, tc.want)
			}
		})
	}
}

// TestIdpDataAndQuotedActions: the skeleton may use .idp.version (template.yaml may not), and a
// GitHub Actions expression written as an idp string, {{ "${{ x }}" }}, is not taken for one that
// idp would render.
func TestIdpDataAndQuotedActions(t *testing.T) {
	dir := golden(t, map[string]string{
		"template.yaml": "apiVersion: idp/v1\nkind: Template\ntype: service\nparameters:\n  - name: name\n    default: '{{ .idp }}'\n",
		"skeleton/.github/workflows/w.yaml": "uses: idp-cli/idp@{{ .idp.version }}\ntoken: {{ \"${{ secrets.TOKEN }}\" }}\n" +
			"name: {{ .name }}\n",
	})
	want := "template.yaml:5: error: .idp is not a parameter or computed value of this golden path"
	if got := lines(t, dir); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}
