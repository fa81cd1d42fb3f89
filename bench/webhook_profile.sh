#!/usr/bin/env bash
# Where the agent's CPU goes on the webhook bench's valid path (bench/webhook_bench.sh): one
# agent started as the bench starts it, the first push accepted, then wrk sends the same push
# with a new X-GitHub-Delivery per request (duplicates, recorded) while `perf stat` and
# `perf record` watch the agent. Prints perf stat's counters, CPU µs per request, the top
# symbols (self time, all threads) and the share of each thread.
#   AGENT=path/to/deploy-agent (default build-release/agent/deploy-agent)
#   PROFILE_CONNS (default 64), PROFILE_SECONDS measured (default 10) after 3 s of warm-up
#   PROFILE_KIND=valid|invalid (default valid), PROFILE_OUT=dir to keep perf.data (default: none)
#   AGENT_LOG_LEVEL (default info), PROFILE_CALLGRAPH=dwarf for callers (perf report -G)
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
agent=${AGENT:-$root/build-release/agent/deploy-agent}
conns=${PROFILE_CONNS:-64}
seconds=${PROFILE_SECONDS:-10}
kind=${PROFILE_KIND:-valid}
here=$root/bench/webhook
for tool in wrk perf python3 openssl curl; do
    command -v "$tool" >/dev/null || {
        echo "missing $tool (apt-get install wrk linux-perf)" >&2
        exit 2
    }
done
work=$(mktemp -d /tmp/da-webhook-profile.XXXXXX)
agent_pid=
cleanup() {
    [[ -n $agent_pid ]] && kill "$agent_pid" 2>/dev/null
    wait 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

secret=bench-secret-0123456789
port=19211
fixture=$root/tests/fixtures/github/octokit/api.github.com/push
fixture+=/with-no-username-committer.payload.json
python3 -c 'import json, sys; sys.stdout.write(json.dumps(json.load(open(sys.argv[1])),
    separators=(",", ":"), ensure_ascii=False))' "$fixture" >"$work/push.json"
key=$secret
[[ $kind == valid ]] || key=not-the-secret
sig=$(openssl dgst -sha256 -hmac "$key" <"$work/push.json" | sed 's/^.* //')
printf 'Content-Type: application/json\nX-GitHub-Event: push\nX-Hub-Signature-256: sha256=%s\n' \
    "$sig" >"$work/headers"
cat >"$work/manifest.yaml" <<YAML
version: 1
apps:
  web:
    image: example/web:latest
    strategy: restart
    triggers:
      github:
        repository: Codertocat/Hello-World
        branches: [master]
YAML
mkdir -p "$work/data"
WEBHOOK_SECRET=$secret DATA_DIR=$work/data LOG_LEVEL=${AGENT_LOG_LEVEL:-info} \
    DOCKER_HOST="unix://$work/no-engine.sock" \
    "$agent" serve --manifest "$work/manifest.yaml" --listen 127.0.0.1:$port \
    >/dev/null 2>"$work/agent.log" &
agent_pid=$!
for _ in $(seq 200); do
    curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break
    sleep 0.05
done
export BENCH_PATH=/webhook BENCH_BODY=$work/push.json BENCH_HEADERS=$work/headers
wrk -t2 -c"$conns" -d3s -s "$here/post.lua" "http://127.0.0.1:$port" >/dev/null
ticks() { awk '{print $14 + $15}' "/proc/$agent_pid/stat"; }
before=$(ticks)
perf stat -p "$agent_pid" -e task-clock,context-switches,cpu-migrations,page-faults \
    -o "$work/stat.txt" -- sleep "$seconds" &
stat_pid=$!
# Release builds keep no frame pointers: self time per symbol is exact, callers need DWARF
# unwinding (PROFILE_CALLGRAPH=dwarf: heavier, so the run itself is slower).
graph=()
[[ ${PROFILE_CALLGRAPH:-} == dwarf ]] && graph=(--call-graph dwarf,16384)
perf record -F "${PROFILE_HZ:-1999}" "${graph[@]}" -p "$agent_pid" -o "$work/perf.data" \
    -- sleep "$seconds" \
    2>/dev/null >/dev/null &
record_pid=$!
line=$(wrk -t2 -c"$conns" -d"${seconds}s" -s "$here/post.lua" "http://127.0.0.1:$port" |
    grep '^BENCH')
wait "$stat_pid" "$record_pid"
after=$(ticks)
requests=$(sed -E 's/.*requests=([0-9]+).*/\1/' <<<"$line")
echo "$kind path, $conns connections, ${seconds}s: $line"
awk -v a="$after" -v b="$before" -v r="$requests" -v hz="$(getconf CLK_TCK)" \
    'BEGIN { printf "CPU µs per request (utime+stime, all threads): %.1f\n",
             (a - b) * 1e6 / hz / r }'
grep -E 'task-clock|context-switches|page-faults' "$work/stat.txt"
cpu_us=$(awk -v a="$after" -v b="$before" -v r="$requests" -v hz="$(getconf CLK_TCK)" \
    'BEGIN { printf "%.1f", (a - b) * 1e6 / hz / r }')
echo
perf script -i "$work/perf.data" -F tid,ip,sym,dso 2>/dev/null |
    python3 "$here/perf_phases.py" "$agent" "$cpu_us" "${PROFILE_TOP:-40}"
if [[ -n ${PROFILE_OUT:-} ]]; then
    mkdir -p "$PROFILE_OUT"
    cp "$work/perf.data" "$work/agent.log" "$PROFILE_OUT/"
    echo "perf.data kept in $PROFILE_OUT"
fi
