#!/usr/bin/env bash
# Build-and-recreate of a small app (bench/README.md "Build and recreate"): the agent
# (`deploy-agent deploy APP`: git fetch + hard reset, build --no-cache through the Engine API,
# recreate) against the same by hand (`git pull && docker build --no-cache && docker-compose up
# -d`), and the engine's own `docker build --no-cache` alone, in one run on one engine. Each
# round pushes a new commit to a local bare repository and runs the three in turn; medians are
# shown with the agent's overhead ratio. Asserts nothing.
#   AGENT=path/to/deploy-agent (default build-release/agent/deploy-agent)
#   BENCH_ROUNDS (default 5)
# Needs DOCKER_HOST (or /var/run/docker.sock), docker, docker-compose, git, busybox-static.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
agent=${AGENT:-$root/build-release/agent/deploy-agent}
rounds=${BENCH_ROUNDS:-5}
for tool in docker docker-compose git; do
    command -v "$tool" >/dev/null || { echo "missing $tool" >&2; exit 2; }
done
[[ -x /bin/busybox ]] || { echo "missing /bin/busybox (apt-get install busybox-static)" >&2; exit 2; }
[[ -x $agent ]] || { echo "no agent binary at $agent" >&2; exit 2; }

work=$(mktemp -d /tmp/da-build-bench.XXXXXX)
tag=$$
base=da-bench/busybox:$tag
cleanup() {
    docker rm -f "da-bench-agent-$tag" "da-bench-hand-$tag" >/dev/null 2>&1 || true
    docker image prune -f --filter "label=da-bench=$tag" >/dev/null 2>&1 || true
    docker rmi -f "da-bench/agent:$tag" "da-bench/hand:$tag" "da-bench/engine:$tag" "$base" \
        >/dev/null 2>&1 || true
    docker image prune -f --filter "label=da-bench=$tag" >/dev/null 2>&1 || true
    rm -rf "$work"
}
trap cleanup EXIT
ms() { echo $(( $(date +%s%N) / 1000000 )); }
git_id=(-c user.name=bench -c user.email=bench@example.com)

# A base image without any registry, and a repository whose page changes at every round. The
# app stops at once (STOPSIGNAL SIGKILL: httpd as PID 1 ignores SIGTERM), so that both sides
# measure their own work, not Docker's 10 s stop grace.
mkdir "$work/base" && cp /bin/busybox "$work/base/"
printf 'FROM scratch\nCOPY busybox /bin/busybox\nRUN ["/bin/busybox","--install","-s","/bin"]\nLABEL da-bench=%s\n' \
    "$tag" >"$work/base/Dockerfile"
docker build -q -t "$base" "$work/base" >/dev/null 2>&1
git init -q --bare -b main "$work/remote.git"
git clone -q "$work/remote.git" "$work/dev" 2>/dev/null
cd "$work/dev"
git checkout -q -b main
cat >Dockerfile <<DOCKERFILE
FROM $base
LABEL da-bench=$tag
COPY page.html /www/index.html
RUN find /www -type f | xargs cat | wc -c > /www/size.txt
STOPSIGNAL SIGKILL
CMD ["httpd", "-f", "-p", "80", "-h", "/www"]
DOCKERFILE
echo round-0 >page.html
git add -A && git "${git_id[@]}" commit -q -m start && git push -q origin main
git clone -q -b main "$work/remote.git" "$work/agent-checkout"
git clone -q -b main "$work/remote.git" "$work/hand-checkout"
cat >"$work/hand-checkout/docker-compose.yml" <<COMPOSE
version: "3"
services:
  web:
    image: da-bench/hand:$tag
    container_name: da-bench-hand-$tag
    ports: ["127.0.0.1::80"]
COMPOSE
echo docker-compose.yml >>"$work/hand-checkout/.git/info/exclude"

docker build -q -t "da-bench/agent:$tag" "$work/agent-checkout" >/dev/null 2>&1
docker run -d -q --name "da-bench-agent-$tag" -p 127.0.0.1::80 "da-bench/agent:$tag" >/dev/null
cat >"$work/manifest.yaml" <<MANIFEST
version: 1
apps:
  bench:
    container: da-bench-agent-$tag
    image: da-bench/agent:$tag
    strategy: build
    build:
      context: $work/agent-checkout
      pull: false
      git: { remote: origin, branch: main }
    health: { timeout: 30s, stable_for: 0s }
MANIFEST

agent_ms=() hand_ms=() engine_ms=()
for ((i = 1; i <= rounds; i++)); do
    (cd "$work/dev" && echo "round-$i" >page.html && git "${git_id[@]}" commit -q -am "round $i" &&
        git push -q origin main)
    t0=$(ms)
    DATA_DIR=$work/data "$agent" deploy bench --manifest "$work/manifest.yaml" --wait >"$work/agent.log" 2>&1 ||
        { cat "$work/agent.log" >&2; exit 1; }
    t1=$(ms)
    (cd "$work/hand-checkout" && git pull -q && docker build -q --no-cache -t "da-bench/hand:$tag" . >/dev/null 2>&1 &&
        docker-compose -p "dabench$tag" up -d >/dev/null 2>&1)
    t2=$(ms)
    docker build -q --no-cache -t "da-bench/engine:$tag" "$work/hand-checkout" >/dev/null 2>&1
    t3=$(ms)
    agent_ms+=($((t1 - t0))) hand_ms+=($((t2 - t1))) engine_ms+=($((t3 - t2)))
    echo "round $i: agent $((t1 - t0)) ms, by hand $((t2 - t1)) ms, engine build alone $((t3 - t2)) ms" >&2
done
docker-compose -p "dabench$tag" -f "$work/hand-checkout/docker-compose.yml" down >/dev/null 2>&1 || true

median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
a=$(median "${agent_ms[@]}") h=$(median "${hand_ms[@]}") e=$(median "${engine_ms[@]}")
echo
echo "| medians of $rounds rounds | ms | ratio to engine build | ratio to by hand |"
echo "|---|---:|---:|---:|"
echo "| engine: docker build --no-cache | $e | 1.00 | |"
echo "| by hand: git pull && docker build --no-cache && docker-compose up -d | $h | $(awk "BEGIN{printf \"%.2f\", $h/$e}") | 1.00 |"
echo "| agent: deploy-agent deploy (fetch, reset, build, recreate) | $a | $(awk "BEGIN{printf \"%.2f\", $a/$e}") | $(awk "BEGIN{printf \"%.2f\", $a/$h}") |"
