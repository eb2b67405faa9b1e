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
. bench/lib.sh
fresh_routing_db "$BENCH_DB"

# 2. Our binary and our importer.
tmp=$(mktemp -d)
server_pid=""
cleanup() {
	stop_server
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
start_server "$tmp/quarterhour" "$tmp/serve.log" 60 --db "$db_url"
log "server up at $api"

log "comparing the HTTP isochrone with pgr_drivingDistance"
"$tmp/pgrcompare" -db "$db_url" -api "$api" -n 50 -seed 1 "$@"
log "comparing the node search alone (engine in process) with pgr_drivingDistance"
"$tmp/pgrcompare" -db "$db_url" -n 50 -seed 1 "$@"
