// Package shell runs the commands a golden path carries (hooks, migrations, test checks) with sh,
// in a directory, with a minimal environment: idp's credentials never reach a template's code.
package shell

import (
	"context"
	"io"
	"os"
	"os/exec"
)

// Passed are the variables a command gets from idp's environment besides PATH and HOME: where
// the go command and the tools built on it (staticcheck, golangci-lint) keep their caches and
// settings, and where temporary files go. Without them a golden path's checks and hooks would
// build with a cold cache under $HOME, not the one the user set, which costs minutes per run.
// They name directories and settings; none holds a credential.
var Passed = []string{
	"GOCACHE", "GOMODCACHE", "GOPATH", "GOROOT", "GOENV", "GOFLAGS", "GOTOOLCHAIN", "GOTMPDIR",
	"XDG_CACHE_HOME", "XDG_CONFIG_HOME", "TMPDIR",
}

// Run runs command with `sh -c` in dir. The environment is PATH and HOME from idp's own, those
// of Passed that are set, plus env; output and errors both go to w.
func Run(ctx context.Context, dir, command string, w io.Writer, env ...string) error {
	cmd := exec.CommandContext(ctx, "sh", "-c", command)
	cmd.Dir = dir
	cmd.Env = append([]string{"PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME")}, passed()...)
	cmd.Env = append(cmd.Env, env...)
	cmd.Stdout, cmd.Stderr = w, w
	return cmd.Run()
}

func passed() []string {
	var env []string
	for _, k := range Passed {
		if v, ok := os.LookupEnv(k); ok {
			env = append(env, k+"="+v)
		}
	}
	return env
}
