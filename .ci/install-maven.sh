#!/usr/bin/env bash
# Installs (once, cached) the Maven the build needs and prints its bin directory as the last line.
# Why: io.github.ascopes:protobuf-maven-plugin (the runner's stub generator) requires Maven >= 3.9.6, and the
# machine image ships Debian's 3.8.7. The distribution comes from Maven Central through the installed mvn.
set -euo pipefail
version=3.9.16
cache="${SPACEONE_MAVEN_CACHE:-$HOME/.cache/spaceone-job-operator/maven}"
home="$cache/apache-maven-$version"
if [ ! -x "$home/bin/mvn" ]; then
  mkdir -p "$cache"
  tmp=$(mktemp -d "$cache/.download.XXXXXX")
  trap 'rm -rf "$tmp"' EXIT
  mvn -B -q dependency:copy -Dartifact="org.apache.maven:apache-maven:$version:tar.gz:bin" \
    -DoutputDirectory="$tmp" >&2
  tar -xzf "$tmp/apache-maven-$version-bin.tar.gz" -C "$tmp"
  # A rename is atomic: a concurrent or interrupted run never leaves a half-extracted Maven behind.
  mv "$tmp/apache-maven-$version" "$home" 2>/dev/null || test -x "$home/bin/mvn"
fi
echo "$home/bin"
