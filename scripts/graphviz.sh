#!/usr/bin/env bash
# Graphviz's `dot` (Debian's graphviz), for `cargo charm graph --format svg` and the test that
# keeps the book's graph pictures current (cargo-charm/tests/graph.rs). Idempotent: nothing to
# do when `dot` is on PATH.
set -euo pipefail
if command -v dot >/dev/null 2>&1; then
    exit 0
fi
if [[ $(id -u) != 0 ]]; then
    echo "graphviz.sh: Graphviz's dot is missing; install it: sudo apt-get install graphviz" >&2
    exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update
apt-get install -y graphviz
