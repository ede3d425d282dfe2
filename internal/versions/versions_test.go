package versions

import (
	"errors"
	"strings"
	"testing"
)

var tags = []Tag{
	{Name: "v1.0.0", Commit: "a"}, {Name: "v1.1.0", Commit: "b"}, {Name: "v1.2.0-rc.1", Commit: "c"},
	{Name: "v1.10.0", Commit: "d"}, {Name: "v2.0.0-beta", Commit: "e"}, {Name: "release-3", Commit: "f"},
	{Name: "v1.2", Commit: "g"}, // not strict semver: ignored
	{Name: "go-service/v0.1.0", Commit: "h"}, {Name: "go-service/v0.2.0", Commit: "i"},
	{Name: "other/v9.0.0", Commit: "j"},
}

func names(vs []Version) string {
	var out []string
	for _, v := range vs {
		out = append(out, v.Name)
	}
	return strings.Join(out, ",")
}

func TestForTemplate(t *testing.T) {
	if got := names(ForTemplate("python-worker", tags)); got != "v2.0.0-beta,v1.10.0,v1.2.0-rc.1,v1.1.0,v1.0.0" {
		t.Errorf("whole-source versions: %s", got)
	}
	if got := names(ForTemplate("go-service", tags)); got != "go-service/v0.2.0,go-service/v0.1.0" {
		t.Errorf("per-template tags win: %s", got)
	}
	if got := names(ForTemplate(".", tags)); got != "v2.0.0-beta,v1.10.0,v1.2.0-rc.1,v1.1.0,v1.0.0" {
		t.Errorf("source as golden path: %s", got)
	}
}

func TestPick(t *testing.T) {
	vs := ForTemplate("x", tags)
	for _, tc := range []struct {
		req  string
		pre  bool
		want string
	}{
		{"latest", false, "v1.10.0"},
		{"", false, "v1.10.0"},
		{"latest", true, "v2.0.0-beta"},
		{"v1.1.0", false, "v1.1.0"},
		{"1.1.0", false, "v1.1.0"},
		{"^1.1", false, "v1.10.0"},
		{"~1.1.0", false, "v1.1.0"},
		{">=1.0 <1.2", false, "v1.1.0"},
		{"v1.2.0-rc.1", false, "v1.2.0-rc.1"}, // asking for a pre-release by name is allowed
		{"^1.2.0-0", false, "v1.10.0"},
		{"<1.2.0", true, "v1.2.0-rc.1"},
	} {
		got, err := Pick(tc.req, vs, tc.pre)
		if err != nil || got.Name != tc.want {
			t.Errorf("Pick(%q, pre=%v) = %s, %v; want %s", tc.req, tc.pre, got.Name, err, tc.want)
		}
	}
	if got, _ := Pick("latest", ForTemplate("go-service", tags), false); got.Commit != "i" {
		t.Errorf("per-template latest commit %s", got.Commit)
	}
}

func TestPickErrors(t *testing.T) {
	vs := ForTemplate("x", tags)
	_, err := Pick("v9.9.9", vs, false)
	if want := "no version matches v9.9.9; versions: v2.0.0-beta, v1.10.0, v1.2.0-rc.1, v1.1.0, v1.0.0"; err == nil || err.Error() != want {
		t.Errorf("got %v, want %s", err, want)
	}
	_, err = Pick("^3", vs, false)
	var nf *NotFoundError
	if !errors.As(err, &nf) {
		t.Errorf("^3: %v", err)
	}
	if _, err := Pick("main", vs, false); !errors.Is(err, ErrNotAVersion) {
		t.Errorf("a branch name: %v", err)
	}
	if _, err := Pick("latest", nil, false); err == nil || err.Error() != "no version matches latest: the source has no vX.Y.Z tags" {
		t.Errorf("no tags: %v", err)
	}
	only := ForTemplate("x", []Tag{{Name: "v1.0.0-rc.1"}})
	if _, err := Pick("latest", only, false); err == nil {
		t.Error("latest picked a pre-release")
	}
}
