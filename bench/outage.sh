#!/usr/bin/env bash
# PostgreSQL outage under load, on loopback only: runs TestServe_PostgresOutage,
# which initdb's a throwaway PostgreSQL 15 cluster on a free port (never the
# one on 5432), serves the demo from it in process, drives four workers
# (outlet writes as demo-admin and anonymous nearby queries, 10 ms apart) for
# about 8 s, stops the cluster (pg_ctl -m fast) for 3.5 s and starts it again,
# then checks that every write answered 201 is in the database. Needs root and
# /usr/lib/postgresql/15/bin; see bench/README.md.
#
#   bash bench/outage.sh            # one run, figures as JSON
#   OUTAGE_RUNS=3 bash bench/outage.sh
set -euo pipefail

cd "$(dirname "$0")/.."

runs=${OUTAGE_RUNS:-1}
report=$(mktemp)
trap 'rm -f "$report"' EXIT
for i in $(seq 1 "$runs"); do
	printf '== run %d of %d\n' "$i" "$runs" >&2
	QUARTERHOUR_OUTAGE_REPORT=$report go test ./cmd/quarterhour -count=1 -run '^TestServe_PostgresOutage$' -v 2>&1 |
		grep -E '^(--- |\s+outage_test|ok|FAIL)' >&2 || true
	# Durations are nanoseconds in the report; print them in milliseconds.
	python3 - "$report" <<'PY'
import json, sys
f = json.load(open(sys.argv[1]))
for k, v in f.items():
    if k.endswith("_ns"):
        print(f"{k[:-3]}_ms: {v / 1e6:.1f}")
    else:
        print(f"{k}: {v}")
PY
done
