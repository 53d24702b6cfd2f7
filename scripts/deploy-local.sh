#!/usr/bin/env bash
# Deploy the voting-app charm locally: the real charm binary, run hook by hook by
# charm-emulator (the Juju unit agent's hook contract), against the local Docker engine.
#
# Usage: scripts/deploy-local.sh            build, deploy, show status/ports/containers, curl
#        scripts/deploy-local.sh --remove   remove the containers and the model directory
#
# What it does: builds charm-emulator and cargo-charm, starts dockerd if needed
# (scripts/docker-up.sh), builds the offline demo images (scripts/build-test-images.sh), and
# runs `cargo charm deploy` (any charm crate deploys the same way): it builds the charm, lays
# out a charm directory (metadata.yaml, config.yaml, the binary as `dispatch`) and a model in
# $MODEL (default target/voting-app-local), points the config at the local images, runs
# install, leader-elected, config-changed and start and prints the status; then this script
# shows `docker ps` of the project and the vote/result URLs, and curls them.
#
# The demo images are stand-ins, not the real voting app: vote and result are busybox httpd
# serving a static page (charm-test/vote-demo, charm-test/result-demo); worker and db are
# busybox sleeping (charm-test/worker-demo); redis is a real redis-server (charm-test/redis).
#
# Follow-ups: any other arguments go to charm-emulator for this model, with the same
# environment as the deploy (ports published on 127.0.0.1 only):
#   change a port:      scripts/deploy-local.sh config vote-port=5100   (re-renders, re-ups, moves ports)
#   external redis:     scripts/deploy-local.sh relate redis redis --unit redis/0 \
#                         --data host=10.0.0.7 --data port=6379
#   external postgres:  scripts/deploy-local.sh relate postgres postgresql --unit postgresql/0 \
#                         --data host=10.0.0.9 --data port=5432 --data user=vote \
#                         --data password=secret --data database=voting_app --data master=host=10.0.0.9
#   drop a relation:    scripts/deploy-local.sh unrelate redis:N   (falls back to its own container)
#   status:             scripts/deploy-local.sh status
#   remove:             scripts/deploy-local.sh --remove
#
# Environment: MODEL (default target/voting-app-local), VOTE_PORT (5000), RESULT_PORT (5001).
set -euo pipefail

cd "$(dirname "$0")/.."
root=$PWD
base=${MODEL:-$root/target/voting-app-local}
app=voting-app
vote_port=${VOTE_PORT:-5000}
result_port=${RESULT_PORT:-5001}
emulator=$root/target/debug/charm-emulator
# The workload's ports are published on loopback only: `cargo charm deploy` writes
# CHARM_DOCKER_HOST_IP=127.0.0.1 into the charm directory's .charm-settings, since hooks get
# Juju's environment, built from scratch, never ours.

charm=(target/debug/cargo-charm charm)
where=(--manifest-path voting-app/Cargo.toml --model "$base")

remove() {
    if [[ -x ${charm[0]} ]]; then
        "${charm[@]}" remove "${where[@]}"
    else
        rm -rf "$base"
    fi
}

case "${1:-}" in
    --remove) remove; exit 0 ;;
    "") ;;
    -h|--help) sed -n '2,32p' "$0"; exit 0 ;;
    -*) echo "deploy-local: unknown option $1 (see --help)" >&2; exit 2 ;;
    *)
        if [[ ! -f "$base/model/model.json" ]]; then
            echo "deploy-local: nothing deployed in $base yet: run scripts/deploy-local.sh first" >&2
            exit 1
        fi
        exec "$emulator" --model "$base/model" "$@"
        ;;
esac

echo "== build"
cargo build -p charm-emulator -p cargo-charm
echo "== docker"
scripts/docker-up.sh
scripts/build-test-images.sh
scripts/build-voting-images.sh

# `cargo charm deploy` builds the charm, lays out its charm directory (metadata.yaml,
# config.yaml, the binary as `dispatch`) and the model in $base, sets the config and runs
# install, leader-elected, config-changed and start; then prints the status.
echo "== deploy in $base (install, leader-elected, config-changed, start)"
"${charm[@]}" deploy "${where[@]}" \
    --config vote-image=charm-test/vote --config result-image=charm-test/result \
    --config worker-image=charm-test/worker --config postgres-image=charm-test/postgres \
    --config redis-image=charm-test/redis \
    --config vote-port="$vote_port" --config result-port="$result_port"

echo "== docker ps (project $app)"
docker ps --filter "label=com.docker.compose.project=$app" \
    --format 'table {{.Label "com.docker.compose.service"}}\t{{.Image}}\t{{.Status}}\t{{.Ports}}'

echo "== the app"
for tier in vote:$vote_port result:$result_port; do
    url=http://127.0.0.1:${tier#*:}/
    echo "${tier%%:*}: $url"
    ok=0
    for _ in $(seq 20); do
        if page=$(curl -fsS --max-time 2 "$url" 2>/dev/null); then ok=1; break; fi
        sleep 0.5
    done
    if ((ok)); then
        echo "  answers: $(printf '%s' "$page" | grep -o '<h1>.*</h1>')"
    else
        echo "  does not answer" >&2
        exit 1
    fi
done
echo "deploy-local: done. Remove with scripts/deploy-local.sh --remove"
