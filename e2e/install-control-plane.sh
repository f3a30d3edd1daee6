#!/usr/bin/env bash
# Builds the real Kubernetes control plane used by the e2e suite
# (kube-apiserver, kube-controller-manager, etcd) from the published Go
# modules, with the ordinary Go client, into a cache folder reused between runs:
#
#   ${SPACEONE_E2E_CACHE:-$HOME/.cache/spaceone-job-operator/e2e}/<k8s-version>/bin
#
# Nothing of Kubernetes or etcd is committed in this repository: the versions are
# pinned by e2e/controlplane/kubernetes/go.mod and e2e/controlplane/etcd/go.mod
# (with their go.sum), and `go build` fetches the modules from the Go module proxy.
#
# If the binaries are already there and the stamp file matches the pinned
# versions (and the go.mod/go.sum contents), it does nothing.
#
# Environment:
#   SPACEONE_E2E_CACHE   cache root (default $HOME/.cache/spaceone-job-operator/e2e)
#   E2E_GO_PARALLELISM   go build -p value (default 2; use 1 on a busy machine)
#   E2E_FORCE_REBUILD=1  ignore the stamp and rebuild
set -euo pipefail

K8S_VERSION=v1.33.13
ETCD_VERSION=v3.5.35

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cp_dir="$here/controlplane"
cache_root="${SPACEONE_E2E_CACHE:-$HOME/.cache/spaceone-job-operator/e2e}"
dest="$cache_root/$K8S_VERSION"
bin="$dest/bin"
stamp="$bin/.stamp"
binaries=(kube-apiserver kube-controller-manager etcd)

log() { printf '[install-control-plane] %s\n' "$*" >&2; }

fingerprint() {
  # The pinned versions plus the exact module files they are built from.
  printf 'kubernetes=%s\netcd=%s\n' "$K8S_VERSION" "$ETCD_VERSION"
  cat "$cp_dir/kubernetes/go.mod" "$cp_dir/kubernetes/go.sum" \
      "$cp_dir/etcd/go.mod" "$cp_dir/etcd/go.sum" | sha256sum | cut -d' ' -f1
}

up_to_date() {
  [[ "${E2E_FORCE_REBUILD:-0}" != 1 ]] || return 1
  [[ -f "$stamp" ]] || return 1
  local b
  for b in "${binaries[@]}"; do [[ -x "$bin/$b" ]] || return 1; done
  [[ "$(cat "$stamp")" == "$(fingerprint)" ]]
}

if up_to_date; then
  log "up to date: $bin (kubernetes $K8S_VERSION, etcd $ETCD_VERSION)"
  exit 0
fi

command -v go >/dev/null || { log "go is not on PATH"; exit 1; }
mkdir -p "$dest"

# One build at a time per cache folder (two test runs, two shells...).
exec 9>"$dest/.lock"
if ! flock -n 9; then
  log "another install is running on $dest; waiting for it"
  flock 9
fi
if up_to_date; then
  log "up to date (built by the other install): $bin"
  exit 0
fi

export GOTOOLCHAIN=local   # no toolchain downloads: use the installed go
export CGO_ENABLED=0       # as upstream builds the control plane: static, no C toolchain
p="${E2E_GO_PARALLELISM:-2}"

go_version="$(go env GOVERSION)"
log "go $go_version, GOPROXY=$(go env GOPROXY), -p $p"
log "building kubernetes $K8S_VERSION and etcd $ETCD_VERSION into $bin"

work="$dest/bin.partial"
rm -rf "$work"
mkdir -p "$work"
start=$(date +%s)

# Version information, the way kubernetes' hack/lib/version.sh sets it, so that
# /version and `kubectl version` report the real release.
minor="${K8S_VERSION#v1.}"; minor="${minor%%.*}"
build_date="$(date -u +%Y-%m-%dT%H:%M:%SZ)"
ldflags="-s -w"
for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
  ldflags+=" -X $pkg.gitVersion=$K8S_VERSION -X $pkg.gitMajor=1 -X $pkg.gitMinor=$minor"
  ldflags+=" -X $pkg.gitTreeState=clean -X $pkg.buildDate=$build_date"
done

(
  cd "$cp_dir/kubernetes"
  go build -mod=readonly -trimpath -p "$p" -ldflags "$ldflags" -o "$work/" \
    k8s.io/kubernetes/cmd/kube-apiserver \
    k8s.io/kubernetes/cmd/kube-controller-manager
)
log "kubernetes built after $(( $(date +%s) - start ))s"

(
  cd "$cp_dir/etcd"
  go build -mod=readonly -trimpath -p "$p" -ldflags "-s -w" -o "$work/etcd" \
    go.etcd.io/etcd/server/v3
)
log "etcd built after $(( $(date +%s) - start ))s"

for b in "${binaries[@]}"; do
  [[ -x "$work/$b" ]] || { log "missing $work/$b after the build"; exit 1; }
done
"$work/kube-apiserver" --version >&2
"$work/etcd" --version >&2

# Replace the old bin/ (if any) and write the stamp last.
rm -rf "$bin.old"
[[ -d "$bin" ]] && mv "$bin" "$bin.old"
mv "$work" "$bin"
rm -rf "$bin.old"
fingerprint > "$stamp"
log "done in $(( $(date +%s) - start ))s: $bin"
