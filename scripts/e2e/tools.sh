#!/usr/bin/env bash
# Installs what the real-VS-Code end-to-end test needs, when missing (fast no-op otherwise):
#   - Debian packages: chromium (the browser playwright-core drives), ripgrep and libkrb5-dev (code-server's
#     native modules and search need them). Installed only as root; otherwise they must already be there.
#   - code-server 4.100.3 (the real VS Code workbench + extension host, the newest line that runs on Node 20)
#     in a tools folder outside the repository: $CHAINSTEP_E2E_TOOLS, default ~/.cache/chainstep-e2e.
# Why not a devDependency: code-server is ~500 MB installed, builds native modules for minutes and needs a
# ripgrep download workaround; as a devDependency every `npm ci` of every developer would pay that, and an
# `npm install` elsewhere would prune a --no-save copy. A separate folder is installed once per machine.
# playwright-core, by contrast, is small pure JavaScript with no install step: it is a devDependency.
set -euo pipefail

CODE_SERVER_VERSION=4.100.3
# @vscode/ripgrep looks for its download in <os.tmpdir()>/vscode-ripgrep-cache-<its version>.
RIPGREP_CACHE="${TMPDIR:-/tmp}/vscode-ripgrep-cache-1.15.11"
RIPGREP_ARCHIVE=ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz
# Same default as test/e2e/workbench.ts (Node's os.homedir(): $HOME, else the passwd entry).
home="${HOME:-$(getent passwd "$(id -u)" | cut -d: -f6)}"
tools="${CHAINSTEP_E2E_TOOLS:-$home/.cache/chainstep-e2e}"

missing=()
command -v chromium >/dev/null || missing+=(chromium)
command -v rg >/dev/null || missing+=(ripgrep)
[ -e /usr/include/krb5.h ] || [ -e /usr/include/gssapi/gssapi.h ] || missing+=(libkrb5-dev)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "e2e tools: missing Debian packages ${missing[*]}; install them as root (apt-get install -y ${missing[*]})" >&2
    exit 1
  fi
  echo "e2e tools: apt-get install ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

installed_version() {
  node -e "console.log(require(process.argv[1]).version)" "$tools/node_modules/code-server/package.json" 2>/dev/null || true
}
if [ "$(installed_version)" = "$CODE_SERVER_VERSION" ] && [ -e "$tools/node_modules/code-server/lib/vscode/node_modules.asar" ]; then
  exit 0
fi

echo "e2e tools: installing code-server $CODE_SERVER_VERSION into $tools (builds native modules: a few minutes)"
# @vscode/ripgrep's install step downloads rg from the internet; hand it Debian's rg through its cache.
if [ ! -e "$RIPGREP_CACHE/$RIPGREP_ARCHIVE" ]; then
  pack="$(mktemp -d)"
  cp "$(command -v rg)" "$pack/rg"
  mkdir -p "$RIPGREP_CACHE"
  tar -C "$pack" -czf "$RIPGREP_CACHE/$RIPGREP_ARCHIVE" rg
  rm -rf "$pack"
fi
mkdir -p "$tools"
rm -rf "$tools/node_modules"
printf '{ "name": "chainstep-e2e-tools", "private": true }\n' > "$tools/package.json"
# code-server's postinstall runs nested `npm install`s that build its native modules; npm 11 blocks
# dependency install scripts unless allowed, and an allow-list in this throwaway package.json would not
# reach the nested installs, so scripts are allowed for this one install (all from the npm registry).
(
  cd "$tools"
  npm_config_yes=true npm_config_unsafe_perm=true npm_config_dangerously_allow_all_scripts=true \
    npm install --no-save --no-audit --no-fund --loglevel=error "code-server@$CODE_SERVER_VERSION"
)
if [ ! -e "$tools/node_modules/code-server/lib/vscode/node_modules.asar" ]; then
  echo "e2e tools: code-server's postinstall did not complete (see the npm output above)" >&2
  exit 1
fi
echo "e2e tools: code-server $CODE_SERVER_VERSION ready"
