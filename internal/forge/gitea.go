package forge

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"code.gitea.io/sdk/gitea"
)

type giteaForge struct {
	url   string
	token string
	hc    *http.Client
}

func newGitea(o Options) (Provider, error) {
	host, err := baseURL("gitea", o.Host, "https://gitea.com", "/api/v1")
	if err != nil {
		return nil, err
	}
	return &giteaForge{url: host, token: o.Token, hc: o.HTTPClient}, nil
}

// client returns an SDK client bound to ctx. The SDK keeps the context on the client rather
// than taking it per call, so each call gets its own; clients are cheap because
// SetGiteaVersion("") stops the SDK asking the server for its version (GET /api/v1/version)
// and makes it assume a current Gitea.
func (g *giteaForge) client(ctx context.Context) (*gitea.Client, error) {
	opts := []gitea.ClientOption{gitea.SetHTTPClient(g.hc), gitea.SetContext(ctx), gitea.SetGiteaVersion("")}
	if g.token != "" {
		opts = append(opts, gitea.SetToken(g.token))
	}
	c, err := gitea.NewClient(g.url, opts...)
	if err != nil {
		return nil, fmt.Errorf("gitea host %s: %w", g.url, err)
	}
	return c, nil
}

func (g *giteaForge) Name() string { return "gitea" }

func (g *giteaForge) Get(ctx context.Context, owner, name string) (*Created, error) {
	if err := checkNames("gitea", owner, name, false); err != nil {
		return nil, err
	}
	c, err := g.client(ctx)
	if err != nil {
		return nil, err
	}
	repo, resp, err := c.GetRepo(owner, name)
	if err != nil {
		if giteaStatus(resp) == http.StatusNotFound {
			return nil, notFound("gitea", owner, name)
		}
		return nil, g.err(resp, err, "get "+owner+"/"+name, "read "+owner+"/"+name)
	}
	created := giteaCreated(repo)
	created.Existed = true
	return created, nil
}

func (g *giteaForge) Create(ctx context.Context, r Repo) (*Created, error) {
	if err := checkNames("gitea", r.Owner, r.Name, false); err != nil {
		return nil, err
	}
	if g.token == "" {
		return nil, noToken("gitea")
	}
	c, err := g.client(ctx)
	if err != nil {
		return nil, err
	}
	user, resp, err := c.GetMyUserInfo()
	if err != nil {
		return nil, g.err(resp, err, "get the authenticated user", "read the authenticated user")
	}
	opt := gitea.CreateRepoOption{
		Name:          r.Name,
		Description:   r.Description,
		Private:       r.Private,
		AutoInit:      false,
		DefaultBranch: r.DefaultBranch,
	}
	// POST /user/repos for the token's own account, POST /orgs/{org}/repos otherwise.
	var repo *gitea.Repository
	org := !strings.EqualFold(user.UserName, r.Owner)
	if org {
		repo, resp, err = c.CreateOrgRepo(r.Owner, opt)
	} else {
		repo, resp, err = c.CreateRepo(opt)
	}
	if err != nil {
		switch s := giteaStatus(resp); {
		case s == http.StatusConflict:
			return nil, exists("gitea", r.Owner, r.Name)
		case org && (s == http.StatusNotFound || s == http.StatusUnprocessableEntity && strings.Contains(err.Error(), "org does not exist")):
			// Older Gitea answers 422 "org does not exist", newer 404.
			return nil, &AuthError{Provider: "gitea", Status: http.StatusNotFound,
				Reason: fmt.Sprintf("organization %s not found, or the token cannot see it", r.Owner)}
		}
		return nil, g.err(resp, err, "create "+r.Owner+"/"+r.Name, "create repositories in "+r.Owner)
	}
	return giteaCreated(repo), nil
}

func (g *giteaForge) SetDefaultBranch(ctx context.Context, owner, name, branch string) error {
	if err := checkNames("gitea", owner, name, false); err != nil {
		return err
	}
	if g.token == "" {
		return noToken("gitea")
	}
	cur, err := g.Get(ctx, owner, name)
	if err != nil {
		return err
	}
	if cur.DefaultBranch == branch {
		return nil
	}
	c, err := g.client(ctx)
	if err != nil {
		return err
	}
	_, resp, err := c.EditRepo(owner, name, gitea.EditRepoOption{DefaultBranch: &branch})
	if err != nil {
		if giteaStatus(resp) == http.StatusUnprocessableEntity {
			return fmt.Errorf("gitea: set default branch of %s/%s to %s: %v; push the branch first", owner, name, branch, err)
		}
		return g.err(resp, err, "set default branch of "+owner+"/"+name, "change the settings of "+owner+"/"+name)
	}
	return nil
}

// err turns an SDK error into an AuthError for 401 and 403, or adds context. The SDK's error
// is the message from the response body, so the status comes from resp.
func (g *giteaForge) err(resp *gitea.Response, err error, doing, permission string) error {
	switch s := giteaStatus(resp); s {
	case http.StatusUnauthorized, http.StatusForbidden:
		if g.token == "" {
			return noToken("gitea")
		}
		msg := err.Error()
		if strings.HasPrefix(msg, "unknown API error") {
			// A bare status without a body, as Gitea refuses a pull request edit; the SDK's
			// message would only repeat the request.
			msg = ""
		}
		return refused("gitea", s, msg, permission)
	}
	return fmt.Errorf("gitea: %s: %w", doing, err)
}

func giteaStatus(resp *gitea.Response) int {
	if resp == nil || resp.Response == nil {
		return 0
	}
	return resp.StatusCode
}

func giteaCreated(r *gitea.Repository) *Created {
	return &Created{
		CloneURL:      r.CloneURL,
		WebURL:        r.HTMLURL,
		DefaultBranch: r.DefaultBranch,
		Private:       r.Private,
	}
}

// PullRequests lists the repository's pull requests, all of them: Gitea's list has no filter
// by head branch, so it is applied here.
func (g *giteaForge) PullRequests(ctx context.Context, owner, name, head string) ([]*PullRequest, error) {
	if err := checkNames("gitea", owner, name, false); err != nil {
		return nil, err
	}
	if err := checkHead("gitea", head); err != nil {
		return nil, err
	}
	c, err := g.client(ctx)
	if err != nil {
		return nil, err
	}
	var prs []*PullRequest
	opt := gitea.ListPullRequestsOptions{ListOptions: gitea.ListOptions{Page: 1, PageSize: giteaPageSize}, State: gitea.StateAll}
	for {
		page, resp, err := c.ListRepoPullRequests(owner, name, opt)
		if err != nil {
			if giteaStatus(resp) == http.StatusNotFound {
				return nil, notFound("gitea", owner, name)
			}
			return nil, g.err(resp, err, "list pull requests of "+owner+"/"+name, "read pull requests of "+owner+"/"+name)
		}
		for _, pr := range page {
			// A fork's branch has another head repository.
			if pr.Head != nil && pr.Base != nil && pr.Head.Ref == head && pr.Head.RepoID == pr.Base.RepoID {
				prs = append(prs, giteaPR(pr))
			}
		}
		if resp.NextPage == 0 {
			return newestFirst(prs), nil
		}
		opt.Page = resp.NextPage
	}
}

// giteaPageSize is Gitea's default MAX_RESPONSE_ITEMS: a server gives no more per page.
const giteaPageSize = 50

// CreatePullRequest opens a pull request; a draft gets the title prefix "WIP: ", the first of
// Gitea's default WORK_IN_PROGRESS_PREFIXES.
func (g *giteaForge) CreatePullRequest(ctx context.Context, owner, name string, in PullRequestInput) (*PullRequest, error) {
	if err := checkNames("gitea", owner, name, false); err != nil {
		return nil, err
	}
	if err := checkInput("gitea", in, true); err != nil {
		return nil, err
	}
	if g.token == "" {
		return nil, noToken("gitea")
	}
	c, err := g.client(ctx)
	if err != nil {
		return nil, err
	}
	pr, resp, err := c.CreatePullRequest(owner, name, gitea.CreatePullRequestOption{
		Head:  in.Head,
		Base:  in.Base,
		Title: draftTitle(in, giteaDraft),
		Body:  in.Body,
	})
	if err != nil {
		switch giteaStatus(resp) {
		case http.StatusNotFound:
			return nil, notFound("gitea", owner, name)
		case http.StatusConflict:
			// "pull request already exists for these targets [id: 1, issue_id: 3, ...]"
			return nil, prExists("gitea", owner, name, in, err.Error())
		case http.StatusUnprocessableEntity:
			return nil, fmt.Errorf("gitea: open a pull request from %s into %s in %s/%s: %v", in.Head, in.Base, owner, name, err)
		}
		return nil, g.err(resp, err, "open a pull request in "+owner+"/"+name, "open pull requests in "+owner+"/"+name)
	}
	return giteaPR(pr), nil
}

// UpdatePullRequest sets the title, with the prefix "WIP: " for a draft, and the body.
func (g *giteaForge) UpdatePullRequest(ctx context.Context, owner, name string, number int, in PullRequestInput) (*PullRequest, error) {
	if err := checkInput("gitea", in, false); err != nil {
		return nil, err
	}
	return g.edit(ctx, owner, name, number, gitea.EditPullRequestOption{Title: draftTitle(in, giteaDraft), Body: &in.Body}, "update")
}

func (g *giteaForge) ClosePullRequest(ctx context.Context, owner, name string, number int) error {
	closed := gitea.StateClosed
	_, err := g.edit(ctx, owner, name, number, gitea.EditPullRequestOption{State: &closed}, "close")
	return err
}

// edit is PATCH /repos/{owner}/{repo}/pulls/{index}.
func (g *giteaForge) edit(ctx context.Context, owner, name string, number int, opt gitea.EditPullRequestOption, doing string) (*PullRequest, error) {
	if err := checkNames("gitea", owner, name, false); err != nil {
		return nil, err
	}
	if err := checkNumber("gitea", number); err != nil {
		return nil, err
	}
	if g.token == "" {
		return nil, noToken("gitea")
	}
	c, err := g.client(ctx)
	if err != nil {
		return nil, err
	}
	pr, resp, err := c.EditPullRequest(owner, name, int64(number), opt)
	if err != nil {
		switch giteaStatus(resp) {
		case http.StatusNotFound:
			return nil, prNotFound("gitea", owner, name, number)
		case http.StatusConflict, http.StatusPreconditionFailed, http.StatusUnprocessableEntity:
			return nil, fmt.Errorf("gitea: %s pull request %d of %s/%s: %v", doing, number, owner, name, err)
		}
		return nil, g.err(resp, err, fmt.Sprintf("%s pull request %d of %s/%s", doing, number, owner, name), "change pull requests of "+owner+"/"+name)
	}
	return giteaPR(pr), nil
}

func (g *giteaForge) ListRepos(ctx context.Context, owner string) ([]*Listed, error) {
	if err := checkOwner("gitea", owner, false); err != nil {
		return nil, err
	}
	c, err := g.client(ctx)
	if err != nil {
		return nil, err
	}
	repos, resp, err := giteaPages(func(o gitea.ListOptions) ([]*gitea.Repository, *gitea.Response, error) {
		return c.ListOrgRepos(owner, gitea.ListOrgReposOptions{ListOptions: o})
	})
	if giteaStatus(resp) == http.StatusNotFound {
		repos, resp, err = giteaPages(func(o gitea.ListOptions) ([]*gitea.Repository, *gitea.Response, error) {
			return c.ListUserRepos(owner, gitea.ListReposOptions{ListOptions: o})
		})
		if giteaStatus(resp) == http.StatusNotFound {
			return nil, noOwner("gitea", owner)
		}
	}
	if err != nil {
		return nil, g.err(resp, err, "list repositories of "+owner, "list repositories of "+owner)
	}
	listed := make([]*Listed, len(repos))
	for i, r := range repos {
		l := &Listed{
			Name:          r.Name,
			CloneURL:      r.CloneURL,
			WebURL:        r.HTMLURL,
			DefaultBranch: r.DefaultBranch,
			Archived:      r.Archived,
			Fork:          r.Fork,
			Topics:        topicsOf(r.Topics),
		}
		if r.Owner != nil {
			l.Owner = r.Owner.UserName
		}
		listed[i] = l
	}
	return listed, nil
}

// giteaPages calls list for every page, following the Link header. On error it returns the
// failed page's response, for its status.
func giteaPages(list func(gitea.ListOptions) ([]*gitea.Repository, *gitea.Response, error)) ([]*gitea.Repository, *gitea.Response, error) {
	var all []*gitea.Repository
	o := gitea.ListOptions{Page: 1, PageSize: giteaPageSize}
	for {
		repos, resp, err := list(o)
		if err != nil {
			return nil, resp, err
		}
		all = append(all, repos...)
		if resp.NextPage == 0 {
			return all, resp, nil
		}
		o.Page = resp.NextPage
	}
}

// ReadFile reads through GET /repos/{owner}/{repo}/raw/{filepath}, whose ref defaults to the
// default branch.
func (g *giteaForge) ReadFile(ctx context.Context, owner, name, path, ref string) ([]byte, error) {
	if err := checkNames("gitea", owner, name, false); err != nil {
		return nil, err
	}
	path, err := checkPath("gitea", path)
	if err != nil {
		return nil, err
	}
	c, err := g.client(ctx)
	if err != nil {
		return nil, err
	}
	// The SDK puts the path into the URL as it is: escape each segment, so that "#", "?" or
	// "%" in a name stay part of it.
	segs := strings.Split(path, "/")
	for i, s := range segs {
		segs[i] = url.PathEscape(s)
	}
	data, resp, err := c.GetRawFile(owner, name, strings.Join(segs, "/"), ref)
	if err != nil {
		// One 404 for a missing repository, branch or file.
		if giteaStatus(resp) == http.StatusNotFound {
			return nil, fileNotFound("gitea", owner, name, path, ref)
		}
		return nil, g.err(resp, err, "read "+path+" of "+owner+"/"+name, "read "+owner+"/"+name)
	}
	return data, nil
}

func giteaPR(pr *gitea.PullRequest) *PullRequest {
	title, prefixed := cutDraft(pr.Title, giteaDraft)
	p := &PullRequest{
		Number: int(pr.Index),
		URL:    pr.HTMLURL,
		Title:  title,
		Body:   pr.Body,
		Draft:  pr.Draft || prefixed,
		Open:   pr.State == gitea.StateOpen,
		Merged: pr.HasMerged,
	}
	if pr.Head != nil {
		p.Head = pr.Head.Ref
	}
	if pr.Base != nil {
		p.Base = pr.Base.Ref
	}
	p.Created = timeOf(pr.Created)
	if p.Merged {
		p.Closed = timeOf(pr.Merged)
	} else if !p.Open {
		p.Closed = timeOf(pr.Closed)
	}
	return p
}
