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

	"go.yaml.in/yaml/v3"

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
// else its subdirectories at depth 1 or 2 that do. One golden path that cannot be read does not
// take the others with it: Catalog returns those it could read and a *BrokenError naming each
// one it could not, so that a platform team sees the fault rather than a golden path going
// missing, and everyone else can still use the rest. Two golden paths of one name are both
// broken. A source that is itself a broken golden path is an error of its own.
func (s *Source) Catalog() ([]*Template, error) {
	if _, err := fs.Stat(s.fsys, manifest.FileName); err == nil {
		t, err := s.load(".")
		if err != nil {
			return nil, err
		}
		return []*Template{t}, nil
	}
	var out []*Template
	var broken []Broken
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
					broken = append(broken, s.broken(sub, err))
					continue
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
	var ok []*Template
	for i := 0; i < len(out); i++ {
		j := i
		for j+1 < len(out) && out[j+1].Manifest.Name == out[i].Manifest.Name {
			j++
		}
		if j == i {
			ok = append(ok, out[i])
			continue
		}
		dirs := make([]string, 0, j-i+1)
		for _, t := range out[i : j+1] {
			dirs = append(dirs, t.Dir)
		}
		err := fmt.Errorf("source %s has %d golden paths named %q (%s); rename all but one",
			s.Location, len(dirs), out[i].Manifest.Name, strings.Join(dirs, " and "))
		if len(dirs) == 2 {
			err = fmt.Errorf("source %s has two golden paths named %q (%s and %s); rename one",
				s.Location, out[i].Manifest.Name, dirs[0], dirs[1])
		}
		for _, t := range out[i : j+1] {
			broken = append(broken, Broken{Dir: t.Dir, Name: t.Manifest.Name, Type: t.Manifest.Type, Err: err})
		}
		i = j
	}
	if len(broken) > 0 {
		sort.Slice(broken, func(i, j int) bool { return broken[i].Dir < broken[j].Dir })
		return ok, &BrokenError{Location: s.Location, Broken: broken}
	}
	return ok, nil
}

// Broken is a golden path of a source that cannot be used, and why.
type Broken struct {
	Dir  string // in the source
	Name string // its name, as far as it can be read; else its directory's name
	Type string // its type, as far as it can be read
	Err  error
}

// BrokenError is what Catalog returns, with the golden paths it could read, when some could not
// be: each of the others, with its error.
type BrokenError struct {
	Location string
	Broken   []Broken
}

func (e *BrokenError) Error() string {
	msg := e.Broken[0].Err.Error()
	if n := len(e.Broken) - 1; n > 0 {
		names := make([]string, 0, n)
		for _, b := range e.Broken[1:] {
			names = append(names, b.Name)
		}
		noun := "golden path"
		if n > 1 {
			noun += "s"
		}
		msg += fmt.Sprintf("; and %d more %s of %s cannot be used: %s", n, noun, e.Location, strings.Join(names, ", "))
	}
	return msg
}

func (e *BrokenError) Unwrap() []error {
	errs := make([]error, len(e.Broken))
	for i, b := range e.Broken {
		errs[i] = b.Err
	}
	return errs
}

// broken describes the golden path in dir, whose template.yaml does not load: its name and type
// as far as a lenient read finds them, so that it is listed under the name people know it by.
func (s *Source) broken(dir string, err error) Broken {
	b := Broken{Dir: dir, Name: path.Base(dir), Err: err}
	if data, rerr := fs.ReadFile(s.fsys, path.Join(dir, manifest.FileName)); rerr == nil {
		var head struct {
			Name string `yaml:"name"`
			Type string `yaml:"type"`
		}
		if yaml.Unmarshal(data, &head) == nil {
			if head.Name != "" {
				b.Name = head.Name
			}
			b.Type = head.Type
		}
	}
	return b
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

// Bases returns the templates that are not add-ons: the golden paths a repository is made
// from or adopted onto.
func Bases(all []*Template) []*Template {
	var out []*Template
	for _, t := range all {
		if !t.Manifest.IsAddon() {
			out = append(out, t)
		}
	}
	return out
}

// Types lists the distinct types in the catalog that idp new makes: add-ons are left out.
func Types(all []*Template) []string {
	var kinds []string
	for _, t := range all {
		if t.Manifest.IsAddon() {
			continue // applied to a service with idp add, not made with idp new
		}
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
