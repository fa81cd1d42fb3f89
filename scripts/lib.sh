# Shared by scripts/test and scripts/run: package installation and the private Docker Engine.
# Sourced, not executed. Everything it starts is recorded under $DA_ENGINE_DIR so it can be stopped.

DA_ENGINE_DIR=${DA_ENGINE_DIR:-/tmp/da-engine}

da_log() { printf '==> %s\n' "$*" >&2; }

# Debian packages the build, the tests and the quick start need.
DA_BUILD_PACKAGES=(cmake g++ make pkg-config libboost1.81-dev libssl-dev rapidjson-dev libyaml-cpp-dev
    libspdlog-dev libfmt-dev catch2 libsqlite3-dev libarchive-dev prometheus-cpp-dev libcli11-dev
    clang-14 libclang-rt-14-dev)
DA_RUNTIME_PACKAGES=(docker.io docker-registry busybox-static curl openssl ca-certificates
    debootstrap docker-compose python3-prometheus-client)
# Only the tests need these: the status page is checked in a real headless browser
# (tests/browser/status_page.py; a font so its screenshots are readable). Installed without
# recommends (chromium would bring printing, udev, mesa) and within a time limit.
DA_TEST_PACKAGES=(chromium fonts-dejavu-core python3)

# Installs DA_TEST_PACKAGES that are missing (scripts/test).
da_install_test_packages() {
    local missing=()
    local pkg
    for pkg in "${DA_TEST_PACKAGES[@]}"; do
        if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
            missing+=("$pkg")
        fi
    done
    if [ ${#missing[@]} -eq 0 ]; then
        return 0
    fi
    if [ "$(id -u)" -ne 0 ]; then
        da_log "missing Debian packages for the tests: ${missing[*]} (sudo apt-get install -y ${missing[*]})"
        return 1
    fi
    da_log "installing the test packages: ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive timeout 900 apt-get install -y -qq --no-install-recommends \
        "${missing[@]}" >/dev/null
}

da_install_packages() {
    local missing=()
    local pkg
    for pkg in "${DA_BUILD_PACKAGES[@]}" "${DA_RUNTIME_PACKAGES[@]}"; do
        if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
            missing+=("$pkg")
        fi
    done
    if [ ${#missing[@]} -eq 0 ]; then
        return 0
    fi
    if [ "$(id -u)" -ne 0 ]; then
        da_log "missing Debian packages: ${missing[*]}"
        da_log "install them with: sudo apt-get update && sudo apt-get install -y ${missing[*]}"
        return 1
    fi
    da_log "installing: ${missing[*]}"
    apt-get update -qq
    # With recommends, as ENGINE.md installs the engine: that is the set verified on this kind of
    # machine (docker.io recommends apparmor, cgroupfs-mount, xz-utils, git).
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
}

da_build() {
    local build_dir=$1
    shift
    cmake -S "$DA_ROOT" -B "$build_dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@" >/dev/null
    cmake --build "$build_dir" -j2
}

# The sanitizer stage of CI: the unit tests and the end-to-end tests (the attack suite among
# them) built with AddressSanitizer and UBSan in a second build directory and run there. Only
# what they need is built (no bench, no integration tests: those drive the engine and gain
# little from ASan), at -O1 with line tables only (-g1): the sanitizers' own advice, and GCC
# compiles the Beast-heavy files 2.5 times faster than at -O2 -g under ASan (session_io.cpp:
# 88 s against 227 s), with file:line still in every report. Assertions stay on (no NDEBUG):
# RapidJSON's own asserts (a member read that is not there, a type mismatch) and the code's fire
# in the tests instead of going unseen.
da_sanitizer_flags="-O1 -g1"
da_sanitizer_build() {
    local build_dir=$1
    cmake -S "$DA_ROOT" -B "$build_dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DDA_WERROR=ON \
        -DDA_SANITIZE=ON -DDA_UNITY_BUILD=ON -DDA_BUILD_BENCH=OFF \
        -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="$da_sanitizer_flags" >/dev/null
    cmake --build "$build_dir" -j2 --target deploy-agent unit_tests e2e_tests
}
da_sanitizer_tests() {
    local build_dir=$1
    local ubsan="halt_on_error=1:print_stacktrace=1:suppressions=$DA_ROOT/tests/fuzz/ubsan.supp"
    # The unit tests in one process, where ctest (as the plain build runs them) starts one per
    # test: an instrumented process spends 0.7 s of CPU starting and exiting, 4 minutes over
    # the 372 unit tests, against 25 s for all of them in one. Catch2 names each failure.
    da_log "unit tests under ASan and UBSan (one process)"
    (cd "$build_dir/tests" && UBSAN_OPTIONS=$ubsan ./unit_tests)
    UBSAN_OPTIONS=$ubsan ctest --test-dir "$build_dir" --output-on-failure --timeout 600 -j2 -L e2e
}

# True when an engine answers at the given unix socket path.
da_engine_answers() {
    curl -sf --max-time 3 --unix-socket "$1" http://docker/_ping >/dev/null 2>&1
}

# Finds a running engine or starts a private one; exports DOCKER_HOST either way.
# Sets DA_STARTED_ENGINE=1 when this shell started it.
da_engine_up() {
    DA_STARTED_ENGINE=0
    if [ -n "${DOCKER_HOST:-}" ]; then
        case "$DOCKER_HOST" in
            unix://*)
                if da_engine_answers "${DOCKER_HOST#unix://}"; then
                    da_log "using the engine at $DOCKER_HOST"
                    return 0
                fi
                ;;
            *)
                da_log "using the engine at $DOCKER_HOST"
                return 0
                ;;
        esac
    fi
    local sock
    for sock in /var/run/docker.sock "$DA_ENGINE_DIR/docker.sock"; do
        if [ -S "$sock" ] && da_engine_answers "$sock"; then
            export DOCKER_HOST="unix://$sock"
            da_log "using the engine at $DOCKER_HOST"
            return 0
        fi
    done
    mkdir -p "$DA_ENGINE_DIR"
    da_log "starting a private Docker Engine in $DA_ENGINE_DIR"
    # containerd is started by dockerd itself when it is not already running.
    dockerd --host "unix://$DA_ENGINE_DIR/docker.sock" --data-root "$DA_ENGINE_DIR/data" \
        --exec-root "$DA_ENGINE_DIR/exec" --pidfile "$DA_ENGINE_DIR/docker.pid" \
        >"$DA_ENGINE_DIR/dockerd.log" 2>&1 &
    echo $! >"$DA_ENGINE_DIR/dockerd.launcher.pid"
    local i
    for i in $(seq 1 120); do
        if da_engine_answers "$DA_ENGINE_DIR/docker.sock"; then
            export DOCKER_HOST="unix://$DA_ENGINE_DIR/docker.sock"
            DA_STARTED_ENGINE=1
            da_log "engine ready after ${i}x0.5s"
            return 0
        fi
        sleep 0.5
    done
    da_log "the Docker Engine did not start; its log:"
    tail -n 40 "$DA_ENGINE_DIR/dockerd.log" >&2
    return 1
}

da_engine_down() {
    if [ "${DA_STARTED_ENGINE:-0}" = 1 ] && [ -f "$DA_ENGINE_DIR/docker.pid" ]; then
        local pid
        pid=$(cat "$DA_ENGINE_DIR/docker.pid")
        da_log "stopping the private Docker Engine (pid $pid)"
        kill "$pid" 2>/dev/null || true
        local i
        for i in $(seq 1 60); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.5
        done
        kill -9 "$pid" 2>/dev/null || true
    fi
}

# Starts a local registry on 127.0.0.1; exports DA_TEST_REGISTRY=127.0.0.1:PORT.
da_registry_up() {
    local port=${DA_REGISTRY_PORT:-$(da_free_port 5055)}
    local dir=$DA_ENGINE_DIR/registry
    mkdir -p "$dir/data"
    cat >"$dir/config.yml" <<YAML
version: 0.1
log: { level: warn }
storage:
  filesystem: { rootdirectory: $dir/data }
  delete: { enabled: true }
http:
  addr: 127.0.0.1:$port
YAML
    docker-registry serve "$dir/config.yml" >"$dir/registry.log" 2>&1 &
    DA_REGISTRY_PID=$!
    local i
    for i in $(seq 1 40); do
        if curl -sf --max-time 2 "http://127.0.0.1:$port/v2/" >/dev/null 2>&1; then
            export DA_TEST_REGISTRY=127.0.0.1:$port
            da_log "registry ready at $DA_TEST_REGISTRY"
            return 0
        fi
        sleep 0.25
    done
    da_log "the registry did not start; its log:"
    tail -n 20 "$dir/registry.log" >&2
    return 1
}

da_registry_down() {
    if [ -n "${DA_REGISTRY_PID:-}" ]; then
        kill "$DA_REGISTRY_PID" 2>/dev/null || true
        wait "$DA_REGISTRY_PID" 2>/dev/null || true
    fi
}

# The first port from $1 upward on which nothing listens on 127.0.0.1.
da_free_port() {
    local port=$1
    while (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do
        port=$((port + 1))
    done
    echo "$port"
}

# Removes every container and image the tests labelled, whichever engine they ran on.
da_remove_test_objects() {
    local ids
    ids=$(docker ps -aq --filter label=io.deploy-agent.test 2>/dev/null || true)
    [ -n "$ids" ] && docker rm -f -v $ids >/dev/null 2>&1 || true
    ids=$(docker images -q --filter label=io.deploy-agent.test 2>/dev/null | sort -u || true)
    [ -n "$ids" ] && docker rmi -f $ids >/dev/null 2>&1 || true
    return 0
}

# Makes sure the engine has debian:bookworm-slim, the Dockerfile's base. An engine without Docker
# Hub access gets one made with debootstrap (minbase) from this machine's Debian mirror and
# `docker import`; the tarball is kept in $DA_IMAGE_CACHE so later runs on this machine import it
# in seconds instead of bootstrapping again (about 70 s).
DA_IMAGE_CACHE=${DA_IMAGE_CACHE:-/var/cache/deploy-agent}
da_base_image() {
    local image=debian:bookworm-slim
    if docker image inspect "$image" >/dev/null 2>&1; then
        return 0
    fi
    local tarball=$DA_IMAGE_CACHE/debian-bookworm-minbase.tar
    if [ ! -s "$tarball" ]; then
        local mirror root
        mirror=$(awk '/^URIs:/ { print $2; exit }' /etc/apt/sources.list.d/debian.sources 2>/dev/null)
        mirror=${mirror:-http://deb.debian.org/debian}
        root=$(mktemp -d /tmp/da-bootstrap.XXXXXX)
        da_log "making $image with debootstrap from $mirror (cached in $tarball)"
        mkdir -p "$DA_IMAGE_CACHE"
        debootstrap --variant=minbase bookworm "$root" "$mirror" >"$root.log" 2>&1 || {
            tail -n 20 "$root.log" >&2
            rm -rf "$root" "$root.log"
            return 1
        }
        # As in the published image: no package lists, the same sources (with updates).
        rm -rf "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/*.bin
        printf 'deb %s bookworm main\ndeb %s bookworm-updates main\n' "$mirror" "$mirror" \
            >"$root/etc/apt/sources.list"
        tar -C "$root" -cf "$tarball.partial" . && mv "$tarball.partial" "$tarball"
        rm -rf "$root" "$root.log"
    fi
    docker import "$tarball" "$image" >/dev/null
}

# The OpenSSH server that tests/e2e/build_ssh_test.cpp runs in a container (a real SSH remote
# for the build strategy's deploy keys). Never installed on this machine: the package would start
# a daemon on port 22. Its .deb and the libraries it needs that the host lacks (libwrap0) are
# downloaded and unpacked under $DA_IMAGE_CACHE/openssh-server, once per machine; exports
# DA_TEST_SSHD=.../root/usr/sbin/sshd (the test finds those libraries under the same root).
DA_SSHD_PACKAGES=(openssh-server libwrap0)
da_sshd() {
    local dir=$DA_IMAGE_CACHE/openssh-server
    local sshd=$dir/root/usr/sbin/sshd
    if [ ! -x "$sshd" ]; then
        local work
        work=$(mktemp -d /tmp/da-sshd.XXXXXX)
        da_log "downloading ${DA_SSHD_PACKAGES[*]} (unpacked into $dir, not installed)"
        # As root apt-get download warns that its sandbox user cannot write $work; harmless.
        # Without package lists (a fresh machine) it knows no package: update them once.
        if ! (cd "$work" && apt-get download "${DA_SSHD_PACKAGES[@]}") >"$work/download.log" 2>&1 &&
            ! { apt-get update -qq && (cd "$work" && apt-get download "${DA_SSHD_PACKAGES[@]}"); } \
                >"$work/download.log" 2>&1; then
            tail -n 20 "$work/download.log" >&2
            da_log "could not download ${DA_SSHD_PACKAGES[*]}: the SSH deploy key test needs them"
            rm -rf "$work"
            return 1
        fi
        local deb
        for deb in "$work"/*.deb; do
            dpkg-deb -x "$deb" "$work/root"
        done
        local missing
        missing=$(LD_LIBRARY_PATH="$work/root/lib/x86_64-linux-gnu:$work/root/usr/lib/x86_64-linux-gnu" \
            ldd "$work/root/usr/sbin/sshd" | awk '/not found/ { print $1 }')
        if [ -n "$missing" ]; then
            da_log "sshd needs libraries neither this machine nor DA_SSHD_PACKAGES has: $missing"
            rm -rf "$work"
            return 1
        fi
        mkdir -p "$dir"
        rm -rf "$dir/root"
        mv "$work/root" "$dir/root"
        rm -rf "$work"
    fi
    export DA_TEST_SSHD=$sshd
}
