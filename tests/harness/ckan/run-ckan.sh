#!/usr/bin/env bash
# run-ckan.sh — a real CKAN 2.12 for the tests, on loopback, from Debian packages and PyPI.
#
#   run-ckan.sh start      install what is missing, start everything, print the env file path
#   run-ckan.sh start-pg   start only the private PostgreSQL cluster (for database-only tests)
#   run-ckan.sh stop       stop CKAN, the Solr stand-in, redis and the private PostgreSQL
#   run-ckan.sh status
#
# Idempotent: a second start reuses the venv, the cluster, the ports and the API token.
# Everything lives under $CKAN_HOME (default ~/.cache/smx-publisher/ckan). The PostgreSQL
# cluster is our own (never the system one); as root it runs as the `postgres` user in a data
# dir that user can reach. Ports are picked free on the first start and kept in ports.env.
# After `start`, $CKAN_HOME/ckan.env holds CKAN_URL, CKAN_API_TOKEN and PG_URL (sourceable).
#
# Overrides: CKAN_HOME CKAN_VERSION CKAN_PORT PG_PORT REDIS_PORT SOLR_PORT PYTHON PG_BIN
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
CKAN_HOME=${CKAN_HOME:-$HOME/.cache/smx-publisher/ckan}
CKAN_VERSION=${CKAN_VERSION:-2.12.0}
PYTHON=${PYTHON:-/usr/bin/python3}
PG_BIN=${PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)}
CKAN_ADMIN=smx_admin
CKAN_DB=ckan

VENV=$CKAN_HOME/venv
RUN=$CKAN_HOME/run
INI=$CKAN_HOME/ckan.ini
ENV_FILE=$CKAN_HOME/ckan.env
PORTS_FILE=$CKAN_HOME/ports.env
TOKEN_FILE=$CKAN_HOME/api_token.txt
mkdir -p "$RUN" "$CKAN_HOME/storage"

if [ "$(id -u)" = 0 ]; then
  # postgres cannot enter /root; give the cluster a folder it owns, keyed on CKAN_HOME.
  PG_DATA=${PG_DATA:-/var/tmp/smx-publisher-ckan-$(printf %s "$CKAN_HOME" | md5sum | cut -c1-8)/pgdata}
  PG_SOCK=$(dirname "$PG_DATA")/sock
  as_pg() { runuser -u postgres -- "$@"; }
else
  PG_DATA=${PG_DATA:-$CKAN_HOME/pgdata}
  PG_SOCK=$CKAN_HOME/pgsock
  as_pg() { "$@"; }
fi
PG_USER=postgres

log() { printf '[run-ckan %(%H:%M:%S)T] %s\n' -1 "$*" >&2; }
alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }
free_port() { "$PYTHON" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
port_open() { "$PYTHON" -c 'import socket,sys; s=socket.socket(); s.settimeout(0.3); sys.exit(s.connect_ex(("127.0.0.1",int(sys.argv[1]))))' "$1"; }
wait_for() {  # wait_for SECONDS DESCRIPTION COMMAND...: poll until COMMAND succeeds
  local deadline=$((SECONDS + $1)) what=$2; shift 2
  until "$@" >/dev/null 2>&1; do
    [ $SECONDS -lt $deadline ] || { log "timed out waiting for $what"; return 1; }
    sleep 0.1
  done
}

load_ports() {
  # shellcheck disable=SC1090
  [ -f "$PORTS_FILE" ] && . "$PORTS_FILE"
  CKAN_PORT=${CKAN_PORT:-$(free_port)}
  PG_PORT=${PG_PORT:-$(free_port)}
  REDIS_PORT=${REDIS_PORT:-$(free_port)}
  SOLR_PORT=${SOLR_PORT:-$(free_port)}
  printf 'CKAN_PORT=%s\nPG_PORT=%s\nREDIS_PORT=%s\nSOLR_PORT=%s\n' \
    "$CKAN_PORT" "$PG_PORT" "$REDIS_PORT" "$SOLR_PORT" >"$PORTS_FILE"
  CKAN_URL=http://127.0.0.1:$CKAN_PORT
  SOLR_URL=http://127.0.0.1:$SOLR_PORT/solr/ckan
  PG_URL=postgresql://$PG_USER@127.0.0.1:$PG_PORT
}

stop_pid() {  # stop_pid NAME PIDFILE
  local pid
  if alive "$2"; then
    pid=$(cat "$2"); kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$pid" 2>/dev/null; then log "$1 ($pid) ignored SIGTERM, killing"; kill -9 "$pid" || true; fi
    log "stopped $1 ($pid)"
  fi
  rm -f "$2"
}

ensure_apt() {
  local need=() p
  for p in redis-server libpq-dev gcc python3-dev python3-venv libmagic1; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || need+=("$p")
  done
  [ -x "$PG_BIN/initdb" ] || need+=(postgresql)
  [ ${#need[@]} -eq 0 ] && return
  [ "$(id -u)" = 0 ] || { log "missing Debian packages: ${need[*]} (run as root or install them)"; exit 1; }
  log "apt-get install ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq "${need[@]}" >/dev/null
  PG_BIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
}

pg_ready() { "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT"; }
psql_pg() { as_pg "$PG_BIN/psql" -h 127.0.0.1 -p "$PG_PORT" -U "$PG_USER" -d postgres -qtAX "$@"; }

ensure_postgres() {
  if [ ! -f "$PG_DATA/PG_VERSION" ]; then
    log "initdb $PG_DATA"
    mkdir -p "$PG_DATA" "$PG_SOCK"
    [ "$(id -u)" = 0 ] && chown -R postgres:postgres "$(dirname "$PG_DATA")"
    as_pg "$PG_BIN/initdb" -D "$PG_DATA" -U "$PG_USER" --auth=trust -E UTF8 --locale=C.UTF-8 >"$RUN/initdb.log"
  fi
  if ! pg_ready; then
    as_pg "$PG_BIN/pg_ctl" -D "$PG_DATA" -l "$(dirname "$PG_DATA")/postgres.log" -w -s start \
      -o "-p $PG_PORT -c listen_addresses=127.0.0.1 -k $PG_SOCK -c fsync=off -c full_page_writes=off"
    log "postgres on 127.0.0.1:$PG_PORT ($PG_DATA)"
  fi
  wait_for 30 postgres pg_ready
  psql_pg -c "SELECT 1 FROM pg_database WHERE datname='$CKAN_DB'" | grep -q 1 ||
    psql_pg -c "CREATE DATABASE $CKAN_DB ENCODING 'UTF8' TEMPLATE template0"
}

ensure_venv() {
  local marker=$VENV/.installed-ckan-$CKAN_VERSION
  [ -f "$marker" ] && [ -x "$VENV/bin/ckan" ] && return
  log "installing ckan[requirements]==$CKAN_VERSION into $VENV"
  [ -x "$VENV/bin/python" ] || "$PYTHON" -m venv "$VENV"
  "$VENV/bin/pip" install -q --disable-pip-version-check "ckan[requirements]==$CKAN_VERSION" \
    >"$RUN/pip.log" 2>&1 || { tail -30 "$RUN/pip.log" >&2; log "pip install failed"; exit 1; }
  touch "$marker"
}

redis_up() { [ "$("$VENV/bin/python" -c 'import redis,sys; print(redis.Redis(port=int(sys.argv[1])).ping())' "$REDIS_PORT" 2>/dev/null)" = True ]; }
ensure_redis() {
  alive "$RUN/redis.pid" && return
  redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --daemonize yes --pidfile "$RUN/redis.pid" \
    --dir "$RUN" --logfile "$RUN/redis.log" --save "" --appendonly no
  wait_for 10 redis redis_up
  log "redis on 127.0.0.1:$REDIS_PORT"
}

ensure_solr() {
  alive "$RUN/solr.pid" && return
  setsid "$PYTHON" "$HERE/solr_standin.py" --port "$SOLR_PORT" --data "$RUN/solr-data" \
    >"$RUN/solr.log" 2>&1 </dev/null &
  echo $! >"$RUN/solr.pid"
  wait_for 10 "solr stand-in" port_open "$SOLR_PORT"
  log "solr stand-in on $SOLR_URL"
}

ensure_config() {
  [ -f "$INI" ] || "$VENV/bin/ckan" generate config "$INI" >/dev/null
  "$VENV/bin/ckan" config-tool "$INI" \
    "sqlalchemy.url=postgresql://$PG_USER@127.0.0.1:$PG_PORT/$CKAN_DB" \
    "ckan.site_url=$CKAN_URL" \
    "ckan.redis.url=redis://127.0.0.1:$REDIS_PORT/0" \
    "solr_url=$SOLR_URL" \
    "solr_timeout=10" \
    "ckan.storage_path=$CKAN_HOME/storage" \
    "ckan.max_resource_size=100" >/dev/null
}

ckan_cli() { "$VENV/bin/ckan" -c "$INI" "$@" 2>>"$RUN/cli.err"; }

ensure_admin() {
  # Ask the database itself: a marker file outlives a cluster that was wiped under it
  # (the cluster lives in /var/tmp when CKAN_HOME is on a filesystem postgres cannot use).
  if ! psql_pg -d "$CKAN_DB" -c "SELECT to_regclass('public.\"user\"') IS NOT NULL" | grep -q t; then
    ckan_cli db init >/dev/null || { tail -20 "$RUN/cli.err" >&2; exit 1; }
  fi
  if ! psql_pg -d "$CKAN_DB" -c "SELECT 1 FROM \"user\" WHERE name='$CKAN_ADMIN'" | grep -q 1; then
    ckan_cli user add "$CKAN_ADMIN" email="$CKAN_ADMIN@example.org" password="Smx-admin-pass-1" >/dev/null
    ckan_cli sysadmin add "$CKAN_ADMIN" >/dev/null
    rm -f "$TOKEN_FILE"
  fi
}

new_token() {
  ckan_cli user token add "$CKAN_ADMIN" "harness-$(date +%s)" | tail -1 | tr -d '[:space:]' >"$TOKEN_FILE.tmp"
  mv "$TOKEN_FILE.tmp" "$TOKEN_FILE"; chmod 600 "$TOKEN_FILE"
}

ckan_up() { "$VENV/bin/python" -c 'import sys,urllib.request; urllib.request.urlopen(sys.argv[1] + "/api/3/action/status_show", timeout=2)' "$CKAN_URL"; }
token_ok() {
  [ -s "$TOKEN_FILE" ] && "$VENV/bin/python" - "$CKAN_URL" "$(cat "$TOKEN_FILE")" <<'EOF'
import sys, urllib.request
req = urllib.request.Request(sys.argv[1] + "/api/3/action/package_create", data=b"{}",
    headers={"Authorization": sys.argv[2], "Content-Type": "application/json"})
try:
    urllib.request.urlopen(req, timeout=5)
except urllib.error.HTTPError as e:  # 409 = validation error: authorised; 403 = token rejected
    sys.exit(0 if e.code == 409 else 1)
EOF
}

start_ckan() {
  alive "$RUN/ckan.pid" && return
  local t0=$SECONDS
  setsid "$VENV/bin/ckan" -c "$INI" run -H 127.0.0.1 -p "$CKAN_PORT" --disable-reloader --threaded \
    >"$RUN/ckan.log" 2>&1 </dev/null &
  echo $! >"$RUN/ckan.pid"
  local deadline=$((SECONDS + 120))
  until ckan_up >/dev/null 2>&1; do
    alive "$RUN/ckan.pid" || { tail -30 "$RUN/ckan.log" >&2; log "ckan died"; exit 1; }
    [ $SECONDS -lt $deadline ] || { log "ckan did not answer in 120 s"; exit 1; }
    sleep 0.1
  done
  log "ckan up in $((SECONDS - t0)) s at $CKAN_URL"
}

do_start() {
  ensure_apt
  load_ports
  ensure_postgres
  ensure_venv
  ensure_redis
  ensure_solr
  ensure_config
  ensure_admin
  start_ckan
  token_ok || { log "creating an API token"; new_token; token_ok; }
  printf 'CKAN_URL=%s\nCKAN_API_TOKEN=%s\nPG_URL=%s\n' "$CKAN_URL" "$(cat "$TOKEN_FILE")" "$PG_URL" \
    >"$ENV_FILE.tmp"
  chmod 600 "$ENV_FILE.tmp"; mv "$ENV_FILE.tmp" "$ENV_FILE"
  echo "$ENV_FILE"
}

do_start_pg() {
  ensure_apt
  load_ports
  ensure_postgres
  printf 'PG_URL=%s\n' "$PG_URL" >"$CKAN_HOME/pg.env"
  echo "$CKAN_HOME/pg.env"
}

do_stop() {
  stop_pid ckan "$RUN/ckan.pid"
  stop_pid "solr stand-in" "$RUN/solr.pid"
  stop_pid redis "$RUN/redis.pid"
  if [ -f "$PG_DATA/postmaster.pid" ]; then
    as_pg "$PG_BIN/pg_ctl" -D "$PG_DATA" -m fast -w -s stop && log "stopped postgres"
  fi
  rm -f "$ENV_FILE" "$CKAN_HOME/pg.env"
}

do_status() {
  local n
  for n in ckan solr redis; do
    if alive "$RUN/$n.pid"; then echo "$n: running (pid $(cat "$RUN/$n.pid"))"; else echo "$n: stopped"; fi
  done
  if [ -f "$PG_DATA/postmaster.pid" ]; then echo "postgres: running ($PG_DATA)"; else echo "postgres: stopped"; fi
}

case "${1:-start}" in
  start) do_start ;;
  start-pg) do_start_pg ;;
  stop) do_stop ;;
  status) do_status ;;
  *) echo "usage: $0 start|start-pg|stop|status" >&2; exit 2 ;;
esac
