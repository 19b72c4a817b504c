#!/usr/bin/env bash
# The shell experiments behind the cleanup's design (docs/benchmarks.md, "Clearing expired sessions": "What was
# tried"): the same deletes as the stores, run by Python's sqlite3 module (the system SQLite) and by psql, on
# 1,000,000 expired rows seeded like clear-expired-benchmark.sh does.
#   bash tests/TypedSessions.Benchmarks/clear-expired-experiments.sh sqlite MODE BATCH [PRAGMA|dropidx ...]
#       MODE old   = the former store: DELETE ... WHERE key IN (SELECT key ... WHERE expires_at <= now LIMIT n)
#       MODE range = the primary-key walk: the range's upper key, then DELETE ... key range AND expires_at <= now
#       dropidx    = drop ix_typedsessions_expires_at first; other words are PRAGMAs (synchronous=NORMAL, ...)
#       LIVE=N     = add N live rows first (random keys, so spread over the ranges)
#   bash tests/TypedSessions.Benchmarks/clear-expired-experiments.sh postgresql old|ctid BATCH   (needs PGPORT)
# The seeded SQLite file is kept in $SEED_DIR (default /tmp/clear-expired-seed) and copied for every run.
set -euo pipefail
seed_dir=${SEED_DIR:-/tmp/clear-expired-seed}
mkdir -p "$seed_dir"
rows=${ROWS:-1000000}
case "$1" in
sqlite)
  if [ ! -f "$seed_dir/seed.db" ]; then
    echo $(( ($(date +%s) - 3600) * 1000 )) >"$seed_dir/exp_ms"
    sqlite3 "$seed_dir/seed.db" >/dev/null <<SQL
PRAGMA journal_mode=WAL;
CREATE TABLE typedsessions (key TEXT NOT NULL PRIMARY KEY, expires_at INTEGER NOT NULL, version INTEGER NOT NULL,
  user_key TEXT NULL, data BLOB NOT NULL) WITHOUT ROWID;
CREATE INDEX ix_typedsessions_expires_at ON typedsessions (expires_at);
CREATE INDEX ix_typedsessions_user_key ON typedsessions (user_key) WHERE user_key IS NOT NULL;
BEGIN;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $rows)
INSERT INTO typedsessions SELECT lower(hex(randomblob(32))), $(cat "$seed_dir/exp_ms") - (i % 600000), 1, NULL, randomblob(300) FROM n;
COMMIT;
PRAGMA wal_checkpoint(TRUNCATE);
SQL
  fi
  shift
  echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
  SEED_DIR="$seed_dir" python3 - "$@" <<'PY'
import os, shutil, sqlite3, sys, time
mode, batch, opts = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
seed = os.environ["SEED_DIR"]
db = seed + "/run.db"
for f in (db, db + "-wal", db + "-shm"):
    if os.path.exists(f): os.remove(f)
shutil.copy(seed + "/seed.db", db)
now = int(open(seed + "/exp_ms").read()) + 1000
c = sqlite3.connect(db, isolation_level=None)
c.execute("PRAGMA journal_mode=WAL")
live = int(os.environ.get("LIVE", "0"))
if live:
    # LIVE live rows (expiring in a day) spread over the key space among the expired ones, inserted before the run.
    c.execute(f"WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {live}) "
              f"INSERT INTO typedsessions SELECT lower(hex(randomblob(32))), {now + 86_400_000}, 1, NULL, randomblob(300) FROM n")
    c.execute("PRAGMA wal_checkpoint(TRUNCATE)")
for o in opts:
    if o == "dropidx":
        t = time.time(); c.execute("DROP INDEX ix_typedsessions_expires_at"); c.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        print(f"drop index: {time.time() - t:.2f} s")
    else:
        c.execute("PRAGMA " + o)
t0 = time.time()
total = c.execute("SELECT COUNT(*) FROM typedsessions WHERE expires_at <= ?", (now,)).fetchone()[0]
counted = time.time() - t0
deleted, batches, longest, cursor = 0, 0, 0.0, ""
while True:
    tb = time.time()
    if mode == "old":
        n = c.execute("DELETE FROM typedsessions WHERE key IN (SELECT key FROM typedsessions WHERE expires_at <= ? LIMIT ?)", (now, batch)).rowcount
        last = None if n <= 0 else ""
    else:
        c.execute("BEGIN IMMEDIATE")
        r = c.execute("SELECT key FROM typedsessions WHERE key > ? ORDER BY key LIMIT 1 OFFSET ?", (cursor, batch - 1)).fetchone()
        last = r[0] if r else None
        if last is None:
            n = c.execute("DELETE FROM typedsessions WHERE key > ? AND expires_at <= ?", (cursor, now)).rowcount
        else:
            n = c.execute("DELETE FROM typedsessions WHERE key > ? AND key <= ? AND expires_at <= ?", (cursor, last, now)).rowcount
        c.execute("COMMIT")
        cursor = last
    longest = max(longest, time.time() - tb); batches += 1; deleted += max(n, 0)
    if last is None: break
left = c.execute("SELECT COUNT(*) FROM typedsessions").fetchone()[0]
print(f"sqlite {sqlite3.sqlite_version} {mode} batch {batch} {opts} live {live}: count {total} in {counted:.2f} s; deleted {deleted} in {time.time() - t0:.2f} s "
      f"(count included), {batches} batches, longest {longest * 1000:.0f} ms, left {left}")
PY
  ;;
postgresql)
  mode=$2; b=$3
  export PGOPTIONS="-c client_min_messages=warning"
  P=(psql -h 127.0.0.1 -p "${PGPORT:?set PGPORT}" -U postgres -q -v ON_ERROR_STOP=1)
  if [ "$("${P[@]}" -d postgres -tAc "SELECT count(*) FROM pg_database WHERE datname = 'cleanup_seed'")" = 0 ]; then
    "${P[@]}" -d postgres -c "CREATE DATABASE cleanup_seed"
    "${P[@]}" -d cleanup_seed >/dev/null <<SQL
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
  fi
  "${P[@]}" -d postgres -c "DROP DATABASE IF EXISTS cleanup_run" -c "CREATE DATABASE cleanup_run TEMPLATE cleanup_seed"
  if [ "$mode" = old ]; then
    stmt="DELETE FROM typedsessions WHERE expires_at <= now() AND key IN (SELECT key FROM typedsessions WHERE expires_at <= now() LIMIT $b FOR UPDATE SKIP LOCKED);"
  else
    stmt="DELETE FROM typedsessions WHERE expires_at <= now() AND ctid = ANY(ARRAY(SELECT ctid FROM typedsessions WHERE expires_at <= now() LIMIT $b FOR UPDATE SKIP LOCKED));"
  fi
  script=$(mktemp)
  { echo "SELECT count(*) FROM typedsessions WHERE expires_at <= now();"; for _ in $(seq $(( rows / b + 2 ))); do echo "$stmt"; done; } >"$script"
  echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
  start=$(date +%s.%N)
  "${P[@]}" -d cleanup_run -f "$script" >/dev/null
  end=$(date +%s.%N)
  rm -f "$script"
  echo "postgresql $mode batch $b: $(echo "$end - $start" | bc) s (count and one statement a batch, autocommit); left $("${P[@]}" -d cleanup_run -tAc 'SELECT count(*) FROM typedsessions')"
  ;;
*) echo "usage: $0 sqlite|postgresql ..." >&2; exit 2 ;;
esac
