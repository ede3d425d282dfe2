package forge

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"
)

// PullRequest is a pull request (GitLab: merge request) as the forge reports it.
type PullRequest struct {
	Number int    // GitHub and Gitea number, GitLab iid
	URL    string // its web page
	Title  string // without any draft prefix the forge needs (GitLab "Draft: ", Gitea "WIP: ")
	Body   string
	Head   string // source branch
	Base   string // target branch
	Draft  bool
	Open   bool // false when closed or merged
	Merged bool
	// Created is when it was opened; Closed when it was merged (Merged) or closed unmerged,
	// zero while it is open.
	Created, Closed time.Time
}

// PullRequestInput is what to open or set.
type PullRequestInput struct {
	Head, Base  string // Base and Head are used by Create only
	Title, Body string
	Draft       bool
}

// GitLab and Gitea have no draft field to set: a title prefix makes a draft. These are the
// prefixes each recognises, case-insensitively (GitLab's DRAFT_REGEX, Gitea's default
// WORK_IN_PROGRESS_PREFIXES); the first is the one written.
var (
	gitlabDraft = []string{"Draft: ", "Draft:", "[Draft]", "(Draft)"}
	giteaDraft  = []string{"WIP: ", "WIP:", "[WIP]"}
)

// cutDraft removes the draft prefixes at the start of title and the spaces after them.
func cutDraft(title string, prefixes []string) (string, bool) {
	found := false
	for again := true; again; {
		again = false
		for _, p := range prefixes {
			if len(title) >= len(p) && strings.EqualFold(title[:len(p)], p) {
				title = strings.TrimLeftFunc(title[len(p):], unicode.IsSpace)
				found, again = true, true
				break
			}
		}
	}
	return title, found
}

// draftTitle is the title to send for in on a forge that marks drafts by prefixes: without a
// prefix the caller may have written, with the first prefix when in is a draft.
func draftTitle(in PullRequestInput, prefixes []string) string {
	t, _ := cutDraft(in.Title, prefixes)
	if in.Draft {
		return prefixes[0] + t
	}
	return t
}

// newestFirst orders prs by number, highest first: numbers grow with creation on every forge,
// and several pages must come out in one order.
func newestFirst(prs []*PullRequest) []*PullRequest {
	slices.SortStableFunc(prs, func(a, b *PullRequest) int { return cmp.Compare(b.Number, a.Number) })
	return prs
}

func checkHead(provider, head string) error {
	if head == "" {
		return fmt.Errorf("%s: pull request head branch is empty", provider)
	}
	return nil
}

// checkInput validates in before any request; create also needs the branches.
func checkInput(provider string, in PullRequestInput, create bool) error {
	switch {
	case create && (in.Head == "" || in.Base == ""):
		return fmt.Errorf("%s: pull request needs a head and a base branch (got %q and %q)", provider, in.Head, in.Base)
	case create && in.Head == in.Base:
		return fmt.Errorf("%s: pull request head and base are both %s; push the changes to another branch", provider, in.Head)
	case strings.TrimSpace(in.Title) == "":
		return fmt.Errorf("%s: pull request title is empty", provider)
	}
	return nil
}

func checkNumber(provider string, number int) error {
	if number <= 0 {
		return fmt.Errorf("%s: pull request number %d is not valid", provider, number)
	}
	return nil
}

func prNotFound(provider, owner, name string, number int) error {
	noun := "pull request"
	if provider == "gitlab" {
		noun = "merge request"
	}
	return &missing{fmt.Sprintf("%s: %s/%s: %s %d not found", provider, owner, name, noun, number)}
}

// prExists is the error for a second pull request between the same branches. detail is the
// forge's message, which names the open one where the forge says it.
func prExists(provider, owner, name string, in PullRequestInput, detail string) error {
	return fmt.Errorf("%s: %s/%s: %w from %s into %s (%s); update that one instead",
		provider, owner, name, ErrPullRequestExists, in.Head, in.Base, strings.TrimSpace(detail))
}
