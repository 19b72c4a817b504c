#!/usr/bin/env bash
# Publishes samples/AotSample with Native AOT (PublishAot=true, set in its project) and as a JIT app
# (-p:PublishAot=false), and:
#  1. fails on any trim/AOT warning (IL2xxx/IL3xxx) from TypedSessions' assemblies or the sample (whose schema code the
#     generator writes); warnings from third-party assemblies are listed, not hidden;
#  2. runs each build on SQLite and on Redis (a private redis-server it starts and stops by pid) and does the typed
#     round trip over HTTP (string, int, enum, List<string>, a [MessagePackObject] type with a list of another);
#  3. reports startup (time to the first 200), RSS after N requests (VmRSS) and binary size, for AOT next to JIT.
# Slow (the AOT publish takes minutes of CPU): not part of tests/run-all.sh. Usage and numbers: docs/aot.md,
# docs/benchmarks.md.
#
# Environment: AOT_REDIS_PORT (47431), AOT_APP_PORT (47432), AOT_OUT (/tmp/typedsessions-aot), AOT_REQUESTS (500),
# AOT_SKIP_PUBLISH=1 to measure the last publish again.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
PROJECT="$ROOT/samples/AotSample/AotSample.csproj"
REDIS_PORT=${AOT_REDIS_PORT:-47431}
APP_PORT=${AOT_APP_PORT:-47432}
OUT=${AOT_OUT:-/tmp/typedsessions-aot}
REQUESTS=${AOT_REQUESTS:-500}
RID=linux-x64
mkdir -p "$OUT"

APP_PID=""
REDIS_PIDFILE="$OUT/redis.pid"
cleanup() {
  if [[ -n "$APP_PID" ]] && kill -0 "$APP_PID" 2>/dev/null; then kill "$APP_PID"; wait "$APP_PID" 2>/dev/null || true; fi
  if [[ -f "$REDIS_PIDFILE" ]]; then kill "$(cat "$REDIS_PIDFILE")" 2>/dev/null || true; rm -f "$REDIS_PIDFILE"; fi
}
trap cleanup EXIT

fail() { echo "FAIL: $*" >&2; exit 1; }

# --- 1. Publish -------------------------------------------------------------------------------------------------
# Warnings are collected rather than turned into errors (TreatWarningsAsErrors=false for this publish only) so that
# every one is listed and attributed below.
if [[ "${AOT_SKIP_PUBLISH:-0}" != "1" ]]; then
  rm -rf "$OUT/aot" "$OUT/jit"
  echo "== dotnet publish, PublishAot=true (Release, $RID)"
  /usr/bin/time -f "%e s wall, %M KB max RSS" -o "$OUT/aot-publish.time" \
    dotnet publish "$PROJECT" -c Release -r "$RID" -p:TreatWarningsAsErrors=false \
      -o "$OUT/aot" -nologo > "$OUT/aot-publish.log" 2>&1 || { tail -40 "$OUT/aot-publish.log"; fail "AOT publish failed"; }
  echo "   $(cat "$OUT/aot-publish.time")"
  echo "== dotnet publish (JIT, framework-dependent, Release, $RID)"
  dotnet publish "$PROJECT" -c Release -r "$RID" --self-contained false -p:PublishAot=false -p:TreatWarningsAsErrors=false \
    -o "$OUT/jit" -nologo > "$OUT/jit-publish.log" 2>&1 || { tail -40 "$OUT/jit-publish.log"; fail "JIT publish failed"; }
fi

# A warning line: "<origin>: [Trim analysis |AOT analysis ]warning IL2026: <member>: <message> [project]". It is ours
# when its origin (a source file) or the member it is reported in belongs to TypedSessions or the sample, or when an
# IL2104/IL3053 summary names one of our assemblies.
grep -hE "warning IL[23][0-9]{3}:" "$OUT/aot-publish.log" | sed -E 's/ \[[^]]*\]$//' | sort -u > "$OUT/warnings.txt" || true
: > "$OUT/ours.txt"
: > "$OUT/theirs.txt"
pattern='^(.*): ((Trim|AOT) analysis )?warning (IL[0-9]{4}): (.*)$'
while IFS= read -r line; do
  if [[ "$line" =~ $pattern ]]; then
    origin=${BASH_REMATCH[1]}
    rest=${BASH_REMATCH[5]}
  else
    origin=$line
    rest=$line
  fi
  member=${rest%%: *}
  if [[ "$origin" == *"/src/TypedSessions"* || "$origin" == *"/samples/AotSample/"* || "$origin" == *"/generators/"* \
        || "$member" == TypedSessions* || "$member" == AotSample* || "$rest" =~ ^Assembly\ \'(TypedSessions|AotSample) ]]; then
    echo "$line" >> "$OUT/ours.txt"
  else
    echo "$line" >> "$OUT/theirs.txt"
  fi
done < "$OUT/warnings.txt"

echo "== Trim/AOT warnings: $(wc -l < "$OUT/ours.txt") from TypedSessions/the sample, $(wc -l < "$OUT/theirs.txt") from third-party assemblies"
if [[ -s "$OUT/theirs.txt" ]]; then
  echo "   third-party, by assembly or namespace (full list: $OUT/theirs.txt):"
  sed -E "s/^.*warning (IL[0-9]+): //; s/^Assembly '([^']+)'.*/\1 (summary)/; s/^([A-Za-z0-9_]+(\.[A-Za-z0-9_]+)?).*/\1/" "$OUT/theirs.txt" \
    | sort | uniq -c | sort -rn | sed 's/^/     /'
fi
if [[ -s "$OUT/ours.txt" ]]; then
  cat "$OUT/ours.txt" >&2
  fail "trim/AOT warnings from TypedSessions' assemblies"
fi

[[ -x "$OUT/aot/AotSample" ]] || fail "no native binary at $OUT/aot/AotSample"
file "$OUT/aot/AotSample" | grep -q ELF || fail "the AOT output is not a native executable"

# --- 2. Run -----------------------------------------------------------------------------------------------------
redis-server --port "$REDIS_PORT" --daemonize yes --pidfile "$REDIS_PIDFILE" --save '' --appendonly no > /dev/null
for _ in $(seq 1 100); do redis-cli -p "$REDIS_PORT" ping 2>/dev/null | grep -q PONG && break; sleep 0.05; done

URL="http://127.0.0.1:$APP_PORT"
COOKIE=""

BODY=""
request() { # GET path: the body in BODY; remembers the session cookie (no subshell, so COOKIE persists)
  local headers status set
  headers=$(mktemp)
  BODY=$(curl -sS -D "$headers" ${COOKIE:+-H "Cookie: $COOKIE"} "$URL$1") || { rm -f "$headers"; fail "GET $1 failed"; }
  status=$(head -1 "$headers" | awk '{print $2}')
  set=$(grep -i '^set-cookie:' "$headers" | head -1 | sed -E 's/^[Ss]et-[Cc]ookie: *//; s/;.*//' | tr -d '\r') || true
  rm -f "$headers"
  [[ "$status" == "200" ]] || fail "GET $1 answered $status: $BODY"
  if [[ -n "$set" ]]; then COOKIE=$set; fi
}

run() { # build store: sets R_STARTUP (ms) and R_RSS (kB); runs in this shell so that a failure stops the app (trap)
  local build=$1 store=$2 cmd connection
  if [[ "$build" == aot ]]; then cmd=("$OUT/aot/AotSample"); else cmd=(dotnet "$OUT/jit/AotSample.dll"); fi
  if [[ "$store" == Sqlite ]]; then rm -f "$OUT/$build.db" "$OUT/$build.db-wal" "$OUT/$build.db-shm"; connection="Data Source=$OUT/$build.db"; else
    redis-cli -p "$REDIS_PORT" flushall > /dev/null; connection="127.0.0.1:$REDIS_PORT"; fi
  COOKIE=""
  if curl -s -o /dev/null "$URL/" 2>/dev/null; then fail "something already listens on $URL"; fi
  local start end
  start=$(date +%s%N)
  ( cd "$OUT/$build" && ASPNETCORE_URLS="$URL" TypedSessions__Store="$store" TypedSessions__ConnectionString="$connection" \
      exec "${cmd[@]}" > "$OUT/$build-$store.log" 2>&1 ) &
  APP_PID=$!
  until [[ "$(curl -s -o /dev/null -w '%{http_code}' "$URL/" 2>/dev/null)" == "200" ]]; do
    kill -0 "$APP_PID" 2>/dev/null || { cat "$OUT/$build-$store.log" >&2; fail "$build on $store exited"; }
    sleep 0.005
  done
  end=$(date +%s%N)

  request '/set?name=ada&visits=3&theme=Dark&tag=a&tag=b&sku=x&quantity=2'
  [[ "$BODY" == stored ]] || fail "$build $store: /set answered '$BODY'"
  [[ "$COOKIE" == *aot.sid=* ]] || fail "$build $store: the session cookie is not named by TypedSessions:Cookie:Name (got '$COOKIE')"
  request '/add?sku=y'
  [[ "$BODY" == added ]] || fail "$build $store: /add answered '$BODY'"
  local got expected='ada|3|Dark|a,b|WELCOME|x:2,x-2:4,y:1'
  request '/get'
  got=$BODY
  [[ "$got" == "$expected" ]] || fail "$build on $store: /get answered '$got', expected '$expected'"
  if [[ "$store" == Redis ]]; then
    [[ "$(redis-cli -p "$REDIS_PORT" dbsize)" -ge 1 ]] || fail "$build: nothing stored in Redis"
  else
    [[ -e "$OUT/$build.db" ]] || fail "$build: no SQLite file"
  fi
  for _ in $(seq 1 "$REQUESTS"); do request '/get'; done
  [[ "$BODY" == "$expected" ]] || fail "$build on $store: after $REQUESTS requests /get answered '$BODY'"
  local rss
  rss=$(awk '/VmRSS/ {print $2}' "/proc/$APP_PID/status")
  kill "$APP_PID"; wait "$APP_PID" 2>/dev/null || true; APP_PID=""
  echo "   $build on $store: round trip ok ($got)"
  R_STARTUP=$(( (end - start) / 1000000 ))
  R_RSS=$rss
}

declare -A STARTUP RSS
for build in aot jit; do
  for store in Sqlite Redis; do
    run "$build" "$store"
    STARTUP[$build-$store]=$R_STARTUP
    RSS[$build-$store]=$R_RSS
  done
done

# --- 3. Report --------------------------------------------------------------------------------------------------
# Sizes count what runs: the native executable and the SQLite library next to it (not AotSample.dbg, the symbols);
# for JIT, the published folder without .pdb/.xml (framework-dependent: the shared .NET runtime is not in it).
aot_bin=$(stat -c %s "$OUT/aot/AotSample")
aot_sqlite=$(stat -c %s "$OUT/aot/libe_sqlite3.so")
jit_dir=$(find "$OUT/jit" -type f ! -name '*.pdb' ! -name '*.xml' -printf '%s\n' | awk '{ s += $1 } END { print s }')
mb() { awk -v b="$1" 'BEGIN { printf "%.1f MB", b / 1048576 }'; }
kbmb() { awk -v k="$1" 'BEGIN { printf "%.1f MB", k / 1024 }'; }
{
  echo "Machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //'); $(date -u '+%Y-%m-%d %H:%M UTC'); .NET SDK $(dotnet --version); load average $(cut -d' ' -f1-3 /proc/loadavg)"
  echo
  echo "| build | store | startup (first 200) | RSS after $REQUESTS requests | size |"
  echo "|---|---|---|---|---|"
  for build in aot jit; do
    for store in Sqlite Redis; do
      if [[ $build == aot ]]; then size="$(mb "$aot_bin") executable + $(mb "$aot_sqlite") libe_sqlite3.so"; else
        size="$(mb "$jit_dir") of assemblies (framework-dependent: plus the shared .NET runtime)"; fi
      echo "| $([[ $build == aot ]] && echo 'Native AOT' || echo JIT) | $store | ${STARTUP[$build-$store]} ms | $(kbmb "${RSS[$build-$store]}") | $size |"
    done
  done
  echo
  echo "Trim/AOT warnings in the AOT publish: $(wc -l < "$OUT/ours.txt") from TypedSessions' assemblies and the sample, $(wc -l < "$OUT/theirs.txt") from third-party assemblies ($OUT/theirs.txt)."
} | tee "$OUT/results.md"
echo "PASS"
