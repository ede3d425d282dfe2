package fleet

import (
	"context"
	"time"

	"github.com/idp-cli/idp/internal/bot"
	"github.com/idp-cli/idp/internal/forge"
)

// PullRequestLister is what the fleet's view needs of a forge: forge.Provider has it.
type PullRequestLister interface {
	PullRequests(ctx context.Context, owner, name, head string) ([]*forge.PullRequest, error)
}

// PullRequestsAt is where a service's pull requests are: a forge's API and the repository on it.
type PullRequestsAt struct {
	API         PullRequestLister
	Owner, Name string
}

// PullRequest is one of the bot's pull requests for a service.
type PullRequest struct {
	Number int    `json:"number"`
	URL    string `json:"url"`
	From   string `json:"from"`
	To     string `json:"to"`
	// State is open, draft (open, and marked as a draft: the bot left conflicts), merged or
	// closed (closed without merging: declined).
	State     string     `json:"state"`
	CreatedAt time.Time  `json:"createdAt"`
	MergedAt  *time.Time `json:"mergedAt,omitempty"`
	ClosedAt  *time.Time `json:"closedAt,omitempty"` // closed without merging
	// AgeSeconds is how long an open pull request has been open; null once merged or closed.
	AgeSeconds *int64 `json:"ageSeconds"`
	// TimeToMergeSeconds is from opened to merged; null unless merged.
	TimeToMergeSeconds *int64 `json:"timeToMergeSeconds"`
}

// botPullRequests lists the bot's pull requests for template on the bot's branch, newest
// first: those whose description carries the bot's marker for that golden path.
func botPullRequests(ctx context.Context, at *PullRequestsAt, branch, template string, now time.Time) ([]PullRequest, error) {
	if branch == "" {
		branch = bot.DefaultBranch(template)
	}
	prs, err := at.API.PullRequests(ctx, at.Owner, at.Name, branch)
	if err != nil {
		return nil, err
	}
	out := []PullRequest{}
	for _, pr := range prs {
		m, ok := bot.ParseMarker(pr.Body)
		if !ok || m.Template != template {
			continue
		}
		p := PullRequest{Number: pr.Number, URL: pr.URL, From: m.From, To: m.To, CreatedAt: pr.Created.UTC()}
		switch {
		case pr.Merged:
			p.State = "merged"
			p.MergedAt = timePtr(pr.Closed)
			if p.MergedAt != nil {
				p.TimeToMergeSeconds = seconds(pr.Closed.Sub(pr.Created))
			}
		case !pr.Open:
			p.State = "closed"
			p.ClosedAt = timePtr(pr.Closed)
		case pr.Draft:
			p.State = "draft"
		default:
			p.State = "open"
		}
		if pr.Open && !pr.Created.IsZero() {
			p.AgeSeconds = seconds(now.Sub(pr.Created))
		}
		out = append(out, p)
	}
	return out, nil
}

func timePtr(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	t = t.UTC()
	return &t
}

// seconds is d in whole seconds, never below zero: clocks of forges and runners disagree.
func seconds(d time.Duration) *int64 {
	s := max(0, int64(d/time.Second))
	return &s
}
