#!/usr/bin/env bash
# Load harness: TypedSessions vs Microsoft.AspNetCore.Session in one app, same backend, driven by wrk in
# interleaved A/B rounds. Prints a markdown table per backend.
#   bash tests/TypedSessions.LoadHarness/run.sh [memory|redis|all] [rounds] [seconds] [connections]
#   WARMUP=90 (default): seconds of load on every case of both libraries before the measured rounds (tiered
#     compilation needs about a minute of load on this 2-core machine to reach optimized code; 0 measures a cold server)
#   USERS=1000 bash tests/TypedSessions.LoadHarness/run.sh …
#     (each request carries one of 1000 sessions per library instead of all connections sharing one cookie)
#   DRIVE=drive-sizes bash tests/TypedSessions.LoadHarness/run.sh all [rounds] [seconds] [connections]
#     (cost of a one-key write against the session's size: 1 KB, 10 KB, 100 KB; bytes to/from Redis per request;
#     SIZE_CASE=read / read1 / read1w measures a one-key read with the whole session loaded / only that key loaded /
#     only that key loaded and then written, instead of the write)
#   DRIVE=drive-sizes bash tests/TypedSessions.LoadHarness/run.sh stores [rounds] [seconds] [connections]
#     (the same for TypedSessions alone on a private PostgreSQL and on a SQLite file: bytes on the wire / written to files)
# The server is pinned to CPU 0 and wrk to CPU 1 (2-core machine) so they do not fight over one core.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
which_backends=${1:-all}; rounds=${2:-3}; seconds=${3:-5}; connections=${4:-32}
work=$(mktemp -d "${TMPDIR:-/tmp}/typedsessions-load.XXXXXX")
server_pid=""; redis_port=""; pg_data=""; pg_bin=""

as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null || true
  [ -n "$redis_port" ] && redis-cli -p "$redis_port" shutdown nosave >/dev/null 2>&1 || true
  [ -n "$pg_data" ] && as_pg "$pg_bin/pg_ctl" -D "$pg_data" -m fast -w stop >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

need() { command -v "$1" >/dev/null 2>&1 || { apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$2" >/dev/null; }; }
need wrk wrk
free_port() { while :; do p=$(( (RANDOM % 20000) + 20000 )); (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null || { echo "$p"; return; }; done; }
pinning=0
if command -v taskset >/dev/null 2>&1 && [ "$(nproc)" -ge 2 ]; then pinning=1; fi
pin() { if [ "$pinning" = 1 ]; then taskset -c "$1" "${@:2}"; else "${@:2}"; fi; }

dotnet build -c Release "$here" -v quiet -nologo >/dev/null
dll="$here/bin/Release/net10.0/TypedSessions.LoadHarness.dll"

run_backend() {
  local backend=$1; local extra=()
  if [ "$backend" = redis ]; then
    need redis-server redis-server
    redis_port=$(free_port)
    redis-server --bind 127.0.0.1 --port "$redis_port" --save '' --appendonly no --daemonize yes \
      --pidfile "$work/redis.pid" --logfile "$work/redis.log" --dir "$work" >/dev/null
    until redis-cli -p "$redis_port" ping 2>/dev/null | grep -q PONG; do sleep 0.1; done
    extra=(--redis "127.0.0.1:$redis_port")
  elif [ "$backend" = postgres ]; then
    pg_bin=$(dirname "$(ls -d /usr/lib/postgresql/*/bin/pg_ctl | sort -V | tail -n 1)")
    local pg_port; pg_port=$(free_port)
    pg_data="$work/pgdata"; mkdir -p "$pg_data"
    [ "$(id -u)" = 0 ] && chown postgres "$work" "$pg_data"
    as_pg "$pg_bin/initdb" -D "$pg_data" --auth=trust -U postgres >/dev/null
    as_pg "$pg_bin/pg_ctl" -D "$pg_data" -l "$work/postgres.log" \
      -o "-p $pg_port -k $work -c listen_addresses=127.0.0.1 -c max_connections=300" -w start >/dev/null
    extra=(--postgres "Host=127.0.0.1;Port=$pg_port;Username=postgres;Database=postgres")
  elif [ "$backend" = sqlite ]; then
    extra=(--sqlite "$work/sessions.db")
  fi
  local port; port=$(free_port)
  # Started directly (not through a shell function) so that $! is the server's own pid and kill stops it.
  if [ "$pinning" = 1 ]; then
    taskset -c 0 dotnet "$dll" serve --urls "http://127.0.0.1:$port" --backend "$backend" "${extra[@]}" >"$work/server.log" 2>&1 &
  else
    dotnet "$dll" serve --urls "http://127.0.0.1:$port" --backend "$backend" "${extra[@]}" >"$work/server.log" 2>&1 &
  fi
  server_pid=$!
  until curl -sf "http://127.0.0.1:$port/stats" >/dev/null; do sleep 0.2; done
  echo "### $backend ($(nproc) cores, $(date -u '+%Y-%m-%d %H:%M') UTC, load $(cut -d' ' -f1-3 /proc/loadavg), $rounds rounds × ${seconds}s, $connections connections, ${USERS:-1} user(s), ${WARMUP:-90} s warm-up)"
  echo
  pin 1 dotnet "$dll" "${DRIVE:-drive}" --base "http://127.0.0.1:$port" --backend "$backend" --rounds "$rounds" --seconds "$seconds" --connections "$connections" --users "${USERS:-1}" --warmup "${WARMUP:-90}" --case "${SIZE_CASE:-set1}" "${extra[@]}"
  kill "$server_pid"; wait "$server_pid" 2>/dev/null || true; server_pid=""
  if [ -n "$redis_port" ]; then redis-cli -p "$redis_port" shutdown nosave >/dev/null 2>&1 || true; redis_port=""; fi
  if [ -n "$pg_data" ]; then as_pg "$pg_bin/pg_ctl" -D "$pg_data" -m fast -w stop >/dev/null 2>&1 || true; pg_data=""; fi
}

case "$which_backends" in
  all) run_backend memory; run_backend redis ;;
  stores) run_backend postgres; run_backend sqlite ;;
  *) run_backend "$which_backends" ;;
esac
