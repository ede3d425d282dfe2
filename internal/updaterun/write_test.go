package updaterun

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

// botResult is a bot run on one service, shop, whose update changed app.yaml.
func botResult(t *testing.T, rep *bot.Report) *Result {
	rec := &provenance.File{}
	p := &update.Planned{Service: &update.Service{Dir: filepath.Join(t.TempDir(), "shop"), Record: rec}, Name: "svc"}
	res := &update.Result{From: "v1.0.0", To: "v1.1.0", Record: rec,
		Changes: []update.Change{{Path: "app.yaml", Action: update.Updated}}}
	return &Result{Mode: update.ModeBot, Layers: []Layer{{Name: "svc", Outcome: &update.Outcome{Planned: p, Result: res}, Report: rep}},
		deps: Deps{Update: update.Deps{Display: func(string) string { return "shop" }}}}
}

// TestWriteRacedPush: when another run pushed this same update first, the run says so, in text
// and in JSON (internal/bot's TestRaceWithAnotherRun makes the race on a real git server).
func TestWriteRacedPush(t *testing.T) {
	rep := &bot.Report{Branch: "idp/update-svc", Base: "main", Commit: "0123456789abcdef0123456789abcdef01234567", Push: "unchanged", Raced: true}
	r := botResult(t, rep)
	var out, log bytes.Buffer
	if err := r.Write(&out, &log, false); err != nil {
		t.Fatal(err)
	}
	want := "Committed the update of shop from svc v1.0.0 to v1.1.0 on idp/update-svc:\n" +
		"  updated   app.yaml\n" +
		"Another run pushed this same update to idp/update-svc (0123456) while this one worked; nothing pushed, nothing lost.\n"
	if out.String() != want || log.Len() > 0 {
		t.Errorf("text:\n%s\nwant:\n%s\nlog: %q", out.String(), want, log.String())
	}
	if err := r.Err(); err != nil {
		t.Errorf("Err: %v", err)
	}

	out.Reset()
	if err := r.Write(&out, &log, true); err != nil {
		t.Fatal(err)
	}
	var got Report
	if err := json.Unmarshal(out.Bytes(), &got); err != nil || got.Push == nil || got.Push.Push != "unchanged" || !got.Push.Raced || got.Service != "shop" {
		t.Errorf("json %+v (%v):\n%s", got, err, out.String())
	}
}

// TestWriteKeptBranch: a conflict on a branch the bot left alone (someone else's commits) is not
// the run's conflict to report.
func TestWriteKeptBranch(t *testing.T) {
	r := botResult(t, &bot.Report{Branch: "idp/update-svc", Base: "main", Push: "kept"})
	r.Layers[0].Outcome.Result.Conflicts = 1
	var out bytes.Buffer
	r.Write(&out, &out, false)
	if !strings.HasSuffix(out.String(), "Branch idp/update-svc has commits idp did not make, for this same update; left as it is.\n") {
		t.Errorf("text:\n%s", out.String())
	}
	if err := r.Err(); err != nil {
		t.Errorf("Err: %v", err)
	}
	r.Layers[0].Report.Push = "updated"
	r.Layers[0].Report.Commit = "0123456789"
	if left, ok := r.Err().(*Left); !ok || left.Status != Conflicts {
		t.Errorf("Err with conflicts pushed: %v", r.Err())
	}
}
