package updaterun

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/idp-cli/idp/internal/bot"
	"github.com/idp-cli/idp/internal/builtin"
	"github.com/idp-cli/idp/internal/gitrepo"
	"github.com/idp-cli/idp/internal/layer"
	"github.com/idp-cli/idp/internal/scaffold"
	"github.com/idp-cli/idp/internal/source"
	"github.com/idp-cli/idp/internal/testutil/gittest"
	"github.com/idp-cli/idp/internal/update"
)

const (
	svcManifest  = "apiVersion: idp/v1\nkind: Template\ntype: service\nparameters:\n  - name: name\n    required: true\n"
	docsManifest = "apiVersion: idp/v1\nkind: Template\ntype: addon\nparameters:\n  - name: name\n    required: true\n"
)

// app is the golden path's app.yaml with port.
func app(port string) string { return "name: {{ .name }}\nport: " + port + "\nprobe: /\nlog: info\n" }

// rig is a golden paths' source (svc, and the add-on docs) tagged v1.0.0, and the service shop
// made from it with idp's engines, committed in its own repository.
type rig struct {
	t        *testing.T
	src, svc string
	deps     Deps
	log      *bytes.Buffer
}

func newRig(t *testing.T) *rig {
	r := &rig{t: t, src: t.TempDir(), log: &bytes.Buffer{}}
	gittest.Tagged(t, r.src, map[string]string{
		"svc/template.yaml": svcManifest, "svc/skeleton/app.yaml": app("8080"),
		"docs/template.yaml": docsManifest, "docs/skeleton/docs/index.md": "# {{ .name }}\n",
	}, "v1.0.0")
	cache := t.TempDir()
	open := func(ctx context.Context, loc string) (*source.Catalog, error) {
		return source.OpenCatalog(ctx, loc, source.OpenOptions{CacheDir: cache, Builtin: &builtin.History{}})
	}
	shown := func(string) string { return "shop" }
	r.svc = filepath.Join(t.TempDir(), "shop")
	if _, err := scaffold.Run(context.Background(), scaffold.CreateDeps{
		OpenCatalog: open, Log: r.log, Display: shown, Author: gitrepo.DefaultAuthor, Now: time.Now,
	}, scaffold.CreateOptions{Source: r.src, Kind: "service", Template: "svc", Version: "latest", Name: "shop", OutputDir: r.svc}); err != nil {
		t.Fatal(err)
	}
	r.deps = Deps{Update: update.Deps{OpenCatalog: open, Log: r.log, Display: shown}}
	return r
}

// addDocs adds the docs add-on to the service, committed.
func (r *rig) addDocs() {
	if _, err := layer.Add(context.Background(), layer.Deps{
		OpenCatalog: r.deps.Update.OpenCatalog, Log: r.log, Author: gitrepo.DefaultAuthor, Now: time.Now,
	}, layer.AddOptions{Dir: r.svc, Template: "docs", Version: "latest"}); err != nil {
		r.t.Fatal(err)
	}
}

// release tags the source's files, changed by files, as tag.
func (r *rig) release(tag string, files map[string]string) {
	gittest.Write(r.t, r.src, files)
	gittest.Git(r.t, r.src, "add", "-A")
	gittest.Git(r.t, r.src, "commit", "-q", "-m", tag)
	gittest.Git(r.t, r.src, "tag", tag)
}

// run runs an update in mode and returns the result, its text and its JSON.
func (r *rig) run(mode update.Mode) (res *Result, text, doc string) {
	r.t.Helper()
	res, err := Run(context.Background(), r.deps, Options{Do: update.DoOptions{Dir: r.svc, To: "latest", Mode: mode}})
	if err != nil {
		r.t.Fatal(err)
	}
	var out, js bytes.Buffer
	if err := res.Write(&out, &out, false); err != nil {
		r.t.Fatal(err)
	}
	if err := res.Write(&js, &bytes.Buffer{}, true); err != nil {
		r.t.Fatal(err)
	}
	return res, out.String(), js.String()
}

// TestRunWritesAndSays: an update of a service without add-ons merges the golden path's change
// with the local one, says so with how to undo it, and leaves nothing for a person; with the
// same line changed on both sides it leaves a conflict, exit status 3's Left.
func TestRunWritesAndSays(t *testing.T) {
	r := newRig(t)
	gittest.Write(t, r.svc, map[string]string{"app.yaml": "name: shop\nport: 8080\nprobe: /\nlog: debug\n"})
	gittest.Git(t, r.svc, "commit", "-q", "-am", "local")
	r.release("v1.1.0", map[string]string{"svc/skeleton/app.yaml": app("9090")})

	res, text, _ := r.run(update.ModeDryRun)
	if want := "Would update shop from svc v1.0.0 to v1.1.0:\n  updated   app.yaml\n"; text != want || res.Layered {
		t.Errorf("dry run:\n%s\nwant:\n%s", text, want)
	}
	res, text, _ = r.run(update.ModeDiff)
	if !strings.HasPrefix(text, "--- a/app.yaml\n+++ b/app.yaml\n") || !strings.Contains(text, "-port: 8080\n+port: 9090\n") {
		t.Errorf("diff:\n%s", text)
	}
	res, err := Run(context.Background(), r.deps, Options{Do: update.DoOptions{Dir: r.svc, To: "latest", Mode: update.ModeWrite}})
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	res.Write(&out, &out, false)
	want := "Updated shop from svc v1.0.0 to v1.1.0:\n  updated   app.yaml\n\nReview with 'git diff', then commit.\nTo undo the update: (cd shop && git checkout HEAD -- . && git clean -fd .)\n"
	if out.String() != want || res.Err() != nil || res.Outcome() == nil {
		t.Errorf("write:\n%s\nwant:\n%s\nErr %v", out.String(), want, res.Err())
	}
	gittest.Git(t, r.svc, "commit", "-q", "-am", "update")

	gittest.Write(t, r.svc, map[string]string{"app.yaml": "name: shop\nport: 7070\nprobe: /\nlog: debug\n"})
	gittest.Git(t, r.svc, "commit", "-q", "-am", "our port")
	r.release("v1.2.0", map[string]string{"svc/skeleton/app.yaml": app("6060")})
	res, text, doc := r.run(update.ModeWrite)
	if !strings.HasSuffix(text, "\n1 file left in conflict: resolve it, then commit.\nTo undo the update: (cd shop && git checkout HEAD -- . && git clean -fd .)\n") {
		t.Errorf("conflict:\n%s", text)
	}
	var left *Left
	if !errors.As(res.Err(), &left) || left.Status != Conflicts || left.Msg != "" {
		t.Errorf("conflict: Err %v", res.Err())
	}
	var rep Report
	if err := json.Unmarshal([]byte(doc), &rep); err != nil || rep.Service != "shop" || rep.From != "v1.1.0" || rep.To != "v1.2.0" || rep.Conflicts != 1 {
		t.Errorf("json %+v %v:\n%s", rep, err, doc)
	}
}

// TestRunNeedsInput: a newer version that needs an answer only a person can give is not taken;
// the run prints nothing as text, the needsInput document as JSON, and leaves exit status 5's
// Left with the message.
func TestRunNeedsInput(t *testing.T) {
	r := newRig(t)
	r.release("v2.0.0", map[string]string{"svc/template.yaml": svcManifest + "  - name: team\n    title: Team\n    required: true\n"})
	res, text, doc := r.run(update.ModeWrite)
	if text != "" {
		t.Errorf("text: %q", text)
	}
	want := "{\n  \"from\": \"v1.0.0\",\n  \"held\": {\n    \"version\": \"v2.0.0\",\n    \"missing\": [\n      \"team\"\n    ]\n  },\n  \"service\": \"shop\",\n  \"status\": \"needsInput\",\n  \"template\": \"svc\",\n  \"to\": \"v1.0.0\"\n}\n"
	if doc != want {
		t.Errorf("json:\n%s\nwant:\n%s", doc, want)
	}
	var left *Left
	wantMsg := "shop is on svc v1.0.0; v2.0.0 needs team (Team), which only a person can answer: pass --set KEY=VALUE or --values FILE, add them under answers: in .idp.yaml, or run idp update in a terminal"
	if !errors.As(res.Err(), &left) || left.Status != NeedsInput || left.Msg != wantMsg {
		t.Errorf("Err %v", res.Err())
	}
}

// TestRunLayered: with an add-on every layer is updated in order, each said on its own, and once
// how to undo them; JSON gives one entry per layer.
func TestRunLayered(t *testing.T) {
	r := newRig(t)
	r.addDocs()
	r.release("v1.1.0", map[string]string{"svc/skeleton/app.yaml": app("9090"), "docs/skeleton/docs/index.md": "# {{ .name }}\n\nStart here.\n"})
	res, text, doc := r.run(update.ModeWrite)
	want := "Updated shop from svc v1.0.0 to v1.1.0:\n  updated   app.yaml\n" +
		"Updated shop from docs v1.0.0 to v1.1.0:\n  updated   docs/index.md\n" +
		"\nReview with 'git diff', then commit.\nTo undo the update: (cd shop && git checkout HEAD -- . && git clean -fd .)\n"
	if !res.Layered || text != want || res.Err() != nil || res.Outcome() != nil {
		t.Errorf("text:\n%s\nwant:\n%s\nErr %v", text, want, res.Err())
	}
	var l Layered
	if err := json.Unmarshal([]byte(doc), &l); err != nil || l.Service != "shop" || len(l.Layers) != 2 || l.Conflicts != 0 {
		t.Errorf("json %+v %v:\n%s", l, err, doc)
	}
}

// TestRunLayeredBotFailures: the bot goes on after a layer that fails and reports each; here
// both fail (the service has no origin to push to), so the run is left with exit status 1's
// message, and each layer's error is said on the log with its hint.
func TestRunLayeredBotFailures(t *testing.T) {
	r := newRig(t)
	r.addDocs()
	r.release("v1.1.0", map[string]string{"svc/skeleton/app.yaml": app("9090")})
	r.deps.Hint = func(err error) error { return errors.New(err.Error() + " (hint)") }
	res, err := Run(context.Background(), r.deps, Options{Do: update.DoOptions{Dir: r.svc, To: "latest", Mode: update.ModeBot}, Push: bot.PushOptions{Display: "shop"}})
	if err != nil {
		t.Fatal(err)
	}
	var out, log bytes.Buffer
	res.Write(&out, &log, false)
	if out.Len() > 0 {
		t.Errorf("stdout: %q", out.String())
	}
	wantLog := "idp: layer svc: shop has no remote named origin; --push pushes there (hint)\nidp: layer docs: shop has no remote named origin; --push pushes there (hint)\n"
	if log.String() != wantLog {
		t.Errorf("log:\n%s\nwant:\n%s", log.String(), wantLog)
	}
	var left *Left
	if !errors.As(res.Err(), &left) || left.Status != LayersFailed || left.Msg != "2 of 2 layers failed; the others were pushed as printed" {
		t.Errorf("Err %v", res.Err())
	}
	out.Reset()
	res.Write(&out, &log, true)
	want := `{
  "service": "",
  "dir": "",
  "layers": [
    {
      "template": "svc",
      "from": "v1.0.0",
      "to": "v1.1.0",
      "status": "failed",
      "error": "shop has no remote named origin; --push pushes there"
    },
    {
      "template": "docs",
      "from": "v1.0.0",
      "to": "v1.1.0",
      "status": "failed",
      "error": "shop has no remote named origin; --push pushes there"
    }
  ],
  "conflicts": 0
}
`
	if out.String() != want {
		t.Errorf("json:\n%s\nwant:\n%s", out.String(), want)
	}

	// One layer (--layer): its error is the run's.
	_, err = Run(context.Background(), r.deps, Options{Do: update.DoOptions{Dir: r.svc, Layer: "svc", To: "latest", Mode: update.ModeBot}, Push: bot.PushOptions{Display: "shop"}})
	if err == nil || err.Error() != "shop has no remote named origin; --push pushes there" {
		t.Errorf("one layer: %v", err)
	}
}
