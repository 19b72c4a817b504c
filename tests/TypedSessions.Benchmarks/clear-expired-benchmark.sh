#!/usr/bin/env bash
# Times `typedsessions clear-expired` (Release build) on 1,000,000 expired sessions in SQLite and PostgreSQL, measures
# live reads and writes during a cleanup (CleanupLoad.cs), and shows the command on a 6-node Redis Cluster.
#   bash tests/TypedSessions.Benchmarks/clear-expired-benchmark.sh [sections...]
# Sections: sqlite postgresql load redis (default: all), and sqlite-live (1,000,000 live rows, nothing expired). Environment:
#   ROWS=1000000 (expired rows)  BATCHES="1000 10000" (batch sizes timed)  LIVE=10000 (live sessions of the load runs)
#   LOAD_SECONDS=5 (load before and after the cleanup)  RATE, WRITE_RATE (pace the load: below)  LOAD_STORES
#   REDIS_LIVE=1000000  REDIS_STALE=10000  REDIS_SHORT=100000
# Servers: TYPEDSESSIONS_TEST_POSTGRES and TYPEDSESSIONS_TEST_REDIS_CLUSTER when set (your own servers), else
# tests/servers.sh starts a private PostgreSQL (fsync=off) and Redis Cluster on loopback and stops them afterwards.
# Rows are bulk-inserted with SQL (no .NET seeding): 64-hex keys, an expiry an hour ago, and a ~300-byte payload per
# session (random bytes for SQLite's data column, three keys/values for PostgreSQL's arrays; the delete never decodes
# them). Each timed run re-seeds, so every batch size starts from the same table.
set -euo pipefail
sections=("$@")
[ ${#sections[@]} -gt 0 ] || sections=(sqlite postgresql load redis)
rows=${ROWS:-1000000}
read -r -a batches <<<"${BATCHES:-1000 10000}"
live=${LIVE:-10000}
# RATE=N paces the load runs' readers to N loads/s in all and the writer to WRITE_RATE (50) saves/s; unset, they
# call as fast as they can (a load that saturates the machine).
pace=()
[ -z "${RATE:-}" ] || pace=(--rate "$RATE" --write-rate "${WRITE_RATE:-50}")
load_seconds=${LOAD_SECONDS:-5}
want() { local s; for s in "${sections[@]}"; do [ "$s" = "$1" ] && return 0; done; return 1; }

source "$(dirname "${BASH_SOURCE[0]}")/../servers.sh"
ensure_packages
if [ -z "${TYPEDSESSIONS_TEST_POSTGRES:-}" ] && { want postgresql || want load; }; then
  start_postgres
  export TYPEDSESSIONS_TEST_POSTGRES="Host=127.0.0.1;Port=$pg_port;Username=postgres;Database=postgres"
fi
if [ -z "${TYPEDSESSIONS_TEST_REDIS_CLUSTER:-}" ] && want redis; then
  start_redis_cluster
  TYPEDSESSIONS_TEST_REDIS_CLUSTER=$(printf '127.0.0.1:%s,' "${cluster_ports[@]}"); TYPEDSESSIONS_TEST_REDIS_CLUSTER=${TYPEDSESSIONS_TEST_REDIS_CLUSTER%,}
fi
cd "$root"

dotnet build -c Release src/TypedSessions.Cli -v q -nologo >/dev/null
dotnet build -c Release tests/TypedSessions.Benchmarks -v q -nologo >/dev/null
tool=(dotnet "$root/src/TypedSessions.Cli/bin/Release/net10.0/TypedSessions.Cli.dll")
bench=(dotnet "$root/tests/TypedSessions.Benchmarks/bin/Release/net10.0/TypedSessions.Benchmarks.dll" cleanup-load)

say() { printf '%s\n' "$*"; }
load() { printf 'load average at start: %s' "$(cut -d' ' -f1-3 /proc/loadavg)"; }
say "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(free -g | awk '/Mem:/{print $2}') GiB RAM; $(date -u '+%F %H:%M UTC')"
say "expired rows: $rows"

# ---- SQLite: the store's schema (SqliteSessionStore.EnsureSchemaAsync: no expiry index), WAL ----
db="$work/bench.db"
seed_sqlite() {
  local expired_ms=$(( ($(date +%s) - 3600) * 1000 ))
  rm -f "$db" "$db-wal" "$db-shm"
  sqlite3 "$db" >/dev/null <<SQL
PRAGMA journal_mode=WAL;
CREATE TABLE typedsessions (key TEXT NOT NULL PRIMARY KEY, expires_at INTEGER NOT NULL, version INTEGER NOT NULL,
  user_key TEXT NULL, data BLOB NOT NULL) WITHOUT ROWID;
CREATE INDEX ix_typedsessions_user_key ON typedsessions (user_key) WHERE user_key IS NOT NULL;
BEGIN;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $rows)
INSERT INTO typedsessions SELECT lower(hex(randomblob(32))), $expired_ms - (i % 600000), 1, NULL, randomblob(300) FROM n;
COMMIT;
PRAGMA wal_checkpoint(TRUNCATE);
SQL
}

if want sqlite; then
  for batch in "${batches[@]}"; do
    start=$(date +%s.%N); seed_sqlite; seeded=$(date +%s.%N)
    say "sqlite seed: $(echo "$seeded - $start" | bc) s, file $(du -m "$db" | cut -f1) MB"
    say "sqlite batch $batch: $(load)"
    start=$(date +%s.%N)
    "${tool[@]}" clear-expired --store sqlite --connection "Data Source=$db" --batch-size "$batch"
    end=$(date +%s.%N)
    say "sqlite batch $batch: clear-expired $(echo "$end - $start" | bc) s (process wall time); left: $(sqlite3 "$db" 'SELECT COUNT(*) FROM typedsessions;')"
  done
  # The one-off migration of a database created by an earlier version: dropping its expiry index.
  seed_sqlite
  sqlite3 "$db" 'CREATE INDEX ix_typedsessions_expires_at ON typedsessions (expires_at); PRAGMA wal_checkpoint(TRUNCATE);' >/dev/null
  say "sqlite migration: $(load)"
  start=$(date +%s.%N)
  "${tool[@]}" stats --store sqlite --connection "Data Source=$db" >/dev/null
  end=$(date +%s.%N)
  say "sqlite migration: first stats on a database with the old expiry index (drops it, then counts) $(echo "$end - $start" | bc) s; indexes left: $(sqlite3 "$db" "SELECT group_concat(name) FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL;")"
fi

# ---- SQLite with nothing expired (the hourly run's usual case): the walk reads every range and deletes nothing ----
if want sqlite-live; then
  seed_sqlite
  sqlite3 "$db" "UPDATE typedsessions SET expires_at = expires_at + 2 * 86400000; PRAGMA wal_checkpoint(TRUNCATE);" >/dev/null
  say "sqlite nothing expired: $(load)"
  start=$(date +%s.%N)
  "${tool[@]}" clear-expired --store sqlite --connection "Data Source=$db"
  end=$(date +%s.%N)
  say "sqlite nothing expired ($rows live rows): clear-expired $(echo "$end - $start" | bc) s (process wall time); left: $(sqlite3 "$db" 'SELECT COUNT(*) FROM typedsessions;')"
fi

# ---- PostgreSQL: the store's schema (PostgreSqlSessionStore.GetSchemaScript) ----
export PGOPTIONS="-c client_min_messages=warning"
pg_host=$(sed -E 's/.*Host=([^;]+).*/\1/' <<<"${TYPEDSESSIONS_TEST_POSTGRES:-Host=127.0.0.1;}")
pg_port_=$(sed -E 's/.*Port=([0-9]+).*/\1/' <<<"${TYPEDSESSIONS_TEST_POSTGRES:-Port=5432;}")
pg=(psql -h "$pg_host" -p "$pg_port_" -U postgres -d postgres -q -v ON_ERROR_STOP=1)
seed_postgres() {
  "${pg[@]}" >/dev/null <<SQL
DROP TABLE IF EXISTS typedsessions;
CREATE TABLE typedsessions (key bytea NOT NULL PRIMARY KEY, created_at timestamptz NOT NULL, expires_at timestamptz NOT NULL,
  absolute_expires_at timestamptz NULL, idle_timeout_ms bigint NULL, expiry_mode smallint NOT NULL, version bigint NOT NULL,
  user_key text NULL, value_keys bytea[] NOT NULL, value_data bytea[] NOT NULL);
INSERT INTO typedsessions
SELECT sha256(int8send(i)), now() - interval '2 hours', now() - interval '1 hour' - (i % 600000) * interval '1 millisecond',
       now() + interval '6 hours', 1200000, 0, 1, NULL,
       ARRAY['uid'::bytea, 'username'::bytea, 'cart'::bytea],
       ARRAY[int4send(i::int), convert_to('user' || i, 'UTF8'), sha512(int8send(i)) || sha512(int8send(-i)) || sha512(int8send(i + 1)) || sha512(int8send(-i - 1))]
FROM generate_series(1, $rows) AS i;
CREATE INDEX ix_typedsessions_expires_at ON typedsessions (expires_at);
CREATE INDEX ix_typedsessions_user_key ON typedsessions (user_key) WHERE user_key IS NOT NULL;
VACUUM ANALYZE typedsessions;
SQL
}

if want postgresql; then
  say "postgresql: fsync=$("${pg[@]}" -tAc 'SHOW fsync'), synchronous_commit=$("${pg[@]}" -tAc 'SHOW synchronous_commit'), $("${pg[@]}" -tAc 'SHOW server_version')"
  for batch in "${batches[@]}"; do
    start=$(date +%s.%N); seed_postgres; seeded=$(date +%s.%N)
    say "postgresql seed: $(echo "$seeded - $start" | bc) s, table $("${pg[@]}" -tAc "SELECT pg_size_pretty(pg_total_relation_size('typedsessions'))")"
    say "postgresql batch $batch: $(load)"
    start=$(date +%s.%N)
    "${tool[@]}" clear-expired --store postgresql --connection "$TYPEDSESSIONS_TEST_POSTGRES" --batch-size "$batch"
    end=$(date +%s.%N)
    say "postgresql batch $batch: clear-expired $(echo "$end - $start" | bc) s (process wall time); left: $("${pg[@]}" -tAc 'SELECT count(*) FROM typedsessions')"
  done
fi

# ---- Live reads and writes during a cleanup (CleanupLoad.cs): LIVE live sessions next to ROWS expired ones ----
# LOAD_STORES="sqlite postgresql" (the default) chooses the stores.
load_stores=" ${LOAD_STORES:-sqlite postgresql} "
if want load && [[ $load_stores == *" sqlite "* ]]; then
  for cleaner in same separate; do
    seed_sqlite
    say "load sqlite ($cleaner): $(load)"
    "${bench[@]}" --store sqlite --connection "Data Source=$db" --live "$live" --seconds "$load_seconds" --batch "${batches[0]}" --cleanup-store "$cleaner" "${pace[@]}"
  done
fi
if want load && [[ $load_stores == *" postgresql "* ]]; then
  seed_postgres
  say "load postgresql: $(load)"
  "${bench[@]}" --store postgresql --connection "$TYPEDSESSIONS_TEST_POSTGRES" --live "$live" --seconds "$load_seconds" --batch "${batches[0]}" --cleanup-store separate "${pace[@]}"
fi

# ---- Redis Cluster: TTL removes expired sessions; clear-expired scans every primary for the few it has not ----
if want redis; then
  IFS=, read -r -a nodes <<<"$TYPEDSESSIONS_TEST_REDIS_CLUSTER"
  primaries=()
  for node in "${nodes[@]}"; do
    [ "$(redis-cli -h "${node%:*}" -p "${node##*:}" role | head -n1)" = master ] && primaries+=("$node")
  done
  dbsize() { local n total=0; for n in "${primaries[@]}"; do total=$((total + $(redis-cli -h "${n%:*}" -p "${n##*:}" dbsize))); done; echo "$total"; }
  # Keys Redis itself removed because their TTL passed (INFO stats expired_keys, summed over the primaries).
  ttl_expired() { local n total=0; for n in "${primaries[@]}"; do total=$((total + $(redis-cli -h "${n%:*}" -p "${n##*:}" info stats | tr -d '\r' | awk -F: '/^expired_keys:/{print $2}'))); done; echo "$total"; }
  for n in "${primaries[@]}"; do redis-cli -h "${n%:*}" -p "${n##*:}" flushall >/dev/null; redis-cli -h "${n%:*}" -p "${n##*:}" config resetstat >/dev/null; done
  "${bench[@]}" --store redis-seed --connection "$TYPEDSESSIONS_TEST_REDIS_CLUSTER" --live "${REDIS_LIVE:-1000000}" \
    --short "${REDIS_SHORT:-100000}" --stale "${REDIS_STALE:-10000}"
  say "redis cluster: keys on the ${#primaries[@]} primaries right after seeding: $(dbsize); removed by TTL so far: $(ttl_expired)"
  sleep 10
  say "redis cluster: 10 s later: keys $(dbsize) (DBSIZE counts keys whose TTL passed until Redis reclaims them); removed by TTL: $(ttl_expired)"
  for batch in "${batches[0]}"; do
    say "redis cluster batch $batch: $(load)"
    start=$(date +%s.%N)
    "${tool[@]}" clear-expired --store redis --connection "$TYPEDSESSIONS_TEST_REDIS_CLUSTER" --batch-size "$batch"
    end=$(date +%s.%N)
    say "redis cluster batch $batch: clear-expired $(echo "$end - $start" | bc) s (process wall time); keys left: $(dbsize); removed by TTL: $(ttl_expired)"
  done
fi
