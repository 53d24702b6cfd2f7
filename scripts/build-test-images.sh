#!/usr/bin/env bash
# Build, offline, the images the tests and the local demo need.
#
# No image registry is reachable from the project's machines, so every image is a root
# filesystem assembled from files already on this machine (Debian packages) and loaded with
# `docker import`. One function per image: to add one, write `image_<name>` that fills the
# directory "$1" and call `build_image <repo:tag> image_<name> [CMD...]` at the bottom.
#
# Usage: scripts/build-test-images.sh [--force]   (--force rebuilds images that exist)
set -euo pipefail

force=0
for arg in "$@"; do
    case "$arg" in
        --force) force=1 ;;
        -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
        *) echo "build-test-images: unknown argument $arg" >&2; exit 2 ;;
    esac
done

# Installs the Debian packages providing the given commands, when any is missing.
need_packages() {
    local missing=()
    while (($#)); do
        local file=$1 package=$2
        shift 2
        [[ -e "$file" ]] || missing+=("$package")
    done
    if ((${#missing[@]})); then
        export DEBIAN_FRONTEND=noninteractive
        apt-get update
        apt-get install -y --no-install-recommends "${missing[@]}"
    fi
}

# Copies a dynamically linked binary and every shared library `ldd` lists into root "$1".
copy_with_libs() {
    local root=$1 binary=$2
    install -D -m 0755 "$binary" "$root$binary"
    local lib
    # ldd prints "name => /path (addr)" or "/path (addr)" (the loader); take each path.
    for lib in $(ldd "$binary" | grep -o '/[^ ]*'); do
        [[ -e "$lib" ]] || continue
        install -D -m 0755 "$(readlink -f "$lib")" "$root$lib"
    done
}

# The minimal files most programs expect.
base_files() {
    local root=$1
    mkdir -p "$root"/{etc,tmp,var/run,proc,sys,dev,root}
    chmod 1777 "$root/tmp"
    printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' >"$root/etc/passwd"
    printf 'root:x:0:\nnogroup:x:65534:\n' >"$root/etc/group"
    printf 'hosts: files dns\n' >"$root/etc/nsswitch.conf"
}

# charm-test/busybox: Debian's static busybox with every applet linked, and a page to serve
# with `busybox httpd -f -p 80 -h /www`.
image_busybox() {
    local root=$1
    need_packages /bin/busybox busybox-static
    base_files "$root"
    mkdir -p "$root/bin" "$root/sbin" "$root/usr/bin" "$root/usr/sbin" "$root/www"
    install -m 0755 /bin/busybox "$root/bin/busybox"
    local applet
    for applet in $(/bin/busybox --list-full); do
        [[ "$applet" == bin/busybox ]] && continue
        mkdir -p "$root/$(dirname "$applet")"
        ln -sf /bin/busybox "$root/$applet"
    done
    printf '<!doctype html>\n<title>charm-test</title>\n<p>hello from charm-test/busybox</p>\n' \
        >"$root/www/index.html"
}

# charm-test/redis: Debian's redis-server with its libraries, on 0.0.0.0:6379, no protected
# mode (it is reached from other containers on the project network), plus busybox for a shell
# and healthchecks.
image_redis() {
    local root=$1
    need_packages /usr/bin/redis-server redis-server /bin/busybox busybox-static
    image_busybox "$root"
    rm -rf "$root/www"
    # Debian's redis-server is a symlink to redis-check-rdb: the binary picks its role from
    # argv[0], so keep the link rather than copying the target under the other name.
    local binary
    binary=$(readlink -f /usr/bin/redis-server)
    copy_with_libs "$root" "$binary"
    [[ "$binary" == /usr/bin/redis-server ]] || ln -sf "$binary" "$root/usr/bin/redis-server"
    mkdir -p "$root/data"
}

# Builds image $1 (repo:tag) with filler function $2 and default command "${@:3}".
build_image() {
    local image=$1 filler=$2
    shift 2
    if ((!force)) && docker image inspect "$image" >/dev/null 2>&1; then
        echo "build-test-images: $image exists (use --force to rebuild)"
        return
    fi
    local root
    root=$(mktemp -d)
    # shellcheck disable=SC2064 # expand now: root is local
    trap "rm -rf '$root'" RETURN
    "$filler" "$root"
    local changes=(--change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin')
    if (($#)); then
        local cmd json=""
        for cmd in "$@"; do json+="${json:+, }\"$cmd\""; done
        changes+=(--change "CMD [$json]")
    fi
    tar -C "$root" -c . | docker import "${changes[@]}" - "$image" >/dev/null
    echo "build-test-images: built $image"
}

build_image charm-test/busybox:latest image_busybox /bin/sh
build_image charm-test/redis:latest image_redis \
    /usr/bin/redis-server --bind 0.0.0.0 --port 6379 --protected-mode no --dir /data

# charm-test/vote-demo and charm-test/result-demo: busybox httpd serving a page that says
# which tier it is (stand-ins for the seed's vote and result web apps, for the local demo).
image_vote_demo() {
    image_busybox "$1"
    printf '<!doctype html>\n<title>vote</title>\n<h1>Cats or dogs? (voting-app vote tier)</h1>\n' \
        >"$1/www/index.html"
}
image_result_demo() {
    image_busybox "$1"
    printf '<!doctype html>\n<title>result</title>\n<h1>Results (voting-app result tier)</h1>\n' \
        >"$1/www/index.html"
}

# PID 1 gets no default signal handlers: a shell that traps TERM lets `docker stop` (and so
# every recreate) finish at once instead of after its 10 s grace period.
serve='trap "exit 0" TERM; /bin/busybox httpd -f -p 80 -h /www & wait'
build_image charm-test/vote-demo:latest image_vote_demo /bin/sh -c "${serve//\"/\\\"}"
build_image charm-test/result-demo:latest image_result_demo /bin/sh -c "${serve//\"/\\\"}"
# charm-test/worker-demo: busybox that sleeps (stand-in for the worker and the db).
idle='trap "exit 0" TERM; /bin/busybox sleep 2147483647 & wait'
build_image charm-test/worker-demo:latest image_busybox /bin/sh -c "${idle//\"/\\\"}"
