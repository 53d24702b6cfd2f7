#!/usr/bin/env bash
# Fetches the compose-file corpus of charm-docker's corpus test (charm-docker/tests/corpus.rs):
# the test fixtures docker/compose ships in its docker-compose 1.29.2 source distribution on
# PyPI (tests/fixtures: 137 real files, valid and invalid, written by Compose's maintainers).
# They are unpacked under target/corpus/docker-compose-1.29.2 and never committed.
#
# Downloads with the pip of the venv scripts/venv-compose.sh makes (so PyPI only), checks the
# archive's sha256, and unpacks only tests/fixtures. Idempotent: once unpacked it only prints
# the fixtures' directory (well under a second).
set -euo pipefail
cd "$(dirname "$0")/.."

version=1.29.2
sha256=4c8cd9d21d237412793d18bd33110049ee9af8dab3fe2c213bbd0733959b09b7
dest=target/corpus/docker-compose-$version
fixtures=$dest/tests/fixtures
mkdir -p target/corpus
exec 9>target/corpus/.lock
flock 9
if [[ -f $dest/.complete ]]; then
    echo "$PWD/$fixtures"
    exit 0
fi

compose=$(scripts/venv-compose.sh)
pip=$(dirname "$compose")/pip
downloads=target/corpus/downloads
mkdir -p "$downloads"
archive=$downloads/docker-compose-$version.tar.gz
if [[ ! -f $archive ]] || ! echo "$sha256  $archive" | sha256sum -c --quiet - 2>/dev/null; then
    rm -f "$archive"
    "$pip" download --disable-pip-version-check --no-input --quiet --no-deps \
        --no-binary :all: --no-build-isolation -d "$downloads" "docker-compose==$version" >&2
fi
echo "$sha256  $archive" | sha256sum -c --quiet - >&2

rm -rf "$dest" "$dest.tmp"
mkdir -p "$dest.tmp"
tar -xzf "$archive" -C "$dest.tmp" --strip-components=1 "docker-compose-$version/tests/fixtures"
touch "$dest.tmp/.complete"
mv "$dest.tmp" "$dest"
echo "$PWD/$fixtures"
