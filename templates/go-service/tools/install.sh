#!/usr/bin/env bash
# Installs the tools that go-service's test checks run (tests/*.yaml `check:`), each at a pinned
# version, into a cache directory, and prints that directory's bin/ for PATH:
#
#   export PATH="$(templates/go-service/tools/install.sh):$PATH"
#
# Idempotent: a tool already built at its version is not built again, so a second run takes a
# second. Go tools come from the Go module proxy (go install, or a build inside the downloaded
# module where its go.mod has replace directives), shellcheck from Debian, the Backstage entity
# validator from npm. Progress goes to stderr; stdout is only the bin directory.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
cache="${IDP_TOOLS_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/idp-tools}"
bin="$cache/bin"
mkdir -p "$bin"

# name  module/package@version. Keep in step with docs/go-service.md.
go_tools=(
  "staticcheck    honnef.co/go/tools/cmd/staticcheck@v0.8.2"
  "golangci-lint  github.com/golangci/golangci-lint/v2/cmd/golangci-lint@v2.15.0"
  "kustomize      sigs.k8s.io/kustomize/kustomize/v5@v5.8.2"
  "kube-score     github.com/zegl/kube-score/cmd/kube-score@v1.20.0"
  "actionlint     github.com/rhysd/actionlint/cmd/actionlint@v1.7.12"
  "tflint         github.com/terraform-linters/tflint@v0.64.0"
)
# OpenTofu, for `tofu fmt -check`, only where neither terraform nor tofu is on PATH. Its go.mod
# replaces hcl, so go install refuses it; it is built inside its downloaded module instead.
tofu_module="github.com/opentofu/opentofu@v1.12.6"
backstage_catalog_model="@backstage/catalog-model@1.10.1"
yaml_js="yaml@2.9.1"

log() { echo "install.sh: $*" >&2; }

# Each tool lives in a directory named for its exact version; bin/<name> links to it.
install_go() {
  local name=$1 pkg=$2 dir="$cache/go/${2//\//_}"
  if [ ! -x "$dir/$name" ]; then
    log "building $pkg"
    GOBIN="$dir" GOFLAGS=-trimpath go install "$pkg" >&2
    [ -x "$dir/$name" ] || { log "$pkg did not produce $name"; exit 1; }
  fi
  ln -sfn "$dir/$name" "$bin/$name"
}

for t in "${go_tools[@]}"; do
  # shellcheck disable=SC2086
  install_go $t
done

if ! command -v terraform >/dev/null 2>&1 && ! command -v tofu >/dev/null 2>&1 && [ ! -x "$bin/tofu" ]; then
  dir="$cache/go/${tofu_module//\//_}"
  if [ ! -x "$dir/tofu" ]; then
    log "building $tofu_module (no terraform or tofu on PATH)"
    src="$(go mod download -json "$tofu_module" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')"
    (cd "$src" && GOFLAGS=-trimpath go build -o "$dir/tofu" ./cmd/tofu) >&2
  fi
  ln -sfn "$dir/tofu" "$bin/tofu"
fi

if ! command -v shellcheck >/dev/null 2>&1; then
  if command -v apt-get >/dev/null 2>&1; then
    log "installing shellcheck from Debian"
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq shellcheck; } >&2
  else
    log "shellcheck is missing and there is no apt-get; actionlint will not lint run: scripts"
  fi
fi

# The Backstage entity validator: @backstage/catalog-model's own policies and JSON schemas.
node_dir="$cache/node/${backstage_catalog_model//\//_}"
if [ ! -f "$node_dir/node_modules/@backstage/catalog-model/package.json" ]; then
  log "installing $backstage_catalog_model from npm"
  mkdir -p "$node_dir"
  npm install --prefix "$node_dir" --no-audit --no-fund --silent "$backstage_catalog_model" "$yaml_js" >&2
fi
cp "$here/validate-entity.mjs" "$node_dir/validate-entity.mjs"
cat >"$bin/validate-entity" <<SH
#!/bin/sh
exec node "$node_dir/validate-entity.mjs" "\$@"
SH
chmod +x "$bin/validate-entity"

echo "$bin"
