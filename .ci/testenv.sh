#!/usr/bin/env bash
# Makes PostgreSQL 15 + PostGIS reachable for the store tests and prints the
# URL to export as QUARTERHOUR_TEST_PG. Idempotent; runs as root on Debian 12.
#
#   export QUARTERHOUR_TEST_PG="$(.ci/testenv.sh)"
#
# With QUARTERHOUR_TEST_PG already set it only checks that the server answers.
# Otherwise it installs PostGIS and pgRouting when missing, starts the local
# cluster when it is down, lets the postgres role in over loopback without a
# password (this is a throw-away test machine), and creates the database
# quarterhour_test with PostGIS. Quiet on success apart from the URL.
set -euo pipefail

PG_MAJOR=15
CLUSTER=main
DB=quarterhour_test

die() {
	echo "testenv: $*" >&2
	exit 1
}

# answers URL: true when a server accepts a query at URL.
answers() {
	if command -v psql >/dev/null 2>&1; then
		psql "$1" -qtAX -c 'SELECT 1' >/dev/null 2>&1
		return
	fi
	# No client installed: settle for an open TCP port.
	local rest hostport host port
	rest=${1#*://}
	rest=${rest#*@}
	hostport=${rest%%/*}
	host=${hostport%%:*}
	port=5432
	[[ $hostport == *:* ]] && port=${hostport##*:}
	timeout 5 bash -c "exec 3<>/dev/tcp/${host:-127.0.0.1}/$port" 2>/dev/null
}

if [[ -n ${QUARTERHOUR_TEST_PG:-} ]]; then
	answers "$QUARTERHOUR_TEST_PG" || die "QUARTERHOUR_TEST_PG=$QUARTERHOUR_TEST_PG does not answer"
	echo "$QUARTERHOUR_TEST_PG"
	exit 0
fi

[[ $(id -u) -eq 0 ]] || die "run as root to set up PostgreSQL, or set QUARTERHOUR_TEST_PG"

packages=("postgresql-$PG_MAJOR-postgis-3" "postgresql-$PG_MAJOR-pgrouting")
missing=()
for p in "${packages[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if ((${#missing[@]} > 0)); then
	export DEBIAN_FRONTEND=noninteractive
	apt-get install -y -q "${missing[@]}" >/dev/null 2>&1 ||
		{ apt-get update -q >/dev/null && apt-get install -y -q "${missing[@]}" >/dev/null; } ||
		die "could not install ${missing[*]}"
fi

if ! pg_lsclusters -h 2>/dev/null | awk -v v="$PG_MAJOR" -v c="$CLUSTER" '$1 == v && $2 == c { found = 1 } END { exit !found }'; then
	pg_createcluster "$PG_MAJOR" "$CLUSTER" >/dev/null || die "could not create cluster $PG_MAJOR/$CLUSTER"
fi
if ! pg_ctlcluster "$PG_MAJOR" "$CLUSTER" status >/dev/null 2>&1; then
	pg_ctlcluster --skip-systemctl-redirect "$PG_MAJOR" "$CLUSTER" start >/dev/null ||
		die "could not start cluster $PG_MAJOR/$CLUSTER"
fi
port=$(pg_lsclusters -h | awk -v v="$PG_MAJOR" -v c="$CLUSTER" '$1 == v && $2 == c { print $3 }')

for _ in $(seq 60); do
	pg_isready -q -h 127.0.0.1 -p "$port" && break
	sleep 0.5
done
pg_isready -q -h 127.0.0.1 -p "$port" || die "PostgreSQL on 127.0.0.1:$port did not come up"

as_postgres() { runuser -u postgres -- psql -p "$port" -qtAX -v ON_ERROR_STOP=1 "$@"; }

url="postgres://postgres@127.0.0.1:$port/$DB?sslmode=disable"
server="postgres://postgres@127.0.0.1:$port/postgres?sslmode=disable"
if ! psql "$server" -qtAX -c 'SELECT 1' >/dev/null 2>&1; then
	hba=$(as_postgres -c 'SHOW hba_file')
	rule='host all postgres 127.0.0.1/32 trust # quarterhour tests'
	grep -qF "$rule" "$hba" || sed -i "1i $rule" "$hba"
	as_postgres -c 'SELECT pg_reload_conf()' >/dev/null
	sleep 0.5
	psql "$server" -qtAX -c 'SELECT 1' >/dev/null 2>&1 || die "cannot log in as postgres over 127.0.0.1:$port"
fi

if [[ -z $(as_postgres -c "SELECT 1 FROM pg_database WHERE datname = '$DB'") ]]; then
	as_postgres -c "CREATE DATABASE $DB" >/dev/null
fi
as_postgres -d "$DB" -c 'CREATE EXTENSION IF NOT EXISTS postgis' >/dev/null 2>&1 ||
	die "could not create the postgis extension in $DB"

echo "$url"
