# Steps the bench scripts share: sourced by bench/pgrouting.sh, bench/city.sh
# and bench/load.sh, which each define log() first.

# apt_install installs Debian packages, with sudo when not root.
apt_install() {
	local sudo=""
	[ "$(id -u)" = 0 ] || sudo=sudo
	$sudo apt-get update -q
	$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$@"
}

# have_extension NAME: the PostgreSQL server can create extension NAME.
have_extension() {
	[ "$(psql -d postgres -XtAc "SELECT count(*) FROM pg_available_extensions WHERE name = '$1'")" = 1 ]
}

# fresh_routing_db NAME installs PostGIS and pgRouting for the running
# server's major version when it lacks them, then drops database NAME and
# creates it again with both extensions.
fresh_routing_db() {
	if ! have_extension pgrouting || ! have_extension postgis; then
		local major
		major=$(psql -d postgres -XtAc "SHOW server_version_num" | cut -c1-2)
		log "installing postgresql-$major-postgis-3 and postgresql-$major-pgrouting"
		apt_install "postgresql-$major-postgis-3" "postgresql-$major-pgrouting"
	fi
	log "creating database $1"
	psql -d postgres -Xq -v ON_ERROR_STOP=1 -c "DROP DATABASE IF EXISTS $1 WITH (FORCE)" -c "CREATE DATABASE $1"
	psql -d "$1" -Xq -v ON_ERROR_STOP=1 -c "CREATE EXTENSION postgis" -c "CREATE EXTENSION pgrouting"
}

# start_server BINARY LOG TIMEOUT_S ARGS... starts BINARY serve ARGS on a free
# loopback port, logging to LOG, and waits up to TIMEOUT_S seconds for
# /healthz; it sets server_pid and api (the base URL) and exits the script
# with the server's log when the server dies or never becomes healthy.
start_server() {
	local bin=$1 serve_log=$2 timeout=$3
	shift 3
	"$bin" serve --addr 127.0.0.1:0 "$@" 2>"$serve_log" &
	server_pid=$!
	api=""
	local _
	for _ in $(seq 1 $((timeout * 10))); do
		api=$(sed -n 's/.*msg=serving url=\(http:[^ ]*\).*/\1/p' "$serve_log")
		if [ -n "$api" ] && curl -fs "$api/healthz" >/dev/null 2>&1; then
			return 0
		fi
		if ! kill -0 "$server_pid" 2>/dev/null; then
			cat "$serve_log" >&2
			log "server exited"
			exit 1
		fi
		sleep 0.1
	done
	cat "$serve_log" >&2
	log "server did not become healthy"
	exit 1
}

# stop_server stops the server start_server started, if it runs.
stop_server() {
	if [ -n "${server_pid:-}" ]; then
		kill "$server_pid" 2>/dev/null || true
		wait "$server_pid" 2>/dev/null || true
		server_pid=""
	fi
}
