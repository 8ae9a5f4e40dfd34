# syntax=docker/dockerfile:1
# The hub image. From the repository root:
#   docker build -f deploy/docker/hub.Dockerfile -t wirehook/hub:0.1.0 .
# Node runs the TypeScript sources directly (tools/register.js, SWC), as `npm start` does: no
# separate compile step, and the devDependencies that do this stay in the image.

FROM node:20-bookworm-slim AS build
# Native addons: isolated-vm (agent sandbox) and cap (libpcap; optional, built when libpcap-dev is there).
RUN apt-get update \
  && apt-get install -y --no-install-recommends python3 make g++ libpcap-dev \
  && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
# The dashboard the hub serves (apps/dashboard/dist).
RUN node apps/dashboard/tools/build.js --force

FROM node:20-bookworm-slim
RUN apt-get update \
  && apt-get install -y --no-install-recommends libpcap0.8 tini \
  && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --from=build --chown=node:node /app /app
ENV NODE_ENV=production
# uid 1000, as the Deployment's securityContext expects.
USER node
EXPOSE 8898
# isolated-vm needs Node's startup snapshot off (--no-node-snapshot); tini reaps and forwards signals.
ENTRYPOINT ["/usr/bin/tini", "--", "node", "--no-node-snapshot", "bin/wirehook.js"]
CMD ["hub"]
