package forge

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/google/go-github/v84/github"
)

// AddLabels lists the repository's labels (GET /repos/{owner}/{repo}/labels), creates the
// missing ones (POST /repos/{owner}/{repo}/labels) and adds them to the pull request's issue
// (POST /repos/{owner}/{repo}/issues/{number}/labels).
func (g *gitHub) AddLabels(ctx context.Context, owner, name string, number int, labels []string) error {
	if err := g.checkEdit(owner, name, number); err != nil {
		return err
	}
	if err := checkLabels("github", labels); err != nil {
		return err
	}
	if len(labels) == 0 {
		return nil
	}
	var have []string
	opt := &github.ListOptions{PerPage: 100}
	for {
		page, resp, err := g.c.Issues.ListLabels(ctx, owner, name, opt)
		if err != nil {
			if githubStatus(err) == http.StatusNotFound {
				return notFound("github", owner, name)
			}
			return g.err(err, "list labels of "+owner+"/"+name, "read labels of "+owner+"/"+name)
		}
		for _, l := range page {
			have = append(have, l.GetName())
		}
		if resp.NextPage == 0 {
			break
		}
		opt.Page = resp.NextPage
	}
	for _, l := range missingLabels(labels, have) {
		_, _, err := g.c.Issues.CreateLabel(ctx, owner, name, &github.Label{Name: github.Ptr(l), Color: github.Ptr(labelColor)})
		var e *github.ErrorResponse
		if err != nil && !(githubStatus(err) == http.StatusUnprocessableEntity && errors.As(err, &e) && alreadyExists(e)) {
			return g.err(err, "create label "+l+" in "+owner+"/"+name, "create labels in "+owner+"/"+name)
		}
	}
	if _, _, err := g.c.Issues.AddLabelsToIssue(ctx, owner, name, number, labels); err != nil {
		if githubStatus(err) == http.StatusNotFound {
			return prNotFound("github", owner, name, number)
		}
		return g.err(err, fmt.Sprintf("label pull request %d of %s/%s", number, owner, name), "change pull requests of "+owner+"/"+name)
	}
	return nil
}

// RequestReviewers is POST /repos/{owner}/{repo}/pulls/{number}/requested_reviewers for users
// and team slugs, and POST /repos/{owner}/{repo}/issues/{number}/assignees.
func (g *gitHub) RequestReviewers(ctx context.Context, owner, name string, number int, p People) error {
	if err := g.checkEdit(owner, name, number); err != nil {
		return err
	}
	if len(p.Reviewers)+len(p.Teams) > 0 {
		req := github.ReviewersRequest{Reviewers: p.Reviewers}
		for _, t := range p.Teams {
			req.TeamReviewers = append(req.TeamReviewers, teamSlug(t))
		}
		if _, _, err := g.c.PullRequests.RequestReviewers(ctx, owner, name, number, req); err != nil {
			var e *github.ErrorResponse
			switch s := githubStatus(err); {
			case s == http.StatusNotFound:
				return prNotFound("github", owner, name, number)
			case s == http.StatusUnprocessableEntity && errors.As(err, &e):
				// "Reviews may only be requested from collaborators", or from the author.
				return fmt.Errorf("github: request reviews on pull request %d of %s/%s from %s: %s", number, owner, name, strings.Join(append(p.Reviewers, p.Teams...), ", "), githubDetails(e))
			}
			return g.err(err, fmt.Sprintf("request reviews on pull request %d of %s/%s", number, owner, name), "change pull requests of "+owner+"/"+name)
		}
	}
	if len(p.Assignees) > 0 {
		if _, _, err := g.c.Issues.AddAssignees(ctx, owner, name, number, p.Assignees); err != nil {
			if githubStatus(err) == http.StatusNotFound {
				return prNotFound("github", owner, name, number)
			}
			return g.err(err, fmt.Sprintf("assign pull request %d of %s/%s", number, owner, name), "change pull requests of "+owner+"/"+name)
		}
	}
	return nil
}

// GitHub enables auto-merge only through GraphQL (enablePullRequestAutoMerge and
// disablePullRequestAutoMerge take the pull request's node id); its REST API reports it but
// cannot set it. go-github speaks REST, so these go through its client as plain requests to
// the GraphQL endpoint: /graphql next to the REST root on github.com, /api/graphql on GitHub
// Enterprise Server, whose REST root is /api/v3/ (the relative "../graphql" is both).
const (
	githubEnableAutoMerge  = `mutation($id: ID!) { enablePullRequestAutoMerge(input: {pullRequestId: $id}) { pullRequest { number } } }`
	githubDisableAutoMerge = `mutation($id: ID!) { disablePullRequestAutoMerge(input: {pullRequestId: $id}) { pullRequest { number } } }`
)

// EnableAutoMerge reads the pull request's node id (GET /repos/{owner}/{repo}/pulls/{number})
// and runs the enablePullRequestAutoMerge mutation, which merges with the repository's
// default method. The repository must allow auto-merge, which GitHub says in its error.
func (g *gitHub) EnableAutoMerge(ctx context.Context, owner, name string, number int) error {
	return g.autoMerge(ctx, owner, name, number, githubEnableAutoMerge, "enable auto-merge")
}

// DisableAutoMerge runs disablePullRequestAutoMerge when auto-merge is on.
func (g *gitHub) DisableAutoMerge(ctx context.Context, owner, name string, number int) error {
	return g.autoMerge(ctx, owner, name, number, githubDisableAutoMerge, "disable auto-merge")
}

func (g *gitHub) autoMerge(ctx context.Context, owner, name string, number int, mutation, doing string) error {
	if err := g.checkEdit(owner, name, number); err != nil {
		return err
	}
	pr, _, err := g.c.PullRequests.Get(ctx, owner, name, number)
	if err != nil {
		if githubStatus(err) == http.StatusNotFound {
			return prNotFound("github", owner, name, number)
		}
		return g.err(err, fmt.Sprintf("read pull request %d of %s/%s", number, owner, name), "read pull requests of "+owner+"/"+name)
	}
	on := pr.AutoMerge != nil
	if on == (mutation == githubEnableAutoMerge) {
		return nil // already as asked
	}
	if pr.GetNodeID() == "" {
		return fmt.Errorf("github: %s on pull request %d of %s/%s: the API gave no node id", doing, number, owner, name)
	}
	req, err := g.c.NewRequest(http.MethodPost, "../graphql", map[string]any{
		"query": mutation, "variables": map[string]any{"id": pr.GetNodeID()},
	})
	if err != nil {
		return err
	}
	// GraphQL answers 200 with errors[] for what REST would refuse with a 4xx.
	var out struct {
		Errors []struct {
			Type    string `json:"type"`
			Message string `json:"message"`
		} `json:"errors"`
	}
	if _, err := g.c.Do(ctx, req, &out); err != nil {
		return g.err(err, fmt.Sprintf("%s on pull request %d of %s/%s", doing, number, owner, name), "merge pull requests of "+owner+"/"+name)
	}
	if len(out.Errors) > 0 {
		var msgs []string
		for _, e := range out.Errors {
			msgs = append(msgs, e.Message)
		}
		return fmt.Errorf("github: %s on pull request %d of %s/%s: %s (auto-merge must be allowed in the repository's settings, and the base branch protected by a rule with a requirement)",
			doing, number, owner, name, strings.Join(msgs, "; "))
	}
	return nil
}
