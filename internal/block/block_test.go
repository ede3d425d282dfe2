package block

import (
	"errors"
	"regexp"
	"testing"
)

func TestInsertFindReplaceRemove(t *testing.T) {
	const file = "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: payments\n  annotations:\n    github.com/project-slug: acme/payments\nspec:\n  type: service\n"
	out, anchored, err := Insert([]byte(file), "catalog-info.yaml", "techdocs", []byte("    backstage.io/techdocs-ref: dir:."), regexp.MustCompile(`^  annotations:`))
	if err != nil || !anchored {
		t.Fatalf("Insert: %v %v", anchored, err)
	}
	want := "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: payments\n  annotations:\n" +
		"    # idp:begin techdocs\n    backstage.io/techdocs-ref: dir:.\n    # idp:end techdocs\n" +
		"    github.com/project-slug: acme/payments\nspec:\n  type: service\n"
	if string(out) != want {
		t.Fatalf("Insert:\n%s\nwant:\n%s", out, want)
	}
	f, err := Find(out, "catalog-info.yaml", "techdocs")
	if err != nil || f == nil {
		t.Fatalf("Find: %v %v", f, err)
	}
	if string(f.Content) != "    backstage.io/techdocs-ref: dir:.\n" || f.BeginLine != 6 {
		t.Errorf("Found %q at %d", f.Content, f.BeginLine)
	}
	if other, err := Find(out, "catalog-info.yaml", "argocd"); other != nil || err != nil {
		t.Errorf("another layer's block: %v %v", other, err)
	}
	rep := Replace(out, f, []byte("    backstage.io/techdocs-ref: dir:docs\n    x: y\n"))
	wantRep := "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: payments\n  annotations:\n" +
		"    # idp:begin techdocs\n    backstage.io/techdocs-ref: dir:docs\n    x: y\n    # idp:end techdocs\n" +
		"    github.com/project-slug: acme/payments\nspec:\n  type: service\n"
	if string(rep) != wantRep {
		t.Errorf("Replace:\n%s\nwant:\n%s", rep, wantRep)
	}
	if got := Remove(out, f); string(got) != file {
		t.Errorf("Remove:\n%s\nwant:\n%s", got, file)
	}
}

func TestInsertAtEndAndSyntaxes(t *testing.T) {
	for _, tc := range []struct{ path, in, want string }{
		{"mkdocs.yml", "site_name: x", "site_name: x\n# idp:begin l\na\n# idp:end l\n"},
		{"README.md", "# T\n", "# T\n<!-- idp:begin l -->\na\n<!-- idp:end l -->\n"},
		{"main.go", "package main\r\n", "package main\r\n// idp:begin l\r\na\r\n// idp:end l\r\n"},
		{"Dockerfile", "", "# idp:begin l\na\n# idp:end l\n"},
		{"schema.sql", "x\n", "x\n-- idp:begin l\na\n-- idp:end l\n"},
	} {
		out, anchored, err := Insert([]byte(tc.in), tc.path, "l", []byte("a\n"), nil)
		if err != nil || !anchored || string(out) != tc.want {
			t.Errorf("%s: %q %v %v, want %q", tc.path, out, anchored, err, tc.want)
		}
		f, err := Find(out, tc.path, "l")
		if err != nil || f == nil || string(f.Content) != string(Body(out, []byte("a"))) {
			t.Errorf("%s: Find %v %v", tc.path, f, err)
		}
	}
	out, anchored, err := Insert([]byte("a: 1\n"), "x.yaml", "l", []byte("b: 2\n"), regexp.MustCompile(`^nope`))
	if err != nil || anchored || string(out) != "a: 1\n# idp:begin l\nb: 2\n# idp:end l\n" {
		t.Errorf("no anchor: %q %v %v", out, anchored, err)
	}
	if _, err := SyntaxFor("package.json"); err == nil || err.Error() != "package.json is JSON, which has no comments, so idp cannot mark a managed block in it" {
		t.Errorf("JSON: %v", err)
	}
	if _, err := SyntaxFor("x.unknown"); err == nil {
		t.Error("unknown syntax accepted")
	}
}

func TestMarkerErrors(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"a\n# idp:begin l\nb\n", "x.yaml:2: idp:begin l has no idp:end after it"},
		{"# idp:end l\n", "x.yaml:1: idp:end l without an idp:begin before it"},
		{"# idp:begin l\n# idp:begin l\n# idp:end l\n", "x.yaml:2: a second idp:begin l"},
		{"# idp:begin l\n# idp:end l\n# idp:begin l\n# idp:end l\n", "x.yaml:3: idp:begin l again after its block"},
		{"# idp:begin l\n# idp:end l\n# idp:end l\n", "x.yaml:3: idp:end l without an idp:begin before it"},
	} {
		_, err := Find([]byte(tc.in), "x.yaml", "l")
		var me *MarkerError
		if !errors.As(err, &me) || err.Error() != tc.want+"; idp rewrites only what is between one idp:begin l and one idp:end l: put the markers right" {
			t.Errorf("%q: %v", tc.in, err)
		}
	}
	// An end marker on the last line without a newline still closes the block.
	f, err := Find([]byte("# idp:begin l\nx\n# idp:end l"), "x.yaml", "l")
	if err != nil || f == nil || string(f.Content) != "x\n" {
		t.Errorf("no final newline: %v %v", f, err)
	}
}
