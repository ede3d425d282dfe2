package answers

import (
	"context"
	"errors"
	"reflect"
	"testing"

	"github.com/idp-cli/idp/internal/manifest"
)

const tmpl = `apiVersion: idp/v1
kind: Template
name: svc
type: service
parameters:
  - name: name
    required: true
    pattern: '^[a-z][a-z0-9-]+$'
  - name: owner
    required: true
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
    options: [dev, staging, prod]
    default: [dev]
  - name: metrics
    type: bool
  - name: token
    secret: true
computed:
  module: 'example.com/{{ .owner }}/{{ .name }}'
`

func parse(t *testing.T) *manifest.Manifest {
	t.Helper()
	m, err := manifest.Parse([]byte(tmpl), "template.yaml", "svc")
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestResolveFromFlagsAndDefaults(t *testing.T) {
	m := parse(t)
	res, err := Resolve(context.Background(), m, Request{
		Name: "pay-ments",
		Set:  []string{"owner=team-a", "database=postgres", "envs=dev,prod", "metrics=true"},
	})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]any{
		"name": "pay-ments", "owner": "team-a", "port": 8080, "database": "postgres",
		"db_name": "pay_ments", "envs": []string{"dev", "prod"}, "metrics": true, "token": "",
	}
	if !reflect.DeepEqual(res.Answers, want) {
		t.Errorf("answers:\n got %#v\nwant %#v", res.Answers, want)
	}
	if res.Data["module"] != "example.com/team-a/pay-ments" {
		t.Errorf("computed module = %v", res.Data["module"])
	}
	var keys []string
	for _, kv := range res.Recordable(m) {
		keys = append(keys, kv.Key)
	}
	if want := []string{"name", "owner", "port", "database", "db_name", "envs", "metrics"}; !reflect.DeepEqual(keys, want) {
		t.Errorf("recorded %v, want %v (in order, secret left out)", keys, want)
	}
}

func TestWhenFalseIsNeitherAskedNorRecorded(t *testing.T) {
	m := parse(t)
	// db_name given, but its when is false: it is dropped, and templates see "".
	res, err := Resolve(context.Background(), m, Request{Set: []string{"name=api", "owner=o", "db_name=x"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := res.Answers["db_name"]; ok {
		t.Error("db_name recorded though database=none")
	}
	if res.Data["db_name"] != "" {
		t.Errorf("templates see db_name = %#v, want the zero value", res.Data["db_name"])
	}
}

func TestPrecedence(t *testing.T) {
	m := parse(t)
	res, err := Resolve(context.Background(), m, Request{
		Set:        []string{"port=9000"},
		Values:     map[string]any{"name": "from-file", "owner": "file-owner", "port": 7000},
		ValuesFile: "values.yaml",
		Recorded:   map[string]any{"owner": "recorded", "port": 6000, "database": "postgres", "dropped": "x"},
	})
	if err != nil {
		t.Fatal(err)
	}
	got := []any{res.Answers["name"], res.Answers["owner"], res.Answers["port"], res.Answers["database"]}
	want := []any{"from-file", "file-owner", 9000, "postgres"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %v, want %v (--set > values > recorded)", got, want)
	}
}

func TestErrors(t *testing.T) {
	m := parse(t)
	for _, tc := range []struct {
		name string
		req  Request
		want string
	}{
		{"missing lists every one", Request{}, "missing required parameters: name, owner; pass them with --set KEY=VALUE or --values FILE, or run in a terminal to be asked"},
		{"missing one", Request{Name: "api"}, "missing required parameter: owner; pass it with --set KEY=VALUE or --values FILE, or run in a terminal to be asked"},
		{"pattern", Request{Name: "Api", Set: []string{"owner=o"}}, `NAME argument: parameter "name": "Api" does not match the pattern ^[a-z][a-z0-9-]+$`},
		{"min", Request{Name: "api", Set: []string{"owner=o", "port=80"}}, `--set port=80: parameter "port": 80 is below the minimum 1024`},
		{"type", Request{Name: "api", Set: []string{"owner=o", "metrics=perhaps"}}, `--set metrics=perhaps: parameter "metrics": "perhaps" is not true or false`},
		{"option", Request{Name: "api", Set: []string{"owner=o", "database=mysql"}}, `--set database=mysql: parameter "database": "mysql" is not one of the options: none, postgres`},
		{"multiselect option", Request{Name: "api", Set: []string{"owner=o", "envs=dev,qa"}}, `--set envs=dev,qa: parameter "envs": "qa" is not one of the options: dev, staging, prod`},
		{"unknown", Request{Set: []string{"colour=red"}}, `--set colour=red: the template svc has no parameter "colour"; its parameters are: name, owner, port, database, db_name, envs, metrics, token`},
		{"computed", Request{Set: []string{"module=x"}}, `--set module=x: "module" is computed by the template and cannot be set`},
		{"no equals", Request{Set: []string{"owner"}}, `--set owner: expected KEY=VALUE`},
		{"name twice", Request{Name: "a", Set: []string{"name=b"}}, `--set name=b: conflicts with the NAME argument "a"; give the name once`},
		{"values file", Request{Values: map[string]any{"port": "high"}, ValuesFile: "v.yaml"}, `v.yaml: parameter "port": "high" is not a whole number`},
		{"values file null for no parameter", Request{Values: map[string]any{"bogus": nil}, ValuesFile: "v.yaml"}, `v.yaml: the template svc has no parameter "bogus"; its parameters are: name, owner, port, database, db_name, envs, metrics, token`},
		{"required empty", Request{Name: "api", Set: []string{"owner="}}, "missing required parameter: owner; pass it with --set KEY=VALUE or --values FILE, or run in a terminal to be asked"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Resolve(context.Background(), m, tc.req)
			if err == nil || err.Error() != tc.want {
				t.Errorf("got  %v\nwant %s", err, tc.want)
			}
		})
	}
}

// scripted is the test double for a prompter: it answers from a map, and only the questions
// that are visible given the answers so far, as a person at a form would see them.
type scripted struct {
	answers map[string]any
	asked   []string
	seen    map[string]any // default shown per question
}

func (s *scripted) Ask(_ context.Context, known map[string]any, qs []*Question) (map[string]any, error) {
	state := map[string]any{}
	for k, v := range known {
		state[k] = v
	}
	out := map[string]any{}
	s.seen = map[string]any{}
	for _, q := range qs {
		if !q.Visible(state) {
			continue
		}
		s.asked = append(s.asked, q.Param.Name)
		s.seen[q.Param.Name] = q.Default(state)
		v, ok := s.answers[q.Param.Name]
		if !ok {
			v = q.Default(state)
			if v == nil {
				v = q.Param.Zero()
			}
		}
		if err := q.Validate(v); err != nil {
			return nil, err
		}
		out[q.Param.Name] = v
		state[q.Param.Name], _ = manifest.Convert(q.Param, v)
	}
	return out, nil
}

func TestPromptsFollowWhenAndDefaults(t *testing.T) {
	m := parse(t)
	p := &scripted{answers: map[string]any{"name": "pay-api", "database": "postgres"}}
	res, err := Resolve(context.Background(), m, Request{Set: []string{"owner=o"}, Prompter: p})
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"name", "port", "database", "db_name", "envs", "metrics", "token"}; !reflect.DeepEqual(p.asked, want) {
		t.Errorf("asked %v, want %v (owner given; db_name once database is postgres)", p.asked, want)
	}
	if p.seen["db_name"] != "pay_api" {
		t.Errorf("db_name default shown = %v, want pay_api from the name answered before", p.seen["db_name"])
	}
	if res.Answers["db_name"] != "pay_api" || res.Answers["port"] != 8080 {
		t.Errorf("answers %v", res.Answers)
	}
	if want := []string{"name", "port", "database", "db_name", "envs", "metrics", "token"}; !reflect.DeepEqual(res.Prompted, want) {
		t.Errorf("prompted %v", res.Prompted)
	}
}

func TestQuestionValidate(t *testing.T) {
	m := parse(t)
	q := &Question{Param: m.Param("name"), m: m}
	if err := q.Validate(""); !errors.Is(err, errRequired) {
		t.Errorf("empty required answer: %v", err)
	}
	if err := q.Validate("Bad"); err == nil {
		t.Error("pattern not applied at the prompt")
	}
	if err := q.Validate("good"); err != nil {
		t.Error(err)
	}
}

func TestParseValues(t *testing.T) {
	v, err := ParseValues([]byte(`{"name": "api", "port": 9000, "envs": ["dev", "prod"], "go": 1.20, "on": true, "zip": 010, "none": null}`), "v.json")
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"name": "api", "port": "9000", "envs": []any{"dev", "prod"}, "go": "1.20", "on": "true", "zip": "010", "none": nil}
	if !reflect.DeepEqual(v, want) {
		t.Errorf("got %#v\nwant %#v", v, want)
	}
	for _, tc := range []struct{ in, want string }{
		{"- a\n- b\n", "v.yaml:1: must be a mapping of parameter names to answers"},
		{"name: [\n", "v.yaml:1: not valid YAML: did not find expected node content"},
		{"x: 1\ndb:\n  host: x\n", `v.yaml:3: parameter "db": a mapping is not an answer; give a string, number, boolean or list`},
		{"envs: [[a]]\n", `v.yaml:1: parameter "envs": a list of answers holds strings only`},
	} {
		_, err := ParseValues([]byte(tc.in), "v.yaml")
		if err == nil || err.Error() != tc.want {
			t.Errorf("%q: got %v, want %s", tc.in, err, tc.want)
		}
	}
	// YAML reads a JSON key without a value as null; JSON does not, nor does idp in a .json file.
	if _, err := ParseValues([]byte("{\"owner\": \"t\",\n\"port\": }"), "v.json"); err == nil ||
		err.Error() != `v.json:2: parameter "port": not valid JSON: no value after the key; give one, or null for no answer` {
		t.Errorf("a key without a value: %v", err)
	}
	if v, err := ParseValues([]byte("port:\n"), "v.yaml"); err != nil || v["port"] != nil {
		t.Errorf("an empty YAML answer: %v %v", v, err)
	}
	if v, err := ParseValues(nil, "empty.yaml"); err != nil || len(v) != 0 {
		t.Errorf("empty file: %v %v", v, err)
	}
}

func TestOptionalWithoutDefault(t *testing.T) {
	m, err := manifest.Parse([]byte("apiVersion: idp/v1\nkind: Template\ntype: service\nparameters:\n  - name: tier\n    type: select\n    options: [bronze, gold]\n  - name: replicas\n    type: int\n    min: 1\n    required: true\n"), "template.yaml", "x")
	if err != nil {
		t.Fatal(err)
	}
	_, err = Resolve(context.Background(), m, Request{})
	if err == nil || err.Error() != "missing required parameter: replicas; pass it with --set KEY=VALUE or --values FILE, or run in a terminal to be asked" {
		t.Errorf("a required int with no answer: %v", err)
	}
	res, err := Resolve(context.Background(), m, Request{Set: []string{"replicas=2"}})
	if err != nil || res.Answers["tier"] != "bronze" {
		t.Errorf("an optional select with no default takes its first option: %v %v", res, err)
	}
}

func TestTemplateBugsNameTheLine(t *testing.T) {
	m, err := manifest.Parse([]byte("apiVersion: idp/v1\nkind: Template\ntype: service\nparameters:\n  - name: a\n    default: '{{ .mod }}'\ncomputed:\n  c: '{{ .zz }}'\n"), "template.yaml", "x")
	if err != nil {
		t.Fatal(err)
	}
	_, err = Resolve(context.Background(), m, Request{})
	var me *manifest.Error
	if !errors.As(err, &me) || err.Error() != `template.yaml:5: parameter "a" default: no parameter or computed value named "mod" (at <.mod>)` {
		t.Errorf("got %v", err)
	}
	_, err = Resolve(context.Background(), m, Request{Set: []string{"a=x"}})
	if err == nil || err.Error() != `template.yaml:8: computed c: no parameter or computed value named "zz" (at <.zz>)` {
		t.Errorf("got %v", err)
	}
}
