#!/usr/bin/env bash
# Memory at rest: what N live typical sessions (tests/TypedSessions.Benchmarks/TypicalSession.cs) occupy in Redis
# (INFO memory used_memory delta), PostgreSQL (pg_total_relation_size) and SQLite (file size), next to the built-in
# Microsoft.AspNetCore.Session on the same Redis. Servers are private, on loopback (tests/servers.sh), stopped on exit.
#   bash tests/TypedSessions.Benchmarks/memory-at-rest.sh [sessions]     (default 1000000)
# Small counts are a smoke test only: below ~100,000 sessions fixed costs (client buffers, dictionary resizes) swamp
# the per-session delta.
# One real session per store is written through the store's API (the built-in one through DistributedSession over
# RedisCache), then copied server-side under new random keys (Redis DUMP/RESTORE with its TTL, SQL INSERT ... SELECT);
# random copies are loaded back through the same APIs and compared byte for byte (MemoryAtRest.cs). A last Redis row
# writes every session through RedisSessionStore.CreateAsync, each bound to its own user (the @u field and a user index).
set -euo pipefail
sessions=${1:-1000000}

source "$(dirname "${BASH_SOURCE[0]}")/../servers.sh"
start_servers
cd "$root"

dotnet build -c Release tests/TypedSessions.Benchmarks -v q -nologo >/dev/null
printf 'date: %s\n' "$(date -u '+%Y-%m-%d %H:%M UTC')"
printf 'machine: %s cores, %s, %s GiB RAM; load: %s\n' "$(nproc)" "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)" \
  "$(free -g | awk '/Mem:/{print $2}')" "$(cut -d' ' -f1-3 /proc/loadavg)"
printf 'dotnet: %s\n' "$(dotnet --version)"
dotnet "$root/tests/TypedSessions.Benchmarks/bin/Release/net10.0/TypedSessions.Benchmarks.dll" memory-at-rest --sessions "$sessions" \
  --redis "$TYPEDSESSIONS_TEST_REDIS" --postgres "$TYPEDSESSIONS_TEST_POSTGRES" --sqlite "$work/memory-at-rest.db" --user-bound "$sessions"
