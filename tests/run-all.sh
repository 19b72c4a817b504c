#!/usr/bin/env bash
# Runs the whole test suite the way CI does: installs (apt-get) Redis, PostgreSQL and Chromium (for
# the browser tests) when missing, starts private Redis (a server and a 6-node cluster) and PostgreSQL servers on loopback
# (tests/servers.sh), builds TypedSessions.sln, runs `dotnet test` on every test project of it, stops the servers by pid
# and ends with the line "N passed, N failed" counted from the per-assembly results.
#
# The test projects run in two lanes at once (two `dotnet test --no-build` over solution filters): lane A holds the
# generator tests (they pack and build real projects: the longest project) with a few short ones and the fault tests,
# which mostly wait; lane B every other test project of the solution, so a new test project can never be left out.
# Measured on 2 cores from a fresh clone (2026-12-01): one `dotnet test TypedSessions.sln` 11.6 min (build 2.7 min,
# tests one after another 8.6 min); two lanes 10.1 and 10.25 min, 9.8 min with these lanes; two lanes with -m:1 (one project at a time per
# lane) 11.1 min. The tests are mostly CPU-bound on two cores, so overlapping them gains about a minute. Later runs of
# these lanes on the same machine: 9.0–9.8 min (2026-12-01 afternoon), 9.3 min, then 11.7 and 11.8 min (evening, with
# ~50 more tests; the same projects each took 15–60 % longer than in the morning's run); 9.1 min once the solution's
# build used the compiler server (and the sample's hardening tests reused their apps); 8.5, 8.9, 9.0 and 10.2 min
# once the packaging tests' builds shared that server and the sample's many-row theories shared one app per class
# (the 10.2-minute run: every project 15–30 % slower than in the 9.0-minute run just before, same code); 8.6 and
# 10.3 min, then 10.2 min on fresh clones late on 2026-12-01 (~30 more tests; every project 10–25 % slower in the
# longer runs, load average 17–19 during them).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/servers.sh"
start_servers

cd "$root"
lane_a=(TypedSessions.Generators.Tests TypedSessions.Faults.Tests
        TypedSessions.Testing.Tests TypedSessions.Cli.Tests TypedSessions.Testing.XunitV3.Tests)

# Every test project of the solution (the name ends in Tests), as the solution file lists it (tests\X\X.csproj).
mapfile -t all_tests < <(grep -o '"[^"]*Tests\.csproj"' TypedSessions.sln | tr -d '"')
a=(); b=()
for project in "${all_tests[@]}"; do
  name=$(basename "${project//\\//}" .csproj)
  if printf '%s\n' "${lane_a[@]}" | grep -qx "$name"; then a+=("$project"); else b+=("$project"); fi
done
if [ "${#a[@]}" -ne "${#lane_a[@]}" ]; then
  log "lane A names a project the solution does not have: ${lane_a[*]}"; exit 1
fi

# A solution filter per lane: { "solution": { "path": ..., "projects": [...] } }.
filter() {
  local file=$1; shift
  { printf '{ "solution": { "path": "%s", "projects": [' "$root/TypedSessions.sln"
    local sep=""; for p in "$@"; do printf '%s"%s"' "$sep" "${p//\\/\\\\}"; sep=", "; done
    printf '] } }\n'; } > "$file"
}
filter "$work/lane-a.slnf" "${a[@]}"
filter "$work/lane-b.slnf" "${b[@]}"

set +e
# Every build of the run uses one Roslyn compiler server (one warm compiler instead of a fresh compiler process per
# project): the solution's build (measured on a fresh clone: 100 s instead of 155–168 s) and the packaging tests' builds
# of real projects (their Release pack and consumer apps: alone, 86 s instead of 130 s of wall time and 165 instead of
# 203 CPU seconds). The server starts with the solution's build and is stopped when the run ends, however it ends
# (servers.sh's cleanup); it does not hold the output pipes of the builds that start it (the build's `tee` below ends
# while the server runs).
export UseSharedCompilation=true
stop_compiler_server() { dotnet build-server shutdown --vbcscompiler >/dev/null 2>&1; }
before_cleanup=stop_compiler_server
dotnet build TypedSessions.sln 2>&1 | tee "$work/build-output.txt"
build_rc=${PIPESTATUS[0]}
test_rc=$build_rc
if [ "$build_rc" -eq 0 ]; then
  log "lane A: ${a[*]}"
  log "lane B: ${b[*]}"
  dotnet test "$work/lane-a.slnf" --no-build --logger "trx" --results-directory "$results/a" "$@" > "$work/lane-a.txt" 2>&1 &
  lane_a_pid=$!
  dotnet test "$work/lane-b.slnf" --no-build --logger "trx" --results-directory "$results/b" "$@" > "$work/lane-b.txt" 2>&1 &
  lane_b_pid=$!
  # Both lanes' output as it comes (tail names the lane before each switch), then together for the count.
  tail -n +1 -F "$work/lane-a.txt" "$work/lane-b.txt" 2>/dev/null &
  tail_pid=$!
  wait "$lane_a_pid"; rc_a=$?
  wait "$lane_b_pid"; rc_b=$?
  sleep 1; kill "$tail_pid" 2>/dev/null; wait "$tail_pid" 2>/dev/null
  cat "$work/lane-a.txt" "$work/lane-b.txt" > "$work/test-output.txt"
  test_rc=$(( rc_a != 0 ? rc_a : rc_b ))
else
  : > "$work/test-output.txt"
fi
set -e

# One summary line per test assembly: "Passed!  - Failed:     0, Passed:    62, Skipped:     0, ..."
passed=0; failed=0; skipped=0; assemblies=0
while read -r f p s; do
  passed=$((passed + p)); failed=$((failed + f)); skipped=$((skipped + s)); assemblies=$((assemblies + 1))
done < <(sed -n 's/.*- Failed: *\([0-9]*\), Passed: *\([0-9]*\), Skipped: *\([0-9]*\),.*/\1 \2 \3/p' "$work/test-output.txt")

if [ "$passed" -eq 0 ] && [ "$test_rc" -eq 0 ]; then
  log "no test ran"; test_rc=1
fi
# A test assembly that crashed or never ran prints no summary line: every test project must report one.
if [ "$test_rc" -eq 0 ] && [ "$#" -eq 0 ] && [ "$assemblies" -ne "${#all_tests[@]}" ]; then
  log "$assemblies of ${#all_tests[@]} test projects reported results"; test_rc=1
fi
if [ "$skipped" -gt 0 ]; then
  echo "$passed passed, $failed failed, $skipped skipped"
else
  echo "$passed passed, $failed failed"
fi
exit "$test_rc"
