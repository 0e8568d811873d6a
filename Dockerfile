# dynconf controller image.
#   docker build -t dynconf .
#   docker run --init -v $PWD/dynconf.yaml:/etc/dynconf/dynconf.yaml:ro dynconf
# Configuration: a YAML file mounted at /etc/dynconf/dynconf.yaml (or named by DYNCONF_CONFIG), and/or
# DYNCONF_* environment variables (they win over the file), e.g. DYNCONF_EVENT_SOCKET__PASSWORD.
# The image holds the controller only: `--build-arg WITH_DEMO=true` adds the demo and the FreeSWITCH
# simulator (`dynconf demo`, `dynconf simulate`). See docker/README.md.

# Any Node.js 20+ image works here (alpine or bookworm-slim); alpine is the smallest.
ARG NODE_IMAGE=node:20-alpine

# ---- build: compile TypeScript with the full dependency tree -------------------------------------------
FROM ${NODE_IMAGE} AS build
WORKDIR /app
# patches/ before npm ci: the postinstall step (patch-package) applies the esl-lite framing fix from it.
COPY package.json package-lock.json ./
COPY patches ./patches
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json tsconfig.image.json ./
COPY machines ./machines
COPY src ./src
# tsconfig.image.json compiles what src/service-cli.ts and the health probe import: no demo, no simulator.
ARG WITH_DEMO=false
RUN if [ "$WITH_DEMO" = "true" ]; then npm run build; else npx tsc -p tsconfig.image.json; fi

# ---- runtime: production dependencies and the compiled code only ---------------------------------------
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
COPY patches ./patches
# patch-package is a production dependency, so the postinstall step runs here too.
RUN npm ci --omit=dev --no-audit --no-fund \
 && npm cache clean --force \
 && rm -rf /tmp/* /root/.npm
COPY --from=build /app/dist ./dist
# Files tsc does not emit: the dashboard's static files, found beside the compiled module.
COPY --from=build /app/src/dashboard/public ./dist/src/dashboard/public
COPY docker/dynconf-entrypoint.sh /usr/local/bin/dynconf-entrypoint
COPY dynconf.example.yaml /etc/dynconf/dynconf.example.yaml

LABEL org.opencontainers.image.title="dynconf" \
      org.opencontainers.image.description="Dynamic conference controller for FreeSWITCH (event socket, inbound mode)" \
      org.opencontainers.image.licenses="MIT"

# The image's own user (uid 1000) from the Node.js base image; the code is owned by root and read-only to it.
USER node

# Health and operator API (http.port). It listens on http.host, 127.0.0.1 by default: set
# DYNCONF_HTTP__HOST=0.0.0.0 to reach it from outside the container. The health check runs inside.
EXPOSE 8088

# Healthy = the controller answers and its event socket to FreeSWITCH is connected (GET /readyz).
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["/bin/sh", "/usr/local/bin/dynconf-entrypoint", "healthcheck"]

# Run through sh: works whatever file mode the checkout gave the script.
ENTRYPOINT ["/bin/sh", "/usr/local/bin/dynconf-entrypoint"]
CMD ["start"]
