#!/bin/sh
# Checks .goreleaser.yaml with goreleaser v2.16.0, installing it first when it is missing (a
# build of a few minutes, which is why this is not part of `go test ./...`). With --snapshot it
# also builds every archive into dist/ as a release would, without publishing, and lists what
# one of them holds.
#
#   scripts/release-check.sh
#   scripts/release-check.sh --snapshot
set -eu

cd "$(dirname "$0")/.."
want=2.16.0

gobin=$(go env GOBIN)
[ -n "$gobin" ] || gobin=$(go env GOPATH)/bin
goreleaser=$gobin/goreleaser
if ! "$goreleaser" --version 2>/dev/null | grep -q "GitVersion: *v$want\$"; then
	echo "installing goreleaser v$want into $gobin..." >&2
	go install "github.com/goreleaser/goreleaser/v2@v$want"
fi

"$goreleaser" check

if [ "${1:-}" = --snapshot ]; then
	"$goreleaser" release --snapshot --clean --skip=publish
	ls dist/*.tar.gz dist/*.zip dist/checksums.txt
	tar -tzf dist/idp_*_linux_amd64.tar.gz
fi
