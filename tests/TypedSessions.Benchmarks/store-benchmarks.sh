#!/usr/bin/env bash
# Store round-trip benchmarks on real SQLite, PostgreSQL and Redis servers (started privately on
# loopback by tests/servers.sh and stopped afterwards).
#   bash tests/TypedSessions.Benchmarks/store-benchmarks.sh
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../servers.sh"
start_servers
cd "$root"
dotnet run -c Release --project tests/TypedSessions.Benchmarks -- --filter '*StoreRoundTrip*' "$@"
