package buildinfo

import (
	"runtime"
	"runtime/debug"
	"strings"
	"testing"
)

func TestLine(t *testing.T) {
	for b, want := range map[Info]string{
		{Version: "v1.2.3"}:                                  "idp v1.2.3",
		{Version: "v1.2.3", Commit: "abc1234"}:               "idp v1.2.3 (commit abc1234)",
		{Version: "v1.2.3", Commit: "abc1234", Date: "2026"}: "idp v1.2.3 (commit abc1234, built 2026)",
	} {
		if got := b.Line(); got != want {
			t.Errorf("%+v: %q, want %q", b, got, want)
		}
	}
}

func TestPrint(t *testing.T) {
	var out strings.Builder
	b := Info{Version: "v1.2.3", Commit: "abc1234"}
	if err := b.WriteText(&out); err != nil || out.String() != "idp v1.2.3 (commit abc1234)\n" {
		t.Errorf("text %q, %v", out.String(), err)
	}
	if j := b.JSON().(map[string]string); j["version"] != "v1.2.3" || j["commit"] != "abc1234" || j["date"] != "" || j["go"] != runtime.Version() {
		t.Errorf("json %v", j)
	}
}

func TestFill(t *testing.T) {
	info := &debug.BuildInfo{Main: debug.Module{Path: "github.com/idp-cli/idp", Version: "(devel)"}, Settings: []debug.BuildSetting{
		{Key: "vcs", Value: "git"},
		{Key: "vcs.revision", Value: "0123456789abcdef0123456789abcdef01234567"},
		{Key: "vcs.time", Value: "2026-11-20T10:11:12Z"},
	}}
	if got, want := (Info{Version: "dev"}).Fill(info), (Info{Version: "dev", Commit: "0123456789abcdef0123456789abcdef01234567", Date: "2026-11-20T10:11:12Z"}); got != want {
		t.Errorf("from the build info: %+v, want %+v", got, want)
	}
	info.Main.Version = "v1.4.0"
	if got := (Info{Version: "dev"}).Fill(info); got.Version != "v1.4.0" {
		t.Errorf("go install @v1.4.0: version %q", got.Version)
	}
	ld := Info{Version: "v1.5.0", Commit: "feedbee", Date: "2026-12-01"}
	if got := ld.Fill(info); got != ld {
		t.Errorf("ldflags overridden: %+v", got)
	}
	if got := ld.Fill(nil); got != ld {
		t.Errorf("no build info: %+v", got)
	}
}
