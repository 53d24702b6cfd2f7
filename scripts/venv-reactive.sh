#!/usr/bin/env bash
# The real peer of the conformance suite: a Python venv with charms.reactive 1.5.3 and
# charmhelpers from PyPI, under target/venvs/reactive (git-ignored).
#
# charmhelpers refuses to import on a host that is not Ubuntu (osplatform.get_platform reads
# /etc/os-release and raises on Debian). The venv alone is told it runs on Ubuntu: a
# sitecustomize.py in the venv's site-packages gives `platform` the `linux_distribution()`
# that charmhelpers asks first. Nothing outside the venv changes.
#
# Idempotent: a venv whose stamp names the same pins is reused at once. On a fresh Debian
# machine as root, installs python3-venv with apt-get when `python3 -m venv` is unavailable.
#
# Environment:
#   REACTIVE_VENV  where the venv goes (default target/venvs/reactive)
#   PYTHON         the interpreter to build it from (default python3)
set -euo pipefail
cd "$(dirname "$0")/.."

venv=${REACTIVE_VENV:-target/venvs/reactive}
python=${PYTHON:-python3}
pins="charms.reactive==1.5.3 charmhelpers==1.2.1"
stamp="$venv/.conformance-stamp"

if [[ -f $stamp && "$(cat "$stamp")" == "$pins" && -x $venv/bin/python ]]; then
    echo "venv-reactive: $venv ready ($pins)"
    exit 0
fi

if ! "$python" -c 'import venv, ensurepip' >/dev/null 2>&1; then
    if [[ $(id -u) == 0 ]] && command -v apt-get >/dev/null 2>&1; then
        echo "venv-reactive: installing python3-venv"
        export DEBIAN_FRONTEND=noninteractive
        apt-get update
        apt-get install -y python3 python3-venv
        python=python3
    else
        echo "venv-reactive: $python cannot create a venv (install python3-venv)" >&2
        exit 1
    fi
fi

rm -rf "$venv"
mkdir -p "$(dirname "$venv")"
"$python" -m venv "$venv"
# shellcheck disable=SC2086
"$venv/bin/python" -m pip install --quiet $pins

site=$("$venv/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
cat >"$site/sitecustomize.py" <<'EOF'
# Written by scripts/venv-reactive.sh: this venv runs charms.reactive on a host that is not
# Ubuntu. charmhelpers.osplatform.get_platform() asks platform.linux_distribution() first
# (removed from Python 3.8); answering "Ubuntu" here keeps the fake inside this venv.
import platform

if not hasattr(platform, "linux_distribution"):
    def linux_distribution(*_args, **_kwargs):
        return ("Ubuntu", "22.04", "jammy")

    platform.linux_distribution = linux_distribution
EOF

# Fail here, not in the suite, if the fake or the install is wrong.
"$venv/bin/python" -c 'import charms.reactive, charmhelpers.core.host; from importlib.metadata import version; assert version("charms.reactive") == "1.5.3", version("charms.reactive")'
echo "$pins" >"$stamp"
echo "venv-reactive: $venv ready ($pins)"
