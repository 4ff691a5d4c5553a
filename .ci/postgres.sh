#!/usr/bin/env bash
# Makes sure a PostgreSQL server is running for the tests and prints the
# line that points them at it, so that
#
#   eval "$(.ci/postgres.sh)"
#
# exports UNTANGLE_TEST_POSTGRES. The tests create and drop their own
# databases on that server. In order:
#   1. UNTANGLE_TEST_POSTGRES is already set and the server answers: keep it.
#   2. A server answers on 127.0.0.1:5432 (trust auth, user postgres): use it.
#   3. Debian's cluster is installed but down: start it with pg_ctlcluster.
#   4. No server is installed: install Debian's postgresql (as root) and run
#      a throwaway cluster as a non-root user on a free loopback port.
# With --throwaway it goes straight to 4 (installing only if needed).
# Progress goes to stderr; stdout carries only the export line.
set -euo pipefail

log() { echo "postgres.sh: $*" >&2; }
default_url="postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"

# answers HOST PORT: whether a PostgreSQL server accepts connections there.
answers() {
  if command -v pg_isready >/dev/null 2>&1; then
    pg_isready -q -h "$1" -p "$2" -t 2
  else
    (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null
  fi
}

# wait_for HOST PORT: wait up to 30 s for the server to answer.
wait_for() {
  for _ in $(seq 60); do
    answers "$1" "$2" && return 0
    sleep 0.5
  done
  log "no PostgreSQL server answers on $1:$2"; return 1
}

print_export() { printf "export UNTANGLE_TEST_POSTGRES='%s'\n" "$1"; }

# usable URL: whether the tests can log in with URL and create databases
# (a stock Debian cluster wants a password over TCP: then it is not usable).
usable() {
  command -v psql >/dev/null 2>&1 || return 0
  [ "$(PGCONNECT_TIMEOUT=5 psql "$1" -tAc 'SELECT rolcreatedb OR rolsuper FROM pg_roles WHERE rolname = current_user' 2>/dev/null)" = t ]
}

throwaway=false
[ "${1:-}" = "--throwaway" ] && throwaway=true

# 1. Already configured.
if ! $throwaway && [ -n "${UNTANGLE_TEST_POSTGRES:-}" ]; then
  hostport=$(sed -E 's#^[a-z]+://([^@/]*@)?([^/?]*).*#\2#' <<<"$UNTANGLE_TEST_POSTGRES")
  host=${hostport%:*}; port=${hostport##*:}; [ "$port" = "$hostport" ] && port=5432
  if wait_for "${host:-127.0.0.1}" "$port" && usable "$UNTANGLE_TEST_POSTGRES"; then
    print_export "$UNTANGLE_TEST_POSTGRES"; exit 0
  fi
  log "UNTANGLE_TEST_POSTGRES=$UNTANGLE_TEST_POSTGRES does not let the tests log in and create databases"
  exit 1
fi

# 2. The machine's server is up.
if ! $throwaway && answers 127.0.0.1 5432; then
  if usable "$default_url"; then print_export "$default_url"; exit 0; fi
  log "the server on 127.0.0.1:5432 does not let user postgres in without a password; using a throwaway cluster"
  throwaway=true
fi

# 3. Debian's cluster is installed but stopped.
if ! $throwaway && [ -d /etc/postgresql ] && [ -n "$(ls /etc/postgresql 2>/dev/null)" ]; then
  version=$(ls /etc/postgresql | sort -V | tail -1)
  log "starting the PostgreSQL $version cluster"
  pg_ctlcluster --skip-systemctl-redirect "$version" main start >&2 || true
  if wait_for 127.0.0.1 5432 && usable "$default_url"; then print_export "$default_url"; exit 0; fi
  log "the installed cluster did not come up or wants a password; using a throwaway cluster"
fi

# 4. Install the server binaries if they are missing, then run a throwaway
# cluster (trust auth, loopback only) as a non-root user.
if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  [ "$(id -u)" = 0 ] || { log "PostgreSQL is not installed; run as root, or: apt-get install -y postgresql"; exit 1; }
  log "installing PostgreSQL (apt-get install -y postgresql)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq postgresql >&2
fi
bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
user=$(id -un)
if [ "$(id -u)" = 0 ]; then
  user=postgres
  id postgres >/dev/null 2>&1 || useradd --system --home-dir /var/lib/postgresql --shell /bin/false postgres
fi
as_user() { if [ "$(id -un)" = "$user" ]; then "$@"; else runuser -u "$user" -- "$@"; fi; }
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])' 2>/dev/null ||
  echo $((20000 + RANDOM % 20000)))
dir=$(mktemp -d /tmp/untangle-pg.XXXXXX)
chown "$user" "$dir"
log "initialising a throwaway cluster in $dir on 127.0.0.1:$port (user $user)"
as_user "$bin/initdb" -D "$dir/data" -U postgres -A trust --no-sync >"$dir/initdb.log"
as_user "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w \
  -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=off" start >&2
log "stop it with: runuser -u $user -- $bin/pg_ctl -D $dir/data stop"
wait_for 127.0.0.1 "$port"
print_export "postgres://postgres@127.0.0.1:$port/postgres?sslmode=disable"
