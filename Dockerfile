# The deploy-agent sidecar image. Minimal for now (the sidecar issue completes it).
#   docker build -t deploy-agent .
# Needs a debian:bookworm-slim base image (ENGINE.md shows how to make one without Docker Hub).
FROM debian:bookworm-slim AS build
RUN apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
        cmake g++ make pkg-config libboost1.81-dev libssl-dev rapidjson-dev libyaml-cpp-dev libspdlog-dev \
        libfmt-dev libsqlite3-dev libarchive-dev libcli11-dev catch2 \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY CMakeLists.txt ./
COPY cmake cmake
COPY deps deps
COPY docker-client docker-client
COPY agent agent
COPY tests tests
RUN cmake -S . -B /build -DCMAKE_BUILD_TYPE=Release -DDA_BUILD_TESTS=OFF -DDA_BUILD_BENCH=OFF \
    && cmake --build /build -j2 --target deploy-agent

FROM debian:bookworm-slim
# spdlog, fmt, yaml-cpp, SQLite, OpenSSL and libstdc++ are linked into the binary (deps/README.md);
# libarchive is loaded when an image is built.
RUN apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
        libarchive13 ca-certificates \
    && rm -rf /var/lib/apt/lists/*
COPY --from=build /build/agent/deploy-agent /usr/local/bin/deploy-agent
COPY manifests/example.yaml /etc/deploy-agent/manifest.yaml
ENV PORT=9000 MANIFEST_PATH=/etc/deploy-agent/manifest.yaml DATA_DIR=/var/lib/deploy-agent
VOLUME /var/lib/deploy-agent
EXPOSE 9000
ENTRYPOINT ["deploy-agent"]
CMD ["serve"]
