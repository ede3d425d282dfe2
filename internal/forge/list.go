package forge

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
)

// Listed is a repository found by ListRepos.
type Listed struct {
	Owner, Name   string
	CloneURL      string // https
	WebURL        string
	DefaultBranch string
	Archived      bool
	// Fork is a fork of another repository; Topics are its topics (GitLab: topics, formerly
	// tags), for a fleet's filters.
	Fork   bool
	Topics []string
}

// noOwner is the error when an owner is neither an organization (group) nor a user.
func noOwner(provider, owner string) error {
	return &AuthError{Provider: provider, Status: http.StatusNotFound,
		Reason: fmt.Sprintf("no organization or user %s, or the token cannot see it", owner)}
}

// checkPath cleans a file path for ReadFile: relative to the repository's root, without "."
// or ".." segments, which the forges resolve differently or refuse.
func checkPath(provider, path string) (string, error) {
	p := strings.Trim(path, "/")
	if p == "" {
		return "", fmt.Errorf("%s: file path is empty", provider)
	}
	if slices.ContainsFunc(strings.Split(p, "/"), func(s string) bool { return s == "" || s == "." || s == ".." }) {
		return "", fmt.Errorf("%s: file path %q is not clean; give it relative to the repository's root", provider, path)
	}
	return p, nil
}

func fileNotFound(provider, owner, name, path, ref string) error {
	on := "the default branch"
	if ref != "" {
		on = ref
	}
	return &missing{fmt.Sprintf("%s: %s/%s: no file %s on %s", provider, owner, name, path, on)}
}

// topicsOf is a repository's topics, nil when it has none (the forges answer []).
func topicsOf(t []string) []string {
	if len(t) == 0 {
		return nil
	}
	return t
}
