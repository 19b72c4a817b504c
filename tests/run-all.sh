#!/usr/bin/env bash
# Runs the whole test suite the way CI does: installs (apt-get) Redis, PostgreSQL and Chromium (for
# the browser tests) when missing, starts private Redis (a server and a 6-node cluster) and PostgreSQL servers on loopback
# (tests/servers.sh), runs `dotnet test TypedSessions.sln`, stops the servers by pid and ends with
# the line "N passed, N failed" counted from the per-assembly results.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/servers.sh"
start_servers

cd "$root"
set +e
dotnet test TypedSessions.sln --logger "trx" --results-directory "$results" "$@" 2>&1 | tee "$work/test-output.txt"
test_rc=${PIPESTATUS[0]}
set -e

# One summary line per test assembly: "Passed!  - Failed:     0, Passed:    62, Skipped:     0, ..."
passed=0; failed=0; skipped=0
while read -r f p s; do
  passed=$((passed + p)); failed=$((failed + f)); skipped=$((skipped + s))
done < <(sed -n 's/.*- Failed: *\([0-9]*\), Passed: *\([0-9]*\), Skipped: *\([0-9]*\),.*/\1 \2 \3/p' "$work/test-output.txt")

if [ "$passed" -eq 0 ] && [ "$test_rc" -eq 0 ]; then
  log "no test ran"; test_rc=1
fi
if [ "$skipped" -gt 0 ]; then
  echo "$passed passed, $failed failed, $skipped skipped"
else
  echo "$passed passed, $failed failed"
fi
exit "$test_rc"
