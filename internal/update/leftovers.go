package update

import (
	"bytes"
	"context"
	"io/fs"
	"os"
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
// files git knows that hold an idp conflict (a line starting <<<<<<< and,
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
	known := map[string]bool{}
	prefix := ""
	if s.rel != "" {
		prefix = s.rel + "/"
	}
	for _, e := range idx.Entries {
		if strings.HasPrefix(e.Name, prefix) {
			known[strings.TrimPrefix(e.Name, prefix)] = true
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
	// One walk of the service (links are not followed, .git not entered) rather than a look-up
	// per path, which made idp check twice as slow.
	root := d.Root()
	var out, untracked []Leftover
	err = fs.WalkDir(root.FS(), ".", func(p string, e fs.DirEntry, err error) error {
		if err != nil {
			return nil // unreadable: not ours to judge
		}
		if e.IsDir() {
			if e.Name() == ".git" {
				return fs.SkipDir
			}
			return nil
		}
		if !e.Type().IsRegular() {
			return nil
		}
		for _, ext := range []string{".rej", ".idp-new"} {
			// Beside a file of the golden path, which git knows; the file itself may be new.
			if base := strings.TrimSuffix(p, ext); base != p && (known[base] || exists(root, base)) {
				if known[p] {
					out = append(out, Leftover{Path: p, What: ext[1:]})
				} else {
					untracked = append(untracked, Leftover{Path: p, What: ext[1:]})
				}
				return nil
			}
		}
		if !known[p] {
			return nil
		}
		data, err := root.ReadFile(p)
		if err != nil {
			return nil
		}
		if !bytes.HasPrefix(data, []byte("<<<<<<< ")) && !bytes.Contains(data, []byte("\n<<<<<<< ")) {
			return nil
		}
		for _, end := range ends {
			if bytes.Contains(data, end) {
				out = append(out, Leftover{Path: p, What: "markers"})
				break
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if len(untracked) > 0 {
		// Not committed: one git status, only then, tells a FILE.rej an update wrote from a
		// file of that name the user's ignore files hide, which is theirs.
		st, err := gitcli.Status(ctx, s.Dir)
		if err == nil {
			shown := map[string]bool{}
			for _, e := range st {
				shown[strings.TrimPrefix(e.Path, prefix)] = true
			}
			for _, l := range untracked {
				if shown[l.Path] {
					out = append(out, l)
				}
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

func exists(root *os.Root, name string) bool {
	_, err := root.Lstat(name)
	return err == nil
}
