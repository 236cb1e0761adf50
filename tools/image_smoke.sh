#!/usr/bin/env bash
# Build the OpenOCS image and start it for real: `make test-image` runs this, and so does CI.
#
# 1. A Docker daemon: if none answers and this runs as root, Debian's docker.io (dockerd,
#    containerd, runc) is installed when missing and dockerd started in the background; the
#    script stops the daemon it started when it ends. No daemon -> failure, never a skip.
# 2. A base image without a registry: unless OCS_IMAGE_BASE names one (python:3.11-slim where a
#    registry is reachable), a minimal Debian bookworm with Python 3.11 is made by debootstrap
#    from the machine's apt mirror and `docker import`ed as openocs-base:bookworm (kept for the
#    next run). The host's extra CA certificates (/usr/local/share/ca-certificates: a
#    TLS-intercepting proxy) are added to it so pip and uv inside the build reach PyPI.
# 3. docker build --build-arg BASE=<base> -t $OCS_IMAGE (openocs:smoke).
# 4. tests/deploy/test_image.py (pytest -m image) runs migrate, web, worker and scheduler
#    containers on the host's PostgreSQL and Redis and checks them.
#
# Environment: OCS_IMAGE (openocs:smoke), OCS_IMAGE_BASE, OCS_IMAGE_BASE_SUITE (bookworm),
# OCS_APT_MIRROR (the first deb.debian.org-style URI in /etc/apt/sources.list*), OCS_DOCKER_DATA_ROOT.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
IMAGE=${OCS_IMAGE:-openocs:smoke}
SUITE=${OCS_IMAGE_BASE_SUITE:-bookworm}
LOCAL_BASE=openocs-base:$SUITE
WORK=$(mktemp -d "${TMPDIR:-/tmp}/ocs-image.XXXXXX")
STARTED_DOCKERD=""

say() { echo "==> $(date -u +%T) $*"; }
# CPU seconds spent in containers (build steps included): the cgroup dockerd puts them in
# (cgroupfs driver, cgroup v1 or v2); 0 where there is none.
container_cpu_s() {
    local usage
    if [ -r /sys/fs/cgroup/cpuacct/docker/cpuacct.usage ]; then
        usage=$(cat /sys/fs/cgroup/cpuacct/docker/cpuacct.usage)
        echo $((usage / 1000000000))
    elif [ -r /sys/fs/cgroup/docker/cpu.stat ]; then
        awk '/^usage_usec/ {print int($2 / 1000000)}' /sys/fs/cgroup/docker/cpu.stat
    else
        echo 0
    fi
}
# CPU seconds of dockerd and containerd themselves (layer commits, copies), from /proc.
daemon_cpu_s() {
    local ticks=0 pid
    for pid in $(pidof dockerd containerd 2>/dev/null); do
        ticks=$((ticks + $(awk '{print $14 + $15 + $16 + $17}' "/proc/$pid/stat")))
    done
    echo $((ticks / $(getconf CLK_TCK)))
}
elapsed() { echo "$(($(date +%s) - $1)) s"; }

cleanup() {
    if [ -n "$STARTED_DOCKERD" ]; then
        say "Stopping the dockerd this script started (pid $STARTED_DOCKERD)"
        kill "$STARTED_DOCKERD" 2>/dev/null || true
        for _ in $(seq 1 30); do kill -0 "$STARTED_DOCKERD" 2>/dev/null || break; sleep 1; done
        say "Stopped dockerd"
    fi
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'echo "image_smoke.sh: line $LINENO failed: $BASH_COMMAND" >&2' ERR

apt_install() {
    [ "$(id -u)" = 0 ] || { echo "$* missing and not root: install it (apt-get install $*)" >&2; exit 1; }
    say "Installing $* from Debian"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

# The machine's Debian mirror: the first ".../debian" URI its apt sources name.
apt_mirror() {
    local found
    found=$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources \
        2>/dev/null | grep -oE '^(URIs:|deb) +https?://[^ ]+/debian/?( |$)' | head -n 1 | awk '{print $2}' || true)
    echo "${found:-http://deb.debian.org/debian}"
}

# --- 1. the daemon -----------------------------------------------------------------------------
t0=$(date +%s)
command -v docker >/dev/null || apt_install docker.io
if ! docker info >/dev/null 2>&1; then
    command -v dockerd >/dev/null || apt_install docker.io
    [ "$(id -u)" = 0 ] || { echo "no Docker daemon answers and this is not root: start one" >&2; exit 1; }
    say "Starting dockerd (log: $WORK/dockerd.log)"
    # In a session of its own (a Ctrl-C of the terminal does not reach it); cleanup stops it.
    setsid dockerd ${OCS_DOCKER_DATA_ROOT:+--data-root "$OCS_DOCKER_DATA_ROOT"} \
        >"$WORK/dockerd.log" 2>&1 &
    STARTED_DOCKERD=$!
    for _ in $(seq 1 60); do docker info >/dev/null 2>&1 && break; sleep 1; done
    if ! docker info >/dev/null 2>&1; then
        echo "dockerd did not answer within 60 s; the end of its log:" >&2
        tail -n 30 "$WORK/dockerd.log" >&2
        exit 1
    fi
fi
cpu_containers0=$(container_cpu_s)
cpu_daemon0=$(daemon_cpu_s)
say "Docker daemon $(docker info --format '{{.ServerVersion}}, storage {{.Driver}}') ($(elapsed "$t0"))"

# --- 2. the base image -------------------------------------------------------------------------
BASE=${OCS_IMAGE_BASE:-}
if [ -z "$BASE" ]; then
    BASE=$LOCAL_BASE
    if docker image inspect "$BASE" >/dev/null 2>&1; then
        say "Base image $BASE: already built"
    else
        t1=$(date +%s)
        command -v debootstrap >/dev/null || apt_install debootstrap
        mirror=${OCS_APT_MIRROR:-$(apt_mirror)}
        say "Building the base image $BASE: debootstrap $SUITE from $mirror"
        rootfs="$WORK/rootfs"
        debootstrap --variant=minbase --include=python3,python3-venv,python-is-python3,ca-certificates \
            "$SUITE" "$rootfs" "$mirror" >"$WORK/debootstrap.log" 2>&1 \
            || { tail -n 30 "$WORK/debootstrap.log" >&2; exit 1; }
        if compgen -G "/usr/local/share/ca-certificates/*.crt" >/dev/null; then
            cp /usr/local/share/ca-certificates/*.crt "$rootfs/usr/local/share/ca-certificates/"
            chroot "$rootfs" update-ca-certificates >/dev/null 2>&1
        fi
        rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/*
        # SSL_CERT_FILE: uv reads its own roots otherwise, not the system's (nor the proxy's).
        tar -C "$rootfs" -c . | docker import \
            --change 'ENV LANG=C.UTF-8 SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt' \
            --change 'CMD ["python3"]' - "$BASE" >/dev/null
        rm -rf "$rootfs"
        say "Base image $BASE built ($(elapsed "$t1"))"
    fi
fi

# --- 3. the image ------------------------------------------------------------------------------
t2=$(date +%s)
previous=$(docker image inspect "$IMAGE" --format '{{.Id}}' 2>/dev/null || true)
say "Building $IMAGE from $BASE (log: $WORK/build.log)"
# Host networking: the build reaches PyPI even where the daemon has no bridge network.
if ! docker build --network host --build-arg BASE="$BASE" -t "$IMAGE" "$ROOT" >"$WORK/build.log" 2>&1; then
    tail -n 40 "$WORK/build.log" >&2
    exit 1
fi
say "Built $IMAGE: $(docker image inspect "$IMAGE" --format '{{.Size}}' | awk '{printf "%.0f MB", $1/1e6}') ($(elapsed "$t2"))"

# --- 4. start it and check it ------------------------------------------------------------------
t3=$(date +%s)
OCS_IMAGE=$IMAGE OCS_REQUIRE_IMAGE=1 "$ROOT/.venv/bin/pytest" -n 0 -q -m image tests/deploy/test_image.py "$@"
say "Image checks passed ($(elapsed "$t3")); everything took $(elapsed "$t0")"
if [ -n "$previous" ] && [ "$previous" != "$(docker image inspect "$IMAGE" --format '{{.Id}}')" ]; then
    # The previous run's image, untagged now. Not `docker image prune`: it would also delete the
    # build stage (untagged too), the cache that spares the next build its dependencies.
    docker rmi "$previous" >/dev/null 2>&1 || true
fi
times >"$WORK/times"  # the shell's, then its children's user and system time
children_s=$(tail -n 1 "$WORK/times" | awk '{n = 0; for (i = 1; i <= 2; i++) {split($i, a, "m");
    sub("s", "", a[2]); n += a[1] * 60 + a[2]}; printf "%.0f", n}')
say "CPU time: containers $(($(container_cpu_s) - cpu_containers0)) s," \
    "dockerd+containerd $(($(daemon_cpu_s) - cpu_daemon0)) s, the script's own processes ${children_s} s"
