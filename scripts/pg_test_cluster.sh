#!/usr/bin/env bash
# A throw-away PostgreSQL cluster for the test suite (`make test` runs every database test on it too).
#
#   scripts/pg_test_cluster.sh start    init + start (if not running), print its SQLAlchemy URL
#   scripts/pg_test_cluster.sh stop     stop it and delete it, data and all
#   scripts/pg_test_cluster.sh status   print the URL and exit 0 if running; exit 3 if not
#
# - Needs Debian's PostgreSQL server binaries (/usr/lib/postgresql/<version>/bin). Missing: installed
#   by scripts/install-os-deps.sh --postgresql (apt-get as root; otherwise it prints the sudo line).
# - The cluster lives in .pgtest/ in the repository (git-ignored); override with PGTEST_DIR.
#   initdb and postgres refuse to run as root, so as root they run as the `postgres` OS user; if
#   that user cannot reach the repository (e.g. a clone under /root), the data directory goes under
#   /tmp and .pgtest/ records where.
# - Listens on 127.0.0.1 only, on a free port, and on a unix socket in its data directory. Trust
#   authentication for loopback and the socket: nothing else may connect. Superuser: postgres.
# - fsync, synchronous_commit and full_page_writes are OFF: this cluster holds only test data and
#   is deleted afterwards; a crash may lose it, which does not matter. Never use these settings for
#   a real database.
# - Idempotent; prints nothing but the URL on success; on failure says what failed (and the end of
#   the server log) on stderr and exits non-zero.
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
STATE="${PGTEST_DIR:-$REPO/.pgtest}"
SUPERUSER=postgres

err() { printf 'pg_test_cluster: %s\n' "$*" >&2; }

find_bindir() {
    local dir best=""
    if [ -n "${PG_BINDIR:-}" ]; then
        [ -x "$PG_BINDIR/initdb" ] && { echo "$PG_BINDIR"; return 0; }
        return 1
    fi
    # Newest installed major version.
    for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V); do
        [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ] && best="$dir"
    done
    [ -n "$best" ] && echo "$best"
}

# Run a server binary as the postgres OS user when we are root (postgres refuses root).
as_owner() {
    if [ "$(id -u)" -eq 0 ]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

data_dir() {
    if [ -f "$STATE/datadir" ]; then cat "$STATE/datadir"; else echo "$STATE/data"; fi
}

read_state() { [ -f "$STATE/$1" ] && cat "$STATE/$1"; }

is_running() {
    local data
    data="$(data_dir)"
    [ -f "$data/PG_VERSION" ] && [ -f "$STATE/url" ] && as_owner "$BINDIR/pg_ctl" -D "$data" status >/dev/null 2>&1
}

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

remove_cluster() {
    local data
    data="$(data_dir)"
    if [ -f "$data/postmaster.pid" ] && [ -n "${BINDIR:-}" ]; then
        as_owner "$BINDIR/pg_ctl" -D "$data" -m fast -w -t 30 stop >/dev/null 2>&1 \
            || as_owner "$BINDIR/pg_ctl" -D "$data" -m immediate -w -t 30 stop >/dev/null 2>&1 || true
    fi
    case "$data" in
        /tmp/vicman-pgtest.*/data) rm -rf "$(dirname "$data")" ;;
    esac
    rm -rf "$STATE"
}

show_log() {
    local log="$1"
    if [ -f "$log" ]; then
        err "last lines of $log:"
        tail -n 20 "$log" >&2
    fi
}

start() {
    if is_running; then
        cat "$STATE/url"
        return 0
    fi
    remove_cluster  # a stale or half-made cluster from an interrupted run

    mkdir -p "$STATE"
    local data="$STATE/data"
    if [ "$(id -u)" -eq 0 ]; then
        if ! id postgres >/dev/null 2>&1; then
            err "the 'postgres' OS user does not exist (the postgresql package creates it); cannot run the server as root."
            exit 1
        fi
        if ! runuser -u postgres -- test -w "$STATE" 2>/dev/null; then
            chown postgres: "$STATE" 2>/dev/null || true
        fi
        if ! runuser -u postgres -- test -w "$STATE" 2>/dev/null; then
            # The postgres user cannot reach the repository (e.g. it is under /root): data in /tmp.
            data="$(mktemp -d /tmp/vicman-pgtest.XXXXXX)"
            chown postgres: "$data"
            data="$data/data"
            echo "$data" >"$STATE/datadir"
        fi
    fi

    local log
    log="$(dirname "$data")/initdb.log"
    [ "$data" = "$STATE/data" ] && log="$STATE/initdb.log"
    if ! as_owner "$BINDIR/initdb" -D "$data" -U "$SUPERUSER" --auth-local=trust --auth-host=trust \
            --encoding=UTF8 --locale=C.UTF-8 --no-sync >"$log" 2>&1; then
        err "initdb failed ($BINDIR/initdb -D $data)."
        show_log "$log"
        exit 1
    fi

    # Loopback and the socket only, trusted; nothing else.
    cat >"$data/pg_hba.conf" <<'EOF'
# vicman's throw-away test cluster: loopback and the unix socket only, no passwords.
local   all all              trust
host    all all 127.0.0.1/32 trust
EOF

    local attempt port
    for attempt in 1 2 3; do
        port="$(free_port)"
        cat >>"$data/postgresql.conf" <<EOF

# --- vicman test cluster (scripts/pg_test_cluster.sh) ---
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$data'
max_connections = 200
# Test data only, deleted after the run: durability is not wanted, speed is.
fsync = off
synchronous_commit = off
full_page_writes = off
logging_collector = off
EOF
        [ "$(id -u)" -eq 0 ] && chown postgres: "$data/pg_hba.conf" "$data/postgresql.conf"
        if as_owner "$BINDIR/pg_ctl" -D "$data" -l "$data/server.log" -w -t 60 start >/dev/null 2>&1; then
            break
        fi
        if [ "$attempt" -eq 3 ] || ! grep -q "could not bind\|already in use" "$data/server.log" 2>/dev/null; then
            err "the test server did not start ($BINDIR/pg_ctl -D $data start)."
            show_log "$data/server.log"
            remove_cluster
            exit 1
        fi
    done

    if ! "$BINDIR/pg_isready" -q -h 127.0.0.1 -p "$port" -t 30; then
        err "the test server started but does not accept connections on 127.0.0.1:$port."
        show_log "$data/server.log"
        remove_cluster
        exit 1
    fi
    echo "$port" >"$STATE/port"
    echo "postgresql+psycopg://$SUPERUSER@127.0.0.1:$port/postgres" >"$STATE/url"
    cat "$STATE/url"
}

stop() {
    [ -d "$STATE" ] || return 0
    remove_cluster
}

status() {
    if is_running; then
        cat "$STATE/url"
        return 0
    fi
    echo "not running" >&2
    return 3
}

command="${1:-}"
case "$command" in
    start)
        if ! BINDIR="$(find_bindir)"; then
            bash "$REPO/scripts/install-os-deps.sh" --postgresql
            BINDIR="$(find_bindir)" || { err "PostgreSQL server binaries not found under /usr/lib/postgresql/*/bin."; exit 1; }
        fi
        start
        ;;
    stop)
        BINDIR="$(find_bindir || true)"
        stop
        ;;
    status)
        BINDIR="$(find_bindir)" || { echo "not running (PostgreSQL is not installed)" >&2; exit 3; }
        status
        ;;
    *)
        echo "usage: $0 start|stop|status" >&2
        exit 2
        ;;
esac
