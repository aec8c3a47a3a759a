#!/usr/bin/env bash
# A throwaway PostgreSQL server for the storage tests (CI, Debian 12, as root).
#
#   out=$(scripts/ci-postgres.sh) && eval "$out"   # start (idempotent); exports
#                                                  # ZKATTEST_TEST_POSTGRES_URL
#   scripts/ci-postgres.sh stop                    # stop it and delete its files
#   scripts/ci-postgres.sh running                 # exit 0 if it is running
#
# (Not `eval "$(scripts/ci-postgres.sh)"`: eval would hide the script's failure.)
#
# start installs the Debian `postgresql` package if no initdb is found, then
# creates a cluster in a temporary directory (not /etc/postgresql, not the
# packaged "main" cluster), owned by the `postgres` user when run as root,
# listening on 127.0.0.1:54329 only, with database `zkattest_test` owned by a
# role `zkattest` whose random password is kept in that directory. Run again,
# it reuses the running server. Only the export line goes to stdout; progress
# and errors go to stderr. The cluster trades durability for speed (fsync off):
# it is for tests only.
#
# Environment: ZKATTEST_PG_PORT (54329), ZKATTEST_PG_DIR
# (${TMPDIR:-/tmp}/zkattest-ci-postgres-$port).
set -euo pipefail

PORT="${ZKATTEST_PG_PORT:-54329}"
BASE="${ZKATTEST_PG_DIR:-${TMPDIR:-/tmp}/zkattest-ci-postgres-${PORT}}"
DATA="$BASE/data"
SOCKETS="$BASE/run"
DATABASE=zkattest_test
ROLE=zkattest

log() { echo "ci-postgres: $*" >&2; }
die() {
    log "error: $*"
    exit 1
}

if [ "$(id -u)" -eq 0 ]; then
    OWNER=postgres
else
    OWNER="$(id -un)"
fi

# Run a command as the cluster's owner (PostgreSQL refuses to run as root).
as_owner() {
    if [ "$(id -u)" -eq 0 ]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

find_bindir() {
    local dir
    for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
        if [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ] && [ -x "$dir/psql" ]; then
            echo "$dir"
            return 0
        fi
    done
    return 1
}

install_postgresql() {
    [ "$(id -u)" -eq 0 ] || die "PostgreSQL is not installed and installing it needs root"
    log "installing PostgreSQL (apt-get)"
    # Do not create or start the packaged "main" cluster; we make our own.
    mkdir -p /etc/postgresql-common/createcluster.d
    echo "create_main_cluster = false" >/etc/postgresql-common/createcluster.d/zkattest-ci.conf
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2
    apt-get install -y -qq --no-install-recommends postgresql >&2
}

# Refuse a path someone else planted (a predictable name under /tmp).
check_base() {
    if [ -L "$BASE" ]; then
        die "$BASE is a symbolic link; refusing to use it"
    fi
    if [ -e "$BASE" ] && [ "$(stat -c %U "$BASE")" != "$OWNER" ]; then
        die "$BASE exists and is not owned by $OWNER; remove it or set ZKATTEST_PG_DIR"
    fi
}

is_running() {
    [ -f "$DATA/PG_VERSION" ] && as_owner "$BINDIR/pg_ctl" -D "$DATA" status >/dev/null 2>&1
}

psql_admin() {
    as_owner "$BINDIR/psql" -X -q -v ON_ERROR_STOP=1 -h "$SOCKETS" -p "$PORT" -U postgres "$@"
}

start_server() {
    if ! as_owner "$BINDIR/pg_ctl" -D "$DATA" -l "$BASE/server.log" -w -t 60 start >&2; then
        tail -n 30 "$BASE/server.log" >&2 || true
        die "the server did not start (is port $PORT taken?)"
    fi
}

create_cluster() {
    log "creating a cluster in $BASE"
    rm -rf "$BASE"
    mkdir -m 700 "$BASE"
    mkdir -m 700 "$DATA" "$SOCKETS"
    chown "$OWNER" "$BASE" "$DATA" "$SOCKETS"
    # Local (Unix-socket) connections are trusted: the socket lives in a
    # directory only the owner can enter. TCP needs the password.
    as_owner "$BINDIR/initdb" -D "$DATA" -U postgres -E UTF8 --no-locale \
        --auth-local=trust --auth-host=scram-sha-256 >/dev/null
    cat >>"$DATA/postgresql.conf" <<EOF

# zkattest CI: throwaway, loopback only, fast rather than durable
listen_addresses = '127.0.0.1'
port = $PORT
unix_socket_directories = '$SOCKETS'
max_connections = 200
fsync = off
synchronous_commit = off
full_page_writes = off
EOF
    start_server
    local password
    password="$(od -An -tx1 -N16 /dev/urandom | tr -d ' \n')"
    psql_admin -d postgres <<EOF
CREATE ROLE $ROLE LOGIN PASSWORD '$password';
CREATE DATABASE $DATABASE OWNER $ROLE;
EOF
    (umask 077 && echo "$password" >"$BASE/password")
}

start() {
    BINDIR="$(find_bindir)" || {
        install_postgresql
        BINDIR="$(find_bindir)" || die "no initdb found after installing PostgreSQL"
    }
    check_base
    if is_running; then
        log "already running on 127.0.0.1:$PORT ($BASE)"
    elif [ -f "$DATA/PG_VERSION" ] && [ -f "$BASE/password" ]; then
        log "starting the existing cluster in $BASE"
        start_server
    else
        create_cluster
    fi
    local password
    password="$(cat "$BASE/password")"
    log "ready: database $DATABASE on 127.0.0.1:$PORT"
    echo "export ZKATTEST_TEST_POSTGRES_URL=postgresql+psycopg://$ROLE:$password@127.0.0.1:$PORT/$DATABASE"
}

stop() {
    check_base
    if [ -f "$DATA/PG_VERSION" ]; then
        BINDIR="$(find_bindir)" || die "cannot find pg_ctl to stop the server"
        if is_running; then
            as_owner "$BINDIR/pg_ctl" -D "$DATA" -m fast -w -t 60 stop >&2
        fi
    fi
    rm -rf "$BASE"
    log "stopped and removed $BASE"
}

# Exit 0 if our server is running (nothing is installed or started).
running() {
    BINDIR="$(find_bindir)" || return 1
    is_running
}

case "${1:-start}" in
start) start ;;
stop) stop ;;
running) running ;;
*) die "usage: $0 [start|stop|running]" ;;
esac
