#!/bin/sh
# Entry point of the dynconf image.
#   (no arguments)   dynconf start
#   healthcheck      the HEALTHCHECK probe: asks the running controller's GET /readyz (--live: /healthz)
#   anything else    passed to the dynconf command, e.g. check-config /etc/dynconf/dynconf.yaml, hash-pin
# The configuration is the file named by DYNCONF_CONFIG, else /etc/dynconf/dynconf.yaml when one is mounted
# there, else the DYNCONF_* environment variables alone.
set -eu

if [ -z "${DYNCONF_CONFIG+set}" ] && [ -f /etc/dynconf/dynconf.yaml ]; then
  DYNCONF_CONFIG=/etc/dynconf/dynconf.yaml
  export DYNCONF_CONFIG
fi

if [ "${1:-}" = "healthcheck" ]; then
  shift
  exec node /app/dist/src/health/probe-main.js "$@"
fi

if [ "$#" -eq 0 ]; then
  set -- start
fi
# The full command when the image was built WITH_DEMO=true, else the controller's alone (src/service-cli.ts).
cli=/app/dist/src/cli.js
[ -f "$cli" ] || cli=/app/dist/src/service-cli.js
# --single-threaded-gc: src/service-node-flags.ts says why.
exec node --single-threaded-gc "$cli" "$@"
