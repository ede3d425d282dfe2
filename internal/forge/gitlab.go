package forge

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"

	gitlab "gitlab.com/gitlab-org/api/client-go"
)

type gitLab struct {
	c     *gitlab.Client
	token bool
}

func newGitLab(o Options) (Provider, error) {
	host, err := baseURL("gitlab", o.Host, "https://gitlab.com", "/api/v4")
	if err != nil {
		return nil, err
	}
	c, err := gitlab.NewClient(o.Token, gitlab.WithBaseURL(host+"/api/v4/"), gitlab.WithHTTPClient(o.HTTPClient))
	if err != nil {
		return nil, fmt.Errorf("gitlab host %q: %w", host, err)
	}
	return &gitLab{c: c, token: o.Token != ""}, nil
}

func (g *gitLab) Name() string { return "gitlab" }

func (g *gitLab) Get(ctx context.Context, owner, name string) (*Created, error) {
	if err := checkNames("gitlab", owner, name, true); err != nil {
		return nil, err
	}
	// The client URL-encodes the "owner/name" id, as GET /projects/:id requires.
	p, _, err := g.c.Projects.GetProject(owner+"/"+name, nil, gitlab.WithContext(ctx))
	if err != nil {
		if errors.Is(err, gitlab.ErrNotFound) {
			return nil, notFound("gitlab", owner, name)
		}
		return nil, g.err(err, "get "+owner+"/"+name, "read "+owner+"/"+name)
	}
	c := gitlabCreated(p)
	c.Existed = true
	return c, nil
}

func (g *gitLab) Create(ctx context.Context, r Repo) (*Created, error) {
	if err := checkNames("gitlab", r.Owner, r.Name, true); err != nil {
		return nil, err
	}
	if !g.token {
		return nil, noToken("gitlab")
	}
	visibility := gitlab.PublicVisibility
	if r.Private {
		visibility = gitlab.PrivateVisibility
	}
	opt := &gitlab.CreateProjectOptions{
		Name:                 gitlab.Ptr(r.Name),
		Path:                 gitlab.Ptr(r.Name),
		Description:          gitlab.Ptr(r.Description),
		Visibility:           gitlab.Ptr(visibility),
		InitializeWithReadme: gitlab.Ptr(false),
	}
	if r.DefaultBranch != "" {
		opt.DefaultBranch = gitlab.Ptr(r.DefaultBranch)
	}

	user, _, err := g.c.Users.CurrentUser(gitlab.WithContext(ctx))
	if err != nil {
		return nil, g.err(err, "get the current user", "read the current user")
	}
	// Without namespace_id the project goes to the user's own namespace; a group needs its id.
	if !strings.EqualFold(user.Username, r.Owner) {
		ns, _, err := g.c.Namespaces.GetNamespace(r.Owner, gitlab.WithContext(ctx))
		if err != nil {
			if errors.Is(err, gitlab.ErrNotFound) {
				return nil, &AuthError{Provider: "gitlab", Status: http.StatusNotFound,
					Reason: fmt.Sprintf("group %s not found, or the token cannot see it", r.Owner)}
			}
			return nil, g.err(err, "look up group "+r.Owner, "read group "+r.Owner)
		}
		opt.NamespaceID = gitlab.Ptr(ns.ID)
	}

	p, _, err := g.c.Projects.CreateProject(opt, gitlab.WithContext(ctx))
	if err != nil {
		if fields := gitlabFieldErrors(err); fields != nil {
			switch {
			case slices.Contains(fields["path"], "has already been taken") || slices.Contains(fields["name"], "has already been taken"):
				return nil, exists("gitlab", r.Owner, r.Name)
			case fields["namespace"] != nil:
				// GitLab answers 400 {"namespace":["is not valid"]} when the user may not
				// create projects in the group.
				return nil, &AuthError{Provider: "gitlab", Status: http.StatusBadRequest,
					Reason: fmt.Sprintf("no permission to create projects in %s (namespace %s)", r.Owner, strings.Join(fields["namespace"], ", "))}
			}
		}
		return nil, g.err(err, "create "+r.Owner+"/"+r.Name, "create projects in "+r.Owner)
	}
	return gitlabCreated(p), nil
}

func (g *gitLab) SetDefaultBranch(ctx context.Context, owner, name, branch string) error {
	if err := checkNames("gitlab", owner, name, true); err != nil {
		return err
	}
	if !g.token {
		return noToken("gitlab")
	}
	cur, err := g.Get(ctx, owner, name)
	if err != nil {
		return err
	}
	if cur.DefaultBranch == branch {
		return nil
	}
	_, _, err = g.c.Projects.EditProject(owner+"/"+name, &gitlab.EditProjectOptions{DefaultBranch: gitlab.Ptr(branch)}, gitlab.WithContext(ctx))
	if err != nil {
		if gitlab.HasStatusCode(err, http.StatusBadRequest) {
			return fmt.Errorf("gitlab: set default branch of %s/%s to %s: %s; push the branch first", owner, name, branch, gitlabMessage(err))
		}
		return g.err(err, "set default branch of "+owner+"/"+name, "change the settings of "+owner+"/"+name)
	}
	return nil
}

// err turns a client error into an AuthError for 401 and 403, or adds context.
func (g *gitLab) err(err error, doing, permission string) error {
	var e *gitlab.ErrorResponse
	if errors.As(err, &e) && e.Response != nil {
		switch s := e.Response.StatusCode; s {
		case http.StatusUnauthorized, http.StatusForbidden:
			if !g.token {
				return noToken("gitlab")
			}
			return refused("gitlab", s, gitlabMessage(err), permission)
		}
	}
	return fmt.Errorf("gitlab: %s: %w", doing, err)
}

// gitlabBody is GitLab's error body: {"message": "..."} or {"message": {"field": ["..."]}}, or
// for OAuth scope errors {"error": "...", "error_description": "..."}.
type gitlabBody struct {
	Message          json.RawMessage `json:"message"`
	Error            string          `json:"error"`
	ErrorDescription string          `json:"error_description"`
}

func gitlabDecode(err error) (gitlabBody, bool) {
	var e *gitlab.ErrorResponse
	var b gitlabBody
	if !errors.As(err, &e) || json.Unmarshal(e.Body, &b) != nil {
		return b, false
	}
	return b, true
}

// gitlabFieldErrors returns the per-field messages of a 400, or nil.
func gitlabFieldErrors(err error) map[string][]string {
	if !gitlab.HasStatusCode(err, http.StatusBadRequest) {
		return nil
	}
	b, ok := gitlabDecode(err)
	var fields map[string][]string
	if !ok || json.Unmarshal(b.Message, &fields) != nil {
		return nil
	}
	return fields
}

// gitlabMessage is GitLab's own explanation, without the request URL the client puts first.
func gitlabMessage(err error) string {
	b, ok := gitlabDecode(err)
	var s string
	switch {
	case ok && json.Unmarshal(b.Message, &s) == nil:
		return s
	case ok && b.ErrorDescription != "":
		return b.ErrorDescription
	case ok && b.Error != "":
		return b.Error
	}
	var e *gitlab.ErrorResponse
	if errors.As(err, &e) {
		return e.Message
	}
	return ""
}

func gitlabCreated(p *gitlab.Project) *Created {
	return &Created{
		CloneURL:      p.HTTPURLToRepo,
		WebURL:        p.WebURL,
		DefaultBranch: p.DefaultBranch,
		Private:       p.Visibility != gitlab.PublicVisibility,
	}
}
