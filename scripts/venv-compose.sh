#!/usr/bin/env bash
# Installs docker-compose 1.29.2 (the Python implementation, from PyPI) in a venv under
# target/venvs/docker-compose, for charm-docker's differential and interoperation tests.
# Idempotent: a venv whose docker-compose already answers is left alone (well under a second).
#
# The pins are what 1.29.2 still runs with: docker 6.1.3 (7.x dropped what it imports),
# requests 2.31.0 and urllib3 < 2 (the docker SDK 6 transport), and PyYAML 5.4.1, which only
# builds with cython < 3 and without build isolation. Prints the path of the executable.
set -euo pipefail
cd "$(dirname "$0")/.."

venv=target/venvs/docker-compose
exe=$venv/bin/docker-compose
mkdir -p target/venvs
# Test binaries may call this at the same time: one installs, the others wait.
exec 9>target/venvs/.docker-compose.lock
flock 9
if [[ -x $exe ]] && "$exe" version --short 2>/dev/null | grep -qx '1.29.2'; then
    echo "$PWD/$exe"
    exit 0
fi

python=${PYTHON:-python3}
if ! "$python" -c 'import venv, ensurepip' 2>/dev/null; then
    # Debian's python3 keeps venv/ensurepip in a separate package.
    export DEBIAN_FRONTEND=noninteractive
    apt-get update >&2
    apt-get install -y python3-venv python3-dev gcc >&2
    python=python3
fi

rm -rf "$venv"
"$python" -m venv "$venv"
pip=("$venv/bin/pip" --disable-pip-version-check --no-input --quiet)
"${pip[@]}" install 'setuptools<70' wheel 'cython<3' >&2
"${pip[@]}" install --no-build-isolation 'PyYAML==5.4.1' >&2
"${pip[@]}" install 'docker-compose==1.29.2' 'docker==6.1.3' 'requests==2.31.0' 'urllib3<2' >&2
"$exe" version --short | grep -qx '1.29.2'
echo "$PWD/$exe"
