#!/usr/bin/env bash
# Three local OpenSearch nodes forming ONE cluster (issue 8: the scale-out test). Each node is
# a process of its own on 127.0.0.1, as the unprivileged user of deploy/opensearch.sh, from the
# same cached distribution (download, module assembly and Java come from that script).
#
#   deploy/opensearch-cluster.sh start      # start the nodes not running; wait for 3 nodes and
#                                           # yellow health; print the nodes' URLs, comma-separated
#   deploy/opensearch-cluster.sh stop       # stop every node this script started
#   deploy/opensearch-cluster.sh kill N     # SIGKILL node N (1-3): a crash, for the tests
#   deploy/opensearch-cluster.sh start-node N  # start node N again and wait until it has joined
#   deploy/opensearch-cluster.sh pid N      # the JVM's pid of node N (exit 3 when not running)
#   deploy/opensearch-cluster.sh urls       # the nodes' URLs, comma-separated
#   deploy/opensearch-cluster.sh status     # cluster health and nodes on stderr; exit 3 if down
#
# Ports: http 9221-9223, transport 9321-9323 (ANZEXIAN_OPENSEARCH_CLUSTER_PORT moves the first
# http port; transport is http + 100). Heap 512 MB each (ANZEXIAN_OPENSEARCH_HEAP). Discovery:
# discovery.seed_hosts lists the three transport addresses and, for the first bootstrap only,
# cluster.initial_cluster_manager_nodes names the three nodes (all cluster-manager-eligible
# data nodes: any one may go down and a quorum of two remains). Indexes get one replica on
# such a cluster (search/mapping.py: auto_expand_replicas 0-1). A test cluster: data under
# $ANZEXIAN_CACHE/opensearch/cluster-node-PORT, kept between starts.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=deploy/opensearch.sh
. "$HERE/opensearch.sh"

FIRST_PORT="${ANZEXIAN_OPENSEARCH_CLUSTER_PORT:-9221}"
NODES=3
CLUSTER=anzexian-cluster
STARTED=()  # the nodes this invocation launched (watched while waiting)

node_port() { echo $((FIRST_PORT + $1 - 1)); }

select_node() {
  # Point opensearch.sh's per-node variables at node $1.
  PORT="$(node_port "$1")"
  TRANSPORT_PORT=$((PORT + 100))
  NODE="$ROOT/cluster-node-$PORT"
  PIDFILE="$NODE/opensearch.pid"
  LOG="$NODE/logs/console.log"
  URL="http://$HOST:$PORT"
  NAME="$CLUSTER-$1"
}

all_urls() {
  local i urls=()
  for i in $(seq 1 $NODES); do urls+=("http://$HOST:$(node_port "$i")"); done
  (IFS=,; echo "${urls[*]}")
}

configure_node() {
  local i seeds=() names=()
  for i in $(seq 1 $NODES); do
    seeds+=("$HOST:$(($(node_port "$i") + 100))")
    names+=("$CLUSTER-$i")
  done
  configure  # opensearch.sh: folders, jvm.options, log4j2, ownership; then our opensearch.yml
  cat >"$NODE/config/opensearch.yml" <<YML
# Written by deploy/opensearch-cluster.sh on every start: one node of a three-node test cluster.
cluster.name: $CLUSTER
node.name: $NAME
network.host: $HOST
http.port: $PORT
transport.port: $TRANSPORT_PORT
discovery.seed_hosts: [$(IFS=,; echo "${seeds[*]}")]
cluster.initial_cluster_manager_nodes: [$(IFS=,; echo "${names[*]}")]
path.data: $NODE/data
path.logs: $NODE/logs
cluster.routing.allocation.disk.threshold_enabled: false
YML
  [ "$(id -u)" = 0 ] && chown "$RUN_USER:$RUN_USER" "$NODE/config/opensearch.yml"
  return 0
}

launch_node() {
  # Start node $1 unless it runs; no waiting (a lone node cannot be healthy before a quorum).
  local pid java_home
  select_node "$1"
  if pid="$(node_pid)"; then log "node $1 (pid $pid) is running on $URL"; return; fi
  if answers; then die "something else answers on $URL; set ANZEXIAN_OPENSEARCH_CLUSTER_PORT"; fi
  configure_node
  java_home="$(java17_home)"
  log "starting node $1 ($NAME) on $URL (log: $LOG)"
  : >"$LOG"; [ "$(id -u)" = 0 ] && chown "$RUN_USER:$RUN_USER" "$LOG"
  # shellcheck disable=SC2046
  setsid $(drop_root) env -i \
      PATH=/usr/local/bin:/usr/bin:/bin LANG=C.UTF-8 HOME="$NODE" \
      OPENSEARCH_JAVA_HOME="$java_home" \
      OPENSEARCH_PATH_CONF="$NODE/config" \
      OPENSEARCH_TMPDIR="$NODE/tmp" \
      OPENSEARCH_JAVA_OPTS="-Xms$HEAP -Xmx$HEAP" \
      "$DIST/bin/opensearch" </dev/null >>"$LOG" 2>&1 8>&- 9>&- &  # the locks stay ours
  echo "$!" >"$PIDFILE"
  STARTED+=("$1")
}

wait_cluster() {
  # Until the node answering on $URL sees $1 nodes and yellow or green health.
  local want="$1" deadline=$((SECONDS + TIMEOUT)) i
  while [ "$SECONDS" -lt "$deadline" ]; do
    for i in "${STARTED[@]}"; do
      select_node "$i"
      # kill -0, not node_pid: until the launcher's exec chain reaches the JVM its command
      # line is not OpenSearch's yet.
      if ! kill -0 "$(cat "$PIDFILE")" 2>/dev/null; then
        log "node $i exited during start-up; last lines of $LOG:"; tail -n 30 "$LOG" >&2 || true
        exit 1
      fi
    done
    select_node "${WATCH:-1}"
    if http_get "/_cluster/health?wait_for_nodes=$want&wait_for_status=yellow&timeout=5s" 10 \
        | grep -q '"timed_out" *: *false'; then
      return 0
    fi
    sleep 1
  done
  log "the cluster did not reach $want nodes and yellow health in ${TIMEOUT}s; last lines of $LOG:"
  tail -n 30 "$LOG" >&2 || true
  exit 1
}

cluster_start() {
  local i t0=$SECONDS
  mkdir -p "$ROOT"
  exec 8>"$ROOT/.cluster.lock"
  flock 8
  install_tools
  assemble
  ensure_user
  for i in $(seq 1 $NODES); do launch_node "$i"; done
  wait_cluster $NODES
  select_node 1
  has_cjk || die "the cluster is up but its cjk analyzer does not answer"
  log "cluster of $NODES nodes up in $((SECONDS - t0))s"
  all_urls
}

cluster_stop() {
  local i pid _
  for i in $(seq 1 $NODES); do
    select_node "$i"
    if pid="$(node_pid)"; then log "stopping node $i (pid $pid)"; kill -TERM "$pid"; fi
  done
  for i in $(seq 1 $NODES); do
    select_node "$i"
    pid="$(node_pid)" || { rm -f "$PIDFILE"; continue; }
    for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid"
    rm -f "$PIDFILE"
  done
  log "stopped"
}

node_arg() {
  [[ "${1:-}" =~ ^[1-3]$ ]] || { echo "usage: $0 ${2:-kill} 1|2|3" >&2; exit 2; }
}

case "${1:-start}" in
  start) cluster_start ;;
  stop) cluster_stop ;;
  urls) all_urls ;;
  pid)
    node_arg "${2:-}" pid; select_node "$2"
    node_pid || exit 3 ;;
  kill)
    node_arg "${2:-}" kill; select_node "$2"
    pid="$(node_pid)" || die "node $2 is not running"
    log "SIGKILL node $2 (pid $pid)"; kill -KILL "$pid"
    for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
    rm -f "$PIDFILE" ;;
  start-node)
    node_arg "${2:-}" start-node
    launch_node "$2"; WATCH="$2" wait_cluster $NODES; select_node "$2"; echo "$URL" ;;
  status)
    select_node 1
    for i in $(seq 1 $NODES); do
      select_node "$i"
      if pid="$(node_pid)"; then log "node $i: pid $pid, $URL"; else log "node $i: not running"; fi
    done
    for i in $(seq 1 $NODES); do
      select_node "$i"
      if answers; then http_get "/_cat/nodes?v" >&2; http_get "/_cluster/health" >&2; echo >&2; all_urls; exit 0; fi
    done
    log "no node answers"; exit 3 ;;
  *) echo "usage: $0 start|stop|kill N|start-node N|pid N|urls|status" >&2; exit 2 ;;
esac
