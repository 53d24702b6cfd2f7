#!/usr/bin/env bash
# Benchmarks a no-op `up` of the five-service project: charm-docker's Engine against Debian's
# docker-compose 1.29, each on its own project, medians and ratio printed.
#
# Installs docker-compose when missing, makes sure the engine and the offline test images are
# there (scripts/docker-up.sh, scripts/build-test-images.sh), then runs the
# charm-docker/benches/noop_up.rs benchmark in release mode. BENCH_RUNS=N sets the runs.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")

if ! command -v docker-compose >/dev/null 2>&1; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update
    apt-get install -y docker-compose
fi

"$here/docker-up.sh"
"$here/build-test-images.sh"

cd "$root"
cargo bench -p charm-docker --bench noop_up
