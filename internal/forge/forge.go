// Package forge talks to a git forge (GitHub, GitLab, Gitea) through the forge's own Go client,
// behind one small Provider interface: `idp new service` creates the repository it publishes to,
// the bot keeps its pull requests, and the fleet view lists repositories and reads a file of each.
package forge

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Repo describes a repository to create.
type Repo struct {
	// Owner is an organization or the authenticated user; on GitLab a group path, possibly
	// nested ("platform/services"), or the user's username.
	Owner string
	Name  string
	// Description is shown on the forge's repository page.
	Description string
	// DefaultBranch is set at creation where the forge allows it (GitLab, Gitea); on GitHub
	// call SetDefaultBranch after the first push.
	DefaultBranch string
	Private       bool
}

// Created is a repository as the forge reports it.
type Created struct {
	CloneURL string // https clone URL
	WebURL   string // the repository's page
	// DefaultBranch is the forge's default branch; on an empty repository it is the branch the
	// forge will use, which may not exist yet.
	DefaultBranch string
	Private       bool
	// Existed reports that the repository was already there: Get sets it, Create never does.
	Existed bool
}

// Provider is one forge's API.
type Provider interface {
	// Name is "github", "gitlab" or "gitea".
	Name() string
	// Get returns the repository, or an error wrapping ErrNotFound.
	Get(ctx context.Context, owner, name string) (*Created, error)
	// Create creates an empty repository: no README, license or other first commit, so that the
	// first push is the rendered service. It returns an error wrapping ErrExists when the owner
	// already has a repository of that name.
	Create(ctx context.Context, r Repo) (*Created, error)
	// SetDefaultBranch makes branch the default branch, doing nothing when it already is. Call
	// it after the first push: forges cannot point the default at a branch that does not exist.
	SetDefaultBranch(ctx context.Context, owner, name, branch string) error

	// PullRequests lists the pull requests from branch head into the repository (same-repository
	// branches only), open and closed, newest first.
	PullRequests(ctx context.Context, owner, name, head string) ([]*PullRequest, error)
	// CreatePullRequest opens a pull request from in.Head into in.Base. It returns an error
	// wrapping ErrPullRequestExists when one is already open for the same branches.
	CreatePullRequest(ctx context.Context, owner, name string, in PullRequestInput) (*PullRequest, error)
	// UpdatePullRequest sets the title, body and draft state of pull request number. GitHub's
	// REST API cannot change the draft state: there it stays as it was, and the returned
	// PullRequest says which it is.
	UpdatePullRequest(ctx context.Context, owner, name string, number int, in PullRequestInput) (*PullRequest, error)
	// ClosePullRequest closes pull request number without merging it.
	ClosePullRequest(ctx context.Context, owner, name string, number int) error

	// ListRepos lists every repository of owner (an organization, a GitLab group including its
	// subgroups, or a user), following pagination.
	ListRepos(ctx context.Context, owner string) ([]*Listed, error)
	// ReadFile returns the content of path at ref (a branch; "" means the default branch), or
	// an error wrapping ErrNotFound when the repository has no such file.
	ReadFile(ctx context.Context, owner, name, path, ref string) ([]byte, error)
}

// Options configure a Provider.
type Options struct {
	// Host is the forge's web URL, e.g. https://ghe.example.com or https://gitlab.example.com.
	// Empty means the public service: github.com, gitlab.com or gitea.com. A URL without a
	// scheme gets https://.
	Host string
	// Token authenticates API calls; see TokenVar for where it usually comes from. It never
	// appears in errors.
	Token string
	// HTTPClient makes the requests; nil means a client with a one minute timeout. New wraps
	// its transport in a pacer (pace.go): writes paced, rate limits waited out.
	HTTPClient *http.Client
	// Pacing keeps the client under the forge's rate limits; the zero value is the default.
	Pacing Pacing
}

var (
	// ErrNotFound means the repository does not exist, or the token cannot see it; errors for
	// a missing file or pull request in a repository wrap it too.
	ErrNotFound = errors.New("repository not found")
	// ErrExists means the owner already has a repository of that name.
	ErrExists = errors.New("repository already exists")
	// ErrPullRequestExists means a pull request between the same branches is already open.
	ErrPullRequestExists = errors.New("a pull request is already open")
)

// missing is an error for something missing in a repository (a file, a pull request), with
// its own message, that still matches ErrNotFound.
type missing struct{ msg string }

func (e *missing) Error() string { return e.msg }
func (e *missing) Unwrap() error { return ErrNotFound }

// AuthError reports that the forge refused the token, or that there was none. Its message says
// which environment variable to set and which scopes the token needs.
type AuthError struct {
	Provider string // github, gitlab or gitea
	Reason   string // what was refused, e.g. "the token was refused (401 Bad credentials)"
	Status   int    // HTTP status; 0 when no request was made
}

func (e *AuthError) Error() string {
	fix := "set"
	if e.Status == http.StatusNotFound { // a missing owner looks the same as one the token cannot see
		fix = "check the owner, or set"
	}
	return fmt.Sprintf("%s: %s; %s %s to a token with %s", e.Provider, e.Reason, fix, TokenVar(e.Provider), scopes[e.Provider])
}

// scopes names what a token needs to create repositories and open pull requests, in each
// forge's words.
var scopes = map[string]string{
	"github": "the repo scope (a fine-grained token needs Administration: write on the owner, and Pull requests: write for pull requests)",
	"gitlab": "the api scope",
	"gitea":  "the write:repository scope (and write:organization for organization repositories)",
}

var providers = []struct {
	name, tokenVar string
	new            func(o Options) (Provider, error)
}{
	{"github", "GITHUB_TOKEN", newGitHub},
	{"gitlab", "GITLAB_TOKEN", newGitLab},
	{"gitea", "GITEA_TOKEN", newGitea},
}

// Names lists the providers New knows, for help text and shell completion.
func Names() []string {
	names := make([]string, len(providers))
	for i, p := range providers {
		names[i] = p.name
	}
	return names
}

// TokenVar is the environment variable that conventionally holds the token for provider name,
// or "" for an unknown provider.
func TokenVar(name string) string {
	for _, p := range providers {
		if p.name == name {
			return p.tokenVar
		}
	}
	return ""
}

// TokenUser is the user name a forge takes with a token over HTTPS (git push with a token).
func TokenUser(name string) string {
	return map[string]string{"github": "x-access-token", "gitlab": "oauth2", "gitea": "git"}[name]
}

// New returns the provider called name: github, gitlab or gitea.
func New(name string, o Options) (Provider, error) {
	for _, p := range providers {
		if p.name == name {
			if o.HTTPClient == nil {
				o.HTTPClient = &http.Client{Timeout: time.Minute}
			}
			o.HTTPClient = pace(name, o.Host, o.Token, o.HTTPClient, o.Pacing)
			return p.new(o)
		}
	}
	return nil, fmt.Errorf("unknown forge provider %q; use one of %s", name, strings.Join(Names(), ", "))
}

// baseURL turns Options.Host into a URL without a trailing slash: def when host is empty,
// https:// added when host has no scheme, and apiSuffix (e.g. "/api/v4") trimmed when the user
// gave the API's URL rather than the forge's.
func baseURL(provider, host, def, apiSuffix string) (string, error) {
	if host == "" {
		return def, nil
	}
	if !strings.Contains(host, "://") {
		host = "https://" + host
	}
	u, err := url.Parse(host)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
		return "", fmt.Errorf("%s host %q is not a forge URL; give one like https://%s.example.com", provider, redact(host), provider)
	}
	u.User = nil
	s := strings.TrimSuffix(u.String(), "/")
	return strings.TrimSuffix(s, apiSuffix), nil
}

// redact hides credentials someone put in a host URL, since errors must never show a token.
func redact(host string) string {
	scheme, rest, ok := strings.Cut(host, "://")
	if i := strings.LastIndex(rest, "@"); ok && i >= 0 {
		return scheme + "://xxxxx@" + rest[i+1:]
	}
	return host
}

// checkNames validates owner and name before any request, so that a typo is reported as such
// rather than as a confusing 404. nested allows "group/subgroup" owners (GitLab).
func checkNames(provider, owner, name string, nested bool) error {
	switch {
	case owner == "":
		return fmt.Errorf("%s: repository owner is empty; name an organization or user", provider)
	case name == "":
		return fmt.Errorf("%s: repository name is empty", provider)
	case strings.Contains(name, "/"):
		return fmt.Errorf("%s: repository name %q contains '/'; give the owner separately", provider, name)
	}
	return checkOwner(provider, owner, nested)
}

// checkOwner validates an owner; nested allows GitLab group paths.
func checkOwner(provider, owner string, nested bool) error {
	switch {
	case owner == "":
		return fmt.Errorf("%s: owner is empty; name an organization or user", provider)
	case !nested && strings.Contains(owner, "/"):
		return fmt.Errorf("%s: owner %q contains '/'; %s has no nested organizations", provider, owner, provider)
	case nested && (strings.HasPrefix(owner, "/") || strings.HasSuffix(owner, "/") || strings.Contains(owner, "//")):
		return fmt.Errorf("%s: owner %q is not a group path like group/subgroup", provider, owner)
	}
	return nil
}

// noToken is the error for a write attempted without a token: the forge would only say 401.
func noToken(provider string) error {
	return &AuthError{Provider: provider, Reason: "no token"}
}

func notFound(provider, owner, name string) error {
	return fmt.Errorf("%s: %s/%s: %w", provider, owner, name, ErrNotFound)
}

func exists(provider, owner, name string) error {
	return fmt.Errorf("%s: %s/%s: %w; choose another name, or delete the existing repository", provider, owner, name, ErrExists)
}

// refused builds the AuthError for a 401 or 403. msg is the forge's own message, if any.
func refused(provider string, status int, msg, what string) error {
	detail := strconv.Itoa(status)
	switch {
	case strings.HasPrefix(msg, detail): // GitLab says "401 Unauthorized"
		detail = msg
	case msg != "":
		detail += " " + msg
	}
	reason := "the token was refused (" + detail + ")"
	if status == http.StatusForbidden {
		reason = "no permission to " + what + " (" + detail + ")"
	}
	return &AuthError{Provider: provider, Reason: reason, Status: status}
}
