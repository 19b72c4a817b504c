#!/usr/bin/env bash
# The failover runs of docs/reliability.md, repeated: each run starts its own 6-node Redis Cluster and its own PostgreSQL
# primary + streaming standby (tests/TypedSessions.Faults.Tests/FailoverTests.cs), kills/stops the primary under load,
# and appends one table row per case to the report. The suite runs the two cases that may lose nothing (WaitForReplicas 1,
# the synchronous standby) once; this runs all four (TYPEDSESSIONS_FAILOVER_ALL=1), as often as asked, for the spread.
# Usage: bash tests/TypedSessions.Faults.Tests/failover.sh [runs] [report-file]
set -euo pipefail
runs=${1:-5}
report=${2:-/tmp/failover.md}
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
: >"$report"
dotnet build tests/TypedSessions.Faults.Tests -nologo -v q >/dev/null
failed=0
for i in $(seq 1 "$runs"); do
  echo "[failover] run $i of $runs" >&2
  if ! TYPEDSESSIONS_FAILOVER_ALL=1 TYPEDSESSIONS_FAULTS_REPORT="$report" dotnet test tests/TypedSessions.Faults.Tests --no-build --nologo \
    --filter "FullyQualifiedName~FailoverTests" --logger "console;verbosity=normal" >"$report.run$i.log" 2>&1; then
    failed=$((failed + 1))
    echo "[failover] run $i failed; its output: $report.run$i.log" >&2
  fi
  grep -E "Test Run (Successful|Failed)|Passed:|Failed:" "$report.run$i.log" || true
done
cat "$report"
exit $((failed > 0))
