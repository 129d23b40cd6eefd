# Sourced by .ci/run: a throwaway PostgreSQL cluster on loopback for the registry's PostgreSQL tests.
# pg_start installs Debian's postgresql when the server binaries are missing, runs initdb in a temp
# directory, starts the server on 127.0.0.1 on a free port (as the postgres user when running as root,
# since the server refuses to run as root), creates a database and exports SKILLCRED_TEST_POSTGRES_URL.
# pg_stop stops the server and removes the cluster; .ci/run calls it from an EXIT trap.

pg_bindir() {
  local dir
  for dir in /usr/lib/postgresql/*/bin; do
    if [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ] && [ -x "$dir/postgres" ]; then echo "$dir"; fi
  done | sort -V | tail -1
}

pg_start() {
  PG_BIN="$(pg_bindir)"
  if [ -z "$PG_BIN" ]; then
    echo "CI: installing PostgreSQL from Debian's packages"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
    PG_BIN="$(pg_bindir)"
  fi
  if [ -z "$PG_BIN" ]; then echo "CI: PostgreSQL server binaries not found after install" >&2; return 1; fi
  PG_DIR="$(mktemp -d /tmp/skillcred-pg.XXXXXX)"
  PG_PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')"
  PG_RUN=()
  if [ "$(id -u)" = 0 ]; then
    id postgres >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin postgres
    chown postgres "$PG_DIR"
    PG_RUN=(runuser -u postgres --)
  fi
  # The server user may not be able to read the checkout, so run the server tools from the cluster's directory.
  pushd "$PG_DIR" >/dev/null
  "${PG_RUN[@]}" "$PG_BIN/initdb" -D "$PG_DIR/data" -U skillcred --auth=trust -E UTF8 >"$PG_DIR/initdb.log" 2>&1 \
    || { cat "$PG_DIR/initdb.log" >&2; return 1; }
  "${PG_RUN[@]}" "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -p $PG_PORT -k $PG_DIR -c max_connections=200 -c fsync=on" start >/dev/null \
    || { cat "$PG_DIR/server.log" >&2; return 1; }
  "${PG_RUN[@]}" "$PG_BIN/createdb" -h 127.0.0.1 -p "$PG_PORT" -U skillcred skillcred_test
  popd >/dev/null
  export SKILLCRED_TEST_POSTGRES_URL="postgres://skillcred@127.0.0.1:$PG_PORT/skillcred_test"
  echo "CI: PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}') on 127.0.0.1:$PG_PORT"
}

pg_stop() {
  if [ -n "${PG_DIR:-}" ] && [ -d "$PG_DIR/data" ]; then
    (cd "$PG_DIR" && "${PG_RUN[@]}" "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m fast -w stop >/dev/null 2>&1) || true
    rm -rf "$PG_DIR"
  fi
}
