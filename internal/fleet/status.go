package fleet

import (
	"errors"
	"math"
	"slices"
	"sort"
	"time"

	"github.com/Masterminds/semver/v3"

	"github.com/idp-cli/idp/internal/provenance"
	"github.com/idp-cli/idp/internal/versions"
)

// Row is one repository of a fleet status: its service's golden path, version and drift, how
// it got there, the bot's pull requests and what it changed of the golden path's files, or why
// it could not be read.
type Row struct {
	Repo     string `json:"repo"`
	Template string `json:"template,omitempty"`
	Source   string `json:"source,omitempty"`
	Version  string `json:"version,omitempty"`
	Latest   string `json:"latest,omitempty"`
	// Behind and DaysBehind are null when unknown: the service is on a branch or commit, or the
	// row failed.
	Behind     *int `json:"behind"`
	DaysBehind *int `json:"daysBehind"`
	// Moves are the commits of the default branch that made the service or moved it to
	// another version, oldest first; null when its history could not be read.
	Moves []Move `json:"moves"`
	// PullRequests are the bot's pull requests for the service's golden path, newest first;
	// null when no forge was asked (a local repository, an unknown host, no token).
	PullRequests []PullRequest `json:"pullRequests"`
	// Diverged are the golden path's files that differ from the recorded version's own
	// render; null unless asked for (--divergence) and measured.
	Diverged []DivergedFile `json:"diverged"`
	Error    string         `json:"error,omitempty"`
	// Layers are the service's add-ons (idp add), each a golden path of its own with the same
	// columns as the service's base golden path; absent when it has none.
	Layers []Row `json:"layers,omitempty"`
	// Warnings say what could not be measured for a service that was read: its history, its
	// pull requests, its divergence.
	Warnings []string `json:"warnings,omitempty"`
	// notService says, for a row that failed, why it may not be a service: "unknown" when the
	// repository or its .idp.yaml could not be read at all, "none" when it has no .idp.yaml;
	// empty for a service (a .idp.yaml, valid or not).
	notService string
}

// failed makes r a row that failed with err, saying whether the repository is a service: one
// with a .idp.yaml that is not valid is, one without is not, one that could not be read may
// be either.
func (r *Row) failed(err error) {
	r.Error = err.Error()
	var invalid *provenance.Error
	switch {
	case errors.Is(err, ErrNoRecord):
		r.notService = "none"
	case !errors.As(err, &invalid):
		r.notService = "unknown"
	}
}

// SetDrift fills the drift columns.
func (r *Row) SetDrift(d Drift) {
	r.Latest = d.Latest
	if d.Behind >= 0 {
		r.Behind = &d.Behind
	}
	if d.Days >= 0 {
		r.DaysBehind = &d.Days
	}
}

// LastMove is the move that brought the service onto its version; nil when unknown.
func (r *Row) LastMove() *Move {
	if len(r.Moves) == 0 {
		return nil
	}
	return &r.Moves[len(r.Moves)-1]
}

// PathSummary is one golden path across the fleet.
type PathSummary struct {
	Template string `json:"template"`
	Source   string `json:"source"`
	Latest   string `json:"latest"`
	Services int    `json:"services"`
	OnLatest int    `json:"onLatest"`
	// ShareOnLatest is OnLatest / Services, from 0 to 1.
	ShareOnLatest float64 `json:"shareOnLatest"`
	// Oldest is the oldest version in use; Versions counts services per version.
	Oldest   string         `json:"oldest"`
	Versions map[string]int `json:"versions"`
	// Releases are the golden path's releases from the latest down to the oldest in use,
	// newest first, with how fast services took each.
	Releases []Release `json:"releases"`
	// PullRequests counts the services by the state of the bot's newest pull request; null
	// when no service's pull requests could be read.
	PullRequests *PullSummary `json:"pullRequests"`
	// DivergedFiles are the golden path's files that services changed or deleted, most
	// services first; null unless divergence was measured.
	DivergedFiles []FileCount `json:"divergedFiles"`
	// Measured is how many services' divergence was measured.
	Measured int `json:"divergenceMeasured"`
}

// Release is one release of a golden path across the fleet.
type Release struct {
	Version string `json:"version"`
	// Tagged is the date of the tagged commit; null when unknown.
	Tagged *time.Time `json:"tagged"`
	// Services are on this version now.
	Services int `json:"services"`
	// Updated counts the services the history shows moving onto this release from an older
	// version; LeadTime is over them.
	Updated  int    `json:"updated"`
	LeadTime *Stats `json:"leadTime"`
}

// Stats are the median and 90th percentile of durations, in seconds.
type Stats struct {
	MedianSeconds int64 `json:"medianSeconds"`
	P90Seconds    int64 `json:"p90Seconds"`
}

// PullSummary counts services by their bot pull request's state.
type PullSummary struct {
	Open   int `json:"open"`
	Draft  int `json:"draft"`
	Merged int `json:"merged"`
	Closed int `json:"closed"`
	None   int `json:"none"` // services whose pull requests were read and the bot had none
	// MedianTimeToMergeSeconds is over every merged pull request of the bot for this golden
	// path (not only the newest per service); null when none was merged.
	MedianTimeToMergeSeconds *int64 `json:"medianTimeToMergeSeconds"`
}

// FileCount is one of a golden path's files and how many services diverge from it.
type FileCount struct {
	Path     string `json:"path"`
	Services int    `json:"services"`
	Modified int    `json:"modified"`
	Deleted  int    `json:"deleted"`
}

// Adoption is how many of an owner's repositories are on a golden path.
type Adoption struct {
	// Repositories are the owner's repositories that are not archived.
	Repositories int `json:"repositories"`
	// OnGoldenPath have a .idp.yaml; NotOnGoldenPath have none; Unknown could not be read.
	OnGoldenPath    int `json:"onGoldenPath"`
	NotOnGoldenPath int `json:"notOnGoldenPath"`
	Unknown         int `json:"unknown"`
	// Share is OnGoldenPath / Repositories, from 0 to 1.
	Share float64 `json:"share"`
	// Archived repositories are not counted.
	Archived int `json:"archived"`
}

// Summary is the fleet at a glance.
type Summary struct {
	Repositories int `json:"repositories"`
	Services     int `json:"services"`
	Failed       int `json:"failed"`
	// Adoption is null when the repositories come from a list rather than a forge's owner.
	Adoption *Adoption     `json:"adoption"`
	Paths    []PathSummary `json:"goldenPaths"`
}

// PathKey names a golden path: its name and source.
type PathKey struct{ Template, Source string }

// Summarize groups the rows by golden path (name and source), in order of services, most
// first. releases holds each golden path's versions, newest first, for its releases' dates;
// a path without them has releases from the rows alone.
func Summarize(rows []Row, releases map[PathKey][]versions.Version) Summary {
	s := Summary{Repositories: len(rows), Paths: []PathSummary{}}
	byPath := map[PathKey]*PathSummary{}
	lead := map[PathKey]map[string][]int64{}
	merge := map[PathKey][]int64{}
	divergence := map[PathKey]map[string]*FileCount{}
	var add func(r Row)
	add = func(r Row) {
		k := PathKey{r.Template, r.Source}
		p := byPath[k]
		if p == nil {
			p = &PathSummary{Template: r.Template, Source: r.Source, Latest: r.Latest, Versions: map[string]int{}}
			byPath[k] = p
			lead[k] = map[string][]int64{}
			divergence[k] = map[string]*FileCount{}
		}
		p.Services++
		p.Versions[r.Version]++
		if r.Behind != nil && *r.Behind == 0 {
			p.OnLatest++
		}
		if p.Oldest == "" || older(r.Version, p.Oldest) {
			p.Oldest = r.Version
		}
		for _, m := range r.Moves {
			if m.Template == r.Template && m.LeadTimeSeconds != nil {
				lead[k][m.Version] = append(lead[k][m.Version], *m.LeadTimeSeconds)
			}
		}
		if r.PullRequests != nil {
			if p.PullRequests == nil {
				p.PullRequests = &PullSummary{}
			}
			ps := p.PullRequests
			if len(r.PullRequests) == 0 {
				ps.None++
			} else {
				switch r.PullRequests[0].State {
				case "open":
					ps.Open++
				case "draft":
					ps.Draft++
				case "merged":
					ps.Merged++
				case "closed":
					ps.Closed++
				}
			}
			for _, pr := range r.PullRequests {
				if pr.TimeToMergeSeconds != nil {
					merge[k] = append(merge[k], *pr.TimeToMergeSeconds)
				}
			}
		}
		if r.Diverged != nil {
			p.Measured++
			for _, d := range r.Diverged {
				fc := divergence[k][d.Path]
				if fc == nil {
					fc = &FileCount{Path: d.Path}
					divergence[k][d.Path] = fc
				}
				fc.Services++
				if d.Change == "deleted" {
					fc.Deleted++
				} else {
					fc.Modified++
				}
			}
		}
		// An add-on is a golden path of its own, counted with the services that have it.
		for _, l := range r.Layers {
			if l.Error == "" {
				add(l)
			}
		}
	}
	for _, r := range rows {
		if r.Error != "" {
			s.Failed++
			continue
		}
		s.Services++
		add(r)
	}
	for k, p := range byPath {
		p.ShareOnLatest = float64(p.OnLatest) / float64(p.Services)
		p.Releases = pathReleases(p, releases[k], lead[k])
		if p.PullRequests != nil && len(merge[k]) > 0 {
			m := percentile(merge[k], 50)
			p.PullRequests.MedianTimeToMergeSeconds = &m
		}
		if p.Measured > 0 {
			p.DivergedFiles = []FileCount{}
			for _, fc := range divergence[k] {
				p.DivergedFiles = append(p.DivergedFiles, *fc)
			}
			sort.Slice(p.DivergedFiles, func(i, j int) bool {
				a, b := p.DivergedFiles[i], p.DivergedFiles[j]
				if a.Services != b.Services {
					return a.Services > b.Services
				}
				return a.Path < b.Path
			})
		}
		s.Paths = append(s.Paths, *p)
	}
	sort.Slice(s.Paths, func(i, j int) bool {
		a, b := s.Paths[i], s.Paths[j]
		if a.Services != b.Services {
			return a.Services > b.Services
		}
		return a.Template+a.Source < b.Template+b.Source
	})
	return s
}

// pathReleases lists a golden path's releases from the latest down to the oldest version in
// use or moved to, newest first.
func pathReleases(p *PathSummary, vs []versions.Version, lead map[string][]int64) []Release {
	out := []Release{}
	oldest := p.Oldest
	for v := range lead {
		if older(v, oldest) {
			oldest = v
		}
	}
	add := func(version string, tagged time.Time) {
		r := Release{Version: version, Services: p.Versions[version], Updated: len(lead[version])}
		if !tagged.IsZero() {
			t := tagged.UTC()
			r.Tagged = &t
		}
		if len(lead[version]) > 0 {
			r.LeadTime = &Stats{MedianSeconds: percentile(lead[version], 50), P90Seconds: percentile(lead[version], 90)}
		}
		out = append(out, r)
	}
	if len(vs) == 0 {
		// No tags to go by: the versions in use, newest first.
		var seen []string
		for v := range p.Versions {
			seen = append(seen, v)
		}
		for v := range lead {
			if p.Versions[v] == 0 {
				seen = append(seen, v)
			}
		}
		sort.Slice(seen, func(i, j int) bool { return older(seen[j], seen[i]) || (!older(seen[i], seen[j]) && seen[i] > seen[j]) })
		for _, v := range seen {
			add(v, time.Time{})
		}
		return out
	}
	for _, v := range vs {
		if v.Semver.Prerelease() != "" && p.Versions[v.Short()] == 0 {
			continue
		}
		if older(v.Short(), oldest) {
			break
		}
		add(v.Short(), v.Date)
	}
	return out
}

// percentile is the p-th percentile of xs by the nearest-rank method (the smallest value with
// at least p% of the values at or below it); the median (p 50) of an even count is the mean of
// the two middle values.
func percentile(xs []int64, p int) int64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	n := len(s)
	if p == 50 && n%2 == 0 {
		return (s[n/2-1] + s[n/2]) / 2
	}
	rank := int(math.Ceil(float64(p) / 100 * float64(n)))
	return s[max(rank, 1)-1]
}

// older compares versions; one that is not semver (a branch, a commit) counts as oldest.
func older(a, b string) bool {
	va, errA := semver.NewVersion(a)
	vb, errB := semver.NewVersion(b)
	switch {
	case errA != nil:
		return errB == nil
	case errB != nil:
		return false
	}
	return va.LessThan(vb)
}
