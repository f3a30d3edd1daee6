#!/usr/bin/env bash
# Installs (once) the protoc plugin that generates the runner's *Grpc stubs: Debian's
# protobuf-compiler-grpc-java-plugin (/usr/bin/grpc_java_plugin). Why Debian's: the Maven registry reached here
# serves no linux-x86_64 binary of io.grpc:protoc-gen-grpc-java 1.85.x (see the root pom). Idempotent; needs root
# and apt-get when it is missing.
set -euo pipefail
package=protobuf-compiler-grpc-java-plugin
if command -v grpc_java_plugin >/dev/null; then
  exit 0
fi
[[ "$(id -u)" == 0 ]] || { echo "install-grpc-java-plugin: not root: apt-get install $package yourself" >&2; exit 1; }
export DEBIAN_FRONTEND=noninteractive
apt-get install -y -q --no-install-recommends "$package" >&2 \
  || { apt-get update -q >&2 && apt-get install -y -q --no-install-recommends "$package" >&2; }
command -v grpc_java_plugin >/dev/null
