#!/usr/bin/env bash
# Installs a released idp for the GitHub Action (action.yml) and the GitLab CI component
# (templates/idp-update.yml): downloads the release's archive for this machine's OS and
# architecture, checks it against the release's checksums.txt, and unpacks it into a directory
# kept between runs by the CI's cache. A cached copy is checked again and used without the network.
# It prints the directory that holds the idp binary, and adds it to $GITHUB_PATH when set.
#
#   scripts/action-install.sh                    # install; prints the binary's directory
#   scripts/action-install.sh --print-version    # only print the version it would install
#
# Environment:
#   IDP_VERSION       the release's tag, e.g. v1.4.0; when empty, IDP_ACTION_REF's
#   IDP_ACTION_REF    the ref the action is pinned to (github.action_ref): a tag, or a commit
#                     (Renovate's and Dependabot's digest pins), which is looked up among the
#                     tags of IDP_REPOSITORY_URL (default https://github.com/idp-cli/idp)
#   IDP_RELEASES_URL  where releases are, in GitHub's layout <url>/<tag>/<asset>
#                     (default https://github.com/idp-cli/idp/releases/download)
#   IDP_INSTALL_DIR   where to unpack (default $RUNNER_TOOL_CACHE/idp, else ~/.cache/idp);
#                     the binary lands in $IDP_INSTALL_DIR/<tag>/<os>_<arch>/
#   RUNNER_OS, RUNNER_ARCH  GitHub's names (Linux, macOS, Windows; X64, ARM64); uname when unset
#
# Exit status: 0 installed, 1 a download failed or the archive does not match checksums.txt,
# 2 a missing or malformed setting.
set -euo pipefail

die() { echo "idp install: $2" >&2; exit "$1"; }

version=${IDP_VERSION:-${IDP_ACTION_REF:-}}
[ -n "$version" ] || die 2 "no version: give the action's version input (a release tag such as v1.4.0)"
if [[ $version =~ ^[0-9a-f]{40}$ ]]; then
	# A commit: the release tag that points at it (annotated tags through their peeled line).
	repo=${IDP_REPOSITORY_URL:-https://github.com/idp-cli/idp}
	tags=$(git ls-remote --tags "$repo" 'v*') || die 1 "cannot list the tags of $repo to find the release of commit $version; give the action's version input"
	found=$(echo "$tags" | awk -v c="$version" '$1 == c { t = $2; sub(/^refs\/tags\//, "", t); sub(/\^\{\}$/, "", t); print t }' |
		grep -E '^v[0-9]+\.[0-9]+\.[0-9]+$' | sort -V | tail -n 1 || true)
	[ -n "$found" ] || die 2 "commit $version is not a release tag of $repo; pin the action to a release (uses: idp-cli/idp@vX.Y.Z, or its commit), or give its version input"
	version=$found
fi
case "$version" in
v[0-9]*.[0-9]*.[0-9]*) ;;
*) die 2 "version $version is not a release tag such as v1.4.0; pin the action to a release tag, or give its version input" ;;
esac
case "$version" in
*/* | *..*) die 2 "version $version is not a release tag" ;;
esac

os=${RUNNER_OS:-$(uname -s)}
case "$os" in
Linux | linux) os=linux ;;
macOS | Darwin | darwin) os=darwin ;;
Windows | windows | MINGW* | MSYS* | CYGWIN*) os=windows ;;
*) die 1 "no idp release for the operating system $os" ;;
esac
arch=${RUNNER_ARCH:-$(uname -m)}
case "$arch" in
X64 | x86_64 | amd64) arch=amd64 ;;
ARM64 | aarch64 | arm64) arch=arm64 ;;
*) die 1 "no idp release for the architecture $arch" ;;
esac

if [ "${1:-}" = --print-version ]; then
	echo "$version"
	exit 0
fi

ext=tar.gz
exe=idp
if [ "$os" = windows ]; then
	ext=zip
	exe=idp.exe
fi
asset="idp_${version#v}_${os}_${arch}.${ext}"
base=${IDP_RELEASES_URL:-https://github.com/idp-cli/idp/releases/download}
root=${IDP_INSTALL_DIR:-${RUNNER_TOOL_CACHE:-${HOME}/.cache}/idp}
dir="$root/$version/${os}_${arch}"

sha256() {
	if command -v sha256sum >/dev/null 2>&1; then
		sha256sum "$1" | cut -d' ' -f1
	else
		shasum -a 256 "$1" | cut -d' ' -f1
	fi
}

# verify checks $1 (a file in $2) against the line of checksums.txt in $2 that names it.
verify() {
	local want got
	want=$(awk -v f="$1" '$2 == f || $2 == "*" f { print $1; exit }' "$2/checksums.txt")
	[ -n "$want" ] || die 1 "checksums.txt of $version has no line for $1"
	got=$(sha256 "$2/$1")
	[ "$want" = "$got" ] || die 1 "$1 does not match checksums.txt of $version (sha256 $got, want $want); refusing to install it"
}

if [ -x "$dir/bin/$exe" ] && [ -f "$dir/$asset" ] && [ -f "$dir/checksums.txt" ]; then
	verify "$asset" "$dir"
	echo "idp $version from the cache, $dir/bin" >&2
else
	tmp=$(mktemp -d)
	trap 'rm -rf "$tmp"' EXIT
	fetch() {
		curl --fail --silent --show-error --location --retry 3 --output "$tmp/$1" "$base/$version/$1" ||
			die 1 "download of $base/$version/$1 failed; is $version an idp release?"
	}
	echo "downloading idp $version ($asset) from $base" >&2
	fetch checksums.txt
	fetch "$asset"
	verify "$asset" "$tmp"
	mkdir -p "$tmp/bin"
	if [ "$ext" = zip ]; then
		unzip -q -o "$tmp/$asset" "$exe" -d "$tmp/bin"
	else
		tar -xzf "$tmp/$asset" -C "$tmp/bin" "$exe"
	fi
	chmod +x "$tmp/bin/$exe"
	# Into place only once checked and unpacked, so that a failed run leaves nothing to cache.
	rm -rf "$dir"
	mkdir -p "$dir"
	mv "$tmp/checksums.txt" "$tmp/$asset" "$tmp/bin" "$dir/"
fi

if [ -n "${GITHUB_PATH:-}" ]; then
	echo "$dir/bin" >>"$GITHUB_PATH"
fi
echo "$dir/bin"
