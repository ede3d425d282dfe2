package scaffold

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/idp-cli/idp/internal/answers"
	"github.com/idp-cli/idp/internal/gitrepo"
	"github.com/idp-cli/idp/internal/manifest"
	"github.com/idp-cli/idp/internal/testutil/gittest"
)

// TestCreatedPrintsItself: idp new's text and JSON come from the Created that Run returns: the
// files it would write with --dry-run, the service and its next steps once pushed to a real
// bare repository.
func TestCreatedPrintsItself(t *testing.T) {
	src := goldenDir(t, "")
	var log bytes.Buffer
	out := filepath.Join(t.TempDir(), "shop")
	dry, err := Run(context.Background(), createDeps(&log), CreateOptions{Source: src, Kind: "service", Template: "a", Name: "shop", OutputDir: out, DryRun: true})
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := dry.WriteText(&b); err != nil {
		t.Fatal(err)
	}
	if want := "Would create " + out + " with 2 files:\n  app.txt\n  .idp.yaml\n"; b.String() != want {
		t.Errorf("dry run:\n%s\nwant:\n%s", b.String(), want)
	}
	if got := jsonOf(t, dry.JSON()); got != `{"dir":"`+out+`","dryRun":true,"files":[{"path":"app.txt","mode":"0644","size":5}],"template":{"source":"`+src+`","name":"a"}}` {
		t.Errorf("dry run JSON: %s", got)
	}

	remote := filepath.Join(t.TempDir(), "shop.git")
	gittest.Git(t, t.TempDir(), "init", "-q", "--bare", "-b", "main", remote)
	res, err := Run(context.Background(), createDeps(&log), CreateOptions{Source: src, Kind: "service", Template: "a", Name: "shop", OutputDir: out, Remote: "file://" + remote})
	if err != nil {
		t.Fatal(err)
	}
	b.Reset()
	res.WriteText(&b)
	want := "Created shop from a: 2 files, first commit " + res.Commit[:7] + " on main.\n\nPushed main to file://" + remote + ".\n\nNext steps:\n  cd shop\n"
	if b.String() != want {
		t.Errorf("made:\n%s\nwant:\n%s", b.String(), want)
	}
	if got := jsonOf(t, res.JSON()); !strings.Contains(got, `"branch":"main","commit":"`+res.Commit+`","dir":"`+out+`",`) || !strings.Contains(got, `"remote":"file://`+remote+`"`) {
		t.Errorf("made JSON: %s", got)
	}
}

// TestPushErrorSaysHowToRetry: a push that fails leaves the service made; the error ends with
// the command that pushes it, and the text stops before the next steps.
func TestPushErrorSaysHowToRetry(t *testing.T) {
	src := goldenDir(t, "")
	var log bytes.Buffer
	d := createDeps(&log)
	d.Push = func(ctx context.Context, dir, url string) error { return gitrepo.ErrNotEmpty }
	out := filepath.Join(t.TempDir(), "my shop")
	res, err := Run(context.Background(), d, CreateOptions{Source: src, Kind: "service", Template: "a", Name: "shop", OutputDir: out, Remote: "https://x:secret@git.example.com/shop.git"})
	var pe *PushError
	if !errors.As(err, &pe) || !errors.Is(err, gitrepo.ErrNotEmpty) {
		t.Fatalf("%v", err)
	}
	if want := gitrepo.ErrNotEmpty.Error() + "\nthe service is committed in my shop; to retry the push: cd 'my shop' && idp push --remote <URL of an empty repository>"; err.Error() != want {
		t.Errorf("error:\n%s\nwant:\n%s", err, want)
	}
	var b bytes.Buffer
	res.WriteText(&b)
	if want := "Created my shop from a: 2 files, first commit " + res.Commit[:7] + " on main.\n\n"; b.String() != want {
		t.Errorf("text:\n%q\nwant:\n%q", b.String(), want)
	}
	if strings.Contains(jsonOf(t, res.JSON()), "remote") {
		t.Errorf("JSON names a remote not pushed to: %s", jsonOf(t, res.JSON()))
	}
}

// TestReviewCommandLine: the review's command gives every answer as --set, the flags given as
// they were, a secret masked, the golden path chosen at a prompt as --template, and --no-input.
func TestReviewCommandLine(t *testing.T) {
	m := &manifest.Manifest{Name: "go-service", Parameters: []manifest.Parameter{{Name: "name"}, {Name: "token", Secret: true}}}
	o := CreateOptions{Kind: "service", Set: []string{"token=hunter2", "name=shop"}, DryRun: true,
		Flags: []Flag{{Name: "dry-run", Value: "true", Bool: true}, {Name: "private", Value: "false", Bool: true}, {Name: "set", Value: "[...]"}, {Name: "source", Value: "./golden paths"}}}
	r := review(o, m)
	want := "idp new service shop --template go-service --dry-run --private=false --source './golden paths' --set 'token=" + answers.Masked + "' --set owner=team-a --no-input"
	if got := r.Command([]string{"owner=team-a"}); got != want {
		t.Errorf("command:\n%s\nwant:\n%s", got, want)
	}
	if got := r.Confirm(map[string]any{"name": "shop"}); got != "Show the files for ."+string(filepath.Separator)+"shop? (--dry-run: nothing is written)" {
		t.Errorf("confirm: %s", got)
	}
}

func jsonOf(t *testing.T, v any) string {
	t.Helper()
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(b.String())
}
