package forge

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	gitlab "gitlab.com/gitlab-org/api/client-go"
)

// AddLabels is PUT /projects/:id/merge_requests/:iid with add_labels, which creates a project
// label for a name the project does not have.
func (g *gitLab) AddLabels(ctx context.Context, owner, name string, number int, labels []string) error {
	if err := g.checkEdit(owner, name, number); err != nil {
		return err
	}
	if err := checkLabels("gitlab", labels); err != nil {
		return err
	}
	if len(labels) == 0 {
		return nil
	}
	add := gitlab.LabelOptions(labels)
	_, err := g.edit(ctx, owner, name, number, &gitlab.UpdateMergeRequestOptions{AddLabels: &add}, "label")
	return err
}

// RequestReviewers looks each user up (GET /users?username=) and sets reviewer_ids and
// assignee_ids (PUT /projects/:id/merge_requests/:iid). GitLab's reviewers are users: teams
// are not asked.
func (g *gitLab) RequestReviewers(ctx context.Context, owner, name string, number int, p People) error {
	if err := g.checkEdit(owner, name, number); err != nil {
		return err
	}
	opt := &gitlab.UpdateMergeRequestOptions{}
	if len(p.Reviewers) > 0 {
		ids, err := g.userIDs(ctx, p.Reviewers)
		if err != nil {
			return err
		}
		opt.ReviewerIDs = &ids
	}
	if len(p.Assignees) > 0 {
		ids, err := g.userIDs(ctx, p.Assignees)
		if err != nil {
			return err
		}
		opt.AssigneeIDs = &ids
	}
	if opt.ReviewerIDs == nil && opt.AssigneeIDs == nil {
		return nil
	}
	_, err := g.edit(ctx, owner, name, number, opt, "set reviewers and assignees of")
	return err
}

// userIDs are the ids of users, by username.
func (g *gitLab) userIDs(ctx context.Context, users []string) ([]int64, error) {
	var ids []int64
	for _, u := range users {
		found, _, err := g.c.Users.ListUsers(&gitlab.ListUsersOptions{Username: gitlab.Ptr(u)}, gitlab.WithContext(ctx))
		if err != nil {
			return nil, g.err(err, "look up user "+u, "read users")
		}
		if len(found) == 0 {
			return nil, fmt.Errorf("gitlab: no user %s; reviewers and assignees are GitLab usernames", u)
		}
		ids = append(ids, found[0].ID)
	}
	return ids, nil
}

// EnableAutoMerge is PUT /projects/:id/merge_requests/:iid/merge with auto_merge (GitLab 17.11
// on) and merge_when_pipeline_succeeds (its name before): merge when the pipeline succeeds.
func (g *gitLab) EnableAutoMerge(ctx context.Context, owner, name string, number int) error {
	if err := g.checkEdit(owner, name, number); err != nil {
		return err
	}
	_, _, err := g.c.MergeRequests.AcceptMergeRequest(owner+"/"+name, int64(number), &gitlab.AcceptMergeRequestOptions{
		AutoMerge: gitlab.Ptr(true), MergeWhenPipelineSucceeds: gitlab.Ptr(true),
	}, gitlab.WithContext(ctx))
	if err != nil {
		switch {
		case errors.Is(err, gitlab.ErrNotFound):
			return prNotFound("gitlab", owner, name, number)
		case gitlab.HasStatusCode(err, http.StatusMethodNotAllowed), gitlab.HasStatusCode(err, http.StatusNotAcceptable),
			gitlab.HasStatusCode(err, http.StatusUnprocessableEntity), gitlab.HasStatusCode(err, http.StatusConflict):
			return fmt.Errorf("gitlab: merge merge request %d of %s/%s when its pipeline succeeds: %s", number, owner, name, gitlabMessage(err))
		}
		return g.err(err, fmt.Sprintf("merge merge request %d of %s/%s when its pipeline succeeds", number, owner, name), "merge merge requests of "+owner+"/"+name)
	}
	return nil
}

// DisableAutoMerge is POST /projects/:id/merge_requests/:iid/cancel_merge_when_pipeline_succeeds;
// GitLab answers 406 when there is nothing to cancel.
func (g *gitLab) DisableAutoMerge(ctx context.Context, owner, name string, number int) error {
	if err := g.checkEdit(owner, name, number); err != nil {
		return err
	}
	_, _, err := g.c.MergeRequests.CancelMergeWhenPipelineSucceeds(owner+"/"+name, int64(number), gitlab.WithContext(ctx))
	switch {
	case err == nil, gitlab.HasStatusCode(err, http.StatusNotAcceptable):
		return nil
	case errors.Is(err, gitlab.ErrNotFound):
		return prNotFound("gitlab", owner, name, number)
	}
	return g.err(err, fmt.Sprintf("cancel the merge of merge request %d of %s/%s", number, owner, name), "merge merge requests of "+owner+"/"+name)
}
