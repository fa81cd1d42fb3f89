#!/usr/bin/env bash
# Webhook receivers compared in one run on 127.0.0.1 (bench/README.md "Webhook receivers"):
# deploy-agent, adnanh/webhook (Debian package `webhook`, a hook with a payload-hmac-sha256
# rule) and a Node server using only `http` and `crypto` (bench/webhook/node_server.js).
# Signed 7 KB GitHub push deliveries, valid and invalid signatures, at 16 and 64 connections
# (wrk); CPU per request, idle and peak RSS (also of an agent before and after its first TLS
# call to an Infisical stub), start-up time, and two slow clients.
# Prints every number and the agent's ratio to each peer. Takes about 6 min. Asserts nothing.
#   AGENT=path/to/deploy-agent (default build-release/agent/deploy-agent, a Release build)
#   BENCH_SECONDS per wrk run (default 3)
#   BENCH_ROUNDS: each line is measured this many times, the servers taking turns, and the
#     median is shown (default 3): this VM's speed drifts by ±15 % over a minute, and one
#     sample per server would compare them at different moments of that drift
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
agent=${AGENT:-$root/build-release/agent/deploy-agent}
seconds=${BENCH_SECONDS:-3}
rounds=${BENCH_ROUNDS:-3}
here=$root/bench/webhook
for tool in wrk webhook node python3 openssl; do
    command -v "$tool" >/dev/null || { echo "missing $tool (apt-get install wrk webhook nodejs)" >&2; exit 2; }
done
[[ -x $agent ]] || { echo "no agent binary at $agent: cmake -B build-release -DCMAKE_BUILD_TYPE=Release -DDA_BUILD_TESTS=OFF && cmake --build build-release --target deploy-agent -j2" >&2; exit 2; }

work=$(mktemp -d /tmp/da-webhook-bench.XXXXXX)
pids=()
cleanup() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

secret=bench-secret-0123456789
port_agent=19201 port_webhook=19202 port_node=19203

# A 7 KB push for octo/web's main branch: 12 commits with messages and file lists, like GitHub's.
python3 - "$work/push.json" <<'PY'
import json, sys
commits = [{"id": f"{i:040x}", "tree_id": f"{i+100:040x}", "distinct": True,
            "message": f"Change {i}: adjust the handler and its tests", "timestamp": "2026-01-01T00:00:00Z",
            "url": f"https://github.com/octo/web/commit/{i:040x}",
            "author": {"name": "Octo Cat", "email": "octo@example.com", "username": "octo"},
            "committer": {"name": "Octo Cat", "email": "octo@example.com", "username": "octo"},
            "added": [], "removed": [], "modified": ["src/app.py", "tests/test_app.py"]} for i in range(1, 13)]
push = {"ref": "refs/heads/main", "before": "0" * 40, "after": commits[-1]["id"],
        "repository": {"id": 1, "name": "web", "full_name": "octo/web", "private": False,
                       "html_url": "https://github.com/octo/web", "default_branch": "main"},
        "pusher": {"name": "octo", "email": "octo@example.com"},
        "sender": {"login": "octo", "id": 1}, "created": False, "deleted": False, "forced": False,
        "compare": "https://github.com/octo/web/compare/a...b", "commits": commits,
        "head_commit": commits[-1]}
text = json.dumps(push, separators=(",", ":"))
open(sys.argv[1], "w").write(text)
PY
body_bytes=$(wc -c <"$work/push.json")
sig=$(openssl dgst -sha256 -hmac "$secret" <"$work/push.json" | sed 's/^.* //')
bad=$(openssl dgst -sha256 -hmac "not-the-secret" <"$work/push.json" | sed 's/^.* //')
common="Content-Type: application/json
X-GitHub-Event: push"
printf '%s\nX-Hub-Signature-256: sha256=%s\n' "$common" "$sig" >"$work/valid.headers"
printf '%s\nX-Hub-Signature-256: sha256=%s\n' "$common" "$bad" >"$work/invalid.headers"

# The agent: the push is verified and planned, and no app follows main (the app deploys
# `release`), so it answers 200 "ignored" and records the delivery, without a deploy.
cat >"$work/manifest.yaml" <<YAML
version: 1
apps:
  web:
    image: example/web:latest
    strategy: restart
    triggers:
      github:
        repository: octo/web
        branches: [release]
YAML
# webhook: a valid delivery runs the hook's command (/bin/true), its normal work.
cat >"$work/hooks.json" <<JSON
[{"id": "webhook", "execute-command": "/bin/true", "response-message": "ok",
  "trigger-rule-mismatch-http-response-code": 401,
  "trigger-rule": {"match": {"type": "payload-hmac-sha256", "secret": "$secret",
                             "parameter": {"source": "header", "name": "X-Hub-Signature-256"}}}}]
JSON

declare -A pid path
# Each server starts from a cold page cache (as after a reboot) when this runs as root: how much
# of an executable the kernel maps at its first touches depends on how its file sits in the page
# cache (read back from disk, or just written by the linker in large folios), which moved the
# agent's idle RSS by up to 1 MB between runs of one binary. BENCH_COLD_START=0 keeps the cache.
cold_start() {
    if [[ ${BENCH_COLD_START:-1} == 1 && -w /proc/sys/vm/drop_caches ]]; then
        sync
        echo 3 >/proc/sys/vm/drop_caches
    fi
}
port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
need_port() {
    if ! port_free "$1"; then
        echo "port $1 is already in use: stop what listens there (ss -ltnp)" >&2
        exit 2
    fi
}
# Start-up with the executable in the page cache (a restart): the server is started twice, each
# time with a new data directory, and stopped; the second start is the one timed.
warm_startup() {  # name port cmd...
    local name=$1 port=$2 round ms id
    shift 2
    for round in 1 2; do
        need_port "$port"
        read -r ms id < <(DATA_DIR="$work/warm-$name-$round" \
            python3 "$here/probe.py" startup "$port" "$@")
        kill "$id"
        for _ in $(seq 100); do port_free "$port" && break; sleep 0.05; done
    done
    warm_startup_ms[$name]=$ms
}
# The servers measured: from a cold page cache (after a reboot: the executable is read from disk).
start_server() {  # name port path cmd...
    local name=$1 port=$2 p=$3 ms id
    shift 3
    need_port "$port"
    cold_start
    read -r ms id < <(python3 "$here/probe.py" startup "$port" "$@")
    pids+=("$id")
    pid[$name]=$id
    path[$name]=$p
    startup_ms[$name]=$ms
}
declare -A startup_ms warm_startup_ms idle_rss peak_rss
export WEBHOOK_SECRET=$secret LOG_LEVEL=warn DATA_DIR=$work/agent-data PORT=$port_node
agent_cmd=("$agent" serve --manifest "$work/manifest.yaml" --listen 127.0.0.1:$port_agent)
webhook_cmd=(webhook -hooks "$work/hooks.json" -ip 127.0.0.1 -port $port_webhook)
node_cmd=(node "$here/node_server.js")
warm_startup agent $port_agent "${agent_cmd[@]}"
warm_startup webhook $port_webhook "${webhook_cmd[@]}"
warm_startup node $port_node "${node_cmd[@]}"
mkdir -p "$work/agent-data"
start_server agent $port_agent /webhook "${agent_cmd[@]}"
start_server webhook $port_webhook /hooks/webhook "${webhook_cmd[@]}"
start_server node $port_node /webhook "${node_cmd[@]}"
sleep 1
names=(agent webhook node)
rss_kb() { awk -v f="$2" '$1 == f":" {print $2}' "/proc/$1/status"; }
cpu_ticks() {  # own + reaped children's user and system time
    awk '{print $14 + $15 + $16 + $17}' "/proc/$1/stat"
}
for n in "${names[@]}"; do idle_rss[$n]=$(rss_kb "${pid[$n]}" VmRSS); done

# A second agent reads secrets from an HTTPS Infisical (bench/webhook/infisical_stub.py, with a
# certificate made here): its idle RSS before any delivery, and after its first TLS calls (the
# universal-auth login and one listing, made by the secrets poll 3 s after start).
port_infisical=19204 port_agent_tls=19205
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 -subj /CN=127.0.0.1 \
    -addext subjectAltName=IP:127.0.0.1 -keyout "$work/infisical.key" -out "$work/infisical.crt" \
    2>/dev/null
python3 "$here/infisical_stub.py" $port_infisical "$work/infisical.crt" "$work/infisical.key" \
    "$work/listings" &
pids+=($!)
cat "$work/manifest.yaml" - >"$work/manifest-tls.yaml" <<YAML
  vault:
    image: example/vault:latest
    strategy: restart
    secrets:
      infisical: { project: bench, environment: prod, path: / }
    auto_redeploy: true
YAML
mkdir -p "$work/agent-tls-data"
start_server agent_tls $port_agent_tls /webhook env DATA_DIR="$work/agent-tls-data" \
    INFISICAL_API_URL=https://127.0.0.1:$port_infisical INFISICAL_CA_FILE="$work/infisical.crt" \
    INFISICAL_CLIENT_ID=bench INFISICAL_CLIENT_SECRET=bench INFISICAL_AUTO_REDEPLOY=true \
    INFISICAL_SYNC_INTERVAL_MINUTES=0.05 DOCKER_HOST="unix://$work/no-engine.sock" \
    "$agent" serve --manifest "$work/manifest-tls.yaml" --listen 127.0.0.1:$port_agent_tls
sleep 1
tls_rss_before=$(rss_kb "${pid[agent_tls]}" VmRSS)
for _ in $(seq 100); do [[ -s $work/listings ]] && break; sleep 0.2; done
[[ -s $work/listings ]] || { echo "the agent made no TLS call to the Infisical stub" >&2; exit 1; }
sleep 0.5
tls_rss_after=$(rss_kb "${pid[agent_tls]}" VmRSS)
kill "${pid[agent_tls]}"

# Sanity: each answers the valid delivery 2xx and the invalid one 401.
for n in "${names[@]}"; do
    for kind in valid invalid; do
        mapfile -t hs <"$work/$kind.headers"
        args=()
        for h in "${hs[@]}"; do args+=(-H "$h"); done
        code=$(curl -s -o /dev/null -w '%{http_code}' "${args[@]}" --data-binary "@$work/push.json" \
            "http://127.0.0.1:$(case $n in agent) echo $port_agent;; webhook) echo $port_webhook;; node) echo $port_node;; esac)${path[$n]}")
        echo "check: $n $kind -> $code" >&2
    done
done

# Servers keep working after a run (Go's collector on webhook's large heap, Node's backlog):
# before each measured run, wait until every server is idle so none is measured beside
# another's leftovers (at most 60 s).
settle() {
    local waited=0 before after n
    while ((waited < 120)); do
        before=0 after=0
        for n in "${names[@]}"; do before=$((before + $(cpu_ticks "${pid[$n]}"))); done
        sleep 0.5
        for n in "${names[@]}"; do after=$((after + $(cpu_ticks "${pid[$n]}"))); done
        ((after - before <= 1)) && return 0
        waited=$((waited + 1))
    done
    echo "settle: servers still busy after 60 s; measuring anyway" >&2
}

declare -A result
hz=$(getconf CLK_TCK)
# The median of the rounds' values of one field ("rps=… p50_us=…"): $1 server, $2 line, $3 field.
median_of() {
    local r values=()
    for ((r = 1; r <= rounds; r++)); do
        values+=("$(sed -E "s/.*$3=([0-9.]+).*/\1/" <<<"${sample[$1,$2,$r]}")")
    done
    printf '%s\n' "${values[@]}" | sort -g | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'
}
sum_of() {
    local r total=0
    for ((r = 1; r <= rounds; r++)); do
        total=$((total + $(sed -E "s/.*$3=([0-9]+).*/\1/" <<<"${sample[$1,$2,$r]}")))
    done
    echo "$total"
}
declare -A sample
for conns in 16 64; do
    for kind in valid invalid; do
        for ((round = 1; round <= rounds; round++)); do
            for n in "${names[@]}"; do
                port=$(case $n in agent) echo $port_agent;; webhook) echo $port_webhook;; node) echo $port_node;; esac)
                export BENCH_PATH=${path[$n]} BENCH_BODY=$work/push.json BENCH_HEADERS=$work/$kind.headers
                settle
                wrk -t2 -c"$conns" -d1s -s "$here/post.lua" "http://127.0.0.1:$port" >/dev/null  # warm-up
                before=$(cpu_ticks "${pid[$n]}")
                line=$(wrk -t2 -c"$conns" -d"${seconds}s" -s "$here/post.lua" "http://127.0.0.1:$port" | grep '^BENCH')
                after=$(cpu_ticks "${pid[$n]}")
                requests=$(sed -E 's/.*requests=([0-9]+).*/\1/' <<<"$line")
                cpu_us=$(awk -v a="$after" -v b="$before" -v r="$requests" -v hz="$hz" \
                    'BEGIN { printf "%.1f", (a - b) * 1e6 / hz / (r > 0 ? r : 1) }')
                sample[$n,$conns$kind,$round]="$line cpu_us=$cpu_us"
                echo "$n c=$conns $kind round $round: $line cpu_us=$cpu_us" >&2
            done
        done
        for n in "${names[@]}"; do
            key=$conns$kind
            result[$n,$conns,$kind]="rps=$(median_of "$n" "$key" rps) p50_us=$(median_of "$n" "$key" p50_us) p99_us=$(median_of "$n" "$key" p99_us) requests=$(sum_of "$n" "$key" requests) non2xx=$(sum_of "$n" "$key" non2xx) sockerr=$(sum_of "$n" "$key" sockerr) cpu_us=$(median_of "$n" "$key" cpu_us)"
        done
    done
done
for n in "${names[@]}"; do peak_rss[$n]=$(rss_kb "${pid[$n]}" VmHWM); done

settle
slow=$(python3 "$here/probe.py" slow 12 "agent=$port_agent:/webhook" \
    "webhook=$port_webhook:/hooks/webhook" "node=$port_node:/webhook")
echo "$slow" >&2

field() { sed -E "s/.*$2=([0-9.]+).*/\1/" <<<"${result[$1]}"; }
# ratio: how many times better the agent is (higher-is-better or lower-is-better).
ratio() {  # agent peer higher|lower
    awk -v a="$1" -v p="$2" -v dir="$3" 'BEGIN {
        if (dir == "higher") { r = (p > 0) ? a / p : 0 } else { r = (a > 0) ? p / a : 0 }
        printf "%.2fx", r }'
}
row() {  # label unit dir agent webhook node
    printf '| %s | %s | %s | %s | %s | %s |\n' "$1" "$4" "$5" "$6" "$(ratio "$4" "$5" "$3")" \
        "$(ratio "$4" "$6" "$3")"
}
echo
echo "7 KB signed push ($body_bytes bytes), wrk -t2, ${seconds}s per run, median of $rounds rounds, $(nproc) CPUs."
echo "Ratio: how many times better the agent is (>1.00x = agent ahead)."
echo
echo '| line | agent | webhook | node | vs webhook | vs node |'
echo '|---|---:|---:|---:|---:|---:|'
for conns in 16 64; do
    for kind in valid invalid; do
        row "req/s, $conns conns, $kind" "" higher "$(field agent,$conns,$kind rps)" \
            "$(field webhook,$conns,$kind rps)" "$(field node,$conns,$kind rps)"
        row "p50 µs, $conns conns, $kind" "" lower "$(field agent,$conns,$kind p50_us)" \
            "$(field webhook,$conns,$kind p50_us)" "$(field node,$conns,$kind p50_us)"
        row "p99 µs, $conns conns, $kind" "" lower "$(field agent,$conns,$kind p99_us)" \
            "$(field webhook,$conns,$kind p99_us)" "$(field node,$conns,$kind p99_us)"
        row "CPU µs/request, $conns conns, $kind" "" lower "$(field agent,$conns,$kind cpu_us)" \
            "$(field webhook,$conns,$kind cpu_us)" "$(field node,$conns,$kind cpu_us)"
    done
done
row "idle RSS KiB" "" lower "${idle_rss[agent]}" "${idle_rss[webhook]}" "${idle_rss[node]}"
row "idle RSS KiB, agent with Infisical, before TLS" "" lower "$tls_rss_before" \
    "${idle_rss[webhook]}" "${idle_rss[node]}"
row "idle RSS KiB, agent with Infisical, after TLS" "" lower "$tls_rss_after" \
    "${idle_rss[webhook]}" "${idle_rss[node]}"
row "peak RSS KiB" "" lower "${peak_rss[agent]}" "${peak_rss[webhook]}" "${peak_rss[node]}"
row "start-up ms" "" lower "${warm_startup_ms[agent]}" "${warm_startup_ms[webhook]}" \
    "${warm_startup_ms[node]}"
row "start-up ms, cold page cache" "" lower "${startup_ms[agent]}" "${startup_ms[webhook]}" \
    "${startup_ms[node]}"
echo
echo "Two clients sending one body byte per second for 12 s, a third asking every 250 ms from 0.5 s on (one server at a time):"
echo "$slow" | sed 's/^SLOW /  /'
echo
echo "Medians, and request and non-2xx counts over all rounds (invalid runs must be all non-2xx):"
for n in "${names[@]}"; do
    for conns in 16 64; do
        for kind in valid invalid; do
            echo "  $n c=$conns $kind: ${result[$n,$conns,$kind]#BENCH }"
        done
    done
done
