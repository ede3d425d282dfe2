package update

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/idp-cli/idp/internal/merge"
)

// Name names the service in messages: its directory as d.Display gives it, or, when that is
// where idp runs, its own name from .idp.yaml (not "." nor a checkout's directory name).
func (d Deps) Name(svc *Service) string {
	if rel := d.display(svc.Dir); rel != "." {
		return rel
	}
	if name, ok := svc.Record.Recorded()["name"].(string); ok && name != "" {
		return name
	}
	return filepath.Base(svc.Dir)
}

// Diff is the update's changes as a unified diff (idp diff).
func (r *Result) Diff() string {
	var b strings.Builder
	for _, c := range r.Changes {
		old, new := "a/"+c.Path, "b/"+c.Path
		if c.From != "" {
			old = "a/" + c.From
		}
		before, after := "", ""
		if c.Before.Exists {
			before = string(c.Before.Data)
		} else {
			old = "/dev/null"
		}
		if c.After.Exists {
			after = string(c.After.Data)
		} else {
			new = "/dev/null"
		}
		if c.Before.Exists && c.After.Exists && c.Before.Mode != c.After.Mode {
			fmt.Fprintf(&b, "mode %s: %04o -> %04o\n", c.Path, c.Before.Mode.Perm(), c.After.Mode.Perm())
		}
		if before != after {
			b.WriteString(merge.Unified(old, new, c.Before.Data, c.After.Data))
		}
		if c.Extra != "" {
			b.WriteString(merge.Unified("/dev/null", "b/"+c.Extra, nil, c.ExtraData))
		}
	}
	return b.String()
}
