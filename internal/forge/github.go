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
		case errors.As(err, &e) && e.Response.StatusCode == http.StatusUnprocessableEntity && nameTaken(e):
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

// nameTaken recognises GitHub's answer to a duplicate name: 422 with
// errors[].message "name already exists on this account".
func nameTaken(e *github.ErrorResponse) bool {
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
