package answers

import (
	"context"
	"errors"
	"reflect"
	"testing"

	"github.com/idp-cli/idp/internal/manifest"
)

// FuzzSet: any --set KEY=VALUE is taken or refused with an InvalidError or MissingError naming
// it; none panics, and a value that is taken has the parameter's Go type and passes its rules.
func FuzzSet(f *testing.F) {
	m, err := manifest.Parse([]byte(tmpl), "template.yaml", "svc")
	if err != nil {
		f.Fatal(err)
	}
	for _, s := range []string{"port=8080", "port= 1024 ", "port=0x10", "metrics=YES", "envs=dev,,prod", "envs=", "database=postgres",
		"name=ok-name", "db_name=x", "module=x", "=x", "nokey", "bogus=1", "port=99999999999999999999", "envs= dev , prod"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, kv string) {
		res, err := Resolve(context.Background(), m, Request{Set: []string{"name=svc", "owner=me", kv}})
		if err != nil {
			var ie *InvalidError
			var me *MissingError
			if !errors.As(err, &ie) && !errors.As(err, &me) {
				t.Fatalf("--set %q: %T: %v", kv, err, err)
			}
			return
		}
		for i := range m.Parameters {
			p := &m.Parameters[i]
			v, ok := res.Answers[p.Name]
			if !ok {
				continue
			}
			if reflect.TypeOf(v) != reflect.TypeOf(p.Zero()) {
				t.Fatalf("--set %q: %s = %#v, want a %T", kv, p.Name, v, p.Zero())
			}
			if err := p.Check(v); err != nil {
				t.Fatalf("--set %q: %s = %#v breaks its rule: %v", kv, p.Name, v, err)
			}
		}
	})
}

// FuzzParseValues: any values file (YAML or JSON) is read or refused with an InvalidError, and
// what is read holds only answers: strings, or lists of strings.
func FuzzParseValues(f *testing.F) {
	for _, s := range []string{"name: x\nport: 8080\n", `{"name": "x", "envs": ["dev", "prod"]}`, "a: ~\nb:\n", "- 1\n",
		"a: {b: 1}\n", "a: [[1]]\n", "a: &x 1\nb: *x\n", "a: [~]\n", "a: !!binary aGk=\n", "? [a]\n: 1\n", "a: 1\n---\nb: 2\n", ""} {
		f.Add([]byte(s))
	}
	m, err := manifest.Parse([]byte(tmpl), "template.yaml", "svc")
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		vals, err := ParseValues(data, "values.yaml")
		if err != nil {
			var ie *InvalidError
			if !errors.As(err, &ie) {
				t.Fatalf("%T: %v", err, err)
			}
			return
		}
		for k, v := range vals {
			switch x := v.(type) {
			case nil, string:
			case []any:
				for _, item := range x {
					if _, ok := item.(string); !ok {
						t.Fatalf("%s: list item %#v is not a string", k, item)
					}
				}
			default:
				t.Fatalf("%s = %#v: not an answer", k, v)
			}
		}
		// Whatever was read goes through Resolve without a panic.
		Resolve(context.Background(), m, Request{Values: vals, ValuesFile: "values.yaml", Set: []string{"name=svc", "owner=me"}})
	})
}
