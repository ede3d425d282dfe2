package lint

import (
	"bytes"
	"context"
	"encoding/json"
	"testing"
)

// TestReportText: idp template lint's lines and counts, and its JSON's empty findings as a list.
func TestReportText(t *testing.T) {
	dir := golden(t, map[string]string{
		"template.yaml":      "apiVersion: idp/v1\nkind: Template\ntype: service\nparameters:\n  - name: name\n  - name: unused\n",
		"skeleton/README.md": "# {{ .name }} {{ .missing }}\n",
	})
	rep, err := Check(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	rep.WriteText(&b)
	want := ""
	for _, f := range rep.Findings {
		want += f.String() + "\n"
	}
	want += dir + ": 1 error, 1 warning.\n"
	if b.String() != want || rep.Errors != 1 || rep.Warnings != 1 || !rep.Fails() {
		t.Errorf("text:\n%s\nwant:\n%s", b.String(), want)
	}

	clean := golden(t, map[string]string{
		"template.yaml":      "apiVersion: idp/v1\nkind: Template\ntype: service\nparameters:\n  - name: name\n",
		"skeleton/README.md": "# {{ .name }}\n",
	})
	if rep, err = Check(context.Background(), clean); err != nil {
		t.Fatal(err)
	}
	b.Reset()
	rep.WriteText(&b)
	data, _ := json.Marshal(rep.JSON())
	if b.String() != clean+": no problems found.\n" || rep.Fails() || string(data) != `{"template":"`+clean+`","findings":[],"errors":0,"warnings":0}` {
		t.Errorf("clean: %s %s", b.String(), data)
	}
}
