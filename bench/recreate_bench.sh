#!/bin/bash
# The same busybox web app recreated onto a new image four ways, timed, with its published port
# probed every 10 ms (bench/recreate/probe.py): the agent (`deploy-agent deploy`), the raw Engine
# API calls with curl, `docker stop/rm/run`, `docker-compose up -d --force-recreate`.
# Every line pulls the new image first (already local: a registry round trip). Needs a running
# engine (DOCKER_HOST=unix://…) and the local registry (DA_TEST_REGISTRY). Not a test.
#   bench/recreate_bench.sh [BUILD_DIR] [ROUNDS]     # default build/test, 3
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
agent=$(cd "${1:-build/test}" && pwd)/agent/deploy-agent
rounds=${2:-3}
sock=${DOCKER_HOST#unix://}
reg=${DA_TEST_REGISTRY:?set DA_TEST_REGISTRY to the local registry host:port}
name=da-bench-rc-$$
image=$reg/da-bench-rc-$$:latest
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
work=$(mktemp -d)
compose_file=$work/compose.yaml
trap 'docker rm -f -v $name >/dev/null 2>&1 || true
      docker-compose -p $name -f $compose_file down -v >/dev/null 2>&1 || true
      docker rmi -f $image $v1 $v2 >/dev/null 2>&1 || true
      rm -rf "$work"' EXIT

cp /bin/busybox "$work/busybox"
for v in v1 v2; do
    cat > "$work/Dockerfile" <<DOCKERFILE
FROM scratch
COPY busybox /bin/busybox
RUN ["/bin/busybox", "--install", "-s", "/bin"]
RUN mkdir /www && echo $v > /www/index.html
LABEL io.deploy-agent.test=1
CMD ["sh", "-c", "trap 'exit 0' TERM; httpd -f -p 80 -h /www & wait"]
DOCKERFILE
    docker build -q -t "$image" "$work" >/dev/null 2>&1
    eval "$v=\$(docker image inspect --format '{{.Id}}' $image)"
done
cat > "$work/manifest.yaml" <<YAML
version: 1
apps:
  web:
    container: $name
    image: $image
    strategy: pull
    health: { timeout: 30s, stable_for: 0s }
YAML
cat > "$compose_file" <<YAML
version: "2.4"
services:
  web:
    image: $image
    container_name: $name
    ports: ["127.0.0.1:$port:80"]
    labels: { io.deploy-agent.test: "1" }
YAML
run_args=(-d --name "$name" -p "127.0.0.1:$port:80" --label io.deploy-agent.test=1)
api() { curl -sf --unix-socket "$sock" -X "$1" "http://docker/v1.41$2" "${@:3}" >/dev/null; }

# The tag points at v1 and the app runs v1; then the tag moves to v2 (pushed) for the deploy.
prepare() {
    docker tag "$v1" "$image" && docker push -q "$image" >/dev/null
    if [ "$1" = compose ]; then
        docker-compose -p $name -f "$compose_file" up -d >/dev/null 2>&1
    else
        docker run "${run_args[@]}" "$image" >/dev/null
    fi
    for ((i = 0; i < 600; i++)); do curl -sf "http://127.0.0.1:$port/" >/dev/null && break; sleep 0.05; done
    docker tag "$v2" "$image" && docker push -q "$image" >/dev/null
}
finish() {
    [ "$(curl -sf "http://127.0.0.1:$port/")" = v2 ] || { echo "$1: v2 does not answer" >&2; exit 1; }
    docker rm -f -v $name >/dev/null
}

deploy_agent() { DATA_DIR=$work/data-$RANDOM "$agent" deploy web --manifest "$work/manifest.yaml" >/dev/null; }
deploy_curl() {
    api POST "/images/create?fromImage=${image%:latest}&tag=latest"
    api POST "/containers/$name/stop"
    api DELETE "/containers/$name"
    id=$(curl -sf --unix-socket "$sock" -H 'Content-Type: application/json' \
        -d "{\"Image\":\"$image\",\"ExposedPorts\":{\"80/tcp\":{}},\"Labels\":{\"io.deploy-agent.test\":\"1\"},\"HostConfig\":{\"PortBindings\":{\"80/tcp\":[{\"HostIp\":\"127.0.0.1\",\"HostPort\":\"$port\"}]}}}" \
        "http://docker/v1.41/containers/create?name=$name" | sed 's/.*"Id":"\([0-9a-f]*\)".*/\1/')
    api POST "/containers/$id/start"
}
deploy_cli() { docker pull -q "$image" >/dev/null; docker stop $name >/dev/null; docker rm $name >/dev/null; docker run "${run_args[@]}" "$image" >/dev/null; }
deploy_compose() {
    docker-compose -p $name -f "$compose_file" pull -q >/dev/null 2>&1
    docker-compose -p $name -f "$compose_file" up -d --force-recreate >/dev/null 2>&1
}

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
printf '| line | total ms (median of %s) | downtime ms (median) |\n|---|---:|---:|\n' "$rounds"
for method in ${METHODS:-agent curl cli compose}; do
    totals=() downs=()
    for ((r = 0; r < rounds; r++)); do
        prepare $method
        python3 "$here/recreate/probe.py" $port > "$work/down" & probe=$!
        sleep 0.1
        t0=$(date +%s%N)
        deploy_$method
        t1=$(date +%s%N)
        for ((i = 0; i < 3000; i++)); do curl -sf "http://127.0.0.1:$port/" >/dev/null && break; sleep 0.01; done
        sleep 0.05
        kill -TERM $probe; wait $probe || true
        totals+=($(( (t1 - t0) / 1000000 ))) downs+=($(cat "$work/down"))
        finish $method
    done
    printf '| %s | %s | %s |\n' "$method" "$(printf '%s\n' "${totals[@]}" | median)" \
        "$(printf '%s\n' "${downs[@]}" | median)"
done
