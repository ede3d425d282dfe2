package bot

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/idp-cli/idp/internal/forge"
	"github.com/idp-cli/idp/internal/gitauth"
	"github.com/idp-cli/idp/internal/source"
)

// Check says what is wrong with the branch's name and the pull request's labels, reviewers and
// assignees, in the words of their flags, before any work.
func (o PushOptions) Check() error {
	for _, l := range o.Labels {
		if strings.TrimSpace(l) == "" || strings.Contains(l, ",") {
			return fmt.Errorf("--label %q is not a label name: give one label, without commas, per --label", l)
		}
	}
	for _, r := range append(append([]string{}, o.Reviewers...), o.Assignees...) {
		if r = strings.TrimPrefix(r, "@"); r == "" || strings.ContainsAny(r, " ,") || strings.Count(r, "/") > 1 {
			return fmt.Errorf("--reviewer and --assignee take a user name (or, for --reviewer, a team as org/team); got %q", r)
		}
	}
	for _, a := range o.Assignees {
		if strings.Contains(a, "/") {
			return fmt.Errorf("--assignee %q: assignees are users, not teams", a)
		}
	}
	if o.Branch != "" && (strings.HasPrefix(o.Branch, "-") || plumbing.NewBranchReferenceName(o.Branch).Validate() != nil) {
		return fmt.Errorf("--branch %q is not a valid branch name", o.Branch)
	}
	return nil
}

// ParseAge reads a soak time (--min-age): a Go duration (72h, 90m) or a number of days (3d).
func ParseAge(s string) (time.Duration, error) {
	bad := fmt.Errorf("--min-age %q is not a duration; give one as 72h or 3d", s)
	if days, ok := strings.CutSuffix(s, "d"); ok {
		n, err := strconv.ParseFloat(days, 64)
		if err != nil || n < 0 {
			return 0, bad
		}
		return time.Duration(n * float64(24*time.Hour)), nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d < 0 {
		return 0, bad
	}
	return d, nil
}

// ForgeOptions says which forge API opens the pull request.
type ForgeOptions struct {
	// Provider and Host override what the remote's URL says (--provider, --host).
	Provider, Host string
	// Token is the token for a provider's API.
	Token      func(provider string) string
	HTTPClient *http.Client
}

// ForgeFor is the forge API for the pull request of the repository at remote url.
func ForgeFor(url string, o ForgeOptions) (*Forge, error) {
	r, err := forge.ParseRemote(url)
	if err != nil {
		return nil, fmt.Errorf("--pull-request: %w", err)
	}
	provider, host := r.Provider, r.Host
	if o.Provider != "" {
		provider = o.Provider
	}
	if o.Host != "" {
		host = o.Host
	}
	if provider == "" {
		return nil, &source.RequestError{Err: fmt.Errorf("--pull-request: cannot tell which forge hosts %s; give --provider (%s)", gitauth.Redact(url), strings.Join(forge.Names(), ", "))}
	}
	token := o.Token(provider)
	if token == "" {
		return nil, &forge.AuthError{Provider: provider, Reason: "no token for the pull request"}
	}
	api, err := forge.New(provider, forge.Options{Host: host, Token: token, HTTPClient: o.HTTPClient})
	if err != nil {
		return nil, err
	}
	return &Forge{API: api, Owner: r.Owner, Name: r.Name}, nil
}
