#!/usr/bin/env bash
# The failover runs of docs/reliability.md, repeated: each run starts its own 6-node Redis Cluster and its own PostgreSQL
# primary + streaming standby (tests/TypedSessions.Faults.Tests/FailoverTests.cs), kills/stops the primary under load,
# and appends one table row per case to the report. The suite runs each case once; this gives the spread.
# Usage: bash tests/TypedSessions.Faults.Tests/failover.sh [runs] [report-file]
set -euo pipefail
runs=${1:-5}
report=${2:-/tmp/failover.md}
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
: >"$report"
dotnet build tests/TypedSessions.Faults.Tests -nologo -v q >/dev/null
for i in $(seq 1 "$runs"); do
  echo "[failover] run $i of $runs" >&2
  TYPEDSESSIONS_FAULTS_REPORT="$report" dotnet test tests/TypedSessions.Faults.Tests --no-build --nologo \
    --filter "FullyQualifiedName~FailoverTests" | grep -E "Passed!|Failed!"
done
cat "$report"
