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

# Built with the release's -X flags: idp for the completions, and internal/manpages, idp's
# command tree with cobra's man page generator (kept out of idp, whose every run would pay for
# the generator's Markdown renderer), for the man pages. Into bin/, since $work/idp/ is where
# idp looks for its config below.
ldflags="-X main.version=$version -X main.date=$date"
go build -o "$work/bin/idp" -ldflags "$ldflags" ./cmd/idp
go build -o "$work/bin/manpages" -ldflags "$ldflags" ./internal/manpages

# Stale pages of a removed command must not ship.
rm -rf completions manpages
mkdir completions manpages
# A user's config file or IDP_* settings must not change what is generated.
unset IDP_CONFIG
export XDG_CONFIG_HOME="$work" HOME="$work"
"$work/bin/idp" completion bash >completions/idp.bash
"$work/bin/idp" completion zsh >completions/_idp
"$work/bin/idp" completion fish >completions/idp.fish
"$work/bin/manpages" manpages
