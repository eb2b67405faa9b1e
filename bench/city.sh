#!/usr/bin/env bash
# Builds a city-sized data set (over a million walk edges, 2,000,000
# residents in communities, 30,000 outlets in every category), imports it
# into PostgreSQL + PostGIS + pgRouting and into the engine, and measures the
# engine at that size against pgRouting. See bench/README.md, "City scale".
# The log goes to standard error; the last line on standard output is
#
#   city-scale: edges=E load_s=L bytes_per_edge=B surfaces_ms=S surface_ratio=SR gaps_city_ms=G outlet_update_ms=U iso_ratio_bbox=R
#
# The exit status is not 0 when a check fails (surface costs or isochrone
# node sets differing from pgRouting's) or a step fails.
#
# Usage: bench/city.sh [citybench flags, e.g. -n 100]
# Environment: PGHOST (127.0.0.1), PGPORT (5432), PGUSER (postgres),
#              CITY_DB (qh_city; dropped and created), CITY_TILES (10x9),
#              CITY_PBF (testdata/osm/porto.osm.pbf), CITY_RESIDENTS (2000000),
#              CITY_OUTLETS (30000).
set -euo pipefail

cd "$(dirname "$0")/.."

PGHOST=${PGHOST:-127.0.0.1}
PGPORT=${PGPORT:-5432}
PGUSER=${PGUSER:-postgres}
CITY_DB=${CITY_DB:-qh_city}
CITY_TILES=${CITY_TILES:-10x9}
CITY_PBF=${CITY_PBF:-testdata/osm/porto.osm.pbf}
CITY_RESIDENTS=${CITY_RESIDENTS:-2000000}
CITY_OUTLETS=${CITY_OUTLETS:-30000}
export PGHOST PGPORT PGUSER
db_url="postgres://$PGUSER@$PGHOST:$PGPORT/$CITY_DB"

# since prints the seconds since a date +%s.%N stamp.
since() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }'; }
started=$(date +%s.%N)
step_start=$started
log() { printf '== [%6ss] %s\n' "$(since "$started")" "$*" >&2; }
# begin logs the start of a step; done_step how long it took.
begin() {
	step_start=$(date +%s.%N)
	log "$*"
}
done_step() { log "$1 took $(since "$step_start") s"; }

# 1. PostGIS and pgRouting, and a fresh database with both.
. bench/lib.sh
log "$(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
begin "checking PostGIS and pgRouting"
fresh_routing_db "$CITY_DB"
done_step "database"

# 2. Our binaries.
tmp=$(mktemp -d)
server_pid=""
cleanup() {
	stop_server
	rm -rf "$tmp"
}
trap cleanup EXIT
begin "building quarterhour, citygen and citybench"
go build -o "$tmp/quarterhour" ./cmd/quarterhour
go build -o "$tmp/citygen" ./bench/citygen
go build -o "$tmp/citybench" ./bench/citybench
done_step "build"

# 3. Reference data (taxonomy, counties), then the city through the store.
begin "seeding reference data"
"$tmp/quarterhour" seed --db "$db_url"
done_step "seed"
begin "generating the city: $CITY_PBF tiled $CITY_TILES, communities, outlets"
"$tmp/citygen" -db "$db_url" -pbf "$CITY_PBF" -tiles "$CITY_TILES" -residents "$CITY_RESIDENTS" -outlets "$CITY_OUTLETS" >"$tmp/citygen.out"
log "citygen: $(cat "$tmp/citygen.out")"
done_step "generate and import"

# pgRouting at best practice: fresh planner statistics and a GiST index on
# the edges' geometry (migrations/postgres/00002_network.sql creates one).
begin "analysing the walk tables"
gist=$(psql -d "$CITY_DB" -XtAc "SELECT count(*) FROM pg_indexes WHERE tablename = 'walk_edges' AND indexdef ILIKE '%USING gist (geom)%'")
if [ "$gist" = 0 ]; then
	log "walk_edges has no GiST index on geom: creating one in $CITY_DB"
	psql -d "$CITY_DB" -Xq -v ON_ERROR_STOP=1 -c "CREATE INDEX walk_edges_geom_bench ON walk_edges USING gist (geom)"
else
	log "walk_edges has its GiST index on geom"
fi
psql -d "$CITY_DB" -Xq -v ON_ERROR_STOP=1 -c "VACUUM ANALYZE walk_nodes" -c "VACUUM ANALYZE walk_edges" -c "VACUUM ANALYZE outlets" -c "VACUUM ANALYZE communities"
psql -d "$CITY_DB" -XtA -F ' ' -c "SELECT 'walk_edges rows', count(*), 'table+indexes', pg_size_pretty(pg_total_relation_size('walk_edges')) FROM walk_edges" >&2
done_step "analyse"

# 4. An admin for the outlet updates, then the server on a free loopback
#    port; it loads the engine before it listens.
password=$(head -c 18 /dev/urandom | base64 | tr -d '/+=')
printf '%s\n' "$password" | "$tmp/quarterhour" user add --username citybench --role admin --password-stdin --db "$db_url" >/dev/null
begin "starting quarterhour serve"
start_server "$tmp/quarterhour" "$tmp/serve.log" 600 --db "$db_url"
grep 'msg="engine loaded"' "$tmp/serve.log" | sed 's/^/   server: /' >&2 || true
done_step "server up at $api (pid $server_pid)"

# 5. The measurements.
begin "running citybench"
CITYBENCH_PASSWORD="$password" "$tmp/citybench" -db "$db_url" -api "$api" -server-pid "$server_pid" "$@" >"$tmp/line"
done_step "citybench"
if grep -q 'level=ERROR' "$tmp/serve.log"; then
	log "the server logged errors:"
	grep 'level=ERROR' "$tmp/serve.log" | head -20 >&2
fi
stop_server
log "total $(since "$started") s; load average $(cut -d' ' -f1-3 /proc/loadavg)"
tail -n 1 "$tmp/line"
