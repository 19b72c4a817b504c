# Sourced by tests/run-all.sh and the benchmark scripts: installs (apt-get) Redis, PostgreSQL and
# Chromium when missing, starts private Redis and PostgreSQL servers on loopback ports and a 6-node
# Redis Cluster (3 primaries, 3 replicas), exports TYPEDSESSIONS_TEST_REDIS / TYPEDSESSIONS_TEST_POSTGRES /
# TYPEDSESSIONS_TEST_REDIS_CLUSTER, and stops them all by pid on exit.
# Usage: source tests/servers.sh; start_servers

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/typedsessions-tests.XXXXXX")
results="$work/results"
redis_pid_file="$work/redis.pid"
pg_data="$work/pgdata"
pg_bin=""
pg_started=""

log() { printf '[servers] %s\n' "$*" >&2; }

free_port() {
  local port
  for _ in $(seq 1 50); do
    port=$(( (RANDOM % 10000) + 22000 )) # below the ephemeral range (32768-60999)
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "$port"
      return 0
    fi
  done
  log "no free port found"; return 1
}

cleanup() {
  local rc=$?
  # A script sourcing this one can name a command of its own to run first (run-all.sh stops its compiler server).
  if [ -n "${before_cleanup:-}" ]; then $before_cleanup || true; fi
  if [ -n "${redis_port:-}" ] && [ -f "$redis_pid_file" ]; then
    redis-cli -h 127.0.0.1 -p "$redis_port" shutdown nosave >/dev/null 2>&1 || kill "$(cat "$redis_pid_file")" 2>/dev/null || true
  fi
  local pid_file
  for pid_file in "$work"/cluster-*.pid; do
    [ -f "$pid_file" ] && kill "$(cat "$pid_file")" 2>/dev/null || true
  done
  if [ -n "$pg_started" ]; then
    as_pg "$pg_bin/pg_ctl" -D "$pg_data" -m fast -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$work"
  exit "$rc"
}
trap cleanup EXIT

as_pg() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

ensure_packages() {
  local missing=()
  command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
  ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1 || missing+=(postgresql)
  # The browser tests (tests/ShopSample.BrowserTests) drive Debian's Chromium; Playwright never downloads one.
  [ -x /usr/bin/chromium ] || missing+=(chromium)
  if [ ${#missing[@]} -gt 0 ]; then
    if [ "$(id -u)" != 0 ]; then
      log "missing packages: ${missing[*]} (install them with apt-get as root)"; exit 1
    fi
    log "installing ${missing[*]}"
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
  pg_bin=$(dirname "$(ls -d /usr/lib/postgresql/*/bin/pg_ctl | sort -V | tail -n 1)")
}

start_redis() {
  redis_port=$(free_port)
  redis-server --bind 127.0.0.1 --port "$redis_port" --save '' --appendonly no --daemonize yes \
    --pidfile "$redis_pid_file" --logfile "$work/redis.log" --dir "$work" >/dev/null
  for _ in $(seq 1 100); do
    redis-cli -h 127.0.0.1 -p "$redis_port" ping 2>/dev/null | grep -q PONG && { log "redis on 127.0.0.1:$redis_port"; return 0; }
    sleep 0.1
  done
  log "redis did not start"; cat "$work/redis.log" >&2; exit 1
}

# Six redis-server processes with cluster-enabled yes, joined by `redis-cli --cluster create --cluster-replicas 1`.
# Client ports come from 12000-21999 and bus ports (port + 10000) from 22000-31999: both below Linux's ephemeral range
# (32768-60999), so an outgoing connection's local port cannot hold a bus port, and no chosen port may be another node's
# port or bus port. A CI run failed when one node never started (its bus port was likely taken); now a node that does
# not answer within 5 s is stopped, its log printed, and started again on other ports.
start_redis_cluster() {
  local nodes=() port dir taken=" ${redis_port:-} ${pg_port:-} " attempt started
  cluster_ports=()
  for i in 1 2 3 4 5 6; do
    started=""
    for attempt in $(seq 1 20); do
      port=$(( (RANDOM % 10000) + 12000 ))
      case "$taken" in *" $port "*|*" $((port + 10000)) "*) continue ;; esac
      (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && continue
      (exec 3<>"/dev/tcp/127.0.0.1/$((port + 10000))") 2>/dev/null && continue
      dir="$work/cluster-$port"; mkdir -p "$dir"
      redis-server --bind 127.0.0.1 --port "$port" --cluster-enabled yes --cluster-config-file "$dir/nodes.conf" \
        --cluster-node-timeout 2000 --save '' --appendonly no --daemonize yes --pidfile "$work/cluster-$port.pid" \
        --logfile "$dir/redis.log" --dir "$dir" >/dev/null
      for _ in $(seq 1 50); do
        redis-cli -p "$port" ping 2>/dev/null | grep -q PONG && { started=1; break; }
        sleep 0.1
      done
      taken="$taken$port $((port + 10000)) "
      [ -n "$started" ] && break
      log "cluster node on $port did not start (attempt $attempt):"; tail -n 5 "$dir/redis.log" >&2 || true
      [ -f "$work/cluster-$port.pid" ] && { kill "$(cat "$work/cluster-$port.pid")" 2>/dev/null || true; rm -f "$work/cluster-$port.pid"; }
    done
    [ -n "$started" ] || { log "no redis cluster node could start"; exit 1; }
    cluster_ports+=("$port"); nodes+=("127.0.0.1:$port")
  done
  redis-cli --cluster create "${nodes[@]}" --cluster-replicas 1 --cluster-yes >"$work/cluster-create.log" 2>&1 \
    || { log "redis cluster create failed"; cat "$work/cluster-create.log" >&2; exit 1; }
  for _ in $(seq 1 100); do
    if redis-cli -p "${cluster_ports[0]}" cluster info 2>/dev/null | grep -q 'cluster_state:ok' \
      && [ "$(redis-cli -p "${cluster_ports[0]}" cluster nodes | grep -c ' slave ')" = 3 ]; then
      log "redis cluster on 127.0.0.1:${cluster_ports[*]}"
      return 0
    fi
    sleep 0.1
  done
  log "redis cluster did not become ready"; exit 1
}

start_postgres() {
  pg_port=$(free_port)
  mkdir -p "$pg_data"
  [ "$(id -u)" = 0 ] && chown postgres "$work" "$pg_data"
  as_pg "$pg_bin/initdb" -D "$pg_data" --auth=trust -U postgres >/dev/null
  as_pg "$pg_bin/pg_ctl" -D "$pg_data" -l "$work/postgres.log" \
    -o "-p $pg_port -k $work -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=300" -w start >/dev/null
  pg_started=1
  log "postgresql on 127.0.0.1:$pg_port"
}

start_servers() {
  ensure_packages
  start_redis
  start_postgres
  start_redis_cluster
  export TYPEDSESSIONS_TEST_REDIS="127.0.0.1:$redis_port"
  TYPEDSESSIONS_TEST_REDIS_CLUSTER=$(printf '127.0.0.1:%s,' "${cluster_ports[@]}")
  export TYPEDSESSIONS_TEST_REDIS_CLUSTER="${TYPEDSESSIONS_TEST_REDIS_CLUSTER%,}"
  export TYPEDSESSIONS_TEST_POSTGRES="Host=127.0.0.1;Port=$pg_port;Username=postgres;Database=postgres"
  export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
}
