package update

import (
	"fmt"
	"strings"

	"github.com/Masterminds/semver/v3"

	"github.com/idp-cli/idp/internal/provenance"
	"github.com/idp-cli/idp/internal/source"
)

// Recorded is the golden path .idp.yaml records for the service in dir: its layer named layer,
// else its base. ok is false when there is no service there or no such layer.
func Recorded(dir, layer string) (t provenance.Template, ok bool) {
	svc, err := Open(dir)
	if err != nil {
		return t, false
	}
	i := 0
	if layer != "" {
		if i = svc.Record.Find(layer); i < 0 {
			return t, false
		}
	}
	return svc.Record.Layer(i).Template, true
}

// VersionError is a version in .idp.yaml that its golden path's source does not have (an
// edit, or a tag deleted since): idp cannot tell which files it made, so it stops.
type VersionError struct {
	File    string // .idp.yaml, as messages name it
	Line    int
	Key     string // template.version, or layers[N].template.version
	Version string
	Name    string // the golden path
	Source  string
	Have    []string // the versions there are, newest first
}

func (e *VersionError) Error() string {
	where := e.File
	if e.Line > 0 {
		where = fmt.Sprintf("%s:%d", e.File, e.Line)
	}
	have := "it has no vX.Y.Z tags"
	if len(e.Have) > 0 {
		have = "its versions: " + strings.Join(e.Have, ", ")
	}
	return fmt.Sprintf("%s: %s is %s, which is not a version of %s in %s (%s); set it to the version the service was made from or last updated to (git log -p -- %s shows them)",
		where, e.Key, e.Version, e.Name, e.Source, have, e.File)
}

// CheckVersion returns a *VersionError when layer i of the service's .idp.yaml (0 the base)
// records a version, as vX.Y.Z, that tmpl has not in cat; nil when it has, or when the
// version is a branch or a commit, or the source has no versions to compare with.
func (s *Service) CheckVersion(cat *source.Catalog, tmpl *source.Template, i int) error {
	rec := s.Record.Layer(i).Template
	if cat.Git == nil || rec.Version == "" {
		return nil
	}
	if rec.Source == source.Builtin && !cat.Git.Has(tmpl.Dir, rec.Version, rec.Commit) {
		return nil // made before the built-in golden paths had versions (see ResolveLayer)
	}
	if _, err := semver.StrictNewVersion(strings.TrimPrefix(rec.Version, "v")); err != nil {
		return nil // a branch, or a commit: the commit says where the files come from
	}
	_, all := cat.LatestIn(tmpl.Dir)
	for _, v := range cat.Git.Versions(tmpl.Dir) {
		if v.Short() == rec.Version || v.Name == rec.Version {
			return nil
		}
	}
	key := "template.version"
	if i > 0 {
		key = fmt.Sprintf("layers[%d].template.version", i-1)
	}
	return &VersionError{File: s.file, Line: provenance.VersionLine(s.data, i), Key: key, Version: rec.Version, Name: rec.Name, Source: rec.Source, Have: all}
}
