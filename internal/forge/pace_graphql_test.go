package forge

import (
	"net/http"
	"strings"
	"testing"
)

// TestGraphQLQueriesAreNotWrites: the batched .idp.yaml reads (a GraphQL query) are not paced as
// content-creating requests; a mutation (auto-merge) and a REST POST are.
func TestGraphQLQueriesAreNotWrites(t *testing.T) {
	for body, want := range map[string]bool{
		`{"query":"query($o0: String!) { r0: repository(owner: $o0) { id } }"}`:                                           false,
		`{"query":" { r0: repository(owner: \"a\", name: \"b\") { id } }"}`:                                               false,
		`{"query":"mutation($id: ID!) { enablePullRequestAutoMerge(input: {pullRequestId: $id}) { clientMutationId } }"}`: true,
	} {
		req, _ := http.NewRequest(http.MethodPost, "https://api.github.com/graphql", strings.NewReader(body))
		if got := isWrite(req); got != want {
			t.Errorf("isWrite(%s) = %v, want %v", body, got, want)
		}
	}
	req, _ := http.NewRequest(http.MethodPost, "https://api.github.com/repos/a/b/pulls", strings.NewReader(`{}`))
	if !isWrite(req) {
		t.Error("a REST POST is not a write")
	}
	req, _ = http.NewRequest(http.MethodGet, "https://api.github.com/user", nil)
	if isWrite(req) {
		t.Error("a GET is a write")
	}
}
