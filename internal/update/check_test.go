package update

import (
	"bytes"
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
)

func checkJSON(t *testing.T, r *CheckResult) map[string]any {
	t.Helper()
	b, err := json.Marshal(r.JSON())
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	return doc
}

// TestCheck: a service on v1.0.0 is behind the latest (v2.0.0, two versions on) and the newest
// ^1 (v1.1.0); on the version --to names it is current, unless an earlier update's conflict
// markers are still in its files.
func TestCheck(t *testing.T) {
	_, svc, d, _ := flowFixture(t)
	d.Display = func(string) string { return "shop" }
	ctx := context.Background()
	for _, c := range []struct{ to, text, status string }{
		{"latest", "shop is on svc v1.0.0; v2.0.0 is out (2 versions behind). Run 'idp update'.\n", "behind"},
		{"^1", "shop is on svc v1.0.0; v1.1.0 is out (1 version behind). Run 'idp update'.\n", "behind"},
		{"v1.0.0", "shop is on svc v1.0.0, the newest matching --to v1.0.0.\n", "current"},
	} {
		r, err := Check(ctx, d, CheckOptions{Dir: svc, To: c.to})
		if err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		r.WriteText(&b)
		doc := checkJSON(t, r)
		if b.String() != c.text || doc["status"] != c.status || doc["service"] != "shop" || r.Behind != (c.status == "behind") || r.Layered {
			t.Errorf("--to %s: %q, %v", c.to, b.String(), doc)
		}
	}

	put(t, svc, map[string]string{"app.txt": "one\n<<<<<<< shop\ntwo\n=======\nTWO\n>>>>>>> svc v1.1.0\n"})
	gitRun(t, svc, "commit", "-q", "-am", "left a conflict")
	r, err := Check(ctx, d, CheckOptions{Dir: svc, To: "v1.0.0"})
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	r.WriteText(&b)
	want := "shop is on svc v1.0.0, the newest matching --to v1.0.0, but has 1 file still in conflict from an update: app.txt (conflict markers); git diff --check or grep -rn '^<<<<<<<' finds the markers.\n"
	if doc := checkJSON(t, r); b.String() != want || doc["status"] != "conflicts" || len(r.Leftovers) != 1 {
		t.Errorf("leftovers: %q, %v", b.String(), doc)
	}
	r, _ = Check(ctx, d, CheckOptions{Dir: svc, To: "latest"})
	b.Reset()
	r.WriteText(&b)
	if !strings.HasSuffix(b.String(), "Run 'idp update'.\nshop also has 1 file still in conflict from an update: app.txt (conflict markers); git diff --check or grep -rn '^<<<<<<<' finds the markers.\n") {
		t.Errorf("behind with leftovers: %q", b.String())
	}
}

// TestCheckFailed: a directory without .idp.yaml is the check's error, and its JSON says so with
// the directory.
func TestCheckFailed(t *testing.T) {
	dir := t.TempDir()
	r, err := Check(context.Background(), Deps{}, CheckOptions{Dir: dir, To: "latest"})
	if err == nil || r == nil || r.Failed != err {
		t.Fatalf("%+v, %v", r, err)
	}
	var b bytes.Buffer
	r.WriteText(&b)
	doc := checkJSON(t, r)
	if b.Len() > 0 || doc["status"] != "error" || doc["service"] != dir || doc["dir"] != filepath.Clean(dir) || doc["error"] != err.Error() {
		t.Errorf("text %q, json %v", b.String(), doc)
	}
}
