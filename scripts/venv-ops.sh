#!/usr/bin/env bash
# The bench's ops anchor: a Python venv with ops 3.9 from PyPI, under target/venvs/ops
# (git-ignored). Idempotent: a venv whose stamp names the same pin is reused at once. On a
# fresh Debian machine as root, installs python3-venv with apt-get when needed. Prints the
# venv's python.
#
# Environment:
#   OPS_VENV  where the venv goes (default target/venvs/ops)
#   PYTHON    the interpreter to build it from (default python3)
set -euo pipefail
cd "$(dirname "$0")/.."

venv=${OPS_VENV:-target/venvs/ops}
python=${PYTHON:-python3}
pins="ops==3.9.0"
stamp="$venv/.bench-stamp"
mkdir -p "$(dirname "$venv")"
exec 9>"$(dirname "$venv")/.ops.lock"
flock 9

if [[ -f $stamp && "$(cat "$stamp")" == "$pins" && -x $venv/bin/python ]]; then
    echo "$PWD/$venv/bin/python"
    exit 0
fi

if ! "$python" -c 'import venv, ensurepip' >/dev/null 2>&1; then
    if [[ $(id -u) == 0 ]] && command -v apt-get >/dev/null 2>&1; then
        echo "venv-ops: installing python3-venv" >&2
        export DEBIAN_FRONTEND=noninteractive
        apt-get update >&2
        apt-get install -y python3 python3-venv >&2
        python=python3
    else
        echo "venv-ops: $python cannot create a venv (install python3-venv)" >&2
        exit 1
    fi
fi

rm -rf "$venv"
"$python" -m venv "$venv"
# shellcheck disable=SC2086
"$venv/bin/python" -m pip install --disable-pip-version-check --no-input --quiet $pins >&2
"$venv/bin/python" -c 'from importlib.metadata import version; import ops; assert version("ops") == "3.9.0", version("ops")'
echo "$pins" >"$stamp"
echo "$PWD/$venv/bin/python"
