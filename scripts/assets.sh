#!/usr/bin/env bash
# The portal's front-end code (htmx), installed from the npm registry at the versions pinned in
# src/eport/entrypoints/web/assets/package-lock.json; nothing third-party is committed. The
# portal works without it (every core flow is plain HTML forms), only less smoothly.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../src/eport/entrypoints/web/assets"
if ! command -v npm >/dev/null; then
  echo "==> npm not found: the portal runs without htmx (plain forms)" >&2
  exit 0
fi
if [[ -f node_modules/htmx.org/dist/htmx.min.js ]] && [[ node_modules/.package-lock.json -nt package-lock.json ]]; then
  exit 0
fi
echo "==> installing the portal's front-end assets (npm ci)"
npm ci --no-audit --no-fund --ignore-scripts --loglevel=error
