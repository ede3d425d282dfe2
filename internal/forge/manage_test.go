package forge_test

import (
	"strings"
	"testing"

	"github.com/idp-cli/idp/internal/forge"
	"github.com/idp-cli/idp/internal/forge/forgetest"
)

// TestGitHubAutoMergeGraphQL: on github.com auto-merge goes to POST /graphql on
// api.github.com, on GitHub Enterprise Server to /api/graphql, each with the pull request's
// node id from GET .../pulls/{number}; enabling twice asks once, and a refusal in GraphQL's
// errors[] is an error.
func TestGitHubAutoMergeGraphQL(t *testing.T) {
	for _, c := range []struct {
		name, host, graphql string
	}{{"github.com", "", "/graphql"}, {"enterprise", "fake", "/api/graphql"}} {
		t.Run(c.name, func(t *testing.T) {
			f := forgetest.GitHub(t)
			f.AddRepo(forgetest.Repo{Owner: "acme", Name: "svc"})
			n := f.AddPullRequest("acme", "svc", forgetest.PullRequest{Title: "t", Head: "idp/update-svc", Base: "main"})
			draft := f.AddPullRequest("acme", "svc", forgetest.PullRequest{Title: "d", Head: "other", Base: "main", Draft: true})
			o := forge.Options{Token: forgetest.Token, HTTPClient: f.Client()}
			if c.host == "fake" {
				o = forge.Options{Host: f.URL, Token: forgetest.Token}
			}
			p, err := forge.New("github", o)
			if err != nil {
				t.Fatal(err)
			}
			m := p.(forge.Manager)
			ctx := t.Context()
			if err := m.EnableAutoMerge(ctx, "acme", "svc", n); err != nil {
				t.Fatal(err)
			}
			if err := m.EnableAutoMerge(ctx, "acme", "svc", n); err != nil {
				t.Fatal(err)
			}
			if !f.Managed("acme", "svc", n).AutoMerge {
				t.Fatal("auto-merge not on")
			}
			var graphql []forgetest.Request
			for _, r := range f.Requests() {
				if r.Path == c.graphql {
					graphql = append(graphql, r)
				}
			}
			if len(graphql) != 1 || graphql[0].Method != "POST" || !strings.Contains(graphql[0].Body["query"].(string), "enablePullRequestAutoMerge(") ||
				graphql[0].Body["variables"].(map[string]any)["id"] == "" {
				t.Errorf("GraphQL requests: %+v (all: %v)", graphql, f.Calls())
			}
			if err := m.DisableAutoMerge(ctx, "acme", "svc", n); err != nil || f.Managed("acme", "svc", n).AutoMerge {
				t.Errorf("disable: %v", err)
			}
			err = m.EnableAutoMerge(ctx, "acme", "svc", draft)
			if err == nil || !strings.Contains(err.Error(), "Pull request is in draft state") || !strings.Contains(err.Error(), "auto-merge must be allowed") {
				t.Errorf("draft: %v", err)
			}
		})
	}
}
