package cli

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/idp-cli/idp/internal/bot"
	"github.com/idp-cli/idp/internal/provenance"
	"github.com/idp-cli/idp/internal/update"
)

// TestPrintRacedPush: when another run pushed this same update first, the run says so, in text
// and in JSON (internal/bot's TestRaceWithAnotherRun makes the race on a real git server).
func TestPrintRacedPush(t *testing.T) {
	rec := &provenance.File{}
	p := &update.Planned{Service: &update.Service{Dir: filepath.Join(t.TempDir(), "shop"), Record: rec}, Name: "svc"}
	res := &update.Result{From: "v1.0.0", To: "v1.1.0", Record: rec,
		Changes: []update.Change{{Path: "app.yaml", Action: update.Updated}}}
	rep := &bot.Report{Branch: "idp/update-svc", Base: "main", Commit: "0123456789abcdef0123456789abcdef01234567", Push: "unchanged", Raced: true}

	var out bytes.Buffer
	f := &Factory{IO: &IOStreams{Out: &out}, Config: &Config{}}
	if err := printPush(f, p, res, rep); err != nil {
		t.Fatal(err)
	}
	want := "Another run pushed this same update to idp/update-svc (0123456) while this one worked; nothing pushed, nothing lost.\n"
	if !strings.HasSuffix(out.String(), "\n"+want) {
		t.Errorf("text:\n%s\nwant it to end with:\n%s", out.String(), want)
	}

	out.Reset()
	f.Config.Output = "json"
	if err := printPush(f, p, res, rep); err != nil {
		t.Fatal(err)
	}
	var got struct {
		Push struct {
			Push  string `json:"push"`
			Raced bool   `json:"raced"`
		} `json:"push"`
	}
	if err := json.Unmarshal(out.Bytes(), &got); err != nil || got.Push.Push != "unchanged" || !got.Push.Raced {
		t.Errorf("json %+v (%v):\n%s", got, err, out.String())
	}
}
