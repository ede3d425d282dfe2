package fleet

import (
	"errors"
	"fmt"
	"time"

	git "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"

	"github.com/idp-cli/idp/internal/provenance"
)

// Move is a commit of the default branch that changed the version of one of the golden paths
// .idp.yaml records (the base or an add-on): the service was made, adopted or given the add-on
// (From empty), or moved to Version.
type Move struct {
	Template string    `json:"template"`
	Version  string    `json:"version"`
	From     string    `json:"from,omitempty"`
	Commit   string    `json:"commit"`
	At       time.Time `json:"at"` // the commit's committer date: when it landed on the branch
	// LeadTimeSeconds is the time from Version's release (its tag's date) to At; null when
	// the move is no update, or Version is not a release of the golden path with a known date.
	LeadTimeSeconds *int64 `json:"leadTimeSeconds"`
}

// maxHistory bounds the commits read back from the head: a service's default branch rarely
// has more, and a mistaken list entry (a huge monorepo) must not take forever.
const maxHistory = 100_000

// History reads the moves of a service from the first-parent history of head, oldest first:
// the chain of commits the default branch itself went through, so that a pull request merged
// with a merge commit counts from the merge, when the branch got it, not from the bot's commit.
// name is the path of .idp.yaml in the repository. History starts with the oldest commit that
// has the file; a commit whose file cannot be parsed is skipped.
func History(r *git.Repository, head plumbing.Hash, name string) ([]Move, error) {
	type point struct {
		c    *object.Commit
		blob plumbing.Hash
	}
	var chain []point // newest first
	c, err := r.CommitObject(head)
	for n := 0; err == nil && n < maxHistory; n++ {
		f, ferr := c.File(name)
		if errors.Is(ferr, object.ErrFileNotFound) {
			break
		}
		if ferr != nil {
			return nil, fmt.Errorf("read %s at %s: %w", name, c.Hash.String()[:7], ferr)
		}
		chain = append(chain, point{c, f.Hash})
		if c.NumParents() == 0 {
			break
		}
		c, err = c.Parent(0)
	}
	if err != nil {
		// A shallow or partial history ends where it ends: what was read is still history.
		if !errors.Is(err, plumbing.ErrObjectNotFound) || len(chain) == 0 {
			return nil, err
		}
	}
	var moves []Move
	var last map[string]string // golden path -> version, base and add-ons
	var lastBlob plumbing.Hash
	for i := len(chain) - 1; i >= 0; i-- {
		p := chain[i]
		if p.blob == lastBlob {
			continue
		}
		lastBlob = p.blob
		f, err := p.c.File(name)
		if err != nil {
			return nil, err
		}
		text, err := f.Contents()
		if err != nil {
			return nil, err
		}
		rec, err := provenance.Parse([]byte(text), name)
		if err != nil {
			continue
		}
		now := map[string]string{}
		for l := 0; l <= len(rec.Layers); l++ {
			t := rec.Layer(l).Template
			now[t.Name] = version(t)
			if was, had := last[t.Name]; had && was == version(t) {
				continue
			}
			m := Move{Template: t.Name, Version: version(t), Commit: p.c.Hash.String(), At: p.c.Committer.When.UTC()}
			m.From = last[t.Name]
			moves = append(moves, m)
		}
		last = now
	}
	return moves, nil
}

// movesOf are the moves of one golden path.
func movesOf(moves []Move, template string) []Move {
	out := []Move{}
	for _, m := range moves {
		if m.Template == template {
			out = append(out, m)
		}
	}
	return out
}

// version is what a record names: its version, or the first 12 digits of its commit.
func version(t provenance.Template) string {
	if t.Version == "" && len(t.Commit) >= 12 {
		return t.Commit[:12]
	}
	return t.Version
}
