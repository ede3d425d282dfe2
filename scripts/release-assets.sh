#!/bin/sh
# Writes what release archives ship besides the binary, generated from the cobra command tree of
# this checkout: shell completions into completions/ and man pages into manpages/. goreleaser
# runs it as a before hook (.goreleaser.yaml) with the release's version and date, so that the
# man pages' header names them; by hand:
#
#   scripts/release-assets.sh [VERSION [DATE]]     # DATE in RFC 3339, default: now
set -eu

cd "$(dirname "$0")/.."
version=${1:-dev}
date=${2:-$(date -u +%Y-%m-%dT%H:%M:%SZ)}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# One build for all five runs; the same -X flags as the release build.
go build -o "$work/idp" -ldflags "-X main.version=$version -X main.date=$date" ./cmd/idp

# Stale pages of a removed command must not ship.
rm -rf completions manpages
mkdir completions manpages
# A user's config file or IDP_* settings must not change what is generated.
unset IDP_CONFIG
export XDG_CONFIG_HOME="$work" HOME="$work"
"$work/idp" completion bash >completions/idp.bash
"$work/idp" completion zsh >completions/_idp
"$work/idp" completion fish >completions/idp.fish
"$work/idp" man manpages
