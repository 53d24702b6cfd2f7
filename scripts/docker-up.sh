#!/usr/bin/env bash
# Make sure a Docker engine answers on the local socket, starting one if needed.
#
# Installs Debian's docker.io when dockerd is missing, starts `dockerd --ip 127.0.0.1` in the
# background when the socket does not answer (so every published port without an explicit
# host IP binds to loopback only), and waits, bounded, until `docker version` answers.
# Idempotent: an engine that already answers is reused as it is.
#
# Environment:
#   DOCKERD_LOG      log file of the dockerd we start   (default /var/log/charm-dockerd.log)
#   DOCKERD_PIDFILE  pid file of the dockerd we start   (default /run/charm-dockerd.pid)
#   DOCKERD_WAIT     seconds to wait for the engine     (default 60)
set -euo pipefail

log_file=${DOCKERD_LOG:-/var/log/charm-dockerd.log}
pid_file=${DOCKERD_PIDFILE:-/run/charm-dockerd.pid}
wait_secs=${DOCKERD_WAIT:-60}

engine_answers() {
    docker version >/dev/null 2>&1
}

if engine_answers; then
    echo "docker-up: engine already answering; reusing it"
    exit 0
fi

if ! command -v dockerd >/dev/null 2>&1 || ! command -v docker >/dev/null 2>&1; then
    echo "docker-up: installing docker.io"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update
    apt-get install -y docker.io
fi

# A pid file whose process is alive means our dockerd is still starting (or wedged): do not
# start a second one against the same data root.
if [[ -f "$pid_file" ]] && kill -0 "$(cat "$pid_file")" 2>/dev/null; then
    echo "docker-up: dockerd $(cat "$pid_file") already started; waiting for it"
else
    mkdir -p "$(dirname "$log_file")" "$(dirname "$pid_file")"
    echo "docker-up: starting dockerd (log: $log_file)"
    # setsid: the daemon must outlive this shell and the job that ran it.
    setsid dockerd --ip 127.0.0.1 --pidfile "$pid_file.dockerd" >>"$log_file" 2>&1 </dev/null &
    echo $! >"$pid_file"
fi

for ((i = 0; i < wait_secs * 2; i++)); do
    if engine_answers; then
        echo "docker-up: engine answering (API $(docker version --format '{{.Server.APIVersion}}'))"
        exit 0
    fi
    if ! kill -0 "$(cat "$pid_file")" 2>/dev/null; then
        echo "docker-up: dockerd exited; last log lines:" >&2
        tail -n 20 "$log_file" >&2 || true
        exit 1
    fi
    sleep 0.5
done

echo "docker-up: engine did not answer within ${wait_secs}s; last log lines:" >&2
tail -n 20 "$log_file" >&2 || true
exit 1
