#!/usr/bin/env bash
# Installs PostgreSQL from Debian's packages (when missing), starts a cluster on 127.0.0.1:5432
# and creates the test database. Prints the URL the tests read from PACER_TEST_POSTGRES_URL.
set -euo pipefail
if ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq postgresql >&2
fi
version=$(ls /usr/lib/postgresql | sort -n | tail -1)
if ! pg_lsclusters -h | grep -q "^$version main"; then
  pg_createcluster "$version" main >&2
fi
pg_ctlcluster "$version" main start >&2 || true
for _ in $(seq 1 50); do
  pg_isready -q -h 127.0.0.1 -p 5432 && break
  sleep 0.2
done
pg_isready -h 127.0.0.1 -p 5432 >&2
su postgres -c "psql -q -c \"ALTER USER postgres PASSWORD 'pacer';\"" >&2
# The test suites open many stores at once (each with a pool and a LISTEN connection): the
# default 100 connections run out under a full parallel run ("too many clients already").
if [ "$(su postgres -c "psql -tAc 'SHOW max_connections'")" -lt 400 ]; then
  su postgres -c "psql -q -c 'ALTER SYSTEM SET max_connections = 400'" >&2
  pg_ctlcluster "$version" main restart >&2
  for _ in $(seq 1 50); do
    pg_isready -q -h 127.0.0.1 -p 5432 && break
    sleep 0.2
  done
fi
su postgres -c "psql -q -tc \"SELECT 1 FROM pg_database WHERE datname = 'pacer_test'\"" | grep -q 1 \
  || su postgres -c "createdb pacer_test" >&2
echo "postgres://postgres:pacer@127.0.0.1:5432/pacer_test"
