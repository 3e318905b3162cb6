#!/usr/bin/env bash
# Builds a release archive and uploads it.
set -euo pipefail

readonly VERSION="${1:?usage: release.sh VERSION}"
readonly DIST="dist/app-${VERSION}"

# Print a step, in bold when stdout is a terminal.
step() {
  if [[ -t 1 ]]; then
    printf '\033[1m==> %s\033[0m\n' "$*"
  else
    printf '==> %s\n' "$*"
  fi
}

function build_archive {
  step "building ${DIST}.tar.gz"
  mkdir -p "$DIST"
  cp -r bin lib "$DIST"/
  tar -czf "${DIST}.tar.gz" -C dist "app-${VERSION}"
}

checksum() (
  cd dist
  sha256sum "app-${VERSION}.tar.gz" > "app-${VERSION}.sha256"
)

if ! command -v sha256sum >/dev/null; then
  sha256sum() { shasum -a 256 "$@"; }
fi

release::notify() {
  curl -fsS -X POST "${RELEASE_HOOK:?}" -d "version=${VERSION}"
}

build_archive
checksum
release::notify
step "done"
