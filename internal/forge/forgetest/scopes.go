package forgetest

import (
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
)

// Scopes describes the token Token stands for, for what each forge tells about a token's
// scopes.
type Scopes struct {
	// Scopes are the token's scopes. On GitHub nil is a fine-grained token, which shows none.
	Scopes []string
	// Expires is the GitLab token's expiry day, YYYY-MM-DD; "" for none.
	Expires string
}

// WithScopes starts a server in front of f that answers every request as f does, plus what
// each forge documents about the token's scopes, and returns its URL (for forge.Options.Host):
//
//	GitHub: the X-OAuth-Scopes header on every response to a request with Token (none at all
//	        for a fine-grained token, Scopes nil), as for classic tokens and OAuth apps.
//	GitLab: GET /api/v4/personal_access_tokens/self, the token's id, name, scopes, user_id,
//	        active, revoked and expires_at (https://docs.gitlab.com/api/personal_access_tokens/).
//	Gitea:  scoped tokens: GET /api/v1/user needs read:user (or write:user, or all), else 403
//	        "token does not have at least one of required scope(s)"; Gitea has no request that
//	        shows a token its own scopes.
//
// Requests are recorded by f, as if sent to it. The server stops when the test ends.
func (f *Fake) WithScopes(t testing.TB, s Scopes) string {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r = r.Clone(r.Context())
		r.Host = f.host // answer as f itself, with its URLs
		authed := f.credential(r) == goodAuth
		switch f.kind {
		case "github":
			if authed && s.Scopes != nil {
				w.Header().Set("X-OAuth-Scopes", strings.Join(s.Scopes, ", "))
			}
		case "gitlab":
			if r.Method == http.MethodGet && r.URL.EscapedPath() == "/api/v4/personal_access_tokens/self" {
				f.record(r)
				if !authed {
					gitlabError(w, http.StatusUnauthorized, "401 Unauthorized")
					return
				}
				var expires any
				if s.Expires != "" {
					expires = s.Expires
				}
				writeJSON(w, http.StatusOK, map[string]any{
					"id": 42, "name": "idp", "revoked": false, "created_at": "2024-01-01T00:00:00.000Z",
					"scopes": append([]string{}, s.Scopes...), "user_id": 1, "last_used_at": nil,
					"active": true, "expires_at": expires,
				})
				return
			}
		case "gitea":
			readUser := s.Scopes == nil || slices.ContainsFunc(s.Scopes, func(sc string) bool {
				return sc == "all" || sc == "read:user" || sc == "write:user"
			})
			if authed && !readUser && r.Method == http.MethodGet && r.URL.EscapedPath() == "/api/v1/user" {
				f.record(r)
				giteaError(w, r, http.StatusForbidden, "token does not have at least one of required scope(s): [read:user]")
				return
			}
		}
		f.serveHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

// record adds a request that the front server answered itself to f's requests.
func (f *Fake) record(r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.reqs = append(f.reqs, Request{Method: r.Method, Host: r.Host, Path: r.URL.EscapedPath(), Query: r.URL.RawQuery, Header: r.Header.Clone()})
}
