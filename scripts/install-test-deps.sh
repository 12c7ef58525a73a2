#!/usr/bin/env bash
# Installs everything the whole test suite needs (the first half of `npm run test:all`):
#   - the npm dependencies (`npm ci`), when node_modules is absent: a fresh clone or CI. An existing
#     node_modules is left alone, so running this on a working tree never reinstalls under someone's feet.
#   - the end-to-end tools: Chromium, ripgrep, libkrb5-dev (Debian, when root) and code-server
#     (scripts/e2e/tools.sh; a no-op when already installed).
#   - forge, anvil and cast from Foundry's npm packages (scripts/install-foundry.sh), for the tests that
#     compare against a real EVM and real `forge test`.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -d node_modules ]; then
  echo "install-test-deps: npm ci"
  npm ci --no-audit --no-fund
fi
bash scripts/e2e/tools.sh
bash scripts/install-foundry.sh
