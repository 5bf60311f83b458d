# syntax=docker/dockerfile:1
# Backline's image: `backline serve` by default, any other command as arguments
# (`docker run … backline:0.1.0 migrate`). It needs DATABASE_URL: the embedded PostgreSQL of a
# laptop install is left out. Running it: docs/deploy.md. Tested by deploy/test-image.sh.
ARG NODE_IMAGE=node:20-bookworm-slim

# --- build: compile the TypeScript -------------------------------------------------------------
FROM ${NODE_IMAGE} AS build
WORKDIR /build
COPY package.json package-lock.json ./
# --ignore-scripts: `prepare` would build before the sources are copied, and the embedded
# PostgreSQL's install script is not needed to compile. npmca is an optional build secret, a CA
# bundle for registries reached through a TLS-inspecting proxy; it never lands in a layer.
RUN --mount=type=secret,id=npmca \
    if [ -s /run/secrets/npmca ]; then export NODE_EXTRA_CA_CERTS=/run/secrets/npmca; fi; \
    npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src src
COPY commands commands
COPY scripts scripts
RUN npm run build

# --- dependencies: production packages only ----------------------------------------------------
FROM ${NODE_IMAGE} AS dependencies
WORKDIR /app
COPY package.json package-lock.json ./
# --omit=optional leaves out the embedded PostgreSQL binaries (60 MB; optional per platform), and
# --ignore-scripts their install script and `prepare`, whose output comes from the build stage.
RUN --mount=type=secret,id=npmca \
    if [ -s /run/secrets/npmca ]; then export NODE_EXTRA_CA_CERTS=/run/secrets/npmca; fi; \
    npm ci --omit=dev --omit=optional --ignore-scripts --no-audit --no-fund
# Type declarations are never loaded at run time, and they are most of node_modules: octokit's
# packages each carry their own 4.7 MB copy of @octokit/openapi-types (85 MB in all).
RUN find node_modules -type f \( -name '*.d.ts' -o -name '*.d.mts' -o -name '*.d.cts' -o -name '*.map' \) -delete

# --- runtime -----------------------------------------------------------------------------------
FROM ${NODE_IMAGE}
# tini as PID 1 forwards SIGTERM to node and reaps the git and worker processes node leaves behind.
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends tini \
 && apt-get clean \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system --gid 10001 backline \
 && useradd --system --uid 10001 --gid backline --home-dir /var/lib/backline --no-create-home --shell /usr/sbin/nologin backline \
 && install -d -o backline -g backline -m 0700 /var/lib/backline
WORKDIR /app
COPY --from=dependencies /app/node_modules node_modules
COPY --from=build /build/dist dist
COPY package.json manifest.yml backline.example.yaml ./
COPY bin bin
COPY migrations migrations
COPY templates templates
RUN ln -s /app/bin/backline.js /usr/local/bin/backline
# Nothing under / is written at run time: the image runs with a read-only root file system when
# /tmp (scaffolder workspaces) is writable, and BACKLINE_DATA_DIR (publish:local repositories) is
# a volume or a tmpfs.
ENV NODE_ENV=production \
    PORT=3000 \
    BACKLINE_DATA_DIR=/var/lib/backline
# Numeric, so that Kubernetes can check runAsNonRoot against it.
USER 10001:10001
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.PORT || 3000}/healthz`).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["/usr/bin/tini", "--", "backline"]
CMD ["serve"]
