#!/usr/bin/env bash
# Loopback load test of the demo server: isochrone, nearby and outlet bbox
# queries at 8 and 32 connections with wrk. See bench/load.md.
#
#   bash bench/load.sh                 # 20 s per run
#   LOAD_SECONDS=5 bash bench/load.sh  # shorter runs
set -euo pipefail

cd "$(dirname "$0")/.."

LOAD_SECONDS=${LOAD_SECONDS:-20}
LOAD_CONNECTIONS=${LOAD_CONNECTIONS:-"8 32"}
LOAD_THREADS=${LOAD_THREADS:-2}

log() { printf '== %s\n' "$*" >&2; }
. bench/lib.sh

if ! command -v wrk >/dev/null; then
	log "installing wrk"
	apt_install wrk
fi

tmp=$(mktemp -d)
server_pid=""
cleanup() {
	stop_server
	rm -rf "$tmp"
}
trap cleanup EXIT

log "building quarterhour"
go build -o "$tmp/quarterhour" ./cmd/quarterhour

log "starting serve --demo on a temporary SQLite file"
start_server "$tmp/quarterhour" "$tmp/serve.log" 120 --demo --db "sqlite:$tmp/qh.db"
log "server up at $api (pid $server_pid)"

rss() { awk '/^VmRSS/ {printf "%.0fMB", $2 / 1024}' "/proc/$server_pid/status"; }

# 200 points, 50 in each demo area: the area centres and grid sizes of
# seeds/demo.go, kept to 70% of each half-extent so rotated grids still hold
# them. A Park-Miller generator with seed 1 makes the list the same on every
# machine (awk's own rand differs between awk implementations).
awk 'BEGIN {
	seed = 1
	# slug, centre lon, centre lat, half-width m, half-height m
	n = split("rencheng 116.592 35.416 2000 1250|yanzhou 116.812 35.552 2000 1250|gaoxin 116.662 35.402 1500 1250|taibaihu 116.582 35.360 1500 1250", areas, "|")
	printf "points = {\n"
	for (a = 1; a <= n; a++) {
		split(areas[a], f, " ")
		mlat = 111320
		mlon = 111320 * cos(f[3] * 3.141592653589793 / 180)
		for (i = 0; i < 50; i++) {
			seed = (seed * 16807) % 2147483647; u = seed / 2147483647
			seed = (seed * 16807) % 2147483647; v = seed / 2147483647
			printf "  {%.6f, %.6f}, -- %s\n", f[2] + (2*u - 1) * 0.7 * f[4] / mlon, f[3] + (2*v - 1) * 0.7 * f[5] / mlat, f[1]
		}
	}
	printf "}\n"
}' >"$tmp/points.lua"

cat "$tmp/points.lua" - >"$tmp/load.lua" <<'LUA'
-- wrk script: each request asks about one of the fixed points, chosen at
-- random; the first script argument names the endpoint.
local mode
local threads = 0

function setup(thread)
	threads = threads + 1
	thread:set("id", threads)
end

function init(args)
	mode = args[1]
	math.randomseed(id)
end

function request()
	local p = points[math.random(#points)]
	local path
	if mode == "isochrone" then
		path = string.format("/api/v1/isochrone?lon=%.6f&lat=%.6f", p[1], p[2])
	elseif mode == "nearby" then
		path = string.format("/api/v1/nearby?lon=%.6f&lat=%.6f", p[1], p[2])
	else
		local d = 0.005 -- about 450 m east-west, 550 m north-south
		path = string.format("/api/v1/outlets?bbox=%.6f,%.6f,%.6f,%.6f", p[1] - d, p[2] - d, p[1] + d, p[2] + d)
	end
	return wrk.format("GET", path)
end

function done(summary, latency, requests)
	local errs = summary.errors
	io.write(string.format("RESULT requests=%d rps=%.1f p50_ms=%.2f p99_ms=%.2f non2xx=%d socket_errors=%d\n",
		summary.requests, summary.requests / (summary.duration / 1e6),
		latency:percentile(50) / 1000, latency:percentile(99) / 1000,
		errs.status, errs.connect + errs.read + errs.write + errs.timeout))
end
LUA

# One request of each kind must succeed before timing them.
p=$(sed -n 's/^  {\([0-9.]*\), \([0-9.]*\)}.*/lon=\1\&lat=\2/p; T; q' "$tmp/points.lua")
for path in "/api/v1/isochrone?$p" "/api/v1/nearby?$p" "/api/v1/outlets?bbox=116.58,35.41,116.60,35.42"; do
	if ! curl -fsS -o /dev/null "$api$path"; then
		log "GET $path failed"
		exit 1
	fi
done

printf '%-10s %5s %9s %10s %10s %8s %10s %12s %12s\n' endpoint conns requests req/s p50_ms p99_ms errors rss_before rss_after
for mode in isochrone nearby outlets; do
	for c in $LOAD_CONNECTIONS; do
		before=$(rss)
		out=$(wrk -t "$LOAD_THREADS" -c "$c" -d "${LOAD_SECONDS}s" --timeout 10s -s "$tmp/load.lua" "$api" -- "$mode")
		after=$(rss)
		line=$(printf '%s\n' "$out" | grep '^RESULT') || {
			printf '%s\n' "$out" >&2
			log "wrk printed no result"
			exit 1
		}
		val() { printf '%s\n' "$line" | sed -n "s/.* $1=\([^ ]*\).*/\1/p"; }
		printf '%-10s %5s %9s %10s %10s %8s %10s %12s %12s\n' "$mode" "$c" "$(val requests)" "$(val rps)" \
			"$(val p50_ms)" "$(val p99_ms)" "$(($(val non2xx) + $(val socket_errors)))" "$before" "$after"
	done
done
log "load average: $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cores"
