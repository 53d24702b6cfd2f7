#!/usr/bin/env bash
# Build, offline, the images of the real voting app (issue 15) and its reverse proxy:
#
#   charm-test/vote, charm-test/worker, charm-test/result   the Rust services of
#       voting-app/services (package voting-services), each binary (stripped) with the shared
#       libraries `ldd` lists, in a root filesystem of its own;
#   charm-test/postgres   Debian's PostgreSQL 15 server and client tools; its entrypoint
#       initialises the cluster on first start from POSTGRES_USER / POSTGRES_PASSWORD /
#       POSTGRES_DB, its data in /var/lib/postgresql/data (a volume);
#   charm-test/haproxy    Debian's haproxy, for the proxy charm (test-charms/http-proxy).
#
# Redis is scripts/build-test-images.sh's charm-test/redis (Debian's redis-server).
#
# No registry is reachable: every root filesystem is loaded with `docker import`, then a
# one-line `docker build` FROM it adds the HEALTHCHECK (import cannot set one). An image is
# rebuilt only when its inputs changed: each carries the label charm-test.inputs, a hash of
# this script, the binaries and the Debian package versions it was built from.
#
# Usage: scripts/build-voting-images.sh [--force]
set -euo pipefail
script=$(realpath "$0")
cd "$(dirname "$0")/.."

force=0
for arg in "$@"; do
    case "$arg" in
        --force) force=1 ;;
        -h|--help) sed -n '2,20p' "$0"; exit 0 ;;
        *) echo "build-voting-images: unknown argument $arg" >&2; exit 2 ;;
    esac
done

export DEBIAN_FRONTEND=noninteractive
missing=()
[[ -x /usr/lib/postgresql/15/bin/postgres ]] || missing+=(postgresql)
[[ -x /usr/sbin/haproxy ]] || missing+=(haproxy)
[[ -x /bin/busybox ]] || missing+=(busybox-static)
command -v strip >/dev/null || missing+=(binutils)
if ((${#missing[@]})); then
    apt-get update
    apt-get install -y --no-install-recommends "${missing[@]}"
fi
# Debian starts the packages' services on install: the images need the files, not daemons.
pgbin=/usr/lib/postgresql/15/bin

# The services, in the workspace's debug profile (cargo test builds it anyway).
cargo build -q -p voting-services --bins
bin=target/debug

# Copies a dynamically linked binary and every shared library `ldd` lists into root "$1".
copy_with_libs() {
    local root=$1 binary=$2 lib
    [[ -e "$root$binary" ]] || install -D -m 0755 "$binary" "$root$binary"
    for lib in $(ldd "$binary" | grep -o '/[^ ]*'); do
        [[ -e "$lib" && ! -e "$root$lib" ]] || continue
        install -D -m 0755 "$(readlink -f "$lib")" "$root$lib"
    done
}

base_files() {
    local root=$1
    mkdir -p "$root"/{etc,tmp,var/run,proc,sys,dev,root}
    chmod 1777 "$root/tmp"
    printf 'root:x:0:0:root:/root:/bin/sh\npostgres:x:999:999:PostgreSQL:/var/lib/postgresql:/bin/sh\nhaproxy:x:998:998::/nonexistent:/bin/false\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' >"$root/etc/passwd"
    printf 'root:x:0:\npostgres:x:999:\nhaproxy:x:998:\nnogroup:x:65534:\n' >"$root/etc/group"
    printf 'hosts: files dns\n' >"$root/etc/nsswitch.conf"
}

busybox_into() {
    local root=$1 applet
    install -D -m 0755 /bin/busybox "$root/bin/busybox"
    for applet in $(/bin/busybox --list-full); do
        [[ "$applet" == bin/busybox ]] && continue
        mkdir -p "$root/$(dirname "$applet")"
        ln -sf /bin/busybox "$root/$applet"
    done
}

# A Rust service: the stripped binary at /usr/local/bin/NAME, its libraries, nothing else.
service_root() {
    local root=$1 name=$2
    base_files "$root"
    install -D -m 0755 "$bin/$name" "$root/usr/local/bin/$name"
    strip "$root/usr/local/bin/$name"
    copy_with_libs "$root" "$(readlink -f "$bin/$name")" >/dev/null
    rm -f "$root$(readlink -f "$bin/$name")"
}

postgres_root() {
    local root=$1 tool
    base_files "$root"
    busybox_into "$root"
    for tool in postgres initdb pg_ctl psql pg_dump pg_isready; do
        copy_with_libs "$root" "$pgbin/$tool"
    done
    # Extensions initdb loads (the snowball dictionaries, plpgsql...); not the LLVM JIT,
    # which would pull 100 MB of libLLVM for a feature a vote counter never uses.
    local so
    for so in /usr/lib/postgresql/15/lib/*.so; do
        [[ $so == */llvmjit.so ]] && continue
        copy_with_libs "$root" "$so"
    done
    mkdir -p "$root/usr/share"
    cp -a /usr/share/postgresql "$root/usr/share/"
    cp -a /usr/share/zoneinfo "$root/usr/share/"
    # Debian's client tools look for the server's socket here.
    mkdir -p "$root/var/run/postgresql" "$root/var/lib/postgresql/data"
    chown 999:999 "$root/var/run/postgresql" "$root/var/lib/postgresql" "$root/var/lib/postgresql/data"
    chmod 0700 "$root/var/lib/postgresql/data"
    install -D -m 0755 /dev/stdin "$root/usr/local/bin/db-entrypoint" <<'EOF'
#!/bin/sh
# First start: initialise the cluster with the credentials from the environment (as the
# official postgres image does), then run the server in the foreground.
set -eu
PGDATA=${PGDATA:-/var/lib/postgresql/data}
user=${POSTGRES_USER:-postgres}
db=${POSTGRES_DB:-$user}
if [ ! -s "$PGDATA/PG_VERSION" ]; then
    if [ -z "${POSTGRES_PASSWORD:-}" ]; then
        echo "db-entrypoint: POSTGRES_PASSWORD is empty: refusing to create a cluster anyone can use" >&2
        exit 1
    fi
    pwfile=$(mktemp)
    printf '%s\n' "$POSTGRES_PASSWORD" >"$pwfile"
    initdb -D "$PGDATA" --username="$user" --pwfile="$pwfile" --encoding=UTF8 --locale=C \
        --auth-local=trust --auth-host=scram-sha-256 >/dev/null
    rm -f "$pwfile"
    # initdb allows loopback only: the services connect over the project network.
    echo "host all all all scram-sha-256" >>"$PGDATA/pg_hba.conf"
    echo "listen_addresses = '*'" >>"$PGDATA/postgresql.conf"
    if [ "$db" != postgres ]; then
        quoted=$(printf '%s' "$db" | sed 's/"/""/g')
        echo "CREATE DATABASE \"$quoted\";" | postgres --single -D "$PGDATA" -j postgres >/dev/null
    fi
    echo "db-entrypoint: initialised the cluster for user $user, database $db"
fi
exec postgres -D "$PGDATA" "$@"
EOF
}

haproxy_root() {
    local root=$1
    base_files "$root"
    busybox_into "$root"
    copy_with_libs "$root" /usr/sbin/haproxy
    mkdir -p "$root/usr/local/etc/haproxy" "$root/var/lib/haproxy" "$root/run/haproxy"
}

# The hash of what image $1 is built from: this script plus the files "${@:2}".
inputs() {
    shift
    cat "$script" "$@" | sha256sum | cut -c1-16
}

# build IMAGE FILLER INPUT-FILES... -- DOCKERFILE-LINES...
build() {
    local image=$1 filler=$2
    shift 2
    local files=()
    while (($#)) && [[ $1 != -- ]]; do files+=("$1"); shift; done
    shift
    local hash
    hash=$(inputs "$image" "${files[@]}")
    if ((!force)) && [[ $(docker image inspect -f '{{index .Config.Labels "charm-test.inputs"}}' "$image" 2>/dev/null) == "$hash" ]]; then
        echo "build-voting-images: $image is up to date"
        return
    fi
    local started=$SECONDS root
    root=$(mktemp -d)
    "$filler" "$root"
    tar -C "$root" -c . | docker import - "$image-rootfs" >/dev/null
    rm -rf "$root"
    local context
    context=$(mktemp -d)
    {
        echo "FROM $image-rootfs"
        echo 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'
        printf '%s\n' "$@"
        echo "LABEL charm-test.inputs=$hash"
    } >"$context/Dockerfile"
    # The classic builder (no BuildKit here); its deprecation notice is noise unless it fails.
    local out
    if ! out=$(DOCKER_BUILDKIT=0 docker build -q -t "$image" "$context" 2>&1); then
        echo "$out" >&2
        exit 1
    fi
    rm -rf "$context"
    docker rmi "$image-rootfs" >/dev/null
    echo "build-voting-images: built $image in $((SECONDS - started)) s ($(docker image inspect -f '{{.Size}}' "$image" | awk '{printf "%.1f MB", $1/1e6}'))"
}

vote_root() { service_root "$1" vote; }
worker_root() { service_root "$1" worker; }
result_root() { service_root "$1" result; }

pkgs() { dpkg-query -W -f '${Package} ${Version}\n' "$@"; }
versions=$(mktemp)
trap 'rm -f "$versions"' EXIT
pkgs libc6 postgresql-15 haproxy busybox-static >"$versions"

build charm-test/vote vote_root "$bin/vote" "$versions" -- \
    'CMD ["/usr/local/bin/vote"]' \
    'HEALTHCHECK --interval=5s --timeout=3s --retries=3 CMD ["/usr/local/bin/vote", "--health"]'
build charm-test/worker worker_root "$bin/worker" "$versions" -- \
    'CMD ["/usr/local/bin/worker"]'
build charm-test/result result_root "$bin/result" "$versions" -- \
    'CMD ["/usr/local/bin/result"]' \
    'HEALTHCHECK --interval=5s --timeout=3s --retries=3 CMD ["/usr/local/bin/result", "--health"]'
build charm-test/postgres postgres_root "$versions" -- \
    'ENV PATH=/usr/lib/postgresql/15/bin:/usr/local/bin:/usr/bin:/bin PGDATA=/var/lib/postgresql/data' \
    'USER postgres' \
    'STOPSIGNAL SIGINT' \
    'CMD ["/usr/local/bin/db-entrypoint"]' \
    'HEALTHCHECK --interval=2s --timeout=3s --retries=5 CMD ["pg_isready", "-q", "-h", "127.0.0.1"]'
build charm-test/haproxy haproxy_root "$versions" -- \
    'STOPSIGNAL SIGUSR1' \
    'CMD ["/usr/sbin/haproxy", "-W", "-db", "-f", "/usr/local/etc/haproxy/haproxy.cfg"]'
