package forge

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	"code.gitea.io/sdk/gitea"
)

// checkManage validates a request about pull request number and returns a client for it.
func (g *giteaForge) checkManage(ctx context.Context, owner, name string, number int) (*gitea.Client, error) {
	if err := checkNames("gitea", owner, name, false); err != nil {
		return nil, err
	}
	if err := checkNumber("gitea", number); err != nil {
		return nil, err
	}
	if g.token == "" {
		return nil, noToken("gitea")
	}
	return g.client(ctx)
}

// AddLabels lists the repository's labels (GET /repos/{owner}/{repo}/labels), creates the
// missing ones (POST /repos/{owner}/{repo}/labels) and adds them by id to the pull request's
// issue (POST /repos/{owner}/{repo}/issues/{index}/labels).
func (g *giteaForge) AddLabels(ctx context.Context, owner, name string, number int, labels []string) error {
	c, err := g.checkManage(ctx, owner, name, number)
	if err != nil {
		return err
	}
	if err := checkLabels("gitea", labels); err != nil {
		return err
	}
	if len(labels) == 0 {
		return nil
	}
	ids := map[string]int64{}
	var have []string
	opt := gitea.ListLabelsOptions{ListOptions: gitea.ListOptions{Page: 1, PageSize: giteaPageSize}}
	for {
		page, resp, err := c.ListRepoLabels(owner, name, opt)
		if err != nil {
			if giteaStatus(resp) == http.StatusNotFound {
				return notFound("gitea", owner, name)
			}
			return g.err(resp, err, "list labels of "+owner+"/"+name, "read labels of "+owner+"/"+name)
		}
		for _, l := range page {
			ids[strings.ToLower(l.Name)] = l.ID
			have = append(have, l.Name)
		}
		if len(page) < opt.PageSize || resp == nil || resp.NextPage == 0 {
			break
		}
		opt.Page = resp.NextPage
	}
	for _, l := range missingLabels(labels, have) {
		made, resp, err := c.CreateLabel(owner, name, gitea.CreateLabelOption{Name: l, Color: "#" + labelColor})
		if err != nil {
			return g.err(resp, err, "create label "+l+" in "+owner+"/"+name, "create labels in "+owner+"/"+name)
		}
		ids[strings.ToLower(l)] = made.ID
	}
	var add []int64
	for _, l := range labels {
		add = append(add, ids[strings.ToLower(l)])
	}
	if _, resp, err := c.AddIssueLabels(owner, name, int64(number), gitea.IssueLabelsOption{Labels: add}); err != nil {
		if giteaStatus(resp) == http.StatusNotFound {
			return prNotFound("gitea", owner, name, number)
		}
		return g.err(resp, err, fmt.Sprintf("label pull request %d of %s/%s", number, owner, name), "change pull requests of "+owner+"/"+name)
	}
	return nil
}

// RequestReviewers is POST /repos/{owner}/{repo}/pulls/{index}/requested_reviewers for users
// and teams, and PATCH /repos/{owner}/{repo}/issues/{index} with assignees.
func (g *giteaForge) RequestReviewers(ctx context.Context, owner, name string, number int, p People) error {
	c, err := g.checkManage(ctx, owner, name, number)
	if err != nil {
		return err
	}
	if len(p.Reviewers)+len(p.Teams) > 0 {
		opt := gitea.PullReviewRequestOptions{Reviewers: p.Reviewers}
		for _, t := range p.Teams {
			opt.TeamReviewers = append(opt.TeamReviewers, teamSlug(t))
		}
		if resp, err := c.CreateReviewRequests(owner, name, int64(number), opt); err != nil {
			switch giteaStatus(resp) {
			case http.StatusNotFound:
				return prNotFound("gitea", owner, name, number)
			case http.StatusUnprocessableEntity:
				return fmt.Errorf("gitea: request reviews on pull request %d of %s/%s from %s: %v", number, owner, name, strings.Join(append(p.Reviewers, p.Teams...), ", "), err)
			}
			return g.err(resp, err, fmt.Sprintf("request reviews on pull request %d of %s/%s", number, owner, name), "change pull requests of "+owner+"/"+name)
		}
	}
	if len(p.Assignees) > 0 {
		if _, resp, err := c.EditIssue(owner, name, int64(number), gitea.EditIssueOption{Assignees: p.Assignees}); err != nil {
			switch giteaStatus(resp) {
			case http.StatusNotFound:
				return prNotFound("gitea", owner, name, number)
			case http.StatusUnprocessableEntity:
				return fmt.Errorf("gitea: assign pull request %d of %s/%s to %s: %v", number, owner, name, strings.Join(p.Assignees, ", "), err)
			}
			return g.err(resp, err, fmt.Sprintf("assign pull request %d of %s/%s", number, owner, name), "change pull requests of "+owner+"/"+name)
		}
	}
	return nil
}

// EnableAutoMerge schedules the merge for when the checks succeed: POST
// /repos/{owner}/{repo}/pulls/{index}/merge with merge_when_checks_succeed.
func (g *giteaForge) EnableAutoMerge(ctx context.Context, owner, name string, number int) error {
	c, err := g.checkManage(ctx, owner, name, number)
	if err != nil {
		return err
	}
	_, resp, err := c.MergePullRequest(owner, name, int64(number), gitea.MergePullRequestOption{Style: gitea.MergeStyleMerge, MergeWhenChecksSucceed: true})
	if err != nil {
		switch giteaStatus(resp) {
		case http.StatusNotFound:
			return prNotFound("gitea", owner, name, number)
		case http.StatusMethodNotAllowed, http.StatusConflict, http.StatusUnprocessableEntity:
			return fmt.Errorf("gitea: schedule the merge of pull request %d of %s/%s: %v", number, owner, name, err)
		}
		return g.err(resp, err, fmt.Sprintf("schedule the merge of pull request %d of %s/%s", number, owner, name), "merge pull requests of "+owner+"/"+name)
	}
	return nil
}

// DisableAutoMerge is DELETE /repos/{owner}/{repo}/pulls/{index}/merge, which cancels a
// scheduled merge; Gitea answers 404 when none is scheduled.
func (g *giteaForge) DisableAutoMerge(ctx context.Context, owner, name string, number int) error {
	c, err := g.checkManage(ctx, owner, name, number)
	if err != nil {
		return err
	}
	resp, err := c.CancelScheduledAutoMerge(owner, name, int64(number))
	if err != nil && giteaStatus(resp) != http.StatusNotFound {
		return g.err(resp, err, fmt.Sprintf("cancel the scheduled merge of pull request %d of %s/%s", number, owner, name), "merge pull requests of "+owner+"/"+name)
	}
	return nil
}
