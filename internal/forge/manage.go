package forge

import (
	"context"
	"fmt"
	"slices"
	"strings"
)

// Manager is what the bot sets on its pull request besides its title and body, so that the
// people who own a service can find, review and merge it as they do their other pull requests.
// Every Provider in this package has it.
type Manager interface {
	// AddLabels adds labels to pull request number, creating on the repository those it does
	// not have yet; labels already on it stay.
	AddLabels(ctx context.Context, owner, name string, number int, labels []string) error
	// RequestReviewers asks users and teams for a review and assigns assignees. A team is
	// "org/team" or "team" (GitHub's and Gitea's teams); GitLab's reviewers are users only, so
	// there teams are not asked.
	RequestReviewers(ctx context.Context, owner, name string, number int, p People) error
	// EnableAutoMerge has the forge merge pull request number once its checks pass: GitHub's
	// auto-merge, GitLab's merge when the pipeline succeeds, Gitea's scheduled merge.
	EnableAutoMerge(ctx context.Context, owner, name string, number int) error
	// DisableAutoMerge cancels it, doing nothing when it was not enabled.
	DisableAutoMerge(ctx context.Context, owner, name string, number int) error
}

// People are who a pull request goes to.
type People struct {
	Reviewers []string // user names
	Teams     []string // team reviewers: org/team or team
	Assignees []string // user names
}

// Empty reports whether there is no one.
func (p People) Empty() bool { return len(p.Reviewers)+len(p.Teams)+len(p.Assignees) == 0 }

// labelColor is the color of a label idp creates: the light grey a label made by hand in
// GitHub's and Gitea's web pages starts out with.
const labelColor = "ededed"

// missingLabels are the labels of want that have, case-insensitively as the forges compare
// names, no name in have.
func missingLabels(want, have []string) []string {
	var out []string
	for _, w := range want {
		if !slices.ContainsFunc(have, func(h string) bool { return strings.EqualFold(h, w) }) {
			out = append(out, w)
		}
	}
	return out
}

// teamSlug is a team's name without its organization: GitHub and Gitea name a team reviewer
// within the repository's organization.
func teamSlug(team string) string {
	if _, t, ok := strings.Cut(team, "/"); ok {
		return t
	}
	return team
}

func checkLabels(provider string, labels []string) error {
	for _, l := range labels {
		if strings.TrimSpace(l) == "" || strings.Contains(l, ",") {
			return fmt.Errorf("%s: label %q is not a label name (empty, or with a comma)", provider, l)
		}
	}
	return nil
}
