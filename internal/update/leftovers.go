package update

import (
	"bytes"
	"context"
	"sort"
	"strconv"
	"strings"

	"github.com/idp-cli/idp/internal/gitcli"
	"github.com/idp-cli/idp/internal/servicedir"
)

// Leftover is a file an update left in conflict that still is: conflict markers in it, or a
// FILE.rej / FILE.idp-new beside it.
type Leftover struct {
	Path string `json:"path"`
	What string `json:"what"` // "markers", "rej" or "idp-new"
}

// Leftovers lists what the service's updates left in conflict and nobody has resolved yet:
// files git knows (committed or not) that hold an idp conflict (a line starting <<<<<<< and,
// later, one starting >>>>>>> followed by one of the golden paths' names, as idp labels its
// side), and .rej / .idp-new files.
// Merged with markers, a conflict is otherwise an edit like any other: check would call the
// service up to date, and the next update would merge over the markers.
func (s *Service) Leftovers(ctx context.Context, goldenPaths ...string) ([]Leftover, error) {
	if s.repo == nil {
		return nil, nil
	}
	idx, err := s.repo.Storer.Index()
	if err != nil {
		return nil, nil // no index yet: nothing committed to hold markers
	}
	paths := map[string]bool{}
	prefix := ""
	if s.rel != "" {
		prefix = s.rel + "/"
	}
	for _, e := range idx.Entries {
		if strings.HasPrefix(e.Name, prefix) {
			paths[strings.TrimPrefix(e.Name, prefix)] = true
		}
	}
	if st, err := gitcli.Status(ctx, s.Dir); err == nil {
		for _, e := range st {
			if e.Code == "??" && strings.HasPrefix(e.Path, prefix) {
				paths[strings.TrimPrefix(e.Path, prefix)] = true
			}
		}
	}
	d, err := servicedir.Open(s.Dir)
	if err != nil {
		return nil, err
	}
	defer d.Close()
	var ends [][]byte
	for _, g := range goldenPaths {
		ends = append(ends, []byte("\n>>>>>>> "+g+" "))
	}
	var out []Leftover
	for p := range paths {
		switch {
		case strings.HasSuffix(p, ".rej"), strings.HasSuffix(p, ".idp-new"):
			if e, err := d.Read(p); err == nil && e.Kind != servicedir.Missing {
				out = append(out, Leftover{Path: p, What: p[strings.LastIndex(p, ".")+1:]})
			}
			continue
		}
		e, err := d.Read(p)
		if err != nil || e.Kind != servicedir.File {
			continue
		}
		start := bytes.HasPrefix(e.Data, []byte("<<<<<<< ")) || bytes.Contains(e.Data, []byte("\n<<<<<<< "))
		for _, end := range ends {
			if start && bytes.Contains(e.Data, end) {
				out = append(out, Leftover{Path: p, What: "markers"})
				break
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out, nil
}

// DescribeLeftovers says what is left, and how to find and resolve it.
func DescribeLeftovers(ls []Leftover) string {
	var parts []string
	for _, l := range ls {
		switch l.What {
		case "markers":
			parts = append(parts, l.Path+" (conflict markers)")
		case "rej":
			parts = append(parts, l.Path+" (the golden path's changes: apply them, then delete it)")
		default:
			parts = append(parts, l.Path+" (the golden path's version: take what you need, then delete it)")
		}
	}
	n := "1 file"
	if len(ls) != 1 {
		n = strconv.Itoa(len(ls)) + " files"
	}
	return n + " still in conflict from an update: " + strings.Join(parts, ", ") + "; git diff --check or grep -rn '^<<<<<<<' finds the markers"
}

// LeftoverError is an update refused because an earlier one's conflicts are not resolved.
type LeftoverError struct{ Leftovers []Leftover }

func (e *LeftoverError) Error() string {
	return "the service has " + DescribeLeftovers(e.Leftovers) + "; resolve them and commit, then update"
}
