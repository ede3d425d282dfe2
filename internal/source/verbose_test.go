package source

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"testing"

	"github.com/idp-cli/idp/internal/testutil/gittest"

	"github.com/idp-cli/idp/internal/builtin"
)

// TestVerboseSaysWhatItDoes: with a debug logger (--verbose), opening a git source says where
// it is cached, that it clones and then finds the cache up to date, how many tags it read, and
// which version it picked for what was asked.
func TestVerboseSaysWhatItDoes(t *testing.T) {
	src := t.TempDir()
	gittest.Tagged(t, src, map[string]string{
		"svc/template.yaml":  "apiVersion: idp/v1\nkind: Template\ntype: service\nparameters:\n  - name: name\n",
		"svc/skeleton/a.txt": "a\n",
	}, "v1.0.0")
	var buf bytes.Buffer
	log := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	o := OpenOptions{CacheDir: t.TempDir(), Builtin: &builtin.History{}, Log: log}
	for i := 0; i < 2; i++ {
		c, err := OpenCatalog(context.Background(), "file://"+src, o)
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := c.At(c.All[0], "--version", "^1", false); err != nil {
			t.Fatal(err)
		}
	}
	for _, want := range []string{
		`msg="git source" url=file://` + src + ` cache=` + o.CacheDir + "/",
		`msg="not in the cache: cloning"`,
		`msg="read the tags" url=file://` + src + ` tags=1`,
		`msg="the cache is up to date with the remote's refs"`,
		`msg="version picked" "golden path"=svc asked="--version ^1" picked=v1.0.0`,
	} {
		if !strings.Contains(buf.String(), want) {
			t.Errorf("the log lacks %s:\n%s", want, buf.String())
		}
	}
}
