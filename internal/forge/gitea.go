package forge

import (
	"context"
	"fmt"
	"net/http"
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
		return refused("gitea", s, err.Error(), permission)
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
