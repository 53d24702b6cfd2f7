#!/usr/bin/env bash
# The project's benchmarks, side by side in one run (issue 17): the Rust voting-app against
# the seed's handlers in charms.reactive 1.5.3 and ops 3.9 through the same emulator and
# hook tools (P1 steady-state hooks, P2 tool calls per hook, P5 hooks at 1 to 10,000 related
# units), charm-docker against docker-compose 1.29.2 (P3), the emulator's cost per call as its
# history grows, and an incremental build after a one-line edit (P6). Prints a markdown
# report with the machine it ran on (and writes it to target/bench/report.md).
#
#   scripts/bench.sh                 full run, release build (about 10 minutes here)
#   scripts/bench.sh --smoke         quick mode, dev build: checks it works (CI runs this)
#   scripts/bench.sh --only p1,p5 --runs 9 --prefix mybench --port-base 17000
#
# It makes what it needs first: the Docker engine and the offline test images, the venvs
# (scripts/venv-reactive.sh, scripts/venv-ops.sh, scripts/venv-compose.sh). Every application
# and compose project it creates is named after --prefix (default bench<pid>) and publishes on
# 127.0.0.1 only; it takes them down at the end. Options: `charm-bench --help`.
set -euo pipefail
cd "$(dirname "$0")/.."

smoke=0 only=0
for arg in "$@"; do
    [[ $arg == --smoke ]] && smoke=1
    [[ $arg == --only* ]] && only=1
done

scripts/docker-up.sh >/dev/null
scripts/build-test-images.sh >/dev/null
scripts/venv-reactive.sh >/dev/null
ops_python=$(scripts/venv-ops.sh)
compose=$(scripts/venv-compose.sh)

if [[ $smoke == 1 ]]; then
    profile=debug out=target/bench/smoke.md
    cargo build -q -p voting-app -p charm-emulator -p charm-bench --bins
else
    profile=release out=target/bench/report.md
    cargo build -q --release -p voting-app -p charm-emulator -p charm-bench --bins
fi

"target/$profile/charm-bench" \
    --source . \
    --charm "target/$profile/voting-app" \
    --emulator "target/$profile/charm-emulator" \
    --reactive-python target/venvs/reactive/bin/python \
    --ops-python "$ops_python" \
    --compose "$compose" \
    --out "$out" \
    --command "scripts/bench.sh${*:+ $*}" \
    "$@"

if [[ $smoke == 1 && $only == 0 ]]; then
    # The quick mode checks that every table rendered, with a row for every side.
    for table in 'P1: steady-state' 'P2: hook-tool calls' 'P5: hooks at N' 'P3: the five services' 'The emulator: cost'; do
        grep -q "^#### $table" "$out" || { echo "bench: no table '$table' in $out" >&2; exit 1; }
    done
    for side in 'charm-core (Rust)' 'charms.reactive 1.5.3' 'ops 3.9' 'docker-compose 1.29.2'; do
        grep -q "| $side |" "$out" || { echo "bench: no row for $side in $out" >&2; exit 1; }
    done
    echo "bench: smoke run rendered every table ($out)" >&2
fi
