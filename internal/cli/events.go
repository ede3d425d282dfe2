package cli

import (
	"context"
	"errors"
	"time"

	"github.com/spf13/cobra"

	"github.com/idp-cli/idp/internal/prompt"
)

// recordEvent records the run of cmd, begun at start and ended with err, when the config asks
// for events and cmd makes or moves a service (a command under the root).
func recordEvent(f *Factory, ctx context.Context, cmd *cobra.Command, start time.Time, err error) {
	if cmd != nil && cmd.Parent() == cmd.Root() {
		f.RecordRun(ctx, cmd.Name(), start, eventOutcome(err))
	}
}

// eventOutcome is how a command ended, in a word.
func eventOutcome(err error) string {
	if errors.Is(err, context.Canceled) || errors.Is(err, prompt.ErrCancelled) {
		return "cancelled"
	}
	if word, ok := map[int]string{ExitOK: "ok", ExitConflicts: "conflicts", ExitNeedsInput: "needs-input", ExitUsage: "usage-error"}[exitCode(err)]; ok {
		return word
	}
	return "error"
}
