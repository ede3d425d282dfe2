#!/usr/bin/env bash
# A release as goreleaser makes it, without publishing anything, checked end to end: builds the
# snapshot into dist/ (goreleaser v2.16.0, installed with go install when missing), lists its
# artifacts and fails when one is missing, installs the .deb for this machine and runs its
# idp version, and runs the GitHub Action's install test (internal/ciaction) against dist/.
# The container image is skipped (--skip=docker): it needs docker buildx and a registry.
#
#   scripts/release-snapshot.sh
#
# The .deb is installed with dpkg -i when running as root with dpkg (and removed afterwards);
# otherwise it is unpacked with dpkg-deb -x into a temporary root and run from there.
set -euo pipefail

cd "$(dirname "$0")/.."
want=2.16.0

# goreleaser v$want from PATH, else built once (a few minutes) into the cache .ci/run keeps.
goreleaser=$(command -v goreleaser || true)
if ! { [ -n "$goreleaser" ] && "$goreleaser" --version 2>/dev/null | grep -q "GitVersion: *v$want\$"; }; then
	gobin=${IDP_TOOLS_CACHE:-$HOME/.cache/idp-tools}/goreleaser-v$want
	goreleaser=$gobin/goreleaser
	if [ ! -x "$goreleaser" ]; then
		echo "installing goreleaser v$want into $gobin..." >&2
		GOBIN=$gobin go install "github.com/goreleaser/goreleaser/v2@v$want"
	fi
fi

"$goreleaser" check
"$goreleaser" release --snapshot --clean --skip=docker,publish

fail=0
need() {
	local found
	found=$(compgen -G "dist/$1" || true)
	if [ -z "$found" ]; then
		echo "missing: dist/$1" >&2
		fail=1
	else
		echo "$found"
	fi
}
echo "== artifacts"
for os in linux darwin; do
	for arch in amd64 arm64; do need "idp_*_${os}_${arch}.tar.gz"; done
done
for arch in amd64 arm64; do need "idp_*_windows_${arch}.zip"; done
for arch in amd64 arm64; do
	need "idp_*_${arch}.deb"
	need "idp-*.$( [ $arch = amd64 ] && echo x86_64 || echo aarch64 ).rpm"
	need "idp_*_$( [ $arch = amd64 ] && echo x86_64 || echo aarch64 ).apk"
done
need "homebrew/Casks/idp.rb"
need "scoop/idp.json"
need "checksums.txt"
[ "$fail" = 0 ] || { echo "the snapshot lacks artifacts above" >&2; exit 1; }
(cd dist && sha256sum --check --ignore-missing --quiet checksums.txt)

arch=$(go env GOARCH)
deb=$(compgen -G "dist/idp_*_${arch}.deb" | head -n 1)
echo "== $deb"
dpkg-deb --contents "$deb" | awk '{ print $NF }'
if [ "$(id -u)" = 0 ] && command -v dpkg >/dev/null 2>&1; then
	dpkg -i "$deb"
	trap 'dpkg -r idp >/dev/null' EXIT
	bin=/usr/bin/idp
	test -f /usr/share/man/man1/idp.1 && test -f /usr/share/bash-completion/completions/idp
else
	root=$(mktemp -d)
	trap 'rm -rf "$root"' EXIT
	dpkg-deb -x "$deb" "$root"
	bin=$root/usr/bin/idp
	test -f "$root/usr/share/man/man1/idp.1" && test -f "$root/usr/share/bash-completion/completions/idp"
fi
"$bin" version

echo "== the GitHub Action's install, against dist/"
IDP_SNAPSHOT_DIST=$PWD/dist go test -count=1 -run 'TestInstallFromSnapshot' -v ./internal/ciaction/ | grep -E '^(--- |ok|FAIL)'
