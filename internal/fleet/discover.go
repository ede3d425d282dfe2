package fleet

import (
	"context"
	"fmt"
	"path"
	"slices"
	"strings"

	"github.com/idp-cli/idp/internal/forge"
)

// Filter picks which of an owner's repositories on a forge a fleet command works on. The zero
// Filter keeps every repository that is neither archived nor a fork.
type Filter struct {
	// Topics keeps repositories with at least one of these topics (GitLab: topics); none keeps
	// all.
	Topics []string
	// Include keeps repositories matching at least one pattern (none keeps all); Exclude drops
	// those matching any. A pattern is a path.Match glob on the name ("payments-*"), or on
	// owner/name when it has a slash ("acme/*-api", "platform/*/*" for GitLab subgroups).
	Include, Exclude []string
	// Archived and Forks keep archived repositories and forks, which are skipped by default.
	Archived, Forks bool
}

// Validate reports a pattern path.Match cannot read, naming its flag.
func (f Filter) Validate() error {
	for flag, pats := range map[string][]string{"--include": f.Include, "--exclude": f.Exclude} {
		for _, p := range pats {
			if _, err := path.Match(p, ""); err != nil {
				return fmt.Errorf("%s %q: %v; give a glob such as 'payments-*' or 'acme/*-api'", flag, p, err)
			}
		}
	}
	return nil
}

// Why says why f leaves r out: "archived", "fork", "topic", "pattern", or "" when it keeps it.
func (f Filter) Why(r *forge.Listed) string {
	full := r.Owner + "/" + r.Name
	match := func(pats []string) bool {
		return slices.ContainsFunc(pats, func(p string) bool {
			s := r.Name
			if strings.Contains(p, "/") {
				s = full
			}
			ok, _ := path.Match(strings.ToLower(p), strings.ToLower(s))
			return ok
		})
	}
	switch {
	case r.Archived && !f.Archived:
		return "archived"
	case r.Fork && !f.Forks:
		return "fork"
	case len(f.Topics) > 0 && !slices.ContainsFunc(r.Topics, func(t string) bool {
		return slices.ContainsFunc(f.Topics, func(want string) bool { return strings.EqualFold(t, want) })
	}):
		return "topic"
	case len(f.Include) > 0 && !match(f.Include), match(f.Exclude):
		return "pattern"
	}
	return ""
}

// Discovered is an owner's repositories that a run works on, and how many were left out, by
// reason ("archived", "fork", "topic", "pattern", "shard").
type Discovered struct {
	Repos   []*forge.Listed
	Skipped map[string]int
}

// Discover lists owner's repositories through api and keeps those f keeps that are in shard.
func Discover(ctx context.Context, api forge.Provider, owner string, f Filter, shard Shard) (*Discovered, error) {
	listed, err := api.ListRepos(ctx, owner)
	if err != nil {
		return nil, err
	}
	d := &Discovered{Skipped: map[string]int{}}
	for _, r := range listed {
		why := f.Why(r)
		if why == "" && !shard.Has(r.Owner+"/"+r.Name) {
			why = "shard"
		}
		if why != "" {
			d.Skipped[why]++
			continue
		}
		d.Repos = append(d.Repos, r)
	}
	return d, nil
}

// updateRepos is the repositories a fleet update works on: the --repos list, or those
// discovered on the forge, in o.Shard, less those o.Resume's results say are done (counted
// in resumed).
func updateRepos(ctx context.Context, d UpdateDeps, o UpdateOptions) (repos []Repo, resumed int, err error) {
	if o.Owner != "" {
		found, err := Discover(ctx, d.Forge, o.Owner, o.Filter, o.Shard)
		if err != nil {
			return nil, 0, err
		}
		for _, r := range found.Repos {
			repos = append(repos, Repo{Name: r.Owner + "/" + r.Name, Location: r.CloneURL})
		}
	} else {
		all, err := ReadRepos(ctx, o.Repos)
		if err != nil {
			return nil, 0, &ListError{Err: err}
		}
		for _, r := range all {
			if o.Shard.Has(r.FullName()) {
				repos = append(repos, r)
			}
		}
	}
	if o.Resume == "" {
		return repos, 0, nil
	}
	done, err := ReadResults(ctx, o.Resume)
	if err != nil {
		return nil, 0, &ListError{Err: fmt.Errorf("--resume: %w", err)}
	}
	finished := map[string]bool{}
	for _, r := range done {
		finished[r.Repo] = r.Result != "failed"
	}
	kept := repos[:0]
	for _, r := range repos {
		if finished[r.displayName()] {
			resumed++
			continue
		}
		kept = append(kept, r)
	}
	return kept, resumed, nil
}
