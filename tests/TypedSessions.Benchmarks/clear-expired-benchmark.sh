#!/usr/bin/env bash
# Times `typedsessions clear-expired` (Release build) on 1,000,000 expired sessions in SQLite and in a
# private PostgreSQL (tests/servers.sh starts it on loopback and stops it afterwards).
#   bash tests/TypedSessions.Benchmarks/clear-expired-benchmark.sh [rows] [batch sizes...]
# Defaults: 1000000 rows; batch sizes 1000 (the stores' default) and 10000.
# Rows are bulk-inserted with SQL (no .NET seeding): 64-hex keys, an expiry an hour ago, and a ~300-byte
# payload per session (random bytes for SQLite's data column, three keys/values for PostgreSQL's arrays;
# the delete never decodes them). Each run re-seeds, so every batch size starts from the same table.
set -euo pipefail
rows=${1:-1000000}
shift || true
batches=("$@")
[ ${#batches[@]} -gt 0 ] || batches=(1000 10000)

source "$(dirname "${BASH_SOURCE[0]}")/../servers.sh"
start_servers
cd "$root"

dotnet build -c Release src/TypedSessions.Cli -v q -nologo >/dev/null
tool=(dotnet "$root/src/TypedSessions.Cli/bin/Release/net10.0/TypedSessions.Cli.dll")
expired_ms=$(( ($(date +%s) - 3600) * 1000 ))

say() { printf '%s\n' "$*"; }
say "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(free -g | awk '/Mem:/{print $2}') GiB RAM; load: $(cut -d' ' -f1-3 /proc/loadavg)"
say "rows: $rows"

# ---- SQLite: the store's schema (SqliteSessionStore.EnsureSchemaAsync), WAL ----
db="$work/bench.db"
seed_sqlite() {
  rm -f "$db" "$db-wal" "$db-shm"
  sqlite3 "$db" >/dev/null <<SQL
PRAGMA journal_mode=WAL;
CREATE TABLE typedsessions (key TEXT NOT NULL PRIMARY KEY, expires_at INTEGER NOT NULL, version INTEGER NOT NULL,
  user_key TEXT NULL, data BLOB NOT NULL) WITHOUT ROWID;
CREATE INDEX ix_typedsessions_expires_at ON typedsessions (expires_at);
CREATE INDEX ix_typedsessions_user_key ON typedsessions (user_key) WHERE user_key IS NOT NULL;
BEGIN;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $rows)
INSERT INTO typedsessions SELECT lower(hex(randomblob(32))), $expired_ms - (i % 600000), 1, NULL, randomblob(300) FROM n;
COMMIT;
SQL
}

for batch in "${batches[@]}"; do
  start=$(date +%s.%N); seed_sqlite; seeded=$(date +%s.%N)
  say "sqlite seed: $(echo "$seeded - $start" | bc) s, file $(du -m "$db" | cut -f1) MB"
  start=$(date +%s.%N)
  "${tool[@]}" clear-expired --store sqlite --connection "Data Source=$db" --batch-size "$batch"
  end=$(date +%s.%N)
  say "sqlite batch $batch: clear-expired $(echo "$end - $start" | bc) s (process wall time); left: $(sqlite3 "$db" 'SELECT COUNT(*) FROM typedsessions;')"
done

# ---- PostgreSQL: the store's schema (PostgreSqlSessionStore.GetSchemaScript) ----
export PGOPTIONS="-c client_min_messages=warning"
pg=(psql -h 127.0.0.1 -p "$pg_port" -U postgres -d postgres -q -v ON_ERROR_STOP=1)
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

for batch in "${batches[@]}"; do
  start=$(date +%s.%N); seed_postgres; seeded=$(date +%s.%N)
  say "postgresql seed: $(echo "$seeded - $start" | bc) s, table $("${pg[@]}" -tAc "SELECT pg_size_pretty(pg_total_relation_size('typedsessions'))")"
  start=$(date +%s.%N)
  "${tool[@]}" clear-expired --store postgresql --connection "$TYPEDSESSIONS_TEST_POSTGRES" --batch-size "$batch"
  end=$(date +%s.%N)
  say "postgresql batch $batch: clear-expired $(echo "$end - $start" | bc) s (process wall time); left: $("${pg[@]}" -tAc 'SELECT count(*) FROM typedsessions')"
done
