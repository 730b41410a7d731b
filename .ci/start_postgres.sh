#!/usr/bin/env bash
# Start a throwaway PostgreSQL cluster on 127.0.0.1:55432 with an empty database
# `smartcommerce_test` (trust auth, user postgres), for the store tests.
# Exports nothing: the caller sets
#   SMARTCOMMERCE_TEST_PG_URL=postgresql://postgres@127.0.0.1:55432/smartcommerce_test
# Safe to run twice: an already running cluster is reused.
set -euo pipefail

PORT="${PG_TEST_PORT:-55432}"
DATA_ROOT="${PG_TEST_DIR:-/tmp/pgtest}"
DB_NAME="smartcommerce_test"

find_bindir() {
  ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1
}

BINDIR="$(find_bindir || true)"
if [ -z "${BINDIR}" ] || [ ! -x "${BINDIR}/initdb" ]; then
  export DEBIAN_FRONTEND=noninteractive
  SUDO=""; [ "$(id -u)" = "0" ] || SUDO="sudo"
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq postgresql >/dev/null
  BINDIR="$(find_bindir)"
fi

# PostgreSQL refuses to run as root: run its tools as the `postgres` user.
as_postgres() {
  if [ "$(id -u)" = "0" ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

mkdir -p "${DATA_ROOT}"
if [ "$(id -u)" = "0" ]; then
  id postgres >/dev/null 2>&1 || useradd --system --home "${DATA_ROOT}" postgres
  chown postgres "${DATA_ROOT}"
fi

if ! as_postgres "${BINDIR}/pg_isready" -q -h 127.0.0.1 -p "${PORT}"; then
  if [ ! -f "${DATA_ROOT}/data/PG_VERSION" ]; then
    as_postgres "${BINDIR}/initdb" -D "${DATA_ROOT}/data" -A trust -U postgres >/dev/null
  fi
  as_postgres "${BINDIR}/pg_ctl" -D "${DATA_ROOT}/data" -l "${DATA_ROOT}/server.log" -w \
    -o "-p ${PORT} -k /tmp -c listen_addresses=127.0.0.1 -c fsync=off" start >/dev/null
fi

if ! as_postgres "${BINDIR}/psql" -h 127.0.0.1 -p "${PORT}" -U postgres -tAc \
    "SELECT 1 FROM pg_database WHERE datname='${DB_NAME}'" | grep -q 1; then
  as_postgres "${BINDIR}/createdb" -h 127.0.0.1 -p "${PORT}" -U postgres "${DB_NAME}"
fi
echo "PostgreSQL ready on 127.0.0.1:${PORT}, database ${DB_NAME}"
