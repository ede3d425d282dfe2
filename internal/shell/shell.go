// Package shell runs the commands a golden path carries (hooks, migrations, test checks) with sh,
// in a directory, with a minimal environment: idp's credentials never reach a template's code.
package shell

import (
	"context"
	"io"
	"os"
	"os/exec"
)

// Run runs command with `sh -c` in dir. The environment is PATH and HOME from idp's own, plus
// env; output and errors both go to w.
func Run(ctx context.Context, dir, command string, w io.Writer, env ...string) error {
	cmd := exec.CommandContext(ctx, "sh", "-c", command)
	cmd.Dir = dir
	cmd.Env = append([]string{"PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME")}, env...)
	cmd.Stdout, cmd.Stderr = w, w
	return cmd.Run()
}
