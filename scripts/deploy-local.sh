#!/usr/bin/env bash
# Deploy the real voting app locally: the voting-app charm's binary, run hook by hook by
# charm-emulator (the Juju unit agent's hook contract), against the local Docker engine.
#
# Usage: scripts/deploy-local.sh            build, deploy, show status/ports/containers, curl
#        scripts/deploy-local.sh --remove   remove every container, volume and model it made
#
# What it does: builds charm-emulator and cargo-charm, starts dockerd if needed
# (scripts/docker-up.sh), builds the offline images (scripts/build-test-images.sh: redis;
# scripts/build-voting-images.sh: the Rust vote/worker/result of voting-app/services and
# Debian's PostgreSQL), and runs `cargo charm deploy` (any charm crate deploys the same way):
# it builds the charm, lays out a charm directory and a model in $MODEL (default
# target/voting-app-local), points the config at the local images (the charm's defaults keep
# the seed's registry images), runs install, leader-elected, config-changed and start and
# prints the status; then this script shows the containers and where to vote, and checks
# that both pages answer. Votes POSTed on the vote page show on the result page.
#
# Follow-ups (each works on the deployment above; ports stay on 127.0.0.1):
#   change a port:      scripts/deploy-local.sh config vote-port=5100   (re-renders, re-ups, moves ports)
#   external services:  scripts/deploy-local.sh external
#                       starts a Redis and a PostgreSQL outside the charm's compose project
#                       (containers on the host's network, listening on the Docker bridge's
#                       gateway address: reachable from this machine's containers only) and
#                       relates both: the charm's project then has no redis and no db
#   add a unit:         scripts/deploy-local.sh add-unit   (voting-app/1: its own model in
#                       $MODEL/unit1, project voting-app-1, ports 5100/5101 (VOTE_PORT+100,
#                       RESULT_PORT+100), related to the
#                       external services when they run)
#   reverse proxy:      scripts/deploy-local.sh proxy   (the http-proxy charm, haproxy on
#                       127.0.0.1:8000 for voting and :8001 for results, related to every unit)
#   status, logs:       scripts/deploy-local.sh status | logs   (any charm-emulator command)
#   back up, restore:   scripts/deploy-local.sh run-action dump-db path=$PWD/votes.sql
#                       scripts/deploy-local.sh run-action restore-db path=$PWD/votes.sql
#                       (without path, dump-db returns the dump base64 in its results)
#   drop a relation:    scripts/deploy-local.sh unrelate redis:N   (falls back to its own container)
#   remove:             scripts/deploy-local.sh --remove
#
# Environment: MODEL (default target/voting-app-local), VOTE_PORT (5000), RESULT_PORT (5001),
# PROXY_VOTE_PORT (8000), PROXY_RESULTS_PORT (8001).
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

ext_redis=$app-ext-redis
ext_postgres=$app-ext-postgres
ext_password=local-ext-secret
unit1_vote_port=$((vote_port + 100))
unit1_result_port=$((result_port + 100))
proxy_vote_port=${PROXY_VOTE_PORT:-8000}
proxy_results_port=${PROXY_RESULTS_PORT:-8001}

remove_project() {
    local label="label=com.docker.compose.project=$1" ids
    ids=$(docker ps -aq --filter "$label" 2>/dev/null || true)
    [[ -z $ids ]] || docker rm -f $ids >/dev/null
    docker network rm "$1_default" >/dev/null 2>&1 || true
    ids=$(docker volume ls -q --filter "$label" 2>/dev/null || true)
    [[ -z $ids ]] || docker volume rm -f $ids >/dev/null
}

remove() {
    if [[ -x ${charm[0]} ]]; then
        "${charm[@]}" remove "${where[@]}"
    fi
    for project in "$app" "$app-1" http-proxy; do remove_project "$project"; done
    docker rm -f "$ext_redis" "$ext_postgres" >/dev/null 2>&1 || true
    rm -rf "$base"
}

need_deployed() {
    if [[ ! -f "$base/model/model.json" ]]; then
        echo "deploy-local: nothing deployed in $base yet: run scripts/deploy-local.sh first" >&2
        exit 1
    fi
}

# The Docker bridge's gateway: a host address every container reaches, not the outside.
# An engine whose bridge has no explicit gateway (Debian's docker.io 20.10 on a fresh machine)
# reports none; libnetwork's default IPAM gave the bridge the subnet's first address.
gateway() {
    local gw subnet a b c d
    gw=$(docker network inspect bridge -f '{{(index .IPAM.Config 0).Gateway}}')
    if [[ -n $gw ]]; then echo "$gw"; return; fi
    subnet=$(docker network inspect bridge -f '{{(index .IPAM.Config 0).Subnet}}')
    IFS=. read -r a b c d <<<"${subnet%%/*}"
    echo "$a.$b.$c.$((d + 1))"
}

# Relates model $1 to the external Redis and PostgreSQL (the database is the app's name).
relate_external() {
    local model=$1 host
    host=$(gateway)
    "$emulator" --model "$model" relate redis redis --unit redis/0 \
        --data host="$host" --data port=16379
    "$emulator" --model "$model" relate postgres postgresql --unit postgresql/0 \
        --data host="$host" --data port=15432 --data user=vote --data password="$ext_password" \
        --data database=voting_app --data state=master \
        --data master="dbname=voting_app host=$host password=$ext_password port=15432 user=vote"
}

external() {
    need_deployed
    local host
    host=$(gateway)
    if ! docker inspect "$ext_redis" >/dev/null 2>&1; then
        docker run -d --name "$ext_redis" --network host charm-test/redis \
            /usr/bin/redis-server --bind "$host" --port 16379 --protected-mode no >/dev/null
        docker run -d --name "$ext_postgres" --network host -e POSTGRES_USER=vote \
            -e POSTGRES_PASSWORD="$ext_password" -e POSTGRES_DB=voting_app charm-test/postgres \
            db-entrypoint -c listen_addresses="$host" -p 15432 >/dev/null
        echo "deploy-local: external Redis on $host:16379, PostgreSQL on $host:15432"
        for _ in $(seq 100); do
            docker exec "$ext_postgres" pg_isready -q -h "$host" -p 15432 && break
            sleep 0.3
        done
    fi
    relate_external "$base/model"
    docker ps --filter "label=com.docker.compose.project=$app" --format '{{.Names}}\t{{.Status}}'
}

add_unit() {
    need_deployed
    local dir=$base/unit1
    rm -rf "$dir"
    mkdir -p "$dir"
    cp -a "$base/charm" "$dir/charm"
    "$emulator" --model "$dir/model" init --charm "$dir/charm" --unit "$app/1"
    "$emulator" --model "$dir/model" config --no-hooks vote-image=charm-test/vote \
        result-image=charm-test/result worker-image=charm-test/worker \
        postgres-image=charm-test/postgres redis-image=charm-test/redis \
        vote-port="$unit1_vote_port" result-port="$unit1_result_port"
    "$emulator" --model "$dir/model" deploy
    if docker inspect "$ext_redis" >/dev/null 2>&1; then relate_external "$dir/model"; fi
    "$emulator" --model "$dir/model" status
    echo "deploy-local: $app/1 votes at http://127.0.0.1:$unit1_vote_port/, results at http://127.0.0.1:$unit1_result_port/"
}

proxy() {
    need_deployed
    local dir=$base/proxy
    "${charm[@]}" deploy --manifest-path test-charms/http-proxy/Cargo.toml --model "$dir" \
        --config haproxy-image=charm-test/haproxy --config bind-address=127.0.0.1 \
        --config vote-port="$proxy_vote_port" --config results-port="$proxy_results_port"
    local endpoint unit model port id
    for endpoint in voting results; do
        id=""
        for unit in 0 1; do
            case $unit in
                0) model=$base/model ;;
                1) model=$base/unit1/model; [[ -f $model/model.json ]] || continue ;;
            esac
            # The unit's side first: it publishes hostname (its ingress address) and port.
            "$emulator" --model "$model" relate "$endpoint" http-proxy --unit http-proxy/0 >/dev/null
            case $endpoint/$unit in
                voting/0) port=$vote_port ;; results/0) port=$result_port ;;
                voting/1) port=$unit1_vote_port ;; results/1) port=$unit1_result_port ;;
            esac
            if [[ -z $id ]]; then
                id=$("$emulator" --model "$dir/model" relate "$endpoint" "$app" --unit "$app/$unit" \
                    --data hostname=127.0.0.1 --data port="$port" | sed -n 's/^Relation \([^ ]*\) with.*/\1/p')
            else
                "$emulator" --model "$dir/model" add-unit "$id" "$app/$unit" \
                    --data hostname=127.0.0.1 --data port="$port" >/dev/null
            fi
        done
    done
    "$emulator" --model "$dir/model" status
    echo "deploy-local: vote through the proxy at http://127.0.0.1:$proxy_vote_port/, results at http://127.0.0.1:$proxy_results_port/"
}

case "${1:-}" in
    --remove) remove; exit 0 ;;
    external) external; exit 0 ;;
    add-unit) add_unit; exit 0 ;;
    proxy) proxy; exit 0 ;;
    "") ;;
    -h|--help) sed -n '2,39p' "$0"; exit 0 ;;
    -*) echo "deploy-local: unknown option $1 (see --help)" >&2; exit 2 ;;
    *)
        need_deployed
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
echo "deploy-local: vote at http://127.0.0.1:$vote_port/, see the results at http://127.0.0.1:$result_port/"
echo "deploy-local: done. Follow-ups: scripts/deploy-local.sh --help; remove with scripts/deploy-local.sh --remove"
