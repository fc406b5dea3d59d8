# syntax=docker/dockerfile:1
# Production image (README "Production build and image"), in two stages:
#   build    Debian 12 packages to compile the mediasoup worker offline; `npm ci` without any
#            dependency's install script; the server compiled to dist/, the web app to web/dist.
#   runtime  the worker's shared libraries, production node_modules and the built files only,
#            run with plain `node` (no tsx, no TypeScript sources) as the unprivileged `node` user.
# Docker is not needed to check it: `node scripts/check-image-steps.mjs` runs these steps on a
# Debian 12 host, starts the result as CMD does and probes it as HEALTHCHECK does, and
# server/test/ops/image.test.ts checks the rules written in the comments below.

# Node 24 is a maintained LTS (Node 20 reached its end of life in April 2026); its npm 11 honours
# package.json's allowScripts. bookworm has the library versions the worker build expects.
ARG NODE_IMAGE=node:24-bookworm-slim

FROM ${NODE_IMAGE} AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends g++ pkg-config ninja-build meson python3 \
      libuv1-dev libssl-dev libsrtp2-dev libusrsctp-dev libabsl-dev nlohmann-json3-dev \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
# --ignore-scripts: no dependency's install script runs, whatever npm's version (mediasoup's would
# download a prebuilt worker); the project's own build steps run one by one below.
RUN npm ci --ignore-scripts --no-audit --no-fund
# The worker depends only on the mediasoup version and sfu/worker, so this layer stays cached until
# they change; the cache mount keeps the compiled worker (~8 minutes on 2 cores) across those too.
COPY sfu/worker ./sfu/worker
RUN --mount=type=cache,target=/root/.cache/counsel \
    mkdir -p bin && cp "$(node sfu/worker/build-worker.mjs)" bin/mediasoup-worker
COPY . .
RUN npm run build && npm prune --omit=dev --no-audit --no-fund

FROM ${NODE_IMAGE} AS runtime
# The worker's shared libraries (sfu/worker/README.md), and tini to forward signals and reap.
RUN apt-get update \
 && apt-get install -y --no-install-recommends libuv1 libssl3 libsrtp2-1 libusrsctp2 libabsl20220623 tini \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
# Owned by root: the server process can change nothing but /data.
COPY --from=build /app/package.json /app/package-lock.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/web/dist ./web/dist
COPY --from=build /app/bin ./bin
COPY --from=build /app/scripts/run.mjs /app/scripts/healthcheck.mjs ./scripts/
RUN mkdir -p /data && chown node:node /data
# After the chown: what a VOLUME folder holds, owner included, is fixed from this line on.
VOLUME ["/data"]
# Nothing secret is set here. SFU_ANNOUNCED_IP, the address browsers reach the media ports at, is
# the operator's to set (compose.yaml requires it). Worker i listens on SFU_PORT+i, so EXPOSE
# publishes SFU_WORKERS ports from SFU_PORT, UDP and TCP; change all three together.
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    DATA_DIR=/data/pglite \
    SFU_WORKERS=2 \
    SFU_PORT=40000 \
    MEDIASOUP_WORKER_BIN=/app/bin/mediasoup-worker
EXPOSE 3000/tcp 40000-40001/udp 40000-40001/tcp
USER node
# Liveness: a frozen database turns /readyz red, which is no reason to restart the container.
HEALTHCHECK --interval=30s --timeout=5s --start-period=90s --retries=3 CMD ["node", "scripts/healthcheck.mjs"]
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["node", "--enable-source-maps", "dist/server/src/server.js"]
