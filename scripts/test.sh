#!/usr/bin/env bash
# Runs every test of the project, on a fresh Debian 12 machine as on a developer's.
#
# Installs and starts what the tests need (Debian's docker.io engine, started with
# `--ip 127.0.0.1` so published ports stay on loopback; the offline test images), then runs
# the formatting and lint gates and `cargo test --workspace`, which includes the trybuild
# compile-fail suite (ui-tests), the emulator's hook-tool tests, and the Docker integration
# tests against the real engine, and the conformance suite of the dispatch bus against the real
# charms.reactive 1.5.3 (its venv made by scripts/venv-reactive.sh); then builds the book (installing mdbook with cargo when it
# is missing).
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/docker-up.sh
scripts/build-test-images.sh
# The real voting app (vote/worker/result from voting-app/services, PostgreSQL, haproxy).
scripts/build-voting-images.sh
# charmcraft (PyPI, in target/venvs/charmcraft) for cargo-charm's test of the packed voting-app.
scripts/venv-charmcraft.sh >/dev/null
# The real charms.reactive 1.5.3 for the conformance suite (run by cargo test --workspace).
scripts/venv-reactive.sh
# docker-compose 1.29.2 for charm-docker's differential and round-trip tests (and the YAML
# escaper's): the tests call it too, this only installs it up front.
scripts/venv-compose.sh >/dev/null
# The corpus of charm-docker's corpus test (docker-compose 1.29.2's fixtures, from PyPI).
scripts/corpus-compose.sh >/dev/null
# Graphviz's dot for cargo-charm's test of the book's flag-graph pictures (SVG).
scripts/graphviz.sh

cargo fmt --all --check
cargo clippy --workspace --all-targets -- -D warnings
# The black-box tests start the emulator's tool binary: build every binary first.
cargo build --workspace --bins
cargo test --workspace
# Public docs: every item documented, every intra-doc link resolves.
RUSTDOCFLAGS="-D warnings" cargo doc --workspace --no-deps
# The book's code samples are included from compiled files; check every include resolves.
scripts/check-book.sh
# The built pages in headless Chromium: no code sample wider than the page, no broken page.
scripts/check-book-pages.sh
# The benchmarks' quick mode (issue 17): every measurement runs once and its table renders.
scripts/bench.sh --smoke >/dev/null
