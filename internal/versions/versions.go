// Package versions picks a golden path's version from a source's git tags: vX.Y.Z tags version
// the whole source, <dir>/vX.Y.Z tags version one golden path and win for it, and a request is
// latest, an exact tag or a semver constraint.
package versions

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/Masterminds/semver/v3"
)

// Tag is a git tag: its short name (without refs/tags/), the commit it points at, and when.
type Tag struct {
	Name   string
	Commit string
	Date   time.Time
}

// Version is a tag that names a semantic version.
type Version struct {
	Tag
	Semver *semver.Version
}

// Short is the version without a golden path's directory: v1.2.0 for the tag go-service/v1.2.0.
func (v Version) Short() string { return "v" + v.Semver.Original() }

// String is the tag name.
func (v Version) String() string { return v.Name }

// ForTemplate returns the versions of the golden path in dir (its path inside the source, "."
// for the source itself), newest first: its own <dir>/vX.Y.Z tags when it has any, else the
// source's vX.Y.Z tags.
func ForTemplate(dir string, tags []Tag) []Version {
	var own, whole []Version
	prefix := strings.TrimSuffix(dir, "/") + "/"
	for _, t := range tags {
		name, scoped := t.Name, false
		if dir != "." && dir != "" && strings.HasPrefix(name, prefix) {
			name, scoped = strings.TrimPrefix(name, prefix), true
		} else if strings.Contains(name, "/") {
			continue
		}
		if !strings.HasPrefix(name, "v") {
			continue
		}
		sv, err := semver.StrictNewVersion(strings.TrimPrefix(name, "v"))
		if err != nil {
			continue
		}
		v := Version{Tag: t, Semver: sv}
		if scoped {
			own = append(own, v)
		} else {
			whole = append(whole, v)
		}
	}
	vs := whole
	if len(own) > 0 {
		vs = own
	}
	sort.SliceStable(vs, func(i, j int) bool { return vs[i].Semver.GreaterThan(vs[j].Semver) })
	return vs
}

// ErrNotAVersion means the request is neither latest, a version nor a constraint; the caller
// may then try it as a branch or commit.
var ErrNotAVersion = errors.New("not a version or constraint")

// NotFoundError is a version request that no tag meets.
type NotFoundError struct {
	Request string
	Have    []Version
}

func (e *NotFoundError) Error() string {
	if len(e.Have) == 0 {
		return fmt.Sprintf("no version matches %s: the source has no vX.Y.Z tags", e.Request)
	}
	names := make([]string, len(e.Have))
	for i, v := range e.Have {
		names[i] = v.Short()
	}
	return fmt.Sprintf("no version matches %s; versions: %s", e.Request, strings.Join(names, ", "))
}

// Pick chooses from vs (newest first) by request: "latest" or "" (the highest that is not a
// pre-release, unless pre), an exact version (v1.2.0, 1.2.0, or the full tag name), or a
// constraint (^1.2, ~1.4.0, ">=1.2 <2").
func Pick(request string, vs []Version, pre bool) (Version, error) {
	req := strings.TrimSpace(request)
	if req == "" || req == "latest" {
		for _, v := range vs {
			if pre || v.Semver.Prerelease() == "" {
				return v, nil
			}
		}
		return Version{}, &NotFoundError{Request: "latest", Have: vs}
	}
	for _, v := range vs {
		if v.Name == req {
			return v, nil
		}
	}
	if sv, err := semver.StrictNewVersion(strings.TrimPrefix(req, "v")); err == nil {
		for _, v := range vs {
			if v.Semver.Equal(sv) {
				return v, nil
			}
		}
		return Version{}, &NotFoundError{Request: req, Have: vs}
	}
	c, err := semver.NewConstraint(req)
	if err != nil {
		return Version{}, ErrNotAVersion
	}
	c.IncludePrerelease = pre
	for _, v := range vs {
		if c.Check(v.Semver) {
			return v, nil
		}
	}
	return Version{}, &NotFoundError{Request: req, Have: vs}
}
