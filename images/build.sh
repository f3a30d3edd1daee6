#!/usr/bin/env bash
# Builds container images without a registry or a Docker daemon, from Debian packages and this repository:
#
#   busybox    docker.io/library/busybox:1.36     Debian's busybox-static with every applet (what the examples run)
#   pause      registry.k8s.io/pause:3.10         the pod sandbox process (images/pause.c, gcc -static)
#   operator   docker.io/library/spaceone-job-operator:<chart appVersion>
#              Debian's OpenJDK 17 JRE (mmdebstrap) + operator/target/spaceone-job-operator.jar
#              (+ plugin-runner/target/spaceone-plugin-runner.jar at /opt/spaceone/plugin-runner.jar when built),
#              the Dockerfile's settings: user 65532:65532, JAVA_TOOL_OPTIONS, entrypoint java -jar, cmd operator.
#
# Usage: images/build.sh [busybox|pause|operator|operator-base|test|all]...
#   (default: all; test = busybox pause; operator-base = only the Debian JRE root filesystem, no jar needed)
# Prints, on standard output, one OCI archive path per image asked for. Load one with
#   skopeo copy oci-archive:<file> docker-daemon:<name>:<tag>    (or: podman load -i <file>; docker load -i <file>
#   with Docker 25+), push it with  skopeo copy oci-archive:<file> docker://<registry>/<name>:<tag>, or import it
#   into containerd with  ctr -n k8s.io images import <file>.
#
# Reproducible: file times are set to SOURCE_DATE_EPOCH (default 0) and every created time to that instant, so the
# same inputs give the same image digest. Each archive is cached under its inputs' hash (this script, the
# binaries/jars copied in, the Debian root filesystem) and rebuilt only when they change:
#   ${SPACEONE_IMAGE_CACHE:-$HOME/.cache/spaceone-job-operator/images}/<image>-<hash>.oci.tar
# The Debian root filesystem (mmdebstrap, the network's only use here) is cached the same way by its package list;
# rebuilding it later may pick up newer Debian package versions, hence a new digest.
#
# Needs: umoci, skopeo; busybox-static (busybox), gcc + libc6-dev (pause), mmdebstrap (operator), run as root
# (umoci keeps file owners). Environment: DEBIAN_MIRROR, DEBIAN_SECURITY_MIRROR, DEBIAN_SUITE (bookworm),
# SOURCE_DATE_EPOCH, IMAGES_FORCE_REBUILD=1.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(dirname "$here")"
cache="${SPACEONE_IMAGE_CACHE:-$HOME/.cache/spaceone-job-operator/images}"
epoch="${SOURCE_DATE_EPOCH:-0}"
created="$(date -u -d "@$epoch" +%Y-%m-%dT%H:%M:%SZ)"
suite="${DEBIAN_SUITE:-bookworm}"
mirror="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
security_mirror="${DEBIAN_SECURITY_MIRROR:-http://deb.debian.org/debian-security}"
app_version="$(sed -n 's/^appVersion: *"\{0,1\}\([^"]*\)"\{0,1\}$/\1/p' "$repo/helm/spaceone-job-operator/Chart.yaml")"

log() { printf '[images] %s\n' "$*" >&2; }
need() { command -v "$1" >/dev/null || { log "$1 is not installed (apt-get install $2)"; exit 1; }; }
hash_of() { cat "$@" | sha256sum | cut -c1-16; }

mkdir -p "$cache"
exec 9>"$cache/.lock"
flock 9   # one build at a time per cache

# new_bundle DIR NAME: an empty OCI layout DIR/layout with image NAME unpacked at DIR/bundle.
new_bundle() {
  umoci init --layout "$1/layout"
  umoci new --image "$1/layout:$2"
  umoci unpack --image "$1/layout:$2" "$1/bundle" >/dev/null
}

# pack DIR NAME REF OUT [umoci config options...]: the bundle's rootfs as one layer, the config, an OCI archive.
pack() {
  local dir="$1" name="$2" ref="$3" out="$4"; shift 4
  find "$dir/bundle/rootfs" -exec touch -h -d "@$epoch" {} +
  umoci repack --image "$dir/layout:$name" --history.created "$created" --history.created_by "images/build.sh" \
    "$dir/bundle"
  umoci config --image "$dir/layout:$name" --created "$created" --history.created "$created" \
    --history.created_by "images/build.sh" --os linux --architecture amd64 "$@"
  umoci gc --layout "$dir/layout"
  rm -f "$out.partial"
  skopeo copy --quiet "oci:$dir/layout:$name" "oci-archive:$out.partial:$ref"
  mv -f "$out.partial" "$out"
}

# archive NAME HASH: the archive's path in the cache.
archive() { echo "$cache/$1-$2.oci.tar"; }

# prune KEEP: removes the other cached files of KEEP's kind (older inputs), so the cache holds one of each.
prune() {
  local keep="$1" kind f; kind="$(basename "$keep")"; kind="${kind%-*}"
  for f in "$cache/$kind"-*; do [[ "$f" == "$keep" ]] || rm -f "$f"; done
}

build_busybox() {
  need umoci umoci; need skopeo skopeo; need busybox busybox-static
  local bb; bb="$(command -v busybox)"
  local out; out="$(archive busybox "$(hash_of "$0" "$bb")")"
  if [[ ! -f "$out" || "${IMAGES_FORCE_REBUILD:-0}" == 1 ]]; then
    local t0=$SECONDS dir; dir="$(mktemp -d)"
    new_bundle "$dir" busybox
    local root="$dir/bundle/rootfs"
    mkdir -p "$root/bin" "$root/etc" "$root/tmp" "$root/root" "$root/home"
    cp "$bb" "$root/bin/busybox"
    local applet
    for applet in $("$bb" --list); do
      [[ "$applet" == busybox ]] || ln -sf busybox "$root/bin/$applet"
    done
    chmod 1777 "$root/tmp"
    printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/home:/bin/false\n' > "$root/etc/passwd"
    printf 'root:x:0:\nnobody:x:65534:\n' > "$root/etc/group"
    pack "$dir" busybox docker.io/library/busybox:1.36 "$out" \
      --config.env PATH=/bin --config.cmd sh
    rm -rf "$dir"
    log "busybox: $(du -h "$out" | cut -f1) in $((SECONDS - t0))s"
    prune "$out"
  fi
  echo "$out"
}

build_pause() {
  need umoci umoci; need skopeo skopeo; need gcc "gcc libc6-dev"
  local out; out="$(archive pause "$(hash_of "$0" "$here/pause.c")")"
  if [[ ! -f "$out" || "${IMAGES_FORCE_REBUILD:-0}" == 1 ]]; then
    local t0=$SECONDS dir; dir="$(mktemp -d)"
    new_bundle "$dir" pause
    gcc -static -Os -s -o "$dir/bundle/rootfs/pause" "$here/pause.c"
    pack "$dir" pause registry.k8s.io/pause:3.10 "$out" \
      --config.entrypoint /pause --config.user 65535:65535
    rm -rf "$dir"
    log "pause: $(du -h "$out" | cut -f1) in $((SECONDS - t0))s"
    prune "$out"
  fi
  echo "$out"
}

# The Debian root filesystem with the JRE, as a tar; cached by the mmdebstrap options below.
debian_jre_rootfs() {
  need mmdebstrap mmdebstrap
  local options=(--variant=minbase --include=openjdk-17-jre-headless
    --aptopt='APT::Install-Recommends "false"'
    --dpkgopt='path-exclude=/usr/share/man/*' --dpkgopt='path-exclude=/usr/share/doc/*'
    --dpkgopt='path-include=/usr/share/doc/*/copyright' --dpkgopt='path-exclude=/usr/share/locale/*'
    # openjdk's postinst links its man page into man1 even when man pages are excluded.
    --setup-hook='mkdir -p "$1/usr/share/man/man1"'
    # Cheap trims (about 70 MB of 350): perl, which only package scripts use (an image never runs apt); the JVM's
    # class-data archive for heaps over 32 GB and javac's symbol file; apt's lists and caches, logs.
    --customize-hook='chroot "$1" dpkg --purge --force-depends perl perl-modules-5.36 libperl5.36 >/dev/null'
    --customize-hook='rm -f "$1"/usr/lib/jvm/java-17-openjdk-amd64/lib/server/classes_nocoops.jsa "$1"/usr/lib/jvm/java-17-openjdk-amd64/lib/ct.sym'
    --customize-hook='rm -rf "$1"/var/lib/apt/lists/* "$1"/var/cache/apt/* "$1"/var/cache/debconf/*-old "$1"/var/log/* "$1"/var/cache/ldconfig/aux-cache')
  local key; key="$(printf '%s\n' "$suite" "$mirror" "$security_mirror" "${options[@]}" | sha256sum | cut -c1-16)"
  local out="$cache/debian-jre-$key.tar"
  if [[ ! -f "$out" ]]; then
    local t0=$SECONDS
    # mmdebstrap picks the output format from the name: keep ".tar" at the end of the partial file.
    local partial="${out%.tar}.partial.tar"
    rm -rf "$partial"
    SOURCE_DATE_EPOCH="$epoch" mmdebstrap --quiet "${options[@]}" "$suite" "$partial" \
      "deb $mirror $suite main" "deb $mirror $suite-updates main" "deb $security_mirror $suite-security main" >&2
    mv -f "$partial" "$out"
    log "Debian JRE root filesystem: $(du -h "$out" | cut -f1) in $((SECONDS - t0))s"
    prune "$out"
  fi
  echo "$out"
}

build_operator() {
  need umoci umoci; need skopeo skopeo
  local jar="$repo/operator/target/spaceone-job-operator.jar"
  local runner="$repo/plugin-runner/target/spaceone-plugin-runner.jar"
  [[ -f "$jar" ]] || { log "$jar is missing: build it first with mvn -B -q -pl operator -am package -DskipTests"; exit 1; }
  local rootfs; rootfs="$(debian_jre_rootfs)"
  local inputs=("$0" "$jar")
  [[ -f "$runner" ]] && inputs+=("$runner")
  local out; out="$(archive operator "$(printf '%s\n' "$rootfs" "$(hash_of "${inputs[@]}")" | sha256sum | cut -c1-16)")"
  if [[ ! -f "$out" || "${IMAGES_FORCE_REBUILD:-0}" == 1 ]]; then
    local t0=$SECONDS dir; dir="$(mktemp -d)"
    new_bundle "$dir" operator
    tar -xf "$rootfs" -C "$dir/bundle/rootfs"
    mkdir -p "$dir/bundle/rootfs/opt/spaceone"
    cp "$jar" "$dir/bundle/rootfs/opt/spaceone/spaceone-job-operator.jar"
    [[ -f "$runner" ]] && cp "$runner" "$dir/bundle/rootfs/opt/spaceone/plugin-runner.jar"
    # The same settings as the Dockerfile.
    pack "$dir" operator "docker.io/library/spaceone-job-operator:$app_version" "$out" \
      --config.user 65532:65532 \
      --config.env "JAVA_TOOL_OPTIONS=-XX:MaxRAMPercentage=75 -Djava.io.tmpdir=/tmp" \
      --config.env "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" \
      --config.entrypoint java --config.entrypoint -jar --config.entrypoint /opt/spaceone/spaceone-job-operator.jar \
      --config.cmd operator
    rm -rf "$dir"
    log "operator: $(du -h "$out" | cut -f1) in $((SECONDS - t0))s ($(tar -xOf "$out" index.json | sed 's/.*"digest":"\([^"]*\)".*/\1/'))"
    prune "$out"
  fi
  echo "$out"
}

targets=("$@")
(( ${#targets[@]} )) || targets=(all)
for t in "${targets[@]}"; do
  case "$t" in
    busybox) build_busybox ;;
    pause) build_pause ;;
    operator) build_operator ;;
    operator-base) debian_jre_rootfs ;;
    test) build_busybox; build_pause ;;
    all) build_busybox; build_pause; build_operator ;;
    *) log "unknown image $t (busybox, pause, operator, operator-base, test, all)"; exit 2 ;;
  esac
done
