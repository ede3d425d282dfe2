package forge

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

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
// A 409 carries a list: {"message": ["Another open merge request already exists ..."]}.
func gitlabMessage(err error) string {
	b, ok := gitlabDecode(err)
	var s string
	var list []string
	switch {
	case ok && json.Unmarshal(b.Message, &s) == nil:
		return s
	case ok && json.Unmarshal(b.Message, &list) == nil && len(list) > 0:
		return strings.Join(list, "; ")
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

func (g *gitLab) PullRequests(ctx context.Context, owner, name, head string) ([]*PullRequest, error) {
	if err := checkNames("gitlab", owner, name, true); err != nil {
		return nil, err
	}
	if err := checkHead("gitlab", head); err != nil {
		return nil, err
	}
	opt := &gitlab.ListProjectMergeRequestsOptions{
		ListOptions:  gitlab.ListOptions{PerPage: 100},
		SourceBranch: gitlab.Ptr(head),
		State:        gitlab.Ptr("all"),
		OrderBy:      gitlab.Ptr("created_at"),
		Sort:         gitlab.Ptr("desc"),
	}
	var prs []*PullRequest
	for {
		page, resp, err := g.c.MergeRequests.ListProjectMergeRequests(owner+"/"+name, opt, gitlab.WithContext(ctx))
		if err != nil {
			if errors.Is(err, gitlab.ErrNotFound) {
				return nil, notFound("gitlab", owner, name)
			}
			return nil, g.err(err, "list merge requests of "+owner+"/"+name, "read merge requests of "+owner+"/"+name)
		}
		for _, mr := range page {
			// source_branch also matches merge requests from forks, whose source project differs.
			if mr.SourceBranch == head && mr.SourceProjectID == mr.TargetProjectID {
				prs = append(prs, gitlabPR(mr))
			}
		}
		if resp.NextPage == 0 {
			return newestFirst(prs), nil
		}
		opt.Page = resp.NextPage
	}
}

// CreatePullRequest opens a merge request; a draft gets the title prefix "Draft: ", which is
// how GitLab's API makes one.
func (g *gitLab) CreatePullRequest(ctx context.Context, owner, name string, in PullRequestInput) (*PullRequest, error) {
	if err := checkNames("gitlab", owner, name, true); err != nil {
		return nil, err
	}
	if err := checkInput("gitlab", in, true); err != nil {
		return nil, err
	}
	if !g.token {
		return nil, noToken("gitlab")
	}
	mr, _, err := g.c.MergeRequests.CreateMergeRequest(owner+"/"+name, &gitlab.CreateMergeRequestOptions{
		Title:        gitlab.Ptr(draftTitle(in, gitlabDraft)),
		Description:  gitlab.Ptr(in.Body),
		SourceBranch: gitlab.Ptr(in.Head),
		TargetBranch: gitlab.Ptr(in.Base),
	}, gitlab.WithContext(ctx))
	if err != nil {
		switch {
		case errors.Is(err, gitlab.ErrNotFound):
			return nil, notFound("gitlab", owner, name)
		case gitlab.HasStatusCode(err, http.StatusConflict) && strings.Contains(gitlabMessage(err), "already exists"):
			// 409 {"message": ["Another open merge request already exists for this source branch: !1"]}
			return nil, prExists("gitlab", owner, name, in, gitlabMessage(err))
		case gitlab.HasStatusCode(err, http.StatusConflict), gitlab.HasStatusCode(err, http.StatusUnprocessableEntity), gitlab.HasStatusCode(err, http.StatusBadRequest):
			return nil, fmt.Errorf("gitlab: open a merge request from %s into %s in %s/%s: %s", in.Head, in.Base, owner, name, gitlabMessage(err))
		}
		return nil, g.err(err, "open a merge request in "+owner+"/"+name, "open merge requests in "+owner+"/"+name)
	}
	return gitlabPR(&mr.BasicMergeRequest), nil
}

// UpdatePullRequest sets the title, with the prefix "Draft: " for a draft, and the description.
func (g *gitLab) UpdatePullRequest(ctx context.Context, owner, name string, number int, in PullRequestInput) (*PullRequest, error) {
	if err := g.checkEdit(owner, name, number); err != nil {
		return nil, err
	}
	if err := checkInput("gitlab", in, false); err != nil {
		return nil, err
	}
	return g.edit(ctx, owner, name, number, &gitlab.UpdateMergeRequestOptions{
		Title:       gitlab.Ptr(draftTitle(in, gitlabDraft)),
		Description: gitlab.Ptr(in.Body),
	}, "update")
}

func (g *gitLab) ClosePullRequest(ctx context.Context, owner, name string, number int) error {
	if err := g.checkEdit(owner, name, number); err != nil {
		return err
	}
	_, err := g.edit(ctx, owner, name, number, &gitlab.UpdateMergeRequestOptions{StateEvent: gitlab.Ptr("close")}, "close")
	return err
}

func (g *gitLab) checkEdit(owner, name string, number int) error {
	if err := checkNames("gitlab", owner, name, true); err != nil {
		return err
	}
	if err := checkNumber("gitlab", number); err != nil {
		return err
	}
	if !g.token {
		return noToken("gitlab")
	}
	return nil
}

// edit is PUT /projects/:id/merge_requests/:iid.
func (g *gitLab) edit(ctx context.Context, owner, name string, number int, opt *gitlab.UpdateMergeRequestOptions, doing string) (*PullRequest, error) {
	mr, _, err := g.c.MergeRequests.UpdateMergeRequest(owner+"/"+name, int64(number), opt, gitlab.WithContext(ctx))
	if err != nil {
		switch {
		case errors.Is(err, gitlab.ErrNotFound):
			return nil, prNotFound("gitlab", owner, name, number)
		case gitlab.HasStatusCode(err, http.StatusConflict), gitlab.HasStatusCode(err, http.StatusUnprocessableEntity), gitlab.HasStatusCode(err, http.StatusBadRequest):
			return nil, fmt.Errorf("gitlab: %s merge request %d of %s/%s: %s", doing, number, owner, name, gitlabMessage(err))
		}
		return nil, g.err(err, fmt.Sprintf("%s merge request %d of %s/%s", doing, number, owner, name), "change merge requests of "+owner+"/"+name)
	}
	return gitlabPR(&mr.BasicMergeRequest), nil
}

func (g *gitLab) ListRepos(ctx context.Context, owner string) ([]*Listed, error) {
	if err := checkOwner("gitlab", owner, true); err != nil {
		return nil, err
	}
	// A group's projects with its subgroups', without projects of other groups shared with
	// it; then, for a user, the user's.
	projects, err := gitlabPages(func(o gitlab.ListOptions) ([]*gitlab.Project, *gitlab.Response, error) {
		return g.c.Groups.ListGroupProjects(owner, &gitlab.ListGroupProjectsOptions{
			ListOptions: o, IncludeSubGroups: gitlab.Ptr(true), WithShared: gitlab.Ptr(false),
		}, gitlab.WithContext(ctx))
	})
	if errors.Is(err, gitlab.ErrNotFound) {
		projects, err = gitlabPages(func(o gitlab.ListOptions) ([]*gitlab.Project, *gitlab.Response, error) {
			return g.c.Projects.ListUserProjects(owner, &gitlab.ListProjectsOptions{ListOptions: o}, gitlab.WithContext(ctx))
		})
		if errors.Is(err, gitlab.ErrNotFound) {
			return nil, noOwner("gitlab", owner)
		}
	}
	if err != nil {
		return nil, g.err(err, "list projects of "+owner, "list projects of "+owner)
	}
	listed := make([]*Listed, len(projects))
	for i, p := range projects {
		ns := strings.TrimSuffix(p.PathWithNamespace, "/"+p.Path)
		if p.Namespace != nil && p.Namespace.FullPath != "" {
			ns = p.Namespace.FullPath
		}
		listed[i] = &Listed{
			Owner:         ns,
			Name:          p.Path,
			CloneURL:      p.HTTPURLToRepo,
			WebURL:        p.WebURL,
			DefaultBranch: p.DefaultBranch,
			Archived:      p.Archived,
			Fork:          p.ForkedFromProject != nil,
			Topics:        topicsOf(p.Topics),
		}
	}
	return listed, nil
}

// gitlabPages calls list for every page, 100 projects each, the most GitLab gives, following
// X-Next-Page.
func gitlabPages(list func(gitlab.ListOptions) ([]*gitlab.Project, *gitlab.Response, error)) ([]*gitlab.Project, error) {
	var all []*gitlab.Project
	o := gitlab.ListOptions{PerPage: 100}
	for {
		projects, resp, err := list(o)
		if err != nil {
			return nil, err
		}
		all = append(all, projects...)
		if resp.NextPage == 0 {
			return all, nil
		}
		o.Page = resp.NextPage
	}
}

// ReadFile reads through GET /projects/:id/repository/files/:file_path/raw, whose ref
// defaults to the project's HEAD.
func (g *gitLab) ReadFile(ctx context.Context, owner, name, path, ref string) ([]byte, error) {
	if err := checkNames("gitlab", owner, name, true); err != nil {
		return nil, err
	}
	path, err := checkPath("gitlab", path)
	if err != nil {
		return nil, err
	}
	opt := &gitlab.GetRawFileOptions{}
	if ref != "" {
		opt.Ref = gitlab.Ptr(ref)
	}
	data, _, err := g.c.RepositoryFiles.GetRawFile(owner+"/"+name, path, opt, gitlab.WithContext(ctx))
	if err != nil {
		// The client drops a 404's body, which says whether the project, the ref or the file
		// is missing.
		if errors.Is(err, gitlab.ErrNotFound) {
			return nil, fileNotFound("gitlab", owner, name, path, ref)
		}
		return nil, g.err(err, "read "+path+" of "+owner+"/"+name, "read "+owner+"/"+name)
	}
	return data, nil
}

func gitlabPR(mr *gitlab.BasicMergeRequest) *PullRequest {
	title, prefixed := cutDraft(mr.Title, gitlabDraft)
	p := &PullRequest{
		Number: int(mr.IID),
		URL:    mr.WebURL,
		Title:  title,
		Body:   mr.Description,
		Head:   mr.SourceBranch,
		Base:   mr.TargetBranch,
		Draft:  mr.Draft || prefixed,
		// "locked" is an open merge request while it is being merged.
		Open:   mr.State == "opened" || mr.State == "locked",
		Merged: mr.State == "merged",
	}
	p.Created = timeOf(mr.CreatedAt)
	if p.Merged {
		p.Closed = timeOf(mr.MergedAt)
	} else if !p.Open {
		p.Closed = timeOf(mr.ClosedAt)
	}
	return p
}

func timeOf(t *time.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return *t
}
