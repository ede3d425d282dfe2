// Package builtin keeps the released versions of idp's own golden paths as a small git history
// that the binary carries: one commit per release (templates/releases.yaml says which commit of
// idp's repository each was cut from), tagged <golden path>/vX.Y.Z, packed into one packfile.
// The built-in source is then read exactly like a git source: versions, constraints, check, diff
// and update all work offline, and a service made from v1.0.0 updates to v1.1.0.
package builtin

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"path"
	"sort"
	"strings"

	git "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/format/packfile"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/storage/memory"
	"go.yaml.in/yaml/v3"
)

// Release is one released version of a built-in golden path.
type Release struct {
	GoldenPath string `yaml:"golden-path"`
	Version    string `yaml:"version"`
	Commit     string `yaml:"commit"` // the commit of idp's repository it was cut from
	Line       int    `yaml:"-"`
}

// Branch is the branch that points at the newest release commit, the built-in source's HEAD.
const Branch = "main"

// ParseReleases reads templates/releases.yaml.
func ParseReleases(data []byte) ([]Release, error) {
	var doc struct {
		Releases []yaml.Node `yaml:"releases"`
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&doc); err != nil && err != io.EOF {
		return nil, fmt.Errorf("releases.yaml: %w", err)
	}
	var out []Release
	seen := map[string]int{}
	for _, n := range doc.Releases {
		var r Release
		if err := n.Decode(&r); err != nil {
			return nil, fmt.Errorf("releases.yaml:%d: %w", n.Line, err)
		}
		r.Line = n.Line
		if r.GoldenPath == "" || !strings.HasPrefix(r.Version, "v") || len(r.Commit) != 40 {
			return nil, fmt.Errorf("releases.yaml:%d: a release needs golden-path, version (vX.Y.Z) and the full 40-character commit", n.Line)
		}
		key := r.GoldenPath + "/" + r.Version
		if prev, ok := seen[key]; ok {
			return nil, fmt.Errorf("releases.yaml:%d: %s is released already at line %d", n.Line, key, prev)
		}
		seen[key] = n.Line
		out = append(out, r)
	}
	return out, nil
}

// Tag is the tag a release gets in the built-in history.
func (r Release) Tag() string { return r.GoldenPath + "/" + r.Version }

// History is the built-in golden paths' releases as a packfile and the refs that point into it.
type History struct {
	Pack []byte
	Refs []byte // lines of "<hash> <ref>"
}

// Build cuts each release from idp's own repository (repo), in the order releases.yaml lists
// them: the commit for a release holds every golden path as of its latest release so far, with
// only its template.yaml and skeleton/ (their objects copied unchanged, so their hashes are the
// ones in templates/ at that commit). The result is the same bytes for the same input.
func Build(repo *git.Repository, releases []Release) (*History, error) {
	st := memory.NewStorage()
	current := map[string][]object.TreeEntry{} // golden path -> its entries
	var parent plumbing.Hash
	var refs []string
	for _, r := range releases {
		c, err := repo.CommitObject(plumbing.NewHash(r.Commit))
		if err != nil {
			return nil, fmt.Errorf("releases.yaml:%d: commit %s of %s is not in this repository (a shallow clone?): %w", r.Line, r.Commit[:12], r.Tag(), err)
		}
		tree, err := c.Tree()
		if err != nil {
			return nil, err
		}
		dir, err := tree.Tree(path.Join("templates", r.GoldenPath))
		if err != nil {
			return nil, fmt.Errorf("releases.yaml:%d: templates/%s is not in commit %s", r.Line, r.GoldenPath, r.Commit[:12])
		}
		var entries []object.TreeEntry
		for _, e := range dir.Entries {
			if e.Name != "template.yaml" && e.Name != "skeleton" {
				continue
			}
			if err := copyObjects(repo, st, e.Hash); err != nil {
				return nil, err
			}
			entries = append(entries, e)
		}
		if len(entries) != 2 {
			return nil, fmt.Errorf("releases.yaml:%d: templates/%s at %s lacks template.yaml or skeleton/", r.Line, r.GoldenPath, r.Commit[:12])
		}
		current[r.GoldenPath] = entries
		rootEntries := []object.TreeEntry{}
		for _, gp := range sortedKeys(current) {
			h, err := storeTree(st, current[gp])
			if err != nil {
				return nil, err
			}
			rootEntries = append(rootEntries, object.TreeEntry{Name: gp, Mode: filemode.Dir, Hash: h})
		}
		sort.Sort(object.TreeEntrySorter(rootEntries))
		root, err := storeTree(st, rootEntries)
		if err != nil {
			return nil, err
		}
		sig := object.Signature{Name: "idp", Email: "idp@builtin.invalid", When: c.Committer.When.UTC()}
		commit := &object.Commit{
			Author: sig, Committer: sig, TreeHash: root,
			Message: fmt.Sprintf("%s %s\n\nCut from %s of idp's repository.\n", r.GoldenPath, r.Version, r.Commit),
		}
		if !parent.IsZero() {
			commit.ParentHashes = []plumbing.Hash{parent}
		}
		obj := st.NewEncodedObject()
		if err := commit.Encode(obj); err != nil {
			return nil, err
		}
		if parent, err = st.SetEncodedObject(obj); err != nil {
			return nil, err
		}
		refs = append(refs, parent.String()+" refs/tags/"+r.Tag())
	}
	if parent.IsZero() {
		return nil, fmt.Errorf("releases.yaml lists no releases")
	}
	refs = append(refs, parent.String()+" refs/heads/"+Branch)
	var hashes []plumbing.Hash
	iter, err := st.IterEncodedObjects(plumbing.AnyObject)
	if err != nil {
		return nil, err
	}
	iter.ForEach(func(o plumbing.EncodedObject) error {
		hashes = append(hashes, o.Hash())
		return nil
	})
	sort.Slice(hashes, func(i, j int) bool { return bytes.Compare(hashes[i][:], hashes[j][:]) < 0 })
	var pack bytes.Buffer
	if _, err := packfile.NewEncoder(&pack, st, false).Encode(hashes, 10); err != nil {
		return nil, fmt.Errorf("pack the built-in history: %w", err)
	}
	return &History{Pack: pack.Bytes(), Refs: []byte(strings.Join(refs, "\n") + "\n")}, nil
}

func sortedKeys(m map[string][]object.TreeEntry) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func storeTree(st *memory.Storage, entries []object.TreeEntry) (plumbing.Hash, error) {
	t := &object.Tree{Entries: entries}
	obj := st.NewEncodedObject()
	if err := t.Encode(obj); err != nil {
		return plumbing.ZeroHash, err
	}
	return st.SetEncodedObject(obj)
}

// copyObjects copies the object h (a blob or a tree, and everything under a tree) from repo.
func copyObjects(repo *git.Repository, st *memory.Storage, h plumbing.Hash) error {
	if _, err := st.EncodedObject(plumbing.AnyObject, h); err == nil {
		return nil
	}
	obj, err := repo.Storer.EncodedObject(plumbing.AnyObject, h)
	if err != nil {
		return err
	}
	if _, err := st.SetEncodedObject(obj); err != nil {
		return err
	}
	if obj.Type() != plumbing.TreeObject {
		return nil
	}
	t, err := object.DecodeTree(repo.Storer, obj)
	if err != nil {
		return err
	}
	for _, e := range t.Entries {
		if e.Mode == filemode.Submodule {
			continue
		}
		if err := copyObjects(repo, st, e.Hash); err != nil {
			return err
		}
	}
	return nil
}

// Open reads a History into an in-memory repository, its refs set and HEAD on Branch.
func Open(h *History) (*git.Repository, error) {
	st := memory.NewStorage()
	if err := packfile.UpdateObjectStorage(st, bytes.NewReader(h.Pack)); err != nil {
		return nil, fmt.Errorf("the built-in golden paths are damaged (%v); reinstall idp", err)
	}
	sc := bufio.NewScanner(bytes.NewReader(h.Refs))
	for sc.Scan() {
		hash, name, ok := strings.Cut(strings.TrimSpace(sc.Text()), " ")
		if !ok {
			continue
		}
		if err := st.SetReference(plumbing.NewHashReference(plumbing.ReferenceName(name), plumbing.NewHash(hash))); err != nil {
			return nil, err
		}
	}
	if err := st.SetReference(plumbing.NewSymbolicReference(plumbing.HEAD, plumbing.NewBranchReferenceName(Branch))); err != nil {
		return nil, err
	}
	return git.Open(st, nil)
}
