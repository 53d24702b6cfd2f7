#!/usr/bin/env bash
# Installs charmcraft (the official charm packer and linter) from PyPI into a venv under
# target/venvs/charmcraft, for `charmcraft analyse` of the packed charms. Idempotent: quick
# when the pinned version is already there. Prints the path of the charmcraft executable.
#
# Usage: scripts/venv-charmcraft.sh   ->  target/venvs/charmcraft/bin/charmcraft
set -euo pipefail
cd "$(dirname "$0")/.."

version=4.5.0
venv=$PWD/target/venvs/charmcraft
bin=$venv/bin/charmcraft

if [[ -x $bin ]] && "$venv/bin/python" -m pip show charmcraft 2>/dev/null | grep -qx "Version: $version"; then
    echo "$bin"
    exit 0
fi

python=${PYTHON:-python3}
if ! "$python" -c 'import sys; sys.exit(sys.version_info < (3, 10))' 2>/dev/null; then
    echo "venv-charmcraft: charmcraft $version needs Python >= 3.10 ($python is not)" >&2
    exit 1
fi
rm -rf "$venv"
mkdir -p "$(dirname "$venv")"
"$python" -m venv "$venv" >&2
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check "charmcraft==$version" >&2
"$bin" version >&2
echo "$bin"
