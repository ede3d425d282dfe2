package fleet

import (
	"sort"

	"github.com/Masterminds/semver/v3"
)

// Row is one repository of a fleet status: its service's golden path, version and drift, or
// why it could not be read.
type Row struct {
	Repo     string `json:"repo"`
	Template string `json:"template,omitempty"`
	Source   string `json:"source,omitempty"`
	Version  string `json:"version,omitempty"`
	Latest   string `json:"latest,omitempty"`
	// Behind and DaysBehind are null when unknown: the service is on a branch or commit, or the
	// row failed.
	Behind     *int   `json:"behind"`
	DaysBehind *int   `json:"daysBehind"`
	Error      string `json:"error,omitempty"`
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
}

// Summary is the fleet at a glance.
type Summary struct {
	Repositories int           `json:"repositories"`
	Services     int           `json:"services"`
	Failed       int           `json:"failed"`
	Paths        []PathSummary `json:"goldenPaths"`
}

// Summarize groups the rows by golden path (name and source), in order of services, most first.
func Summarize(rows []Row) Summary {
	s := Summary{Repositories: len(rows), Paths: []PathSummary{}}
	byPath := map[[2]string]*PathSummary{}
	for _, r := range rows {
		if r.Error != "" {
			s.Failed++
			continue
		}
		s.Services++
		k := [2]string{r.Template, r.Source}
		p := byPath[k]
		if p == nil {
			p = &PathSummary{Template: r.Template, Source: r.Source, Latest: r.Latest, Versions: map[string]int{}}
			byPath[k] = p
		}
		p.Services++
		p.Versions[r.Version]++
		if r.Behind != nil && *r.Behind == 0 {
			p.OnLatest++
		}
		if p.Oldest == "" || older(r.Version, p.Oldest) {
			p.Oldest = r.Version
		}
	}
	for _, p := range byPath {
		p.ShareOnLatest = float64(p.OnLatest) / float64(p.Services)
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
