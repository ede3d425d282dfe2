package forge

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	gitlab "gitlab.com/gitlab-org/api/client-go"
)

// Token is what a forge says about the token idp would use, read without changing anything:
// whom it belongs to and, where the forge shows them, its scopes.
type Token struct {
	Provider string
	// URL is the forge's web URL: the --host given, or https://github.com, gitlab.com or
	// gitea.com.
	URL  string
	User string // the login the token belongs to; "" when the forge would not say
	// Shown reports whether the forge shows the token's scopes: GitHub for classic tokens
	// (the X-OAuth-Scopes header of GET /user, absent for fine-grained and app tokens),
	// GitLab for access tokens (GET /personal_access_tokens/self). Gitea shows them only
	// to the owner's password, never to the token itself.
	Shown   bool
	Scopes  []string
	Expires time.Time // GitLab: the day the token expires; zero when it does not, or unknown
	// Missing lists what the token lacks for what idp does with the forge, most needed first.
	Missing []Need
}

// Need is a scope the token lacks, and why idp wants it. Without a Required one, idp cannot
// create repositories or open pull requests at all; the others are needed only sometimes.
type Need struct {
	Scope    string
	Why      string
	Required bool
}

// Needs says which scopes a token for provider needs, in the forge's words, for messages.
func Needs(provider string) string { return scopes[provider] }

// CheckToken asks the forge about the token in o: GitHub GET /user (and its X-OAuth-Scopes
// header), GitLab GET /user and GET /personal_access_tokens/self, Gitea GET /user. A refused
// token is an *AuthError; no token is one with Status 0, before any request.
func CheckToken(ctx context.Context, provider string, o Options) (*Token, error) {
	p, err := New(provider, o)
	if err != nil {
		return nil, err
	}
	t := &Token{Provider: provider}
	switch f := p.(type) {
	case *gitHub:
		t.URL, _ = baseURL("github", o.Host, "https://github.com", "/api/v3")
		if !f.token {
			return t, noToken("github")
		}
		return t, f.checkToken(ctx, t)
	case *gitLab:
		t.URL, _ = baseURL("gitlab", o.Host, "https://gitlab.com", "/api/v4")
		if !f.token {
			return t, noToken("gitlab")
		}
		return t, f.checkToken(ctx, t)
	case *giteaForge:
		t.URL = f.url
		if f.token == "" {
			return t, noToken("gitea")
		}
		return t, f.checkToken(ctx, t)
	}
	return nil, fmt.Errorf("unknown forge provider %q; use one of %s", provider, strings.Join(Names(), ", "))
}

func (g *gitHub) checkToken(ctx context.Context, t *Token) error {
	user, resp, err := g.c.Users.Get(ctx, "")
	if err != nil {
		return g.err(err, "get the authenticated user", "read the authenticated user")
	}
	t.User = user.GetLogin()
	// Classic tokens and OAuth apps get the header on every response, empty for a token with
	// no scope; fine-grained and app tokens get none.
	list, shown := resp.Header[http.CanonicalHeaderKey("X-OAuth-Scopes")]
	if !shown {
		return nil
	}
	t.Shown = true
	for _, v := range list {
		for _, s := range strings.Split(v, ",") {
			if s = strings.TrimSpace(s); s != "" {
				t.Scopes = append(t.Scopes, s)
			}
		}
	}
	switch {
	case slices.Contains(t.Scopes, "repo"):
	case slices.Contains(t.Scopes, "public_repo"):
		t.Missing = append(t.Missing, Need{Scope: "repo", Why: "public_repo reaches public repositories only, and idp creates private ones unless --private=false"})
	default:
		t.Missing = append(t.Missing, Need{Scope: "repo", Why: "to create repositories, push to them and open pull requests", Required: true})
	}
	if !slices.Contains(t.Scopes, "workflow") {
		t.Missing = append(t.Missing, Need{Scope: "workflow", Why: "GitHub refuses a push that adds or changes files under .github/workflows without it"})
	}
	return nil
}

func (g *gitLab) checkToken(ctx context.Context, t *Token) error {
	user, _, err := g.c.Users.CurrentUser(gitlab.WithContext(ctx))
	if err != nil {
		return g.err(err, "get the current user", "read the current user")
	}
	t.User = user.Username
	pat, _, err := g.c.PersonalAccessTokens.GetSinglePersonalAccessToken(gitlab.WithContext(ctx))
	switch {
	case err == nil:
	case errors.Is(err, gitlab.ErrNotFound), gitlab.HasStatusCode(err, http.StatusForbidden), gitlab.HasStatusCode(err, http.StatusUnauthorized):
		// Not an access token (an OAuth or CI job token), or a GitLab older than 15.5: the
		// token works, its scopes are not shown.
		return nil
	default:
		return g.err(err, "get the token's scopes", "read the token")
	}
	t.Shown, t.Scopes = true, pat.Scopes
	if pat.ExpiresAt != nil {
		t.Expires = time.Time(*pat.ExpiresAt)
	}
	if !slices.Contains(t.Scopes, "api") {
		t.Missing = append(t.Missing, Need{Scope: "api", Why: "to create projects and open merge requests (read_api and write_repository are not enough)", Required: true})
	}
	return nil
}

func (g *giteaForge) checkToken(ctx context.Context, t *Token) error {
	c, err := g.client(ctx)
	if err != nil {
		return err
	}
	user, resp, err := c.GetMyUserInfo()
	if err != nil {
		if giteaStatus(resp) == http.StatusForbidden {
			// A scoped token without read:user: the token is good, GET /user is out of its
			// scopes, and idp asks it whom the token belongs to before creating a repository.
			t.Missing = append(t.Missing, Need{Scope: "read:user", Why: "idp reads whom the token belongs to before creating a repository", Required: true})
			return nil
		}
		return g.err(resp, err, "get the authenticated user", "read the authenticated user")
	}
	t.User = user.UserName
	return nil
}

// IsNoToken reports whether err says that there was no token to check.
func IsNoToken(err error) bool {
	var ae *AuthError
	return errors.As(err, &ae) && ae.Status == 0 && ae.Reason == "no token"
}
