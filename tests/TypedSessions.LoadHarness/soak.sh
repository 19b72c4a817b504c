#!/usr/bin/env bash
# Load and soak: N concurrent clients for S seconds against samples/ShopSample on SQLite and/or Redis.
# Each client increments its own counter key on one shared session, one counter all clients share on that session
# (read-modify-write under contention: 409 answers are retried), and a counter on a session of its own;
# at the end every counter must equal the number of acknowledged increments, with 0 errors, and the app's
# RSS must be stable over the measured run: mean of its last 10 s at most max(+10 %, +16 MiB) over the
# mean of its first 10 s. A warm-up run (default 20 s, same clients, same checks) comes first, so start-up
# growth (JIT, pools, GC heap sizing) is not counted. Prints a markdown table; exit 1 on any failure.
#   bash tests/TypedSessions.LoadHarness/soak.sh [sqlite|redis|all] [clients=200] [seconds=60] [warmup=20]
# The app is pinned to CPU 0 and the driver to CPU 1 (2-core machine). Everything runs on loopback; the
# SQLite file and the private Redis live in a temp folder and are stopped by pid / their own stop command.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
which_stores=${1:-all}; clients=${2:-200}; seconds=${3:-60}; warmup=${4:-20}
case "$which_stores" in sqlite|redis|all) ;; *) echo "usage: soak.sh [sqlite|redis|all] [clients] [seconds]" >&2; exit 2 ;; esac
work=$(mktemp -d "${TMPDIR:-/tmp}/typedsessions-soak.XXXXXX")
app_pid=""; redis_port=""

cleanup() {
  [ -n "$app_pid" ] && kill "$app_pid" 2>/dev/null || true
  [ -n "$redis_port" ] && redis-cli -p "$redis_port" shutdown nosave >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

need() { command -v "$1" >/dev/null 2>&1 || { apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$2" >/dev/null; }; }
free_port() { while :; do p=$(( (RANDOM % 20000) + 20000 )); (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null || { echo "$p"; return; }; done; }
pinning=0
if command -v taskset >/dev/null 2>&1 && [ "$(nproc)" -ge 2 ]; then pinning=1; fi

dotnet build -c Release "$root/samples/ShopSample" -v quiet -nologo >/dev/null
dotnet build -c Release "$here" -v quiet -nologo >/dev/null
app_dir="$root/samples/ShopSample/bin/Release/net10.0"
driver="$here/bin/Release/net10.0/TypedSessions.LoadHarness.dll"
rows=(); status=0

run_store() {
  local store=$1 dir="$work/$1"; mkdir -p "$dir"
  local -a env=()
  if [ "$store" = redis ]; then
    need redis-server redis-server
    redis_port=$(free_port)
    redis-server --bind 127.0.0.1 --port "$redis_port" --save '' --appendonly no --daemonize yes \
      --pidfile "$dir/redis.pid" --logfile "$dir/redis.log" --dir "$dir" >/dev/null
    until redis-cli -p "$redis_port" ping 2>/dev/null | grep -q PONG; do sleep 0.1; done
    env+=(TypedSessions__Store=Redis "TypedSessions__ConnectionString=127.0.0.1:$redis_port")
  else
    env+=(TypedSessions__Store=Sqlite "TypedSessions__ConnectionString=Data Source=$dir/sessions.db")
  fi
  local port; port=$(free_port)
  # Started directly (not through a function) so that $! is the app's own pid; its content root is the
  # build output, so it reads the sample's appsettings.json.
  if [ "$pinning" = 1 ]; then
    (cd "$app_dir" && exec env "${env[@]}" taskset -c 0 dotnet ShopSample.dll --urls "http://127.0.0.1:$port") >"$dir/app.log" 2>&1 &
  else
    (cd "$app_dir" && exec env "${env[@]}" dotnet ShopSample.dll --urls "http://127.0.0.1:$port") >"$dir/app.log" 2>&1 &
  fi
  app_pid=$!
  local tries=0
  until curl -sf "http://127.0.0.1:$port/health" >/dev/null; do
    tries=$((tries + 1)); [ "$tries" -lt 300 ] || { echo "ShopSample did not start:" >&2; cat "$dir/app.log" >&2; exit 1; }
    sleep 0.2
  done
  local row rc=0
  if [ "$pinning" = 1 ]; then
    row=$(taskset -c 1 dotnet "$driver" soak --base "http://127.0.0.1:$port" --pid "$app_pid" --store "$store" --clients "$clients" --seconds "$seconds" --warmup "$warmup") || rc=$?
  else
    row=$(dotnet "$driver" soak --base "http://127.0.0.1:$port" --pid "$app_pid" --store "$store" --clients "$clients" --seconds "$seconds" --warmup "$warmup") || rc=$?
  fi
  rows+=("$row"); [ "$rc" = 0 ] || status=1
  if grep -qiE "fail|exception" "$dir/app.log"; then
    echo "[$store] app log excerpt (errors):" >&2; grep -iE -A3 "fail|exception" "$dir/app.log" | head -40 >&2
  fi
  if [ "$store" = sqlite ]; then
    echo "[$store] files at the end: $(cd "$dir" && ls -l sessions.db* | awk '{printf "%s %s B; ", $9, $5}')" >&2
  fi
  kill "$app_pid"; wait "$app_pid" 2>/dev/null || true; app_pid=""
  if [ -n "$redis_port" ]; then redis-cli -p "$redis_port" shutdown nosave >/dev/null 2>&1 || true; redis_port=""; fi
}

case "$which_stores" in
  all) run_store sqlite; run_store redis ;;
  *) run_store "$which_stores" ;;
esac

echo "### Soak: $clients clients × ${seconds}s after a ${warmup}s warm-up ($(nproc) cores, $(date -u '+%Y-%m-%d %H:%M') UTC, load average $(cut -d' ' -f1-3 /proc/loadavg))"
echo
dotnet "$driver" soak-header
printf '%s\n' "${rows[@]}"
exit "$status"
