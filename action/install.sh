#!/usr/bin/env bash
# Installs eksdoctor for the GitHub Action from the action's own checkout, as a release is installed:
# build the bundle (a checkout has no dist/), `npm pack` it, and `npm install -g` the tarball, which
# has no dependencies and no install scripts.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -f dist/eksdoctor.mjs ]; then
  # Build tools only; the lockfile pins them. No dependency's install script is needed to build.
  npm ci --ignore-scripts --no-audit --no-fund
  npm run build
fi
dest=$(mktemp -d "${RUNNER_TEMP:-${TMPDIR:-/tmp}}/eksdoctor-pack.XXXXXX")
tarball=$(npm pack --silent --pack-destination "$dest" | tail -n 1)
npm install -g --no-audit --no-fund "$dest/$tarball"
rm -rf "$dest"
eksdoctor --version
