#!/bin/sh
# Entry point of the dynconf FreeSWITCH image.
#   freeswitch     (default) write vars.d/99-container.xml from the environment, then run FreeSWITCH in
#                  the foreground, logging to stdout
#   healthcheck    exit 0 when the event socket accepts the password and FreeSWITCH says it is ready
#   write-vars     only write vars.d/99-container.xml (and print its path)
#   anything else  run as a command (e.g. sh, fs_cli)
#
# Environment (each one optional; unset or empty = the value of the configuration's vars.xml):
#   FREESWITCH_ESL_PASSWORD   event-socket password (letters, digits and . _ ~ + = , : @ % / -)
#   FREESWITCH_ESL_LISTEN_IP  event-socket address; default here 0.0.0.0, so other containers reach it
#   FREESWITCH_ESL_PORT       event-socket port (default 8021)
#   FREESWITCH_ESL_ACL        who may connect to the event socket; default here dynconf_any (the password
#                             decides); e.g. rfc1918.auto to allow only private addresses
#   FREESWITCH_SIP_IP         address of the SIP profiles; default here this container's address
#   FREESWITCH_SIP_ACL        who may call in without a SIP password (vars.xml: loopback.auto)
#   FREESWITCH_EXTERNAL_IP    address phones outside Docker reach this host on (SIP and RTP), when the
#                             configuration's SIP profiles use $${external_ip}
#   FREESWITCH_CONF_DIR       the configuration directory (default /etc/freeswitch)
# The vars.d file is written only when the configuration's vars.d is writable (an operator's configuration
# mounted read-only is left exactly as it is).
set -eu

CONF_DIR="${FREESWITCH_CONF_DIR:-/etc/freeswitch}"
VARS_DIR="$CONF_DIR/vars.d"
VARS_FILE="$VARS_DIR/99-container.xml"

fail() {
  echo "freeswitch-entrypoint: $*" >&2
  exit 64
}

# Values end up inside an XML attribute and a FreeSWITCH "set": no quotes, <, >, &, $, spaces or newlines.
check_value() {
  case "$2" in
    '') fail "$1 is set but empty" ;;
    *[!A-Za-z0-9._~+=,:@%/-]*) fail "$1 holds a character other than letters, digits and . _ ~ + = , : @ % / -" ;;
  esac
}

container_ip() {
  # First address of this container (busybox hostname -i); empty when there is none.
  hostname -i 2>/dev/null | awk '{ print $1 }'
}

write_vars() {
  if [ ! -w "$VARS_DIR" ]; then
    echo "freeswitch-entrypoint: $VARS_DIR is not writable; using the configuration as mounted" >&2
    return 0
  fi
  esl_listen_ip="${FREESWITCH_ESL_LISTEN_IP:-0.0.0.0}"
  esl_acl="${FREESWITCH_ESL_ACL:-dynconf_any}"
  sip_ip="${FREESWITCH_SIP_IP:-$(container_ip)}"
  check_value FREESWITCH_ESL_LISTEN_IP "$esl_listen_ip"
  check_value FREESWITCH_ESL_ACL "$esl_acl"
  {
    echo '<!-- Written by freeswitch-entrypoint at container start from FREESWITCH_* variables. -->'
    echo '<include>'
    echo "  <X-PRE-PROCESS cmd=\"set\" data=\"esl_listen_ip=$esl_listen_ip\"/>"
    echo "  <X-PRE-PROCESS cmd=\"set\" data=\"esl_acl=$esl_acl\"/>"
    if [ -n "${FREESWITCH_ESL_PORT:-}" ]; then
      check_value FREESWITCH_ESL_PORT "$FREESWITCH_ESL_PORT"
      echo "  <X-PRE-PROCESS cmd=\"set\" data=\"esl_listen_port=$FREESWITCH_ESL_PORT\"/>"
    fi
    if [ -n "${FREESWITCH_ESL_PASSWORD:-}" ]; then
      check_value FREESWITCH_ESL_PASSWORD "$FREESWITCH_ESL_PASSWORD"
      echo "  <X-PRE-PROCESS cmd=\"set\" data=\"esl_password=$FREESWITCH_ESL_PASSWORD\"/>"
    fi
    if [ -n "$sip_ip" ]; then
      check_value FREESWITCH_SIP_IP "$sip_ip"
      echo "  <X-PRE-PROCESS cmd=\"set\" data=\"sip_ip=$sip_ip\"/>"
    fi
    if [ -n "${FREESWITCH_SIP_ACL:-}" ]; then
      check_value FREESWITCH_SIP_ACL "$FREESWITCH_SIP_ACL"
      echo "  <X-PRE-PROCESS cmd=\"set\" data=\"sip_acl=$FREESWITCH_SIP_ACL\"/>"
    fi
    # external_ip: what SIP profiles that use $${external_ip} announce (ext-sip-ip, ext-rtp-ip).
    external_ip="${FREESWITCH_EXTERNAL_IP:-$sip_ip}"
    if [ -n "$external_ip" ]; then
      check_value FREESWITCH_EXTERNAL_IP "$external_ip"
      echo "  <X-PRE-PROCESS cmd=\"set\" data=\"external_ip=$external_ip\"/>"
    fi
    echo '</include>'
  } >"$VARS_FILE.tmp"
  mv "$VARS_FILE.tmp" "$VARS_FILE"
}

healthcheck() {
  port="${FREESWITCH_ESL_PORT:-8021}"
  password="${FREESWITCH_ESL_PASSWORD:-}"
  if [ -z "$password" ] && [ -r "$CONF_DIR/vars.xml" ]; then
    # Fall back to the configuration's own password: the last definition wins, as in FreeSWITCH (vars.xml,
    # then vars.d/*.xml in name order).
    password=$(sed -n 's/.*data="esl_password=\([^"]*\)".*/\1/p' "$CONF_DIR/vars.xml" "$VARS_DIR"/*.xml 2>/dev/null | tail -n 1)
  fi
  if command -v fs_cli >/dev/null 2>&1; then
    fs_cli -H 127.0.0.1 -P "$port" -p "$password" -x status 2>/dev/null | grep -q 'is ready'
  else
    # No fs_cli: the event socket at least greets with its password request.
    printf 'exit\n\n' | nc -w 2 127.0.0.1 "$port" 2>/dev/null | grep -q 'auth/request'
  fi
}

case "${1:-freeswitch}" in
  freeswitch)
    [ "$#" -gt 0 ] && shift
    write_vars
    # -c: foreground, log to stdout. Under tini FreeSWITCH's parent is PID 1, so it gives up its
    # interactive console at once ("We've become an orphan") and keeps logging. -nonat: no UPnP/NAT-PMP.
    exec freeswitch -nonat -c -conf "$CONF_DIR" -log /var/log/freeswitch -db /var/lib/freeswitch/db \
      -run /run/freeswitch "$@"
    ;;
  healthcheck)
    healthcheck
    ;;
  write-vars)
    write_vars
    echo "$VARS_FILE"
    ;;
  *)
    exec "$@"
    ;;
esac
