#!/usr/bin/env bash
# Provision the PostgreSQL that the tests (and a local trial of production mode) use.
#
#   deploy/postgres.sh start   # make sure a server answers on 127.0.0.1:$PGPORT with our role
#   deploy/postgres.sh stop    # stop the private cluster this script started (if any)
#   deploy/postgres.sh url     # print the SQLAlchemy URL of the test database
#   deploy/postgres.sh database NAME  # start, create database NAME if missing, print its URL
#
# If something already answers on 127.0.0.1:$PGPORT it is used as it is (the role and database
# are created through the local superuser when we are root). Otherwise PostgreSQL comes from
# Debian's packages and runs as a private cluster under $ANZEXIAN_CACHE, owned by the
# unprivileged 'postgres' user, tuned for tests (fsync off): never point production at it.
# JIT is off: compiling the wide read and stats statements cost more than it saved (measured
# 2.5-4.7 s of JIT time on a 4 s stats query over the bench data set).
set -euo pipefail

PGPORT="${ANZEXIAN_PG_PORT:-5432}"
PGHOST=127.0.0.1
ROLE="${ANZEXIAN_PG_ROLE:-anzexian}"
PASSWORD="${ANZEXIAN_PG_PASSWORD:-anzexian}"
DB="${ANZEXIAN_PG_DATABASE:-anzexian_test}"
CACHE="${ANZEXIAN_CACHE:-/var/tmp/anzexian}"
DATA="$CACHE/pg/data"
LOG="$CACHE/pg/postgres.log"
SOCKDIR="$CACHE/pg/run"

log() { printf '[postgres] %s\n' "$*" >&2; }

bindir() {
  local d
  for d in /usr/lib/postgresql/*/bin; do
    if [ -x "$d/postgres" ]; then echo "$d"; fi
  done | sort -V | tail -n 1
}

as_owner() {
  # initdb and postgres refuse to run as root: run them as the 'postgres' system user.
  if [ "$(id -u)" = 0 ]; then setpriv --reuid=postgres --regid=postgres --init-groups -- "$@"
  else "$@"; fi
}

ready() { pg_isready -q -h "$PGHOST" -p "$PGPORT" 2>/dev/null; }

url() { echo "postgresql+asyncpg://$ROLE:$PASSWORD@$PGHOST:$PGPORT/${1:-$DB}"; }

can_login() {
  PGPASSWORD="$PASSWORD" psql -h "$PGHOST" -p "$PGPORT" -U "$ROLE" -d "$DB" -Atqc 'select 1' >/dev/null 2>&1
}

install_packages() {
  if [ -n "$(bindir)" ] && command -v pg_isready >/dev/null && command -v psql >/dev/null; then return; fi
  if [ "$(id -u)" != 0 ]; then
    log "PostgreSQL is not installed and we are not root: install Debian's 'postgresql' package"; exit 1
  fi
  log "installing PostgreSQL from Debian's packages"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq postgresql >/dev/null
}

superuser_psql() {
  # Through the private cluster's socket, else Debian's default socket directory.
  local sock="$SOCKDIR"
  [ -S "$sock/.s.PGSQL.$PGPORT" ] || sock=/var/run/postgresql
  as_owner psql -h "$sock" -p "$PGPORT" -U postgres -d postgres -v ON_ERROR_STOP=1 -Atq "$@"
}

ensure_role_and_db() {
  if can_login; then return; fi
  if [ "$(id -u)" != 0 ] && [ ! -S "$SOCKDIR/.s.PGSQL.$PGPORT" ]; then
    log "a server answers on $PGHOST:$PGPORT but role '$ROLE' cannot log in; create it or set ANZEXIAN_PG_*"; exit 1
  fi
  log "creating role '$ROLE' and database '$DB'"
  superuser_psql -c "DO \$\$BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$ROLE') THEN CREATE ROLE $ROLE LOGIN PASSWORD '$PASSWORD' CREATEDB; END IF; END\$\$;"
  if [ -z "$(superuser_psql -c "SELECT 1 FROM pg_database WHERE datname = '$DB'")" ]; then
    superuser_psql -c "CREATE DATABASE $DB OWNER $ROLE"
  fi
  can_login || { log "role '$ROLE' still cannot log in on $PGHOST:$PGPORT"; exit 1; }
}

start() {
  if ready; then
    log "a server already answers on $PGHOST:$PGPORT; using it"
    install_packages
    ensure_role_and_db
    url; return
  fi
  install_packages
  local bin; bin="$(bindir)"
  if [ "$(id -u)" = 0 ]; then
    id postgres >/dev/null 2>&1 || useradd --system --home-dir /var/lib/postgresql --shell /usr/sbin/nologin postgres
    mkdir -p "$CACHE/pg"; chown postgres:postgres "$CACHE/pg"
    chmod 755 "$CACHE"
  else
    mkdir -p "$CACHE/pg"
  fi
  if [ ! -s "$DATA/PG_VERSION" ]; then
    log "initialising a private cluster in $DATA"
    as_owner "$bin/initdb" -D "$DATA" -U postgres --auth-local=trust --auth-host=scram-sha-256 \
      -E UTF8 --locale=C.UTF-8 >/dev/null
  fi
  as_owner mkdir -p "$SOCKDIR"
  log "starting PostgreSQL on $PGHOST:$PGPORT (log: $LOG)"
  as_owner "$bin/pg_ctl" -D "$DATA" -l "$LOG" -w -t 60 start -o \
    "-c listen_addresses=$PGHOST -p $PGPORT -k $SOCKDIR -c jit=off -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200 -c shared_buffers=512MB -c maintenance_work_mem=512MB -c max_wal_size=4GB" >/dev/null
  ready || { log "PostgreSQL did not come up; see $LOG"; tail -n 20 "$LOG" >&2; exit 1; }
  ensure_role_and_db
  url
}

stop() {
  local bin; bin="$(bindir)"
  if [ -n "$bin" ] && [ -s "$DATA/postmaster.pid" ]; then
    as_owner "$bin/pg_ctl" -D "$DATA" -m fast -w stop >/dev/null && log "stopped"
  else
    log "no private cluster running"
  fi
}

database() {
  local name="$1"
  [[ "$name" =~ ^[a-z_][a-z0-9_]*$ ]] || { log "database name must match [a-z_][a-z0-9_]*"; exit 2; }
  start >/dev/null
  if [ -z "$(PGPASSWORD="$PASSWORD" psql -h "$PGHOST" -p "$PGPORT" -U "$ROLE" -d "$DB" -Atqc \
      "SELECT 1 FROM pg_database WHERE datname = '$name'")" ]; then
    log "creating database '$name'"
    PGPASSWORD="$PASSWORD" psql -h "$PGHOST" -p "$PGPORT" -U "$ROLE" -d "$DB" -qc "CREATE DATABASE $name"
  fi
  url "$name"
}

case "${1:-start}" in
  start) start ;;
  database) database "${2:?usage: $0 database NAME}" ;;
  stop) stop ;;
  url) url ;;
  *) echo "usage: $0 start|stop|url" >&2; exit 2 ;;
esac
