package cli

import (
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/idp-cli/idp/internal/limit"
	"github.com/idp-cli/idp/internal/render"
)

// addRenderFlags adds the flags that bound a render, for commands that render a golden path. The
// defaults keep a hostile or broken golden path from filling memory or running for ever; the
// flags are for one that is meant to be large or slow. 0 lifts a bound. idpVersion is this
// idp's version, .idp.version in the skeleton.
func addRenderFlags(cmd *cobra.Command, o *render.Options, idpVersion string) {
	// Set explicitly rather than left at render's zero-means-default, so that help shows them.
	o.MaxFileSize, o.MaxTotalSize, o.Timeout = render.DefaultMaxFileSize, render.DefaultMaxTotalSize, render.DefaultTimeout
	o.IdpVersion = idpVersion
	fl := cmd.Flags()
	fl.Var((*limit.Size)(&o.MaxFileSize), "max-file-size", "the most one rendered file may hold; a golden path rendering more is refused (0: no limit)")
	fl.Var((*limit.Size)(&o.MaxTotalSize), "max-render-size", "the most the whole rendered service may hold, and apart from it the values its expressions build; a golden path rendering or building more is refused (0: no limit)")
	fl.Var((*limit.Duration)(&o.Timeout), "render-timeout", "the longest a render may take; a golden path rendering for longer is refused (0: no limit)")
}

// renderLimitHint names the flags that move a limit a render ran into.
func renderLimitHint(err error) error {
	switch {
	case errors.Is(err, render.ErrTooLarge):
		return fmt.Errorf("%w (--max-file-size and --max-render-size raise the limits, 0 lifts them)", err)
	case errors.Is(err, render.ErrTimeout):
		return fmt.Errorf("%w (--render-timeout raises the limit, 0 lifts it)", err)
	}
	return err
}
