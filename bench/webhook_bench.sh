#!/usr/bin/env bash
# Webhook receivers compared in one run on 127.0.0.1 (bench/README.md "Webhook receivers"):
# deploy-agent, adnanh/webhook (Debian package `webhook`, a hook with a payload-hmac-sha256
# rule) and a Node server using only `http` and `crypto` (bench/webhook/node_server.js).
# A signed GitHub push (octokit's push fixture, compact, 7.6 KB) for the branch an app of the
# agent's manifest follows, a new X-GitHub-Delivery per request: the first is accepted (its
# deploy fails at once: the engine socket does not exist) and every later one is verified,
# parsed, replay-keyed and recorded as a duplicate. Valid and invalid signatures, 16 and 64
# connections, the same wrk for every server; each phase is a warm-up then a measured run, the
# servers taking turns (agent, node, agent, node, ...). Also CPU per request (utime+stime from
# /proc), start-up to the first 2xx, idle and peak RSS (also of an agent before and after its
# first TLS call to an Infisical stub), and two slow clients. Prints the numbers, the ratios to
# Node and webhook, and the issue-18 targets met or not. Asserts nothing.
#   AGENT=path/to/deploy-agent (default build-release/agent/deploy-agent, a Release build)
#   BENCH_SECONDS per measured run (default 10), BENCH_WARMUP seconds before each (default 3)
#   BENCH_ROUNDS: each line is measured this many times, the servers taking turns, and the
#     median is shown (default 3)
#   BENCH_LOAD: the servers put under load, in turn (default "agent node"; add webhook to
#     measure it too: its hook runs /bin/true per delivery, and its collector needs long pauses)
#   AGENT_LOG_LEVEL: the agent's LOG_LEVEL (default info, what the agent runs with unless told)
#   BASELINE=path/to/another/deploy-agent: measured too, in turn with the others, as
#     "baseline" (a build of an earlier commit: before and after a change, in one run)
# About 8 min with the defaults.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
agent=${AGENT:-$root/build-release/agent/deploy-agent}
seconds=${BENCH_SECONDS:-10}
warmup=${BENCH_WARMUP:-3}
rounds=${BENCH_ROUNDS:-3}
read -r -a loaded <<<"${BENCH_LOAD:-agent node}"
here=$root/bench/webhook
fixture=$root/tests/fixtures/github/octokit/api.github.com/push
fixture+=/with-no-username-committer.payload.json
for tool in wrk webhook node python3 openssl curl; do
    command -v "$tool" >/dev/null || {
        echo "missing $tool (apt-get install wrk webhook nodejs curl)" >&2
        exit 2
    }
done
[[ -x $agent ]] || {
    echo "no agent binary at $agent: cmake -S . -B build-release -DCMAKE_BUILD_TYPE=Release" \
        "-DDA_BUILD_TESTS=OFF && cmake --build build-release --target deploy-agent -j2" >&2
    exit 2
}

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

# GitHub's push as its webhook sends it (compact JSON): octokit's fixture of a one-commit push
# to Codertocat/Hello-World's master, 7.6 KB, the repository, pusher and sender objects whole.
python3 -c 'import json, sys; sys.stdout.write(json.dumps(json.load(open(sys.argv[1])),
    separators=(",", ":"), ensure_ascii=False))' "$fixture" >"$work/push.json"
body_bytes=$(wc -c <"$work/push.json")
sig=$(openssl dgst -sha256 -hmac "$secret" <"$work/push.json" | sed 's/^.* //')
bad=$(openssl dgst -sha256 -hmac "not-the-secret" <"$work/push.json" | sed 's/^.* //')
common="Content-Type: application/json
X-GitHub-Event: push"
printf '%s\nX-Hub-Signature-256: sha256=%s\n' "$common" "$sig" >"$work/valid.headers"
printf '%s\nX-Hub-Signature-256: sha256=%s\n' "$common" "$bad" >"$work/invalid.headers"

# The agent: `web` follows the pushed branch, so the first delivery is accepted (202, recorded
# durably before the answer) and its deploy fails at once (no engine at DOCKER_HOST); every
# later one, with its new delivery id, is the same push again: 200 "duplicate", recorded.
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
# webhook: a valid delivery runs the hook's command (/bin/true), its normal work.
cat >"$work/hooks.json" <<JSON
[{"id": "webhook", "execute-command": "/bin/true", "response-message": "ok",
  "trigger-rule-mismatch-http-response-code": 401,
  "trigger-rule": {"match": {"type": "payload-hmac-sha256", "secret": "$secret",
                             "parameter": {"source": "header", "name": "X-Hub-Signature-256"}}}}]
JSON

declare -A pid path port
port=([agent]=$port_agent [webhook]=$port_webhook [node]=$port_node [baseline]=19206)
path=([agent]=/webhook [webhook]=/hooks/webhook [node]=/webhook [baseline]=/webhook)
# The path answered 2xx once a server is up: start-up is timed to the first 2xx of it.
declare -A health=([agent]=/healthz [webhook]=/ [node]=/healthz [baseline]=/healthz)
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
median() {  # of the numbers on stdin; the mean of the middle two for an even count
    sort -g | awk '{v[NR] = $1} END {
        m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
        print (m == int(m)) ? m : sprintf("%.1f", m) }'
}
# Start-up with the executable in the page cache (a restart): the server is started, answered
# and stopped 1 + BENCH_STARTS times (default 5), each time with a new data directory; the first
# start fills the page cache, the median of the others is shown.
warm_startup() {  # name cmd...
    local name=$1 round ms id times=()
    shift
    for ((round = 0; round <= ${BENCH_STARTS:-5}; round++)); do
        need_port "${port[$name]}"
        read -r ms id < <(DATA_DIR="$work/warm-$name-$round" \
            python3 "$here/probe.py" startup "${port[$name]}" "${health[$name]}" "$@")
        kill "$id"
        for _ in $(seq 100); do port_free "${port[$name]}" && break; sleep 0.05; done
        ((round > 0)) && times+=("$ms")
    done
    warm_startup_ms[$name]=$(printf '%s\n' "${times[@]}" | median)
}
# The servers measured: from a cold page cache (after a reboot: the executable is read from disk).
start_server() {  # name cmd...
    local name=$1 ms id
    shift
    need_port "${port[$name]}"
    cold_start
    read -r ms id < <(python3 "$here/probe.py" startup "${port[$name]}" "${health[$name]}" "$@")
    [[ $id != 0 ]] || { echo "$name did not answer ${health[$name]} 2xx within 20 s" >&2; exit 1; }
    pids+=("$id")
    pid[$name]=$id
    startup_ms[$name]=$ms
}
declare -A startup_ms warm_startup_ms idle_rss peak_rss
export WEBHOOK_SECRET=$secret PORT=$port_node
agent_cmd=(env LOG_LEVEL="${AGENT_LOG_LEVEL:-info}" DOCKER_HOST="unix://$work/no-engine.sock"
    "$agent" serve --manifest "$work/manifest.yaml" --listen 127.0.0.1:$port_agent)
webhook_cmd=(webhook -hooks "$work/hooks.json" -ip 127.0.0.1 -port $port_webhook)
node_cmd=(node "$here/node_server.js")
baseline_cmd=(env LOG_LEVEL="${AGENT_LOG_LEVEL:-info}" DOCKER_HOST="unix://$work/no-engine.sock"
    "${BASELINE:-}" serve --manifest "$work/manifest.yaml" --listen 127.0.0.1:${port[baseline]})
warm_startup agent "${agent_cmd[@]}"
warm_startup webhook "${webhook_cmd[@]}"
warm_startup node "${node_cmd[@]}"
mkdir -p "$work/agent-data"
DATA_DIR=$work/agent-data start_server agent "${agent_cmd[@]}"
start_server webhook "${webhook_cmd[@]}"
start_server node "${node_cmd[@]}"
sleep 1
names=(agent webhook node)
if [[ -n ${BASELINE:-} ]]; then
    mkdir -p "$work/baseline-data"
    DATA_DIR=$work/baseline-data start_server baseline "${baseline_cmd[@]}"
    names+=(baseline)
    loaded=("${loaded[0]}" baseline "${loaded[@]:1}")
fi
rss_kb() { awk -v f="$2" '$1 == f":" {print $2}' "/proc/$1/status"; }
cpu_ticks() {  # own + reaped children's user and system time
    awk '{print $14 + $15 + $16 + $17}' "/proc/$1/stat"
}
for n in "${names[@]}"; do idle_rss[$n]=$(rss_kb "${pid[$n]}" VmRSS); done

# A second agent reads secrets from an HTTPS Infisical (bench/webhook/infisical_stub.py, with a
# certificate made here): its idle RSS before any delivery, and after its first TLS calls (the
# universal-auth login and one listing, made by the secrets poll 3 s after start).
port_infisical=19204 port[agent_tls]=19205 health[agent_tls]=/healthz
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
start_server agent_tls env DATA_DIR="$work/agent-tls-data" \
    INFISICAL_API_URL=https://127.0.0.1:$port_infisical INFISICAL_CA_FILE="$work/infisical.crt" \
    INFISICAL_CLIENT_ID=bench INFISICAL_CLIENT_SECRET=bench INFISICAL_AUTO_REDEPLOY=true \
    INFISICAL_SYNC_INTERVAL_MINUTES=0.05 DOCKER_HOST="unix://$work/no-engine.sock" \
    "$agent" serve --manifest "$work/manifest-tls.yaml" --listen 127.0.0.1:${port[agent_tls]}
sleep 1
tls_rss_before=$(rss_kb "${pid[agent_tls]}" VmRSS)
for _ in $(seq 100); do [[ -s $work/listings ]] && break; sleep 0.2; done
[[ -s $work/listings ]] || { echo "the agent made no TLS call to the Infisical stub" >&2; exit 1; }
sleep 0.5
tls_rss_after=$(rss_kb "${pid[agent_tls]}" VmRSS)
kill "${pid[agent_tls]}"

# Sanity: each answers the valid delivery 2xx (the agent: 202 accepted, then 200 duplicate) and
# the invalid one 401.
post() {  # server kind delivery-id: prints the status and the answer
    local args=() h
    while IFS= read -r h; do args+=(-H "$h"); done <"$work/$2.headers"
    curl -s -w ' %{http_code}' "${args[@]}" -H "X-GitHub-Delivery: $3" \
        --data-binary "@$work/push.json" "http://127.0.0.1:${port[$1]}${path[$1]}"
}
for n in "${names[@]}"; do
    for kind in valid valid invalid; do
        echo "check: $n $kind -> $(post "$n" "$kind" "check-$n-$RANDOM")" >&2
    done
done

# Servers keep working after a run (Go's collector on webhook's large heap, Node's backlog, the
# agent's writer thread): before each measured run, wait until every server is idle so none is
# measured beside another's leftovers (at most 60 s).
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

declare -A result sample
hz=$(getconf CLK_TCK)
# The median of the rounds' values of one field ("rps=… p50_us=…"): $1 server, $2 line,
# $3 field.
median_of() {
    local r
    for ((r = 1; r <= rounds; r++)); do
        sed -E "s/.*$3=([0-9.]+).*/\1/" <<<"${sample[$1,$2,$r]}"
    done | median
}
sum_of() {
    local r total=0
    for ((r = 1; r <= rounds; r++)); do
        total=$((total + $(sed -E "s/.*$3=([0-9]+).*/\1/" <<<"${sample[$1,$2,$r]}")))
    done
    echo "$total"
}
wrk_run() {  # server conns seconds
    wrk -t2 -c"$2" -d"$3s" -s "$here/post.lua" "http://127.0.0.1:${port[$1]}"
}
for conns in 16 64; do
    for kind in valid invalid; do
        for ((round = 1; round <= rounds; round++)); do
            for n in "${loaded[@]}"; do
                export BENCH_PATH=${path[$n]} BENCH_BODY=$work/push.json
                export BENCH_HEADERS=$work/$kind.headers
                settle
                wrk_run "$n" "$conns" "$warmup" >/dev/null
                before=$(cpu_ticks "${pid[$n]}")
                line=$(wrk_run "$n" "$conns" "$seconds" | grep '^BENCH')
                after=$(cpu_ticks "${pid[$n]}")
                requests=$(sed -E 's/.*requests=([0-9]+).*/\1/' <<<"$line")
                cpu_us=$(awk -v a="$after" -v b="$before" -v r="$requests" -v hz="$hz" \
                    'BEGIN { printf "%.1f", (a - b) * 1e6 / hz / (r > 0 ? r : 1) }')
                sample[$n,$conns$kind,$round]="$line cpu_us=$cpu_us"
                echo "$n c=$conns $kind round $round: $line cpu_us=$cpu_us" >&2
            done
        done
        for n in "${loaded[@]}"; do
            key=$conns$kind
            result[$n,$conns,$kind]="rps=$(median_of "$n" "$key" rps)\
 p50_us=$(median_of "$n" "$key" p50_us) p99_us=$(median_of "$n" "$key" p99_us)\
 requests=$(sum_of "$n" "$key" requests) non2xx=$(sum_of "$n" "$key" non2xx)\
 sockerr=$(sum_of "$n" "$key" sockerr) cpu_us=$(median_of "$n" "$key" cpu_us)"
        done
    done
done
for n in "${names[@]}"; do peak_rss[$n]=$(rss_kb "${pid[$n]}" VmHWM); done
# What the agent answered and recorded: one accepted delivery, the rest duplicates.
echo "agent after the runs: $(post agent valid "check-after-$RANDOM")" >&2
curl -s "http://127.0.0.1:$port_agent/metrics" | grep '^deploy_agent_deliveries_total' >&2 || true

settle
slow=$(python3 "$here/probe.py" slow 12 "agent=$port_agent:/webhook" \
    "webhook=$port_webhook:/hooks/webhook" "node=$port_node:/webhook")
echo "$slow" >&2

field() {
    [[ -n ${result[$1]:-} ]] && sed -E "s/.*$2=([0-9.]+).*/\1/" <<<"${result[$1]}" || echo -
}
# ratio: how many times better the agent is (higher-is-better or lower-is-better).
ratio() {  # agent peer higher|lower
    awk -v a="$1" -v p="$2" -v dir="$3" 'BEGIN {
        if (a == "-" || p == "-") { print "-"; exit }
        if (dir == "higher") { r = (p > 0) ? a / p : 0 } else { r = (a > 0) ? p / a : 0 }
        printf "%.2fx", r }'
}
row() {  # label dir agent webhook node
    printf '| %s | %s | %s | %s | %s | %s |\n' "$1" "$3" "$4" "$5" "$(ratio "$3" "$4" "$2")" \
        "$(ratio "$3" "$5" "$2")"
}
# target: label, met when `value op bound` ("ge" or "le").
declare -a targets
target() {  # label value op bound
    local met
    met=$(awk -v v="$2" -v b="$4" -v op="$3" 'BEGIN {
        if (v == "-" || b == "-") { print "not measured"; exit }
        ok = (op == "ge") ? v >= b : v <= b; print ok ? "met" : "NOT met" }')
    local sign='≤'
    [[ $3 == ge ]] && sign='≥'
    targets+=("$(printf '| %s | %s | %s %s | %s |' "$1" "$2" "$sign" "$4" "$met")")
}
echo
echo "Signed GitHub push ($body_bytes bytes), valid: accepted once, then duplicates (recorded);"
echo "wrk -t2, ${warmup}s warm-up + ${seconds}s measured per run, servers in turn (${loaded[*]}),"
echo "median of $rounds rounds, $(nproc) CPUs, agent LOG_LEVEL=${AGENT_LOG_LEVEL:-info}."
echo "Ratio: how many times better the agent is (>1.00x = agent ahead)."
echo
echo '| line | agent | webhook | node | vs webhook | vs node |'
echo '|---|---:|---:|---:|---:|---:|'
for conns in 16 64; do
    for kind in valid invalid; do
        for f in "req/s:rps:higher" "p50 µs:p50_us:lower" "p99 µs:p99_us:lower" \
            "CPU µs/request:cpu_us:lower"; do
            IFS=: read -r label key dir <<<"$f"
            row "$label, $conns conns, $kind" "$dir" "$(field agent,$conns,$kind "$key")" \
                "$(field webhook,$conns,$kind "$key")" "$(field node,$conns,$kind "$key")"
        done
    done
done
row "idle RSS KiB" lower "${idle_rss[agent]}" "${idle_rss[webhook]}" "${idle_rss[node]}"
row "idle RSS KiB, agent with Infisical, before TLS" lower "$tls_rss_before" \
    "${idle_rss[webhook]}" "${idle_rss[node]}"
row "idle RSS KiB, agent with Infisical, after TLS" lower "$tls_rss_after" \
    "${idle_rss[webhook]}" "${idle_rss[node]}"
row "peak RSS KiB" lower "${peak_rss[agent]}" "${peak_rss[webhook]}" "${peak_rss[node]}"
row "start → first 2xx ms (median of ${BENCH_STARTS:-5})" lower "${warm_startup_ms[agent]}" \
    "${warm_startup_ms[webhook]}" "${warm_startup_ms[node]}"
row "start → first 2xx ms, cold page cache" lower "${startup_ms[agent]}" \
    "${startup_ms[webhook]}" "${startup_ms[node]}"
echo
for conns in 16 64; do
    target "valid req/s, $conns conns, agent / node" \
        "$(ratio "$(field agent,$conns,valid rps)" "$(field node,$conns,valid rps)" higher |
            tr -d x)" ge 1.00
    node_cpu=$(field node,$conns,valid cpu_us)
    target "CPU µs per valid request, $conns conns, agent (node: $node_cpu)" \
        "$(field agent,$conns,valid cpu_us)" le "$node_cpu"
done
target "p99 µs, 64 conns, valid, agent" "$(field agent,64,valid p99_us)" le 5000
target "start → first 2xx ms, agent" "${warm_startup_ms[agent]}" le 15
target "idle RSS KiB, agent (webhook: ${idle_rss[webhook]})" "${idle_rss[agent]}" le \
    "${idle_rss[webhook]}"
echo "Issue 18's targets:"
echo
echo '| target | agent | bound | |'
echo '|---|---:|---:|---|'
printf '%s\n' "${targets[@]}"
echo
echo "Two clients sending one body byte per second for 12 s, a third asking every 250 ms from"
echo "0.5 s on (one server at a time):"
echo "$slow" | sed 's/^SLOW /  /'
echo
if [[ -n ${BASELINE:-} ]]; then
    echo "The agent against the baseline ($BASELINE), same run (>1.00x = agent ahead):"
    echo
    echo '| line | agent | baseline | agent vs baseline |'
    echo '|---|---:|---:|---:|'
    for conns in 16 64; do
        for kind in valid invalid; do
            for f in "req/s:rps:higher" "p99 µs:p99_us:lower" "CPU µs/request:cpu_us:lower"; do
                IFS=: read -r label key dir <<<"$f"
                a=$(field agent,$conns,$kind "$key") b=$(field baseline,$conns,$kind "$key")
                printf '| %s | %s | %s | %s |\n' "$label, $conns conns, $kind" "$a" "$b" \
                    "$(ratio "$a" "$b" "$dir")"
            done
        done
    done
    echo
fi
echo "Medians, and request and non-2xx counts over all rounds (invalid runs must be all non-2xx):"
for n in "${loaded[@]}"; do
    for conns in 16 64; do
        for kind in valid invalid; do
            echo "  $n c=$conns $kind: ${result[$n,$conns,$kind]}"
        done
    done
done
