package source

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
)

// TestListing: idp templates list's table, the broken golden paths last with their errors on
// the log, its JSON, and a source none of whose golden paths can be used.
func TestListing(t *testing.T) {
	dir := writeFiles(t, map[string]string{
		"healthy/template.yaml": manifestOf + "service\ntitle: Healthy\nparameters:\n  - name: name\n",
		"healthy/skeleton/a":    "",
		"typo/template.yaml":    manifestOf + "service\nname: py-worker\nparameters:\n  - name: name\n    requird: true\n",
	})
	cat, err := OpenCatalog(context.Background(), dir, OpenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var out, log bytes.Buffer
	l, err := List(cat, true, &log)
	if err != nil {
		t.Fatal(err)
	}
	l.WriteText(&out)
	want := "NAME       TYPE     VERSION  TITLE                                 VERSIONS\n" +
		"healthy    service  -        Healthy                               \n" +
		"py-worker  service  -        (cannot be used; the error is below)  \n"
	if out.String() != want || l.Unusable() != nil {
		t.Errorf("table:\n%s\nwant:\n%s", out.String(), want)
	}
	if !strings.HasPrefix(log.String(), "idp: golden path py-worker cannot be used: ") || strings.Count(log.String(), "\n") != 1 {
		t.Errorf("log: %q", log.String())
	}
	data, _ := json.Marshal(l.JSON())
	if !strings.HasPrefix(string(data), `{"source":"`+dir+`","templates":[{"name":"healthy","type":"service","title":"Healthy","description":"","parameters":["name"]},{"name":"py-worker","type":"service","title":"","description":"","parameters":[],"error":`) {
		t.Errorf("JSON: %s", data)
	}
	if got := versionsCell([]string{"v4", "v3", "v2", "v1"}); got != "v4 v3 v2 (+1)" {
		t.Errorf("versions cell: %q", got)
	}

	broken := writeFiles(t, map[string]string{"typo/template.yaml": "::: ["})
	if cat, err = OpenCatalog(context.Background(), broken, OpenOptions{}); err != nil {
		t.Fatal(err)
	}
	if l, err := List(cat, false, &log); err != nil || l.Unusable() == nil || l.Unusable().Error() != "no golden path of "+broken+" can be used; tell its owners, or give --source another" {
		t.Errorf("all broken: %v", err)
	}
	if _, err := List(&Catalog{Src: cat.Src}, false, &log); err == nil || !strings.Contains(err.Error(), "holds no golden paths") {
		t.Errorf("empty: %v", err)
	}
}

// TestBases: the golden paths idp adopt offers leave out the add-ons.
func TestBases(t *testing.T) {
	dir := writeFiles(t, map[string]string{
		"svc/template.yaml":  manifestOf + "service\n",
		"svc/skeleton/a":     "",
		"docs/template.yaml": manifestOf + "addon\n",
		"docs/skeleton/b":    "",
		"lib/template.yaml":  manifestOf + "library\n",
		"lib/skeleton/c":     "",
	})
	cat, err := OpenCatalog(context.Background(), dir, OpenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(Names(Bases(cat.All)), " "); got != "lib svc" {
		t.Errorf("bases: %q", got)
	}
}
