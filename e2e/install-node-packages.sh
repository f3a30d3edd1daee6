#!/usr/bin/env bash
# Installs from Debian what the e2e suite's real node and the local image builds need: containerd, runc, the CNI
# plugins, and umoci / skopeo / mmdebstrap / busybox-static / gcc for images/build.sh. Idempotent: does nothing
# when they are installed (apt keeps the downloaded packages in its cache). Needs root and apt-get; exits 1 (with
# the reason) otherwise, and the real-node tests then report themselves skipped.
set -euo pipefail

packages=(containerd runc containernetworking-plugins busybox-static umoci skopeo mmdebstrap gcc libc6-dev)
log() { printf '[install-node-packages] %s\n' "$*" >&2; }

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if (( ${#missing[@]} == 0 )); then
  log "installed: ${packages[*]}"
  exit 0
fi
[[ "$(id -u)" == 0 ]] || { log "not root: cannot install ${missing[*]}"; exit 1; }
command -v apt-get >/dev/null || { log "no apt-get: install ${missing[*]} yourself"; exit 1; }

start=$(date +%s)
# The packages' postinst must not start services (containerd) on the machine: the test node runs its own.
export DEBIAN_FRONTEND=noninteractive RUNLEVEL=1
apt-get update -q >&2
apt-get install -y -q --no-install-recommends "${missing[@]}" >&2
log "installed ${missing[*]} in $(( $(date +%s) - start ))s"
