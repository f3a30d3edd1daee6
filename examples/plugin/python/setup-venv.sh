#!/usr/bin/env bash
# Creates (once) or reuses the Python virtual environment of the example SpaceONE plugins and prints its path as
# the last line. The venv holds spaceone-core 2.0.144 and spaceone-api 2.0.435 from PyPI and this folder's
# package (console script `spaceone-example-plugin inventory|cost`). Idempotent: a venv whose stamp matches this
# folder's sources is reused as it is; the stamp is written last, so an interrupted run is redone next time.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
venv="${SPACEONE_PY_VENV:-$HOME/.cache/spaceone-job-operator/venv}"
python="${PYTHON:-python3}"

stamp=$(cd "$here" && find pyproject.toml spaceone_example_plugin -name '*.py' -o -name '*.toml' | sort \
  | xargs sha256sum | sha256sum | cut -c1-16)
if [ -x "$venv/bin/spaceone-example-plugin" ] && [ "$(cat "$venv/.spaceone-example-stamp" 2>/dev/null)" = "$stamp" ]; then
  echo "$venv"
  exit 0
fi

mkdir -p "$(dirname "$venv")"
exec 9>"$venv.lock"
flock 9
# Another run may have finished it while this one waited for the lock.
if [ -x "$venv/bin/spaceone-example-plugin" ] && [ "$(cat "$venv/.spaceone-example-stamp" 2>/dev/null)" = "$stamp" ]; then
  echo "$venv"
  exit 0
fi
if [ -x "$venv/bin/python" ] && "$venv/bin/python" -c 'import spaceone.core, spaceone.api' 2>/dev/null; then
  # The dependencies are there: only this folder's package changed (a few seconds).
  "$venv/bin/pip" install -q --no-deps --force-reinstall "$here" >&2
else
  rm -rf "$venv"
  "$python" -m venv "$venv"
  "$venv/bin/pip" install -q "spaceone-core==2.0.144" "spaceone-api==2.0.435" >&2
  "$venv/bin/pip" install -q --no-deps "$here" >&2
fi
echo "$stamp" > "$venv/.spaceone-example-stamp"
echo "$venv"
