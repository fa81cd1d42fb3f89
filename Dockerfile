# The deploy-agent sidecar image (README "Image"; compose.yaml runs it).
#   docker build -t deploy-agent .
# Base: debian:bookworm-slim. An engine without Docker Hub can make one from a Debian mirror:
#   source scripts/lib.sh && da_base_image      (debootstrap + docker import, cached tarball)
#
# Stage 1 installs the compiler and libraries and builds the binary; stage 2 is FROM scratch and
# holds only what the binary, git and ssh need (docker/collect-runtime lists them with ldd): no shell,
# no package manager, no curl. It runs as the unprivileged user deploy-agent (uid 10001); give it
# the Docker socket's group at run time (compose.yaml: group_add; docker run: --group-add).
FROM debian:bookworm-slim AS build
# dpkg without an fsync per file (the published Debian image's own docker-apt-speedup): this
# stage is thrown away, and unpacking the compiler and Boost's headers took 3.5 minutes with them.
RUN echo force-unsafe-io >/etc/dpkg/dpkg.cfg.d/unsafe-io \
    && apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
        cmake g++ make pkg-config libboost1.81-dev libssl-dev rapidjson-dev libyaml-cpp-dev \
        libspdlog-dev libfmt-dev libsqlite3-dev libarchive-dev libacl1-dev libcli11-dev \
        git openssh-client ca-certificates binutils \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY CMakeLists.txt ./
COPY cmake cmake
COPY deps deps
COPY docker-client docker-client
COPY agent agent
# The tests and benchmarks are not built here (scripts/test runs them); libarchive is linked in
# (only the tar writer: no libxml2 and ICU, 32 MB, in the image); OpenSSL is not (git loads the
# same libcrypto.so.3, so the image holds it once).
RUN cmake -S . -B /build -DCMAKE_BUILD_TYPE=Release -DDA_BUILD_TESTS=OFF -DDA_BUILD_BENCH=OFF \
        -DDA_STATIC_LIBARCHIVE=ON -DDA_STATIC_OPENSSL=OFF -DDA_UNITY_BUILD=ON >/dev/null \
    && cmake --build /build -j"$(nproc)" --target deploy-agent \
    && strip --strip-unneeded /build/agent/deploy-agent
COPY docker/collect-runtime /usr/local/bin/collect-runtime
RUN collect-runtime /build/agent/deploy-agent /rootfs

FROM scratch
COPY --from=build /rootfs /
COPY manifests/example.yaml /etc/deploy-agent/manifest.yaml
ENV PORT=9000 LISTEN_ADDRESS=0.0.0.0 MANIFEST_PATH=/etc/deploy-agent/manifest.yaml \
    DATA_DIR=/var/lib/deploy-agent STOP_GRACE_SECONDS=8 \
    PATH=/usr/local/bin:/usr/bin:/bin GIT_EXEC_PATH=/usr/lib/git-core \
    SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt HOME=/var/lib/deploy-agent
USER 10001:10001
VOLUME /var/lib/deploy-agent
EXPOSE 9000
# The binary asks its own /healthz (no curl or shell in the image).
HEALTHCHECK --interval=30s --timeout=5s --start-period=10s --retries=3 \
    CMD ["/usr/local/bin/deploy-agent", "healthcheck"]
# SIGTERM reaches the agent itself (PID 1): it stops taking webhooks and lets a running deploy
# reach a safe point within STOP_GRACE_SECONDS (8 s, under Docker's 10 s).
STOPSIGNAL SIGTERM
ENTRYPOINT ["/usr/local/bin/deploy-agent"]
CMD ["serve"]
