#!/usr/bin/env bash
# Installs real Foundry binaries (forge, anvil, cast 1.7.1, published on npm) for the tests that compare
# against them, when missing (fast no-op otherwise). They go in a tools folder outside the repository,
# $CHAINSTEP_FOUNDRY_TOOLS (default ~/.cache/chainstep-foundry): they are linux-amd64 binaries of ~100 MB
# each, which an `npm ci` of every developer (and of other platforms) should not pay for.
# The binaries land in $tools/node_modules/@foundry-rs/<tool>-linux-amd64/bin/<tool>.
set -euo pipefail
FOUNDRY_VERSION=1.7.1
home="${HOME:-$(getent passwd "$(id -u)" | cut -d: -f6)}"
tools="${CHAINSTEP_FOUNDRY_TOOLS:-$home/.cache/chainstep-foundry}"
if [ "$(uname -s)-$(uname -m)" != "Linux-x86_64" ]; then
  echo "foundry tools: only linux-amd64 builds are installed here; tests that need forge/anvil skip" >&2
  exit 0
fi
have() { [ -x "$tools/node_modules/@foundry-rs/$1-linux-amd64/bin/$1" ]; }
if have forge && have anvil && have cast; then exit 0; fi
mkdir -p "$tools"
echo "foundry tools: npm install forge, anvil, cast $FOUNDRY_VERSION into $tools"
( cd "$tools" && [ -f package.json ] || echo '{"name":"chainstep-foundry-tools","private":true}' > "$tools/package.json" )
npm install --prefix "$tools" --no-audit --no-fund --no-save \
  "@foundry-rs/forge-linux-amd64@$FOUNDRY_VERSION" "@foundry-rs/anvil-linux-amd64@$FOUNDRY_VERSION" \
  "@foundry-rs/cast-linux-amd64@$FOUNDRY_VERSION" >/dev/null
have forge && have anvil && have cast
