# syntax=docker/dockerfile:1
# Carebridge for self-hosting. Two images from one build:
#   app    the standalone Next.js server (`output: 'standalone'`): node server.js on port 3000
#   tools  the full source and node_modules: `npm run worker` (default), `npm run db:migrate`,
#          `npm run platform:create-operator -- --email … --name …`
# docker-compose.yml wires them to PostgreSQL and MinIO. See docs/deployment.md.
ARG NODE_VERSION=20

# Debian (glibc), not Alpine: the locked native packages (argon2, sharp, SWC) are the -gnu builds.
FROM node:${NODE_VERSION}-bookworm-slim AS deps
WORKDIR /app
ENV NEXT_TELEMETRY_DISABLED=1 PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund

FROM deps AS build
COPY . .
RUN npm run build

FROM build AS tools
ENV NODE_ENV=production
USER node
# Node itself with tsx as a loader (not npm, not tsx's own command, which kills the script when it
# does not exit within moments of a relayed signal): SIGTERM from `docker stop` reaches the worker,
# which finishes its job.
CMD ["node", "--import", "tsx", "--conditions=react-server", "scripts/worker.ts"]

FROM node:${NODE_VERSION}-bookworm-slim AS app
WORKDIR /app
ENV NODE_ENV=production NEXT_TELEMETRY_DISABLED=1 PORT=3000 HOSTNAME=0.0.0.0
COPY --from=build --chown=node:node /app/.next/standalone ./
COPY --from=build --chown=node:node /app/.next/static ./.next/static
COPY --from=build --chown=node:node /app/public ./public
USER node
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s \
  CMD node -e "fetch('http://127.0.0.1:3000/api/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
CMD ["node", "server.js"]
