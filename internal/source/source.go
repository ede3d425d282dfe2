// Package source finds golden paths: in a local directory or in the set embedded in the binary.
// A golden path is a directory holding a template.yaml and a skeleton/ directory.
package source

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/idp-cli/idp/internal/manifest"
)

// Template is one golden path found in a source.
type Template struct {
	Manifest *manifest.Manifest
	// FS is rooted at the golden path's directory (template.yaml, skeleton/).
	FS fs.FS
	// Dir is the golden path's directory inside the source ("." when the source is the path).
	Dir string
}

// Source is where golden paths come from.
type Source struct {
	// Location is what .idp.yaml records as template.source.
	Location string
	// Version and Commit identify the source's state, when it has one.
	Version string
	Commit  string
	fsys    fs.FS
}

// Builtin is the Location recorded for the golden paths embedded in idp.
const Builtin = "builtin"

// Embedded is the source of the golden paths compiled into the binary; version is idp's own.
func Embedded(fsys fs.FS, version string) *Source {
	return &Source{Location: Builtin, Version: version, fsys: fsys}
}

// Dir is a source in a local directory.
func Dir(dir string) (*Source, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	info, err := os.Stat(abs)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("source %s does not exist; give --source a directory of golden paths or a git URL", dir)
		}
		return nil, fmt.Errorf("source %s: %w", dir, err)
	}
	if !info.IsDir() {
		return nil, fmt.Errorf("source %s is not a directory; give --source a directory of golden paths or a git URL", dir)
	}
	return &Source{Location: abs, fsys: os.DirFS(abs)}, nil
}

// Catalog lists the golden paths in the source: the source itself when it holds a template.yaml,
// else its subdirectories at depth 1 or 2 that do. A broken template.yaml is an error, so that a
// platform team sees it rather than a golden path going missing.
func (s *Source) Catalog() ([]*Template, error) {
	if _, err := fs.Stat(s.fsys, manifest.FileName); err == nil {
		t, err := s.load(".")
		if err != nil {
			return nil, err
		}
		return []*Template{t}, nil
	}
	var out []*Template
	var walk func(dir string, depth int) error
	walk = func(dir string, depth int) error {
		entries, err := fs.ReadDir(s.fsys, dir)
		if err != nil {
			return fmt.Errorf("read source %s: %w", s.Location, err)
		}
		for _, e := range entries {
			if !e.IsDir() || strings.HasPrefix(e.Name(), ".") {
				continue
			}
			sub := path.Join(dir, e.Name())
			if _, err := fs.Stat(s.fsys, path.Join(sub, manifest.FileName)); err == nil {
				t, err := s.load(sub)
				if err != nil {
					return err
				}
				out = append(out, t)
			} else if depth < 2 {
				if err := walk(sub, depth+1); err != nil {
					return err
				}
			}
		}
		return nil
	}
	if err := walk(".", 1); err != nil {
		return nil, err
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Manifest.Name < out[j].Manifest.Name })
	for i := 1; i < len(out); i++ {
		if out[i].Manifest.Name == out[i-1].Manifest.Name {
			return nil, fmt.Errorf("source %s has two golden paths named %q (%s and %s); rename one",
				s.Location, out[i].Manifest.Name, out[i-1].Dir, out[i].Dir)
		}
	}
	return out, nil
}

func (s *Source) load(dir string) (*Template, error) {
	file := path.Join(dir, manifest.FileName)
	data, err := fs.ReadFile(s.fsys, file)
	if err != nil {
		return nil, err
	}
	name := path.Base(dir)
	if dir == "." {
		if s.Location == Builtin {
			name = "template"
		} else {
			name = filepath.Base(s.Location)
		}
	}
	display := file
	if s.Location != Builtin {
		display = filepath.Join(s.Location, filepath.FromSlash(file))
	}
	m, err := manifest.Parse(data, display, name)
	if err != nil {
		return nil, err
	}
	sub, err := fs.Sub(s.fsys, dir)
	if err != nil {
		return nil, err
	}
	return &Template{Manifest: m, FS: sub, Dir: dir}, nil
}

// ByType returns the templates whose type is kind.
func ByType(all []*Template, kind string) []*Template {
	var out []*Template
	for _, t := range all {
		if t.Manifest.Type == kind {
			out = append(out, t)
		}
	}
	return out
}

// Types lists the distinct types in the catalog.
func Types(all []*Template) []string {
	var kinds []string
	for _, t := range all {
		if !slices.Contains(kinds, t.Manifest.Type) {
			kinds = append(kinds, t.Manifest.Type)
		}
	}
	sort.Strings(kinds)
	return kinds
}

// Find returns the template named name, or nil.
func Find(all []*Template, name string) *Template {
	for _, t := range all {
		if t.Manifest.Name == name {
			return t
		}
	}
	return nil
}

// Names lists the templates' names.
func Names(all []*Template) []string {
	names := make([]string, len(all))
	for i, t := range all {
		names[i] = t.Manifest.Name
	}
	return names
}
