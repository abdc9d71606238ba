#!/usr/bin/env bash
# Throwaway PostgreSQL for the tests: `.ci/postgres.sh [start]` installs the Debian package if
# missing, stops any earlier instance, creates a fresh cluster (trust auth, loopback only) and the
# database meshdns_test, and prints its JDBC URL on stdout. `.ci/postgres.sh stop` stops it.
# Needs root (apt-get, and the server runs as the `postgres` OS user). Data is thrown away.
set -euo pipefail

port=${MESHDNS_TEST_POSTGRES_PORT:-55432}
dir=${MESHDNS_TEST_POSTGRES_DIR:-/tmp/meshdns-test-postgres-$port}
url="jdbc:postgresql://127.0.0.1:$port/meshdns_test?user=postgres"

bin_dir() {
    ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1
}

as_postgres() {
    (cd / && runuser -u postgres -- "$@")
}

stop() {
    local bin
    bin=$(bin_dir)
    if [[ -n "$bin" && -f "$dir/PG_VERSION" ]]; then
        as_postgres "$bin/pg_ctl" -D "$dir" -m immediate -w stop >/dev/null 2>&1 || true
    fi
}

start() {
    if [[ -z "$(bin_dir)" ]]; then
        echo "postgres.sh: installing the Debian postgresql package" >&2
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq >&2
        apt-get install -y -qq postgresql >&2
    fi
    local bin
    bin=$(bin_dir)
    stop
    rm -rf "$dir"
    mkdir -p "$dir"
    chown postgres:postgres "$dir"
    chmod 700 "$dir"
    as_postgres "$bin/initdb" -D "$dir" -U postgres -A trust -E UTF8 --no-sync >/dev/null
    if ! as_postgres "$bin/pg_ctl" -D "$dir" -l "$dir/server.log" -w -t 60 \
            -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c max_connections=200" start >/dev/null; then
        echo "postgres.sh: PostgreSQL did not start on 127.0.0.1:$port; its log:" >&2
        cat "$dir/server.log" >&2 || true
        exit 1
    fi
    as_postgres "$bin/psql" -h 127.0.0.1 -p "$port" -U postgres -q -v ON_ERROR_STOP=1 \
        -c "CREATE DATABASE meshdns_test" >/dev/null
    echo "$url"
}

case "${1:-start}" in
    start) start ;;
    stop) stop ;;
    *) echo "usage: $0 [start|stop]" >&2; exit 2 ;;
esac
