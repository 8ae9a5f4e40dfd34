# syntax=docker/dockerfile:1
# The worker image (one per node, DaemonSet). From the repository root:
#   docker build -f deploy/docker/worker.Dockerfile -t wirehook/worker:0.1.0 .
# Node runs the TypeScript sources directly (tools/register.js, SWC), as `npm start` does.

FROM node:20-bookworm-slim AS build
# Native addons: isolated-vm (agent sandbox) and cap (live capture through libpcap).
RUN apt-get update \
  && apt-get install -y --no-install-recommends python3 make g++ libpcap-dev \
  && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
# Live capture must be there: fail the build rather than ship a worker that can only replay files.
RUN node -e "require('cap')"

FROM node:20-bookworm-slim
RUN apt-get update \
  && apt-get install -y --no-install-recommends libpcap0.8 tini \
  && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --from=build /app /app
ENV NODE_ENV=production
# Runs as root inside the container with only NET_RAW and NET_ADMIN (see the DaemonSet): raw
# sockets on the host's interfaces need them, and Kubernetes grants added capabilities to root only.
ENTRYPOINT ["/usr/bin/tini", "--", "node", "--no-node-snapshot", "bin/wirehook.js"]
CMD ["worker"]
