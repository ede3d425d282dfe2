package manifest

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

const valid = `apiVersion: idp/v1
kind: Template
type: service
title: Go HTTP service
parameters:
  - name: name
    required: true
    pattern: '^[a-z][a-z0-9-]{1,38}$'
  - name: port
    type: int
    default: 8080
    min: 1024
    max: 65535
  - name: database
    type: select
    options: [none, postgres]
    default: none
  - name: db_name
    when: '{{ ne .database "none" }}'
    default: '{{ .name | snakecase }}'
  - name: envs
    type: multiselect
    options: [dev, prod]
    default: [dev]
  - name: token
    secret: true
computed:
  module: 'example.com/{{ .name }}'
  image: 'ghcr.io/{{ .module }}'
files:
  delimiters: ['[[', ']]']
  verbatim: ['**/*.png']
  exclude:
    - paths: ['db/**']
      when: '{{ eq .database "none" }}'
  owned: [README.md]
hooks:
  - run: go mod tidy
    when: create
`

func TestParseValid(t *testing.T) {
	m, err := Parse([]byte(valid), "template.yaml", "go-service")
	if err != nil {
		t.Fatal(err)
	}
	if m.Name != "go-service" {
		t.Errorf("Name = %q, want the directory name", m.Name)
	}
	if got := strings.Join(m.ParamNames(), ","); got != "name,port,database,db_name,envs,token" {
		t.Errorf("params = %s", got)
	}
	if p := m.Param("name"); p.Type != TypeString || p.Line != 6 {
		t.Errorf("name: type %q line %d, want string at line 6", p.Type, p.Line)
	}
	if len(m.Computed) != 2 || m.Computed[0].Name != "module" || m.Computed[1].Name != "image" {
		t.Errorf("computed out of order: %+v", m.Computed)
	}
	if m.Files.Exclude[0].Line != 34 {
		t.Errorf("exclude line = %d, want 34", m.Files.Exclude[0].Line)
	}
	data := map[string]any{"name": "pay-ments", "port": 0, "database": "postgres", "db_name": "", "envs": []string{}, "token": ""}
	if ok, err := m.Param("db_name").Asked(data); err != nil || !ok {
		t.Errorf("db_name asked = %v, %v; want true", ok, err)
	}
	if v, err := m.Param("db_name").DefaultValue(data); err != nil || v != "pay_ments" {
		t.Errorf("db_name default = %v, %v; want pay_ments", v, err)
	}
	data["database"] = "none"
	if ok, _ := m.Param("db_name").Asked(data); ok {
		t.Error("db_name asked with database=none")
	}
}

func TestParseErrorsNameFileAndLine(t *testing.T) {
	for _, tc := range []struct {
		name, yaml, want string
	}{
		{"unknown top field", "apiVersion: idp/v1\nkind: Template\ntype: service\nparamters: []\n",
			`template.yaml:4: unknown field "paramters"; known fields: apiVersion, computed, description, files, hooks, kind, migrations, name, parameters, timeSaved, title, type`},
		{"unknown parameter field", "apiVersion: idp/v1\nkind: Template\ntype: service\nparameters:\n  - name: a\n    requird: true\n",
			`template.yaml:6: unknown field "requird" in parameters; known fields: default, help, max, min, name, options, pattern, pattern_help, required, secret, title, type, when`},
		{"wrong type", "apiVersion: idp/v1\nkind: Template\ntype: service\nparameters:\n  - name: a\n    type: int\n    min: low\n",
			`template.yaml:7: the string "low" where a whole number is expected`},
		{"bool as string", "apiVersion: idp/v1\nkind: Template\ntype: service\nparameters:\n  - name: a\n    required: maybe\n",
			`template.yaml:6: the string "maybe" where true or false is expected`},
		{"bad regex", "apiVersion: idp/v1\nkind: Template\ntype: service\nparameters:\n  - name: a\n    pattern: '[a-'\n",
			`template.yaml:6: parameter "a": pattern "[a-" is not a valid regular expression: missing closing ]: ` + "`[a-`"},
		{"when does not parse", "apiVersion: idp/v1\nkind: Template\ntype: service\nparameters:\n  - name: a\n    when: '{{ eq .b '\n",
			`template.yaml:6: parameter "a" when does not parse: unclosed action`},
		{"default does not parse", "apiVersion: idp/v1\nkind: Template\ntype: service\nparameters:\n  - name: a\n    default: '{{ nosuchfunc .b }}'\n",
			`template.yaml:6: parameter "a" default does not parse: function "nosuchfunc" not defined`},
		{"unknown type", "apiVersion: idp/v1\nkind: Template\ntype: service\nparameters:\n  - name: a\n    type: float\n",
			`template.yaml:6: parameter "a": type "float" is not one of string, int, bool, select, multiselect`},
		{"select without options", "apiVersion: idp/v1\nkind: Template\ntype: service\nparameters:\n  - name: a\n    type: select\n",
			`template.yaml:5: parameter "a": a select parameter needs options`},
		{"default not an option", "apiVersion: idp/v1\nkind: Template\ntype: service\nparameters:\n  - name: a\n    type: select\n    options: [x, y]\n    default: z\n",
			`template.yaml:8: parameter "a": default z: "z" is not one of the options: x, y`},
		{"default out of range", "apiVersion: idp/v1\nkind: Template\ntype: service\nparameters:\n  - name: p\n    type: int\n    max: 10\n    default: 11\n",
			`template.yaml:8: parameter "p": default 11: 11 is above the maximum 10`},
		{"duplicate parameter", "apiVersion: idp/v1\nkind: Template\ntype: service\nparameters:\n  - name: a\n  - name: a\n",
			`template.yaml:6: parameter "a" is declared twice`},
		{"name not an identifier", "apiVersion: idp/v1\nkind: Template\ntype: service\nparameters:\n  - name: db-name\n",
			`template.yaml:5: parameter name "db-name" must be letters, digits and _ so templates can use it as .db-name`},
		{"wrong apiVersion", "apiVersion: idp/v2\nkind: Template\ntype: service\n",
			`template.yaml:1: apiVersion is "idp/v2"; this idp reads "idp/v1"`},
		{"missing type", "apiVersion: idp/v1\nkind: Template\n",
			`template.yaml: type is missing; set it to the kind of thing the template makes (service, library, ...)`},
		{"bad delimiters", "apiVersion: idp/v1\nkind: Template\ntype: service\nfiles:\n  delimiters: ['[[']\n",
			`template.yaml:5: files.delimiters must be two non-empty strings, like ['[[', ']]']`},
		{"bad glob", "apiVersion: idp/v1\nkind: Template\ntype: service\nfiles:\n  verbatim: ['[']\n",
			`template.yaml:5: files.verbatim: bad glob "[": syntax error in pattern`},
		{"file delimiters in an expression", "apiVersion: idp/v1\nkind: Template\ntype: service\nfiles:\n  delimiters: ['[[', ']]']\nparameters:\n  - name: a\n    when: '[[ .b ]]'\n",
			`template.yaml:8: parameter "a" when uses [[; expressions in template.yaml always use {{ }}, files.delimiters applies to the skeleton only`},
		{"computed not a string", "apiVersion: idp/v1\nkind: Template\ntype: service\ncomputed:\n  x: [1]\n",
			`template.yaml:5: computed.x must be a template string`},
		{"hook when", "apiVersion: idp/v1\nkind: Template\ntype: service\nhooks:\n  - run: make\n    when: sometimes\n",
			`template.yaml:5: hook 1: when is "sometimes"; use create, update or always`},
		{"not yaml", "apiVersion: idp/v1\nkind: [\n", `template.yaml:2: did not find expected node content`},
		{"not a mapping", "- a\n- b\n", `template.yaml:1: must be a mapping of fields (apiVersion, kind, name, ...)`},
		{"empty", "", `template.yaml: is empty; it needs at least apiVersion: idp/v1 and kind: Template`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse([]byte(tc.yaml), "template.yaml", "x")
			if err == nil {
				t.Fatal("no error")
			}
			if err.Error() != tc.want {
				t.Errorf("error:\n got %s\nwant %s", err, tc.want)
			}
		})
	}
}

func TestParseReportsEveryError(t *testing.T) {
	_, err := Parse([]byte("apiVersion: idp/v1\nkind: Template\ntype: service\nparameters:\n  - name: a\n    type: float\n  - name: b\n    pattern: '('\n"), "t.yaml", "x")
	errs, ok := err.(Errors)
	if !ok || len(errs) != 2 {
		t.Fatalf("want 2 errors, got %v", err)
	}
	if errs[0].Line != 6 || errs[1].Line != 8 {
		t.Errorf("lines %d, %d; want 6, 8", errs[0].Line, errs[1].Line)
	}
}

// billionLaughs is the classic alias bomb, nine levels of nine aliases (9^9 strings once
// expanded), as the value of under with its entries indented by indent.
func billionLaughs(under, indent string) string {
	var b strings.Builder
	b.WriteString("apiVersion: idp/v1\nkind: Template\ntype: service\n" + under)
	b.WriteString(indent + `lol1: &lol1 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]` + "\n")
	for i := 2; i <= 9; i++ {
		prev := fmt.Sprintf("*lol%d", i-1)
		fmt.Fprintf(&b, "%slol%d: &lol%d [%s]\n", indent, i, i, strings.TrimSuffix(strings.Repeat(prev+",", 9), ","))
	}
	return b.String()
}

// TestAliasBombRefused: refused at the first anchor, before anything is expanded, wherever it is.
func TestAliasBombRefused(t *testing.T) {
	const msg = ": YAML anchors and aliases (&name, *name, <<) are not allowed in template.yaml; write the value out in full"
	for _, tc := range []struct {
		under, indent string
		line          int
	}{
		{"computed:\n", "  ", 5},
		{"files:\n", "  ", 5},
		{"parameters:\n  - name: x\n    default:\n", "      ", 7},
	} {
		_, err := Parse([]byte(billionLaughs(tc.under, tc.indent)), "template.yaml", "x")
		if want := fmt.Sprintf("template.yaml:%d%s", tc.line, msg); err == nil || err.Error() != want {
			t.Errorf("alias bomb under %q: got %v, want %s", tc.under, err, want)
		}
	}
	// A merge key is an alias too.
	_, err := Parse([]byte("apiVersion: idp/v1\nkind: Template\ntype: service\nparameters:\n  - &p\n    name: a\n  - <<: *p\n    name: b\n"), "template.yaml", "x")
	if want := "template.yaml:5" + msg; err == nil || err.Error() != want {
		t.Errorf("merge key: got %v, want %s", err, want)
	}
}

func TestHugeManifestRefused(t *testing.T) {
	data := []byte("apiVersion: idp/v1\nkind: Template\ntype: service\ndescription: " + strings.Repeat("x", MaxSize) + "\n")
	_, err := Parse(data, "template.yaml", "x")
	if want := fmt.Sprintf("template.yaml: is %d bytes, more than the 1048576 a template.yaml may have; move long text into skeleton files", len(data)); err == nil || err.Error() != want {
		t.Errorf("got %v, want %s", err, want)
	}
}

func TestConvertAndCheck(t *testing.T) {
	min, max := 1024, 65535
	port := &Parameter{Name: "port", Type: TypeInt, Min: &min, Max: &max}
	for _, tc := range []struct {
		p       *Parameter
		in      any
		want    any
		wantErr string
	}{
		{port, "8080", 8080, ""},
		{port, 8080, 8080, ""},
		{port, float64(9000), 9000, ""},
		{port, "80", nil, "80 is below the minimum 1024"},
		{port, "70000", nil, "70000 is above the maximum 65535"},
		{port, "http", nil, `"http" is not a whole number`},
		{port, 1.5, nil, "1.5 is not a whole number"},
		{&Parameter{Type: TypeBool}, "yes", true, ""},
		{&Parameter{Type: TypeBool}, "false", false, ""},
		{&Parameter{Type: TypeBool}, "perhaps", nil, `"perhaps" is not true or false`},
		{&Parameter{Type: TypeSelect, Options: []string{"a", "b"}}, "b", "b", ""},
		{&Parameter{Type: TypeSelect, Options: []string{"a", "b"}}, "c", nil, `"c" is not one of the options: a, b`},
		{&Parameter{Type: TypeMultiselect, Options: []string{"a", "b"}}, "a, b", []string{"a", "b"}, ""},
		{&Parameter{Type: TypeMultiselect, Options: []string{"a", "b"}}, []any{"b"}, []string{"b"}, ""},
		{&Parameter{Type: TypeMultiselect, Options: []string{"a", "b"}}, "a,z", nil, `"z" is not one of the options: a, b`},
		{&Parameter{Type: TypeString}, 42, "42", ""},
		{&Parameter{Type: TypeString}, []any{"x"}, nil, "[x] is not a string"},
	} {
		got, err := Convert(tc.p, tc.in)
		if err == nil {
			err = tc.p.Check(got)
		}
		if tc.wantErr != "" {
			if err == nil || err.Error() != tc.wantErr {
				t.Errorf("%s %v: error %v, want %q", tc.p.Type, tc.in, err, tc.wantErr)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s %v: %v", tc.p.Type, tc.in, err)
			continue
		}
		if !equal(got, tc.want) {
			t.Errorf("%s %v = %#v, want %#v", tc.p.Type, tc.in, got, tc.want)
		}
	}
}

func equal(a, b any) bool {
	if la, ok := a.([]string); ok {
		lb, ok := b.([]string)
		return ok && strings.Join(la, "\x00") == strings.Join(lb, "\x00") && len(la) == len(lb)
	}
	return a == b
}

// TestPatternErrorSaysItInWords: a refused answer is explained by pattern_help, else help; the
// regular expression (which a screen reader would read aloud) only in the detailed form, or when
// there are no words to say it with.
func TestPatternErrorSaysItInWords(t *testing.T) {
	m, err := Parse([]byte(valid), "template.yaml", "x")
	if err != nil {
		t.Fatal(err)
	}
	p := m.Param("name")
	for _, tc := range []struct {
		help, patternHelp string
		secret            bool
		want, detailed    string
	}{
		{"", "", false, `"Payments" does not match the pattern ^[a-z][a-z0-9-]{1,38}$`, `"Payments" does not match the pattern ^[a-z][a-z0-9-]{1,38}$`},
		{"Lowercase letters, digits and dashes.", "", false, `"Payments" is not valid: Lowercase letters, digits and dashes`,
			`"Payments" is not valid: Lowercase letters, digits and dashes (the pattern is ^[a-z][a-z0-9-]{1,38}$)`},
		{"It names the repository.", "lowercase letters, digits and dashes, from 2 to 39 of them, starting with a letter", false,
			`"Payments" is not valid: lowercase letters, digits and dashes, from 2 to 39 of them, starting with a letter`,
			`"Payments" is not valid: lowercase letters, digits and dashes, from 2 to 39 of them, starting with a letter (the pattern is ^[a-z][a-z0-9-]{1,38}$)`},
		{"", "", true, `the answer does not match the pattern ^[a-z][a-z0-9-]{1,38}$`, `the answer does not match the pattern ^[a-z][a-z0-9-]{1,38}$`},
	} {
		p.Help, p.PatternHelp, p.Secret = tc.help, tc.patternHelp, tc.secret
		err := p.Check("Payments")
		if err == nil || err.Error() != tc.want {
			t.Errorf("got %v, want %s", err, tc.want)
		}
		wrapped := fmt.Errorf("prompt: %w", err)
		if got := Describe(wrapped, true); got != "prompt: "+tc.detailed {
			t.Errorf("detailed: got %s, want prompt: %s", got, tc.detailed)
		}
		if got := Describe(wrapped, false); got != "prompt: "+tc.want {
			t.Errorf("plain: got %s, want prompt: %s", got, tc.want)
		}
	}
}

func TestPatternHelp(t *testing.T) {
	const head = "apiVersion: idp/v1\nkind: Template\ntype: service\nparameters:\n"
	m, err := Parse([]byte(head+"  - name: a\n    pattern: '^[a-z]+$'\n    pattern_help: lowercase letters\n"), "template.yaml", "svc")
	if err != nil || m.Param("a").PatternHelp != "lowercase letters" {
		t.Fatalf("%v %+v", err, m)
	}
	_, err = Parse([]byte(head+"  - name: a\n    pattern_help: lowercase letters\n"), "template.yaml", "svc")
	want := `template.yaml:6: parameter "a": pattern_help explains a pattern, and there is none; add the pattern or remove pattern_help`
	if err == nil || err.Error() != want {
		t.Errorf("got %v, want %s", err, want)
	}
	// A default the pattern refuses is the author's to fix: the message names the pattern.
	_, err = Parse([]byte(head+"  - name: a\n    pattern: '^[a-z]+$'\n    pattern_help: lowercase letters\n    default: A1\n"), "template.yaml", "svc")
	want = `template.yaml:8: parameter "a": default A1: "A1" is not valid: lowercase letters (the pattern is ^[a-z]+$)`
	if err == nil || err.Error() != want {
		t.Errorf("got %v, want %s", err, want)
	}
}

func TestMigrations(t *testing.T) {
	const head = "apiVersion: idp/v1\nkind: Template\ntype: service\nmigrations:\n"
	m, err := Parse([]byte(head+"  - version: v1.2.0\n    run: go mod tidy\n  - version: v2.0.0\n    when: before\n    run: ./migrate.sh\n"), "template.yaml", "svc")
	if err != nil || len(m.Migrations) != 2 || m.Migrations[1] != (Migration{Version: "v2.0.0", When: "before", Run: "./migrate.sh"}) {
		t.Fatalf("%+v %v", m, err)
	}
	_, err = Parse([]byte(head+"  - version: 1.2\n    run: x\n  - version: v1.0.0\n    when: during\n    run: x\n  - version: v1.0.0\n"), "template.yaml", "svc")
	want := `template.yaml:5: migration 1: version "1.2" must be a version tag such as v1.2.0: the migration runs when an update reaches it`
	if err == nil || !strings.Contains(err.Error(), want) ||
		!strings.Contains(err.Error(), `template.yaml:7: migration 2: when is "during"; use before or after (the merge)`) ||
		!strings.Contains(err.Error(), "template.yaml:10: migration 3 has no run command") {
		t.Errorf("got %v", err)
	}
}

func TestExpressionBounds(t *testing.T) {
	exprTimeout = 50 * time.Millisecond
	defer func() { exprTimeout = 10 * time.Second }()
	m, err := Parse([]byte(`apiVersion: idp/v1
kind: Template
type: service
computed:
  big: '{{ range until 1000 }}{{ repeat 10000 "x" }}{{ end }}'
  slow: '{{ range until 100000 }}{{ range until 100000 }}{{ end }}{{ end }}'
`), "template.yaml", "x")
	if err != nil {
		t.Fatal(err)
	}
	for i, want := range []string{
		"renders more than 1048576 bytes; an expression's value must be short",
		"still evaluating after 50ms; look for a loop that does not end",
	} {
		if _, err := m.Computed[i].Eval(map[string]any{}); err == nil || err.Error() != want {
			t.Errorf("computed %s: got %v, want %s", m.Computed[i].Name, err, want)
		}
	}
}
