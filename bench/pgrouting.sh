#!/usr/bin/env bash
# Compares QuarterHour's 15-minute walking isochrones with pgRouting's
# pgr_drivingDistance on the Porto extract: same reached nodes, same
# distances within 0.5 m, and the median latency of both. See bench/README.md.
#
# Usage: bench/pgrouting.sh [-n ORIGINS] [-seed SEED]
# Environment: PGHOST (127.0.0.1), PGPORT (5432), PGUSER (postgres),
#              BENCH_DB (qh_bench), BENCH_PBF (testdata/osm/porto.osm.pbf).
set -euo pipefail

cd "$(dirname "$0")/.."

PGHOST=${PGHOST:-127.0.0.1}
PGPORT=${PGPORT:-5432}
PGUSER=${PGUSER:-postgres}
BENCH_DB=${BENCH_DB:-qh_bench}
BENCH_PBF=${BENCH_PBF:-testdata/osm/porto.osm.pbf}
export PGHOST PGPORT PGUSER
db_url="postgres://$PGUSER@$PGHOST:$PGPORT/$BENCH_DB"

log() { printf '== %s\n' "$*" >&2; }

# 1. pgRouting and PostGIS, and a fresh database with both extensions.
have_extension() {
	[ "$(psql -d postgres -XtAc "SELECT count(*) FROM pg_available_extensions WHERE name = '$1'")" = 1 ]
}
if ! have_extension pgrouting || ! have_extension postgis; then
	major=$(psql -d postgres -XtAc "SHOW server_version_num" | cut -c1-2)
	log "installing postgresql-$major-postgis-3 and postgresql-$major-pgrouting"
	sudo=""
	[ "$(id -u)" = 0 ] || sudo=sudo
	$sudo apt-get update -q
	$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "postgresql-$major-postgis-3" "postgresql-$major-pgrouting"
fi
log "creating database $BENCH_DB"
psql -d postgres -Xq -v ON_ERROR_STOP=1 -c "DROP DATABASE IF EXISTS $BENCH_DB WITH (FORCE)" -c "CREATE DATABASE $BENCH_DB"
psql -d "$BENCH_DB" -Xq -v ON_ERROR_STOP=1 -c "CREATE EXTENSION postgis" -c "CREATE EXTENSION pgrouting"

# 2. Our binary and our importer.
tmp=$(mktemp -d)
server_pid=""
cleanup() {
	if [ -n "$server_pid" ]; then
		kill "$server_pid" 2>/dev/null || true
		wait "$server_pid" 2>/dev/null || true
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT
log "building quarterhour and pgrcompare"
go build -o "$tmp/quarterhour" ./cmd/quarterhour
go build -o "$tmp/pgrcompare" ./bench/pgrcompare
log "importing $BENCH_PBF"
"$tmp/quarterhour" import network "$BENCH_PBF" --db "$db_url"

# 3. The server on a free loopback port (it logs the address it got), then
#    the comparison.
"$tmp/quarterhour" serve --db "$db_url" --addr 127.0.0.1:0 2>"$tmp/serve.log" &
server_pid=$!
api=""
for _ in $(seq 1 600); do
	api=$(sed -n 's/.*msg=serving url=\(http:[^ ]*\).*/\1/p' "$tmp/serve.log")
	if [ -n "$api" ] && curl -fs "$api/healthz" >/dev/null 2>&1; then
		break
	fi
	if ! kill -0 "$server_pid" 2>/dev/null; then
		cat "$tmp/serve.log" >&2
		log "server exited"
		exit 1
	fi
	sleep 0.1
done
if [ -z "$api" ] || ! curl -fs "$api/healthz" >/dev/null; then
	cat "$tmp/serve.log" >&2
	log "server did not become healthy"
	exit 1
fi
log "server up at $api"

log "comparing the HTTP isochrone with pgr_drivingDistance"
"$tmp/pgrcompare" -db "$db_url" -api "$api" -n 50 -seed 1 "$@"
log "comparing the node search alone (engine in process) with pgr_drivingDistance"
"$tmp/pgrcompare" -db "$db_url" -n 50 -seed 1 "$@"
