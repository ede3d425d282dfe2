package main

import (
	"cmp"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/idp-cli/idp/internal/cli"
)

func TestMain(m *testing.M) {
	os.Exit(testscript.RunMain(m, map[string]func() int{
		// IDP_TEST_BUILD_VERSION plays an idp of another version (as -ldflags -X main.version
		// sets it), for a script that updates with a newer idp what an older one made.
		"idp": func() int {
			return cli.Main(cli.Build{Version: cmp.Or(os.Getenv("IDP_TEST_BUILD_VERSION"), "v0.0.0-test")}, os.Args[1:])
		},
	}))
}

// TestScripts runs the end-to-end scripts in testdata/script against the real idp binary
// (this test binary, run as idp) on real directories and git repositories.
func TestScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir: filepath.Join("..", "..", "testdata", "script"),
		Setup: func(env *testscript.Env) error {
			env.Setenv("HOME", filepath.Join(env.WorkDir, ".home"))
			env.Setenv("XDG_CONFIG_HOME", filepath.Join(env.WorkDir, ".config"))
			env.Setenv("IDP_GIT_AUTHOR_NAME", "Test Author")
			env.Setenv("IDP_GIT_AUTHOR_EMAIL", "author@example.com")
			env.Setenv("GIT_CONFIG_NOSYSTEM", "1")
			env.Setenv("CI", "")
			return nil
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			// idpexit CODE ARGS... runs idp and asserts its exact exit code; stdout and stderr
			// can be checked after it as after exec.
			"idpexit": func(ts *testscript.TestScript, neg bool, args []string) {
				if neg || len(args) < 1 {
					ts.Fatalf("usage: idpexit CODE [args...]")
				}
				want, err := strconv.Atoi(args[0])
				if err != nil {
					ts.Fatalf("idpexit: bad code %q", args[0])
				}
				got := 0
				if err := ts.Exec("idp", args[1:]...); err != nil {
					var ee *exec.ExitError
					if !errors.As(err, &ee) {
						ts.Fatalf("idp: %v", err)
					}
					got = ee.ExitCode()
				}
				if got != want {
					ts.Fatalf("idp exited %d, want %d", got, want)
				}
			},
		},
	})
}
