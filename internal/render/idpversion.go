package render

import (
	"strings"

	"github.com/Masterminds/semver/v3"
)

// Version is the .idp.version o renders: IdpVersion, a release's with its v as its tag has it
// (goreleaser sets 1.4.0 for the tag v1.4.0, go install v1.4.0), or DevVersion when it is empty.
func (o Options) Version() string {
	v := o.IdpVersion
	if v == "" {
		return DevVersion
	}
	if _, err := semver.StrictNewVersion(v); err == nil {
		return "v" + v
	}
	return v
}

// Release reports whether v names a release of idp (v1.4.0, 1.4.0, v1.5.0-rc.1, a Go
// pseudo-version), rather than a development build ("dev", empty, "(devel)").
func Release(v string) bool {
	_, err := semver.StrictNewVersion(strings.TrimPrefix(v, "v"))
	return err == nil
}

// Newer reports whether a is a release of idp newer than b (a development build, or nothing,
// being older than any release).
func Newer(a, b string) bool {
	if !Release(a) {
		return false
	}
	return !Release(b) || semver.MustParse(a).GreaterThan(semver.MustParse(b))
}

// AsRendered returns o rendering .idp.version as rendered, the idp version a service's files
// were last rendered with (.idp.yaml's idp-version): what the service got, as an update's base,
// idp check --strict and the fleet's divergence render it. Empty (a .idp.yaml from before idp
// recorded it) leaves o's own: nothing tells which idp it was.
func (o Options) AsRendered(rendered string) Options {
	if rendered != "" {
		o.IdpVersion = rendered
	}
	return o
}

// Updating returns o for the target of an update of files last rendered by the idp version
// rendered: o's own version when it is a release at least as new, so that what the golden path
// pins to idp (go-service's GitHub Action) moves to the idp that runs the update. A development
// build, or an idp older than the one that rendered the service, renders rendered instead: it
// neither pins "dev" nor moves a pin back.
func (o Options) Updating(rendered string) Options {
	if rendered == "" || !Release(o.IdpVersion) {
		return o.AsRendered(rendered)
	}
	if Newer(rendered, o.IdpVersion) {
		o.IdpVersion = rendered
	}
	return o
}

// Recorded is the idp version to record (.idp.yaml's idp-version) for files rendered with o as
// the target of an update from rendered (see Updating): o's version, except that a development
// build updating files whose idp nothing records records nothing, so that a later release's
// update still renders its base as it would have.
func (o Options) Recorded(rendered string) string {
	if rendered == "" && !Release(o.IdpVersion) {
		return ""
	}
	return o.Version()
}
