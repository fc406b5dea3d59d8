# Production image. Debian 12 (bookworm) so that the mediasoup 3.12 worker builds offline
# against the distribution's own libuv, OpenSSL, libsrtp2, usrsctp and Abseil.
FROM node:20-bookworm-slim AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends g++ make python3 python3-pip pkg-config ninja-build \
      libuv1-dev libssl-dev libsrtp2-dev libusrsctp-dev libabsl-dev nlohmann-json3-dev \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
COPY sfu/worker ./sfu/worker
# postinstall builds the SFU worker into .cache/ (3-4 minutes on two cores).
RUN npm ci --no-audit --no-fund && npm run build:sfu
COPY . .
# The web app is built with Vite (a dev dependency), then dev dependencies are dropped.
RUN npm run build:web && npm prune --omit=dev

FROM node:20-bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends libuv1 libssl3 libsrtp2-1 libusrsctp2 libabsl20220623 tini \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --from=build /app /app
ENV NODE_ENV=production \
    PORT=3000 \
    DATA_DIR=/data/pglite
VOLUME ["/data"]
EXPOSE 3000 40000/udp 40000/tcp
RUN mkdir -p /data && chown node:node /data
USER node
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["node", "--import", "tsx", "server/src/server.ts"]
