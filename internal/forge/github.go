package forge

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/google/go-github/v84/github"
)

type gitHub struct {
	c     *github.Client
	token bool
}

func newGitHub(o Options) (Provider, error) {
	host, err := baseURL("github", o.Host, "", "/api/v3")
	if err != nil {
		return nil, err
	}
	c := github.NewClient(o.HTTPClient).WithAuthToken(o.Token)
	switch host {
	case "", "https://github.com", "https://api.github.com":
	default:
		// GitHub Enterprise Server serves the API under /api/v3 on the web host.
		if c, err = c.WithEnterpriseURLs(host+"/api/v3/", host+"/api/uploads/"); err != nil {
			return nil, fmt.Errorf("github host %q: %w", host, err)
		}
	}
	return &gitHub{c: c, token: o.Token != ""}, nil
}

func (g *gitHub) Name() string { return "github" }

func (g *gitHub) Get(ctx context.Context, owner, name string) (*Created, error) {
	if err := checkNames("github", owner, name, false); err != nil {
		return nil, err
	}
	repo, _, err := g.c.Repositories.Get(ctx, owner, name)
	if err != nil {
		if githubStatus(err) == http.StatusNotFound {
			return nil, notFound("github", owner, name)
		}
		return nil, g.err(err, "get "+owner+"/"+name, "read "+owner+"/"+name)
	}
	c := githubCreated(repo)
	c.Existed = true
	return c, nil
}

func (g *gitHub) Create(ctx context.Context, r Repo) (*Created, error) {
	if err := checkNames("github", r.Owner, r.Name, false); err != nil {
		return nil, err
	}
	if !g.token {
		return nil, noToken("github")
	}
	user, _, err := g.c.Users.Get(ctx, "")
	if err != nil {
		return nil, g.err(err, "get the authenticated user", "read the authenticated user")
	}
	// POST /user/repos for the token's own account, POST /orgs/{org}/repos otherwise.
	org := r.Owner
	if strings.EqualFold(user.GetLogin(), r.Owner) {
		org = ""
	}
	// default_branch cannot be set here: GitHub ignores it for an empty repository.
	repo, _, err := g.c.Repositories.Create(ctx, org, &github.Repository{
		Name:        github.Ptr(r.Name),
		Description: github.Ptr(r.Description),
		Private:     github.Ptr(r.Private),
		AutoInit:    github.Ptr(false),
	})
	if err != nil {
		var e *github.ErrorResponse
		switch {
		case errors.As(err, &e) && e.Response.StatusCode == http.StatusUnprocessableEntity && alreadyExists(e):
			return nil, exists("github", r.Owner, r.Name)
		case org != "" && githubStatus(err) == http.StatusNotFound:
			return nil, &AuthError{Provider: "github", Status: http.StatusNotFound,
				Reason: fmt.Sprintf("organization %s not found, or the token cannot see it", org)}
		}
		return nil, g.err(err, "create "+r.Owner+"/"+r.Name, "create repositories in "+r.Owner)
	}
	return githubCreated(repo), nil
}

func (g *gitHub) SetDefaultBranch(ctx context.Context, owner, name, branch string) error {
	if err := checkNames("github", owner, name, false); err != nil {
		return err
	}
	if !g.token {
		return noToken("github")
	}
	cur, err := g.Get(ctx, owner, name)
	if err != nil {
		return err
	}
	if cur.DefaultBranch == branch {
		return nil
	}
	_, _, err = g.c.Repositories.Edit(ctx, owner, name, &github.Repository{DefaultBranch: github.Ptr(branch)})
	if err != nil {
		if githubStatus(err) == http.StatusUnprocessableEntity {
			return fmt.Errorf("github: set default branch of %s/%s to %s: %s; push the branch first", owner, name, branch, githubMessage(err))
		}
		return g.err(err, "set default branch of "+owner+"/"+name, "change the settings of "+owner+"/"+name)
	}
	return nil
}

// err turns a go-github error into an AuthError for 401 and 403, or adds context.
func (g *gitHub) err(err error, doing, permission string) error {
	switch s := githubStatus(err); s {
	case http.StatusUnauthorized, http.StatusForbidden:
		if !g.token {
			return noToken("github")
		}
		return refused("github", s, githubMessage(err), permission)
	}
	return fmt.Errorf("github: %s: %w", doing, err)
}

// alreadyExists recognises GitHub's 422 for a duplicate: errors[].message "name already
// exists on this account" for a repository, "A pull request already exists for owner:branch."
// for a pull request.
func alreadyExists(e *github.ErrorResponse) bool {
	for _, d := range e.Errors {
		if strings.Contains(d.Message, "already exists") {
			return true
		}
	}
	return false
}

func githubMessage(err error) string {
	var e *github.ErrorResponse
	if errors.As(err, &e) {
		return e.Message
	}
	return ""
}

func githubStatus(err error) int {
	var e *github.ErrorResponse
	if errors.As(err, &e) && e.Response != nil {
		return e.Response.StatusCode
	}
	return 0
}

func githubCreated(r *github.Repository) *Created {
	return &Created{
		CloneURL:      r.GetCloneURL(),
		WebURL:        r.GetHTMLURL(),
		DefaultBranch: r.GetDefaultBranch(),
		Private:       r.GetPrivate(),
	}
}

func (g *gitHub) PullRequests(ctx context.Context, owner, name, head string) ([]*PullRequest, error) {
	if err := checkNames("github", owner, name, false); err != nil {
		return nil, err
	}
	if err := checkHead("github", head); err != nil {
		return nil, err
	}
	// head=owner:branch selects branches of the repository itself: a fork's are user:branch.
	opt := &github.PullRequestListOptions{
		State: "all", Head: owner + ":" + head, Sort: "created", Direction: "desc",
		ListOptions: github.ListOptions{PerPage: 100},
	}
	var prs []*PullRequest
	for {
		page, resp, err := g.c.PullRequests.List(ctx, owner, name, opt)
		if err != nil {
			if githubStatus(err) == http.StatusNotFound {
				return nil, notFound("github", owner, name)
			}
			return nil, g.err(err, "list pull requests of "+owner+"/"+name, "read pull requests of "+owner+"/"+name)
		}
		for _, pr := range page {
			// Repository ids, unlike names, survive a rename; a deleted fork's head has none.
			h, b := pr.GetHead(), pr.GetBase()
			if h.GetRef() == head && h.GetRepo().GetID() != 0 && h.GetRepo().GetID() == b.GetRepo().GetID() {
				prs = append(prs, githubPR(pr))
			}
		}
		if resp.NextPage == 0 {
			return newestFirst(prs), nil
		}
		opt.Page = resp.NextPage
	}
}

func (g *gitHub) CreatePullRequest(ctx context.Context, owner, name string, in PullRequestInput) (*PullRequest, error) {
	if err := checkNames("github", owner, name, false); err != nil {
		return nil, err
	}
	if err := checkInput("github", in, true); err != nil {
		return nil, err
	}
	if !g.token {
		return nil, noToken("github")
	}
	pr, _, err := g.c.PullRequests.Create(ctx, owner, name, &github.NewPullRequest{
		Title: github.Ptr(in.Title),
		Head:  github.Ptr(in.Head),
		Base:  github.Ptr(in.Base),
		Body:  github.Ptr(in.Body),
		Draft: github.Ptr(in.Draft),
	})
	if err != nil {
		var e *github.ErrorResponse
		switch s := githubStatus(err); {
		case s == http.StatusNotFound:
			return nil, notFound("github", owner, name)
		case s == http.StatusUnprocessableEntity && errors.As(err, &e) && alreadyExists(e):
			// 422 with errors[].message "A pull request already exists for owner:branch."
			return nil, prExists("github", owner, name, in, githubDetails(e))
		case s == http.StatusUnprocessableEntity && errors.As(err, &e):
			return nil, fmt.Errorf("github: open a pull request from %s into %s in %s/%s: %s", in.Head, in.Base, owner, name, githubDetails(e))
		}
		return nil, g.err(err, "open a pull request in "+owner+"/"+name, "open pull requests in "+owner+"/"+name)
	}
	return githubPR(pr), nil
}

// UpdatePullRequest sets the title and body. GitHub's REST API cannot change a draft state
// (only GraphQL's markPullRequestReadyForReview and convertPullRequestToDraft can), so
// in.Draft is not sent: the pull request keeps its state, which the result reports.
func (g *gitHub) UpdatePullRequest(ctx context.Context, owner, name string, number int, in PullRequestInput) (*PullRequest, error) {
	if err := g.checkEdit(owner, name, number); err != nil {
		return nil, err
	}
	if err := checkInput("github", in, false); err != nil {
		return nil, err
	}
	return g.edit(ctx, owner, name, number, &github.PullRequest{Title: github.Ptr(in.Title), Body: github.Ptr(in.Body)}, "update")
}

func (g *gitHub) ClosePullRequest(ctx context.Context, owner, name string, number int) error {
	if err := g.checkEdit(owner, name, number); err != nil {
		return err
	}
	_, err := g.edit(ctx, owner, name, number, &github.PullRequest{State: github.Ptr("closed")}, "close")
	return err
}

func (g *gitHub) checkEdit(owner, name string, number int) error {
	if err := checkNames("github", owner, name, false); err != nil {
		return err
	}
	if err := checkNumber("github", number); err != nil {
		return err
	}
	if !g.token {
		return noToken("github")
	}
	return nil
}

// edit is PATCH /repos/{owner}/{repo}/pulls/{number}.
func (g *gitHub) edit(ctx context.Context, owner, name string, number int, pr *github.PullRequest, doing string) (*PullRequest, error) {
	got, _, err := g.c.PullRequests.Edit(ctx, owner, name, number, pr)
	if err != nil {
		var e *github.ErrorResponse
		switch s := githubStatus(err); {
		case s == http.StatusNotFound:
			return nil, prNotFound("github", owner, name, number)
		case s == http.StatusUnprocessableEntity && errors.As(err, &e):
			return nil, fmt.Errorf("github: %s pull request %d of %s/%s: %s", doing, number, owner, name, githubDetails(e))
		}
		return nil, g.err(err, fmt.Sprintf("%s pull request %d of %s/%s", doing, number, owner, name), "change pull requests of "+owner+"/"+name)
	}
	return githubPR(got), nil
}

func (g *gitHub) ListRepos(ctx context.Context, owner string) ([]*Listed, error) {
	if err := checkOwner("github", owner, false); err != nil {
		return nil, err
	}
	// GitHub has no one endpoint for "an owner's repositories": try the organization's, then
	// the user's. GET /users/{user}/repos lists public repositories only, even for the
	// token's own user.
	repos, err := githubPages(func(o github.ListOptions) ([]*github.Repository, *github.Response, error) {
		return g.c.Repositories.ListByOrg(ctx, owner, &github.RepositoryListByOrgOptions{ListOptions: o})
	})
	if githubStatus(err) == http.StatusNotFound {
		repos, err = githubPages(func(o github.ListOptions) ([]*github.Repository, *github.Response, error) {
			return g.c.Repositories.ListByUser(ctx, owner, &github.RepositoryListByUserOptions{ListOptions: o})
		})
		if githubStatus(err) == http.StatusNotFound {
			return nil, noOwner("github", owner)
		}
	}
	if err != nil {
		return nil, g.err(err, "list repositories of "+owner, "list repositories of "+owner)
	}
	listed := make([]*Listed, len(repos))
	for i, r := range repos {
		listed[i] = &Listed{
			Owner:         r.GetOwner().GetLogin(),
			Name:          r.GetName(),
			CloneURL:      r.GetCloneURL(),
			WebURL:        r.GetHTMLURL(),
			DefaultBranch: r.GetDefaultBranch(),
			Archived:      r.GetArchived(),
			Fork:          r.GetFork(),
			Topics:        topicsOf(r.Topics),
		}
	}
	return listed, nil
}

// githubPages calls list for every page, 100 repositories each, the most GitHub gives.
func githubPages(list func(github.ListOptions) ([]*github.Repository, *github.Response, error)) ([]*github.Repository, error) {
	var all []*github.Repository
	o := github.ListOptions{PerPage: 100}
	for {
		repos, resp, err := list(o)
		if err != nil {
			return nil, err
		}
		all = append(all, repos...)
		if resp.NextPage == 0 {
			return all, nil
		}
		o.Page = resp.NextPage
	}
}

// ReadFile reads through GET /repos/{owner}/{repo}/contents/{path}, which returns files up to
// 1 MB.
func (g *gitHub) ReadFile(ctx context.Context, owner, name, path, ref string) ([]byte, error) {
	if err := checkNames("github", owner, name, false); err != nil {
		return nil, err
	}
	path, err := checkPath("github", path)
	if err != nil {
		return nil, err
	}
	file, dir, _, err := g.c.Repositories.GetContents(ctx, owner, name, path, &github.RepositoryContentGetOptions{Ref: ref})
	if err != nil {
		// One 404 for a missing repository, branch or file.
		if githubStatus(err) == http.StatusNotFound {
			return nil, fileNotFound("github", owner, name, path, ref)
		}
		return nil, g.err(err, "read "+path+" of "+owner+"/"+name, "read "+owner+"/"+name)
	}
	if file == nil || dir != nil || file.GetType() != "file" {
		return nil, fmt.Errorf("github: %s/%s: %s is not a file", owner, name, path)
	}
	content, err := file.GetContent()
	if err != nil {
		return nil, fmt.Errorf("github: read %s of %s/%s: %w", path, owner, name, err)
	}
	return []byte(content), nil
}

// githubDetails is GitHub's message with the messages of its errors[], which say what failed
// validation: "Validation Failed: A pull request already exists for acme:fix."
func githubDetails(e *github.ErrorResponse) string {
	msgs := []string{e.Message}
	for _, d := range e.Errors {
		if d.Message != "" {
			msgs = append(msgs, d.Message)
		}
	}
	return strings.Join(msgs, ": ")
}

func githubPR(pr *github.PullRequest) *PullRequest {
	p := &PullRequest{
		Number: pr.GetNumber(),
		URL:    pr.GetHTMLURL(),
		Title:  pr.GetTitle(),
		Body:   pr.GetBody(),
		Head:   pr.GetHead().GetRef(),
		Base:   pr.GetBase().GetRef(),
		Draft:  pr.GetDraft(),
		Open:   pr.GetState() == "open",
		Merged: pr.MergedAt != nil,
	}
	p.Created = pr.GetCreatedAt().Time
	if p.Merged {
		p.Closed = pr.GetMergedAt().Time
	} else if !p.Open {
		p.Closed = pr.GetClosedAt().Time
	}
	return p
}
