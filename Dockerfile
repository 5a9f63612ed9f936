# syntax=docker/dockerfile:1
#
# One image per service, all from this file: a target per service.
#   docker build --target router    -t shop/router .
#   docker build --target users     -t shop/users .      (likewise products, orders,
#                                                           payments, inventory, search,
#                                                           notifications)
# docker-compose.yml builds every target; deploy/k8s runs the images.
#
# Nothing is downloaded at run time: the Prisma clients (query compiler, no
# native engine) are generated here offline (see README, "Prisma without a
# network"), and each subgraph applies its own migrations at
# start from prisma/<subgraph>/migrations, so neither the Prisma CLI nor an
# engine binary is in the runtime image.

# The Node.js release package.json pins for every npm script (node-linux-*,
# docs/operations.md, "Runtime"): the image runs the same one.
ARG NODE_IMAGE=node:26.12.1-trixie-slim

# --- The lockfile and every workspace's package.json, alone, so the install
# layers below are rebuilt only when dependencies change.
FROM ${NODE_IMAGE} AS manifests
WORKDIR /src
COPY . .
RUN mkdir /manifests \
 && cp package-lock.json /manifests/ \
 && find . -name package.json -not -path '*/node_modules/*' -exec cp --parents '{}' /manifests/ ';'

# --- Build: every dependency, the Prisma clients, the TypeScript.
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY --from=manifests /manifests ./
# No install scripts (package.json's allowScripts denies them): Prisma's would
# fetch native engines, which nothing here uses.
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY . .
ENV CHECKPOINT_DISABLE=1 PRISMA_HIDE_UPDATE_MESSAGE=1
RUN npm run build

# --- Production dependencies only, with the workspace links. The optional
# ones are platform binaries that no image runs: Node itself (the image has
# it), the embedded mode's PostgreSQL (pods use a real server), pg's
# Cloudflare socket.
FROM ${NODE_IMAGE} AS production-dependencies
WORKDIR /app
COPY --from=manifests /manifests ./
RUN npm ci --omit=dev --omit=optional --ignore-scripts --no-audit --no-fund

# --- What every service runs from: compiled workspaces, generated Prisma
# clients, migrations and the composed supergraph.
FROM ${NODE_IMAGE} AS runtime
# In a container the port must answer on every interface, not only loopback.
ENV NODE_ENV=production HOST=0.0.0.0
WORKDIR /app
COPY --from=production-dependencies /app ./
COPY --from=build /app/internal ./internal
COPY --from=build /app/subgraphs ./subgraphs
COPY --from=build /app/router ./router
COPY --from=build /app/prisma ./prisma
COPY --from=build /app/supergraph.graphql ./
USER node

FROM runtime AS router
# The storefront and GraphiQL, bundled by Vite in the build stage; the router serves them.
COPY --from=build /app/clients/storefront/dist ./clients/storefront/dist
# V8 sizes its heap for the machine, not the container, and lets a busy
# router's heap grow far past what it keeps alive; these flags bound it
# (peak ~240 MiB under the gateway benchmark's load). A request's objects
# die young: with 64 MiB semi-spaces (V8's default is 16) fewer of them live
# through a scavenge and get copied, and the benchmark's query cost 2.1 ms
# of CPU per request against 2.9, for a peak of 235 MiB against 144. With
# the old space capped at 256 MiB, V8 let it grow little past what each
# major collection left alive: one every 217 requests, whose concurrent
# marking cost 0.73 ms of CPU per request. At 512 (half the pod's limit):
# one every 303 requests, 0.46 ms, 8 MiB more at the peak (docs/BENCHMARKS.md,
# 2026-12-07).
ENV NODE_OPTIONS="--max-old-space-size=512 --max-semi-space-size=64"
ENV PORT=4000 SUPERGRAPH_PATH=supergraph.graphql
EXPOSE 4000
CMD ["node", "router/dist/main.js"]

FROM runtime AS users
EXPOSE 4001
CMD ["node", "subgraphs/users/dist/main.js"]

FROM runtime AS products
EXPOSE 4002
CMD ["node", "subgraphs/products/dist/main.js"]

FROM runtime AS orders
EXPOSE 4003
CMD ["node", "subgraphs/orders/dist/main.js"]

FROM runtime AS payments
EXPOSE 4004
CMD ["node", "subgraphs/payments/dist/main.js"]

FROM runtime AS inventory
EXPOSE 4005
CMD ["node", "subgraphs/inventory/dist/main.js"]

FROM runtime AS search
EXPOSE 4006
CMD ["node", "subgraphs/search/dist/main.js"]

FROM runtime AS notifications
EXPOSE 4007
CMD ["node", "subgraphs/notifications/dist/main.js"]
