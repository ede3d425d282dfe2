package source

import (
	"context"
	"reflect"
	"testing"

	"github.com/idp-cli/idp/internal/builtin"
	"github.com/idp-cli/idp/internal/testutil/gittest"
)

// TestCompletions: what a Tab offers from a catalog: the golden paths a command line names,
// their parameters and options for --set, and their versions newest first for --version.
func TestCompletions(t *testing.T) {
	src := t.TempDir()
	gittest.Tagged(t, src, map[string]string{
		"svc/template.yaml": "apiVersion: idp/v1\nkind: Template\ntype: service\nparameters:\n" +
			"  - name: name\n    title: The service's name\n  - name: tier\n    help: |\n      How critical it is.\n      More lines.\n    type: select\n    options: [gold, silver]\n",
		"svc/skeleton/a.txt": "a\n",
		"job/template.yaml":  "apiVersion: idp/v1\nkind: Template\ntype: job\nparameters:\n  - name: name\n  - name: tier\n    type: select\n    options: [silver, bronze]\n",
		"job/skeleton/a.txt": "a\n",
	}, "v1.0.0")
	gittest.Git(t, src, "commit", "-q", "--allow-empty", "-m", "two")
	gittest.Git(t, src, "tag", "v1.1.0")
	cat, err := OpenCatalog(context.Background(), "file://"+src, OpenOptions{CacheDir: t.TempDir(), Builtin: &builtin.History{}})
	if err != nil {
		t.Fatal(err)
	}
	if len(cat.Broken) > 0 {
		t.Fatalf("broken: %+v", cat.Broken)
	}
	names := func(all []*Template) (out []string) {
		for _, t := range all {
			out = append(out, t.Manifest.Name)
		}
		return out
	}
	for _, tc := range []struct {
		name, kind string
		want       []string
	}{{"svc", "", []string{"svc"}}, {"nope", "", nil}, {"", "job", []string{"job"}}, {"", "", []string{"job", "svc"}}} {
		if got := names(cat.Pick(tc.name, tc.kind)); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("Pick(%q, %q) = %v, want %v", tc.name, tc.kind, got, tc.want)
		}
	}

	for _, tc := range []struct {
		toComplete string
		want       []string
		values     bool
	}{
		{"", []string{"name=\t", "tier=\t"}, false},
		{"t", []string{"tier=\t"}, false},
		{"tier=", []string{"tier=silver", "tier=bronze", "tier=gold"}, true},
		{"name=", nil, true},
	} {
		got, values := ParamCompletions(tc.toComplete, cat.All)
		if !reflect.DeepEqual(got, tc.want) || values != tc.values {
			t.Errorf("ParamCompletions(%q) = %q, %v; want %q, %v", tc.toComplete, got, values, tc.want, tc.values)
		}
	}
	got, _ := ParamCompletions("", cat.Pick("svc", ""))
	if want := []string{"name=\tThe service's name", "tier=\tHow critical it is."}; !reflect.DeepEqual(got, want) {
		t.Errorf("with help: %q, want %q", got, want)
	}

	if got, want := cat.VersionCompletions(cat.All), []string{"latest", "v1.1.0", "v1.0.0"}; !reflect.DeepEqual(got, want) {
		t.Errorf("versions %q, want %q", got, want)
	}
	if got := (*Catalog)(nil).VersionCompletions(nil); !reflect.DeepEqual(got, []string{"latest"}) {
		t.Errorf("no catalog: %q", got)
	}
}
