package bot

import (
	"context"
	"fmt"

	"github.com/idp-cli/idp/internal/forge"
)

// manage sets the labels, reviewers, assignees and auto-merge of the pull request the run
// opened or updated, and says so in rep. Auto-merge is asked for only when the update has no
// conflicts: a pull request with conflict markers must never merge itself. When an update
// brings conflicts to a pull request the bot asked to merge itself, that is cancelled, as
// GitHub's pull request stays ready (its REST API cannot make it a draft again).
func manage(ctx context.Context, o Options, rep *PRReport) error {
	if len(o.Labels) == 0 && o.People.Empty() && !o.AutoMerge {
		return nil
	}
	f := o.Forge
	m, ok := f.API.(forge.Manager)
	if !ok {
		return fmt.Errorf("pull request %d: this forge's API cannot set labels, reviewers or auto-merge", rep.Number)
	}
	if len(o.Labels) > 0 {
		if err := m.AddLabels(ctx, f.Owner, f.Name, rep.Number, o.Labels); err != nil {
			return err
		}
		rep.Labels = o.Labels
	}
	if !o.People.Empty() {
		if err := m.RequestReviewers(ctx, f.Owner, f.Name, rep.Number, o.People); err != nil {
			return err
		}
		rep.Reviewers, rep.TeamReviewers, rep.Assignees = o.People.Reviewers, o.People.Teams, o.People.Assignees
	}
	switch {
	case !o.AutoMerge:
	case len(o.Conflicts) == 0:
		if err := m.EnableAutoMerge(ctx, f.Owner, f.Name, rep.Number); err != nil {
			return err
		}
		rep.AutoMerge = true
	case rep.Action == "updated":
		if err := m.DisableAutoMerge(ctx, f.Owner, f.Name, rep.Number); err != nil {
			return err
		}
	}
	return nil
}
