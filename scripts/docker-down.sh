#!/usr/bin/env bash
# Stop the dockerd that scripts/docker-up.sh started, by its pid file. An engine that
# docker-up.sh did not start (no pid file) is left alone. Idempotent.
set -euo pipefail

pid_file=${DOCKERD_PIDFILE:-/run/charm-dockerd.pid}
wait_secs=${DOCKERD_WAIT:-30}

if [[ ! -f "$pid_file" ]]; then
    echo "docker-down: no pid file at $pid_file; nothing of ours to stop"
    exit 0
fi

pid=$(cat "$pid_file")
if ! kill -0 "$pid" 2>/dev/null; then
    echo "docker-down: dockerd $pid is not running"
    rm -f "$pid_file"
    exit 0
fi

echo "docker-down: stopping dockerd $pid"
kill -TERM "$pid"
for ((i = 0; i < wait_secs * 2; i++)); do
    if ! kill -0 "$pid" 2>/dev/null; then
        rm -f "$pid_file"
        echo "docker-down: stopped"
        exit 0
    fi
    sleep 0.5
done

echo "docker-down: dockerd $pid still running after ${wait_secs}s; killing it" >&2
kill -KILL "$pid" 2>/dev/null || true
rm -f "$pid_file"
