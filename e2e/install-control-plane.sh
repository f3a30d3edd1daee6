#!/usr/bin/env bash
# Builds the real Kubernetes binaries used by the e2e suite (kube-apiserver,
# kube-controller-manager, kube-scheduler, kubelet and etcd) from the published Go
# modules, with the ordinary Go client, into a cache folder reused between runs:
#
#   ${SPACEONE_E2E_CACHE:-$HOME/.cache/spaceone-job-operator/e2e}/<k8s-version>/bin
#
# Nothing of Kubernetes or etcd is committed in this repository: the versions are
# pinned by e2e/controlplane/kubernetes/go.mod and e2e/controlplane/etcd/go.mod
# (with their go.sum), and `go build` fetches the modules from the Go module proxy.
#
# Each binary is checked on its own and only the missing or outdated ones are
# built. A binary is up to date when its stamp (bin/.stamp-<name>: the Go version,
# the pinned versions and the hash of its module's go.mod/go.sum) matches; when
# only the module files changed, the module versions embedded in the binary
# (`go version -m`) are compared with those its package needs now (`go list -deps`),
# so a go.mod edit that does not touch a binary's dependencies (adding a tool)
# rebuilds nothing.
#
# Environment:
#   SPACEONE_E2E_CACHE   cache root (default $HOME/.cache/spaceone-job-operator/e2e)
#   E2E_GO_PARALLELISM   go build -p value (default 2; use 1 on a busy machine)
#   E2E_FORCE_REBUILD=1  ignore the stamps and rebuild everything
set -euo pipefail

K8S_VERSION=v1.33.13
ETCD_VERSION=v3.5.35

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cp_dir="$here/controlplane"
cache_root="${SPACEONE_E2E_CACHE:-$HOME/.cache/spaceone-job-operator/e2e}"
dest="$cache_root/$K8S_VERSION"
bin="$dest/bin"

# name -> "<module folder under controlplane/> <package>"
declare -A source=(
  [kube-apiserver]="kubernetes k8s.io/kubernetes/cmd/kube-apiserver"
  [kube-controller-manager]="kubernetes k8s.io/kubernetes/cmd/kube-controller-manager"
  [kube-scheduler]="kubernetes k8s.io/kubernetes/cmd/kube-scheduler"
  [kubelet]="kubernetes k8s.io/kubernetes/cmd/kubelet"
  [etcd]="etcd go.etcd.io/etcd/server/v3"
)
binaries=(kube-apiserver kube-controller-manager kube-scheduler kubelet etcd)

log() { printf '[install-control-plane] %s\n' "$*" >&2; }

export GOTOOLCHAIN=local   # no toolchain downloads: use the installed go
export CGO_ENABLED=0       # as upstream builds the control plane: static, no C toolchain

module_of() { local s="${source[$1]}"; echo "${s%% *}"; }
package_of() { local s="${source[$1]}"; echo "${s#* }"; }

stamp_of() { echo "$bin/.stamp-$1"; }

# What the quick check compares: the binary, its package, Go, the pinned versions, its module files.
inputs() {
  local m; m="$(module_of "$1")"
  printf 'binary=%s package=%s go=%s kubernetes=%s etcd=%s module=%s\n' "$1" "$(package_of "$1")" \
    "$(go env GOVERSION)" "$K8S_VERSION" "$ETCD_VERSION" \
    "$(cat "$cp_dir/$m/go.mod" "$cp_dir/$m/go.sum" | sha256sum | cut -d' ' -f1)"
}

# The modules (path@version, after replacements) the package needs now, and those built into the binary.
deps_wanted() {
  (cd "$cp_dir/$(module_of "$1")" && go list -mod=readonly -deps \
    -f '{{with .Module}}{{if .Replace}}{{.Replace.Path}}@{{.Replace.Version}}{{else}}{{.Path}}@{{.Version}}{{end}}{{end}}' \
    "$(package_of "$1")") | grep -v '@$' | sort -u
}
deps_built() {
  go version -m "$bin/$1" | awk '
    $1 == "dep" || $1 == "mod" { if (p != "") print p; p = $2 "@" $3 }
    $1 == "=>"  { p = $2 "@" $3 }
    END { if (p != "") print p }' | sort -u
}

up_to_date() {
  local b="$1"
  [[ "${E2E_FORCE_REBUILD:-0}" != 1 && -x "$bin/$b" ]] || return 1
  local want; want="$(inputs "$b")"
  [[ -f "$(stamp_of "$b")" && "$(cat "$(stamp_of "$b")")" == "$want" ]] && return 0
  # The module files changed (or there is no stamp yet): compare what the binary was built from.
  [[ "$(go version "$bin/$b" | awk '{print $2}')" == "$(go env GOVERSION)" ]] || return 1
  if [[ "$(deps_built "$b")" == "$(deps_wanted "$b")" ]]; then
    log "$b: its module files changed (or it had no stamp) but not the modules it is built from; kept"
    echo "$want" > "$(stamp_of "$b")"
    return 0
  fi
  return 1
}

missing() {
  local b out=()
  for b in "${binaries[@]}"; do up_to_date "$b" || out+=("$b"); done
  echo "${out[*]}"
}

command -v go >/dev/null || { log "go is not on PATH"; exit 1; }
mkdir -p "$bin"
# A stamp of the old all-in-one format means nothing to the per-binary check.
rm -f "$bin/.stamp"

todo="$(missing)"
if [[ -z "$todo" ]]; then
  log "up to date: $bin (kubernetes $K8S_VERSION, etcd $ETCD_VERSION)"
  exit 0
fi

# One build at a time per cache folder (two test runs, two shells...).
exec 9>"$dest/.lock"
if ! flock -n 9; then
  log "another install is running on $dest; waiting for it"
  flock 9
  rm -f "$bin/.stamp"
  todo="$(missing)"
  if [[ -z "$todo" ]]; then
    log "up to date (built by the other install): $bin"
    exit 0
  fi
fi

p="${E2E_GO_PARALLELISM:-2}"
log "go $(go env GOVERSION), GOPROXY=$(go env GOPROXY), -p $p"
log "building $todo (kubernetes $K8S_VERSION, etcd $ETCD_VERSION) into $bin"

work="$dest/bin.partial"
rm -rf "$work"
mkdir -p "$work"
start=$(date +%s)

# Version information, the way kubernetes' hack/lib/version.sh sets it, so that
# /version and `kubectl version` report the real release.
minor="${K8S_VERSION#v1.}"; minor="${minor%%.*}"
build_date="$(date -u +%Y-%m-%dT%H:%M:%SZ)"
k8s_ldflags="-s -w"
for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
  k8s_ldflags+=" -X $pkg.gitVersion=$K8S_VERSION -X $pkg.gitMajor=1 -X $pkg.gitMinor=$minor"
  k8s_ldflags+=" -X $pkg.gitTreeState=clean -X $pkg.buildDate=$build_date"
done

# One `go build` per module, so the binaries of a module share its compiled packages.
for m in kubernetes etcd; do
  pkgs=()
  for b in $todo; do [[ "$(module_of "$b")" == "$m" ]] && pkgs+=("$(package_of "$b")"); done
  (( ${#pkgs[@]} )) || continue
  if [[ "$m" == etcd ]]; then
    (cd "$cp_dir/etcd" && go build -mod=readonly -trimpath -p "$p" -ldflags "-s -w" -o "$work/etcd" "${pkgs[@]}")
  else
    (cd "$cp_dir/$m" && go build -mod=readonly -trimpath -p "$p" -ldflags "$k8s_ldflags" -o "$work/" "${pkgs[@]}")
  fi
  log "$m built after $(( $(date +%s) - start ))s"
done

# Move each binary in, then write its stamp (a binary without a stamp is checked again next time).
for b in $todo; do
  [[ -x "$work/$b" ]] || { log "missing $work/$b after the build"; exit 1; }
  "$work/$b" --version >&2
  mv -f "$work/$b" "$bin/$b"
  inputs "$b" > "$(stamp_of "$b")"
done
rm -rf "$work"
log "done in $(( $(date +%s) - start ))s: $bin"
