#!/usr/bin/env bash
# Builds container images without a registry or a Docker daemon, from Debian packages and this repository:
#
#   busybox    docker.io/library/busybox:1.36     Debian's busybox-static with every applet (what the examples run)
#   pause      registry.k8s.io/pause:3.10         the pod sandbox process (images/pause.c, gcc -static)
#   operator   docker.io/library/spaceone-job-operator:<chart appVersion>
#              Debian's OpenJDK 17 JRE (mmdebstrap) + operator/target/spaceone-job-operator.jar
#              (+ plugin-runner/target/spaceone-plugin-runner.jar at /opt/spaceone/plugin-runner.jar when built),
#              the Dockerfile's settings: user 65532:65532, JAVA_TOOL_OPTIONS, entrypoint java -jar, cmd operator.
#   example-plugin  docker.io/library/spaceone-example-plugin:<examples/plugin/python version>
#              Debian's python3 (mmdebstrap) + the example SpaceONE plugins' venv at /opt/spaceone/venv (its
#              console script spaceone-example-plugin on PATH): what examples/spaceone-grpc-* run as the sidecar.
#
# Usage: images/build.sh [busybox|pause|operator|operator-base|example-plugin|test|all]...
#   (default: all; test = busybox pause; operator-base = only the Debian JRE root filesystem, no jar needed;
#   all does not include example-plugin, which needs the venv of examples/plugin/python/setup-venv.sh)
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
# Needs: umoci, skopeo; busybox-static (busybox), gcc + libc6-dev (pause), mmdebstrap (operator, example-plugin),
# python3 + PyPI once (example-plugin: setup-venv.sh), run as root
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

# Options shared by the Debian root filesystems: no recommends, no man pages, docs or locales; perl purged (only
# package scripts use it, an image never runs apt); apt's lists and caches, logs removed.
minbase_excludes=(--aptopt='APT::Install-Recommends "false"'
  --dpkgopt='path-exclude=/usr/share/man/*' --dpkgopt='path-exclude=/usr/share/doc/*'
  --dpkgopt='path-include=/usr/share/doc/*/copyright' --dpkgopt='path-exclude=/usr/share/locale/*')
purge_perl='--customize-hook=chroot "$1" dpkg --purge --force-depends perl perl-modules-5.36 libperl5.36 >/dev/null'
clean_apt='--customize-hook=rm -rf "$1"/var/lib/apt/lists/* "$1"/var/cache/apt/* "$1"/var/cache/debconf/*-old "$1"/var/log/* "$1"/var/cache/ldconfig/aux-cache'

# debian_rootfs NAME OPTIONS...: the root filesystem mmdebstrap OPTIONS make, as a tar cached by the options (the
# network's only use here); NAME names the cache file. Prints its path.
debian_rootfs() {
  need mmdebstrap mmdebstrap
  local name="$1"; shift
  local key; key="$(printf '%s\n' "$suite" "$mirror" "$security_mirror" "$@" | sha256sum | cut -c1-16)"
  local out="$cache/$name-$key.tar"
  if [[ ! -f "$out" ]]; then
    local t0=$SECONDS
    # mmdebstrap picks the output format from the name: keep ".tar" at the end of the partial file.
    local partial="${out%.tar}.partial.tar"
    rm -rf "$partial"
    SOURCE_DATE_EPOCH="$epoch" mmdebstrap --quiet "$@" "$suite" "$partial" \
      "deb $mirror $suite main" "deb $mirror $suite-updates main" "deb $security_mirror $suite-security main" >&2
    mv -f "$partial" "$out"
    log "Debian root filesystem $name: $(du -h "$out" | cut -f1) in $((SECONDS - t0))s"
    prune "$out"
  fi
  echo "$out"
}

# The operator's: the JRE. (Option order is part of the cache key.)
debian_jre_rootfs() {
  debian_rootfs debian-jre --variant=minbase --include=openjdk-17-jre-headless "${minbase_excludes[@]}" \
    `# openjdk's postinst links its man page into man1 even when man pages are excluded.` \
    --setup-hook='mkdir -p "$1/usr/share/man/man1"' "$purge_perl" \
    `# The JVM's class-data archive for heaps over 32 GB and javac's symbol file.` \
    --customize-hook='rm -f "$1"/usr/lib/jvm/java-17-openjdk-amd64/lib/server/classes_nocoops.jsa "$1"/usr/lib/jvm/java-17-openjdk-amd64/lib/ct.sym' \
    "$clean_apt"
}

# The example plugins': Debian's python3 (its minor version must be the venv's, see build_example_plugin).
debian_python_rootfs() {
  debian_rootfs debian-python --variant=minbase --include=python3 "${minbase_excludes[@]}" "$purge_perl" "$clean_apt"
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
      --config.env "JAVA_TOOL_OPTIONS=-XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError -Djava.util.concurrent.ForkJoinPool.common.parallelism=8 -Djava.io.tmpdir=/tmp" \
      --config.env "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" \
      --config.entrypoint java --config.entrypoint -jar --config.entrypoint /opt/spaceone/spaceone-job-operator.jar \
      --config.cmd operator
    rm -rf "$dir"
    log "operator: $(du -h "$out" | cut -f1) in $((SECONDS - t0))s ($(tar -xOf "$out" index.json | sed 's/.*"digest":"\([^"]*\)".*/\1/'))"
    prune "$out"
  fi
  echo "$out"
}

# The example SpaceONE plugins (examples/plugin/python) in Debian's python3. Their venv is the one setup-venv.sh
# makes (cached; PyPI once), copied to /opt/spaceone/venv: a venv holds no compiled Python, only wheels for the
# CPython ABI of its minor version (cp311 on bookworm), so it runs on the image's python3 when the minors match;
# this is checked, and a mismatch asks for a venv made with that minor (PYTHON=python3.X). Pip inside the root
# filesystem would download every wheel again on each build and resolve unpinned dependencies anew. Made
# relocatable: pyvenv.cfg and the python links point at /usr/bin, script shebangs at the new path, and the
# bytecode is recompiled as unchecked-hash .pyc (file times are reset for reproducibility, which would make
# timestamp .pyc stale: every start would recompile in memory, as the pod's user cannot write them).
build_example_plugin() {
  need umoci umoci; need skopeo skopeo
  local plugin_dir="$repo/examples/plugin/python"
  local version; version="$(sed -n 's/^version = "\(.*\)"$/\1/p' "$plugin_dir/pyproject.toml")"
  local venv; venv="$(bash "$plugin_dir/setup-venv.sh" | tail -1)"
  local site; site="$(echo "$venv"/lib/python3.*/site-packages)"
  [[ -d "$site" ]] || { log "no site-packages in $venv"; exit 1; }
  local rootfs; rootfs="$(debian_python_rootfs)"
  # The installed files' own hashes (pip's RECORD files) stand for the venv's content.
  local records; records="$(find "$site" -path '*.dist-info/RECORD' | LC_ALL=C sort | xargs cat | sha256sum | cut -c1-16)"
  local out; out="$(archive example-plugin "$(printf '%s\n' "$rootfs" "$records" "$(hash_of "$0")" | sha256sum | cut -c1-16)")"
  if [[ ! -f "$out" || "${IMAGES_FORCE_REBUILD:-0}" == 1 ]]; then
    local t0=$SECONDS dir; dir="$(mktemp -d)"
    new_bundle "$dir" example-plugin
    local root="$dir/bundle/rootfs"
    tar -xf "$rootfs" -C "$root"
    local image_minor venv_minor
    image_minor="$(chroot "$root" python3 -c 'import sys; print("%d.%d" % sys.version_info[:2])')"
    venv_minor="$(basename "$(dirname "$site")")"; venv_minor="${venv_minor#python}"
    if [[ "$image_minor" != "$venv_minor" ]]; then
      log "the venv $venv is Python $venv_minor, the image's python3 is $image_minor: make the venv with that minor" \
        "(SPACEONE_PY_VENV=<new path> PYTHON=python$image_minor bash examples/plugin/python/setup-venv.sh)"
      exit 1
    fi
    local target=/opt/spaceone/venv dest="$root/opt/spaceone/venv"
    mkdir -p "$dest/bin" "$dest/lib/python$venv_minor"
    ln -s lib "$dest/lib64"
    cp -a "$site" "$dest/lib/python$venv_minor/"
    # Not needed to run: pip and setuptools (nothing is installed in an image), the host's bytecode.
    rm -rf "$dest/lib/python$venv_minor/site-packages"/{pip,pip-*,setuptools,setuptools-*,_distutils_hack,distutils-precedence.pth}
    find "$dest/lib" -name __pycache__ -prune -exec rm -rf {} +
    printf 'home = /usr/bin\ninclude-system-site-packages = false\nversion = %s\n' \
      "$(chroot "$root" python3 -c 'import platform; print(platform.python_version())')" > "$dest/pyvenv.cfg"
    ln -s /usr/bin/python3 "$dest/bin/python"
    ln -s python "$dest/bin/python3"
    ln -s python "$dest/bin/python$venv_minor"
    local script
    for script in spaceone spaceone-example-plugin; do
      sed "1s|^#!.*|#!$target/bin/python|" "$venv/bin/$script" > "$dest/bin/$script"
      chmod 0755 "$dest/bin/$script"
    done
    chroot "$root" "$target/bin/python" -m compileall -q -j 1 --invalidation-mode unchecked-hash "$target/lib" >/dev/null
    # Imports spaceone-core, then prints its usage (exit 2): the venv works on the image's python3.
    local usage; usage="$(chroot "$root" "$target/bin/spaceone-example-plugin" 2>&1 || true)"
    [[ "$usage" == usage:* ]] || { log "spaceone-example-plugin does not start in the image: $usage"; exit 1; }
    pack "$dir" example-plugin "docker.io/library/spaceone-example-plugin:$version" "$out" \
      --config.user 65532:65532 \
      --config.env "PATH=$target/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" \
      --config.env SPACEONE_PORT=50051 \
      --config.entrypoint spaceone-example-plugin --config.cmd inventory
    rm -rf "$dir"
    log "example-plugin: $(du -h "$out" | cut -f1) in $((SECONDS - t0))s ($(tar -xOf "$out" index.json | sed 's/.*"digest":"\([^"]*\)".*/\1/'))"
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
    example-plugin) build_example_plugin ;;
    test) build_busybox; build_pause ;;
    all) build_busybox; build_pause; build_operator ;;
    *) log "unknown image $t (busybox, pause, operator, operator-base, example-plugin, test, all)"; exit 2 ;;
  esac
done
