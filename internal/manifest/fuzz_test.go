package manifest

import (
	"errors"
	"strings"
	"testing"
)

// FuzzParse: any template.yaml is parsed or refused with errors that name the file; none panics,
// and a parsed manifest has the fields the rest of idp relies on.
func FuzzParse(f *testing.F) {
	f.Add([]byte("apiVersion: idp/v1\nkind: Template\ntype: service\nparameters:\n  - name: name\n    required: true\n    pattern: '^[a-z]+$'\n  - name: port\n    type: int\n    default: 8080\n    min: 1\n    max: 9\n"))
	f.Add([]byte("apiVersion: idp/v1\nkind: Template\ntype: service\nparameters:\n  - name: db\n    type: select\n    options: [a, b]\n  - name: n\n    when: '{{ eq .db \"a\" }}'\n    default: '{{ .db | upper }}'\ncomputed:\n  c: '{{ .n }}'\nfiles:\n  delimiters: ['[[', ']]']\n  suffix: .tmpl\n  exclude:\n    - paths: ['**/x']\n      when: '{{ true }}'\n"))
	f.Add([]byte("apiVersion: idp/v1\nkind: Template\ntype: service\nhooks:\n  - run: make\n    when: create\nmigrations:\n  - version: v1.0.0\n    run: x\n"))
	f.Add([]byte("a: &a [x]\nb: *a\n"))
	f.Add([]byte("parameters:\n  - name: x\n    default: {a: 1}\n    min: 1.5\n"))
	f.Add([]byte("- 1\n"))
	f.Add([]byte(""))
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := Parse(data, FileName, "dir")
		if err != nil {
			var e *Error
			var es Errors
			if !errors.As(err, &e) && !errors.As(err, &es) {
				t.Fatalf("%T is neither *Error nor Errors: %v", err, err)
			}
			for _, line := range strings.Split(err.Error(), "\n") {
				if !strings.HasPrefix(line, FileName) {
					t.Fatalf("error line does not name the file: %q", line)
				}
			}
			return
		}
		if m.APIVersion != APIVersion || m.Kind != "Template" || m.Type == "" || m.Name == "" {
			t.Fatalf("parsed without its required fields: %+v", m)
		}
		// Every expression parsed; evaluating them against zero values must not panic.
		data0 := map[string]any{}
		for i := range m.Parameters {
			data0[m.Parameters[i].Name] = m.Parameters[i].Zero()
		}
		for i := range m.Parameters {
			p := &m.Parameters[i]
			p.Asked(data0)
			if v, err := p.DefaultValue(data0); err == nil && v != nil {
				p.Check(v)
			}
		}
		for i := range m.Computed {
			m.Computed[i].Eval(data0)
		}
		for i := range m.Files.Exclude {
			m.Files.Exclude[i].Applies(data0)
		}
	})
}
