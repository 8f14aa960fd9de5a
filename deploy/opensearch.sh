#!/usr/bin/env bash
# Provision the OpenSearch node that the tests (and a local trial of production mode) use.
#
#   deploy/opensearch.sh start    # make sure a node answers on 127.0.0.1:$PORT; print its URL last
#   deploy/opensearch.sh stop     # stop the node this script started (by its recorded pid)
#   deploy/opensearch.sh url      # print the URL (http://127.0.0.1:$PORT)
#   deploy/opensearch.sh status   # is it up? cluster health and modules on stderr; exit 3 if down
#
# If an OpenSearch node already answers on 127.0.0.1:$PORT it is used as it is. Otherwise the
# 'integ-test-zip' distribution (org.opensearch.distribution.integ-test-zip:opensearch:$VERSION)
# comes from Maven Central through `mvn` (checksums enforced), is unpacked once under
# $ANZEXIAN_CACHE/opensearch and runs as a single node on Java 17, as the unprivileged system
# user 'anzexian-search' (OpenSearch refuses to run as root), heap 512 MB, disk thresholds off.
#
# That zip carries only the netty transport module. The analysis-common module (the `cjk`
# analyzer and the cjk_bigram / cjk_width filters, like every full distribution has) and the
# lang-painless module it extends are assembled from their jars on Maven Central into the
# node's modules/, with the plugin descriptors the OpenSearch build would have written, so the
# index mapping that production uses against a full distribution is the one the tests use.
# A second start reuses everything in the cache. A test node: never point production at it.
set -euo pipefail

VERSION="${ANZEXIAN_OPENSEARCH_VERSION:-2.19.6}"  # newest 2.19 on Maven Central; 2.19 runs on Java 17
PORT="${ANZEXIAN_OPENSEARCH_PORT:-9200}"
TRANSPORT_PORT="${ANZEXIAN_OPENSEARCH_TRANSPORT_PORT:-$((PORT + 100))}"
HOST=127.0.0.1
HEAP="${ANZEXIAN_OPENSEARCH_HEAP:-512m}"
TIMEOUT="${ANZEXIAN_OPENSEARCH_TIMEOUT:-180}"  # seconds to wait for health yellow
RUN_USER=anzexian-search
CACHE="${ANZEXIAN_CACHE:-/var/tmp/anzexian}"
ROOT="$CACHE/opensearch"
M2="$ROOT/m2"                           # Maven's local repository (downloads are kept here)
DIST="$ROOT/opensearch-$VERSION"        # unpacked distribution + assembled modules, root-owned
NODE="$ROOT/node-$PORT"                 # config, data, logs of the node, owned by $RUN_USER
PIDFILE="$NODE/opensearch.pid"
LOG="$NODE/logs/console.log"
URL="http://$HOST:$PORT"

# Jars of the modules assembled into $DIST/modules (lang-painless's are those of its POM).
ASM_VERSION=9.7
ANTLR_VERSION=4.13.1

log() { printf '[opensearch] %s\n' "$*" >&2; }
die() { log "$*"; exit 1; }

# --- probes ------------------------------------------------------------------------------------

http_get() { curl -sS --max-time "${2:-5}" "$URL$1" 2>/dev/null; }

answers() { curl -s -o /dev/null --max-time 3 "$URL/" 2>/dev/null; }

is_opensearch() {
  # The root endpoint of an OpenSearch node names its distribution.
  http_get / | grep -q '"distribution" *: *"opensearch"'
}

healthy() {
  http_get "/_cluster/health?wait_for_status=yellow&timeout=${1:-1s}" "$((${1%s} + 5))" \
    | grep -q '"status" *: *"\(yellow\|green\)"'
}

node_pid() {
  # The pid we recorded, if that process is still our OpenSearch node.
  local pid
  [ -s "$PIDFILE" ] || return 1
  pid="$(cat "$PIDFILE")"
  [ -r "/proc/$pid/cmdline" ] && tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q 'org.opensearch.bootstrap.OpenSearch' \
    && echo "$pid"
}

# --- tools -------------------------------------------------------------------------------------

java17_home() {
  local d
  if [ -n "${ANZEXIAN_OPENSEARCH_JAVA_HOME:-}" ]; then echo "$ANZEXIAN_OPENSEARCH_JAVA_HOME"; return; fi
  for d in /usr/lib/jvm/java-17-openjdk-* /usr/lib/jvm/java-1.17.0-openjdk-* /usr/lib/jvm/temurin-17-*; do
    if [ -x "$d/bin/java" ]; then echo "$d"; return; fi
  done
}

install_tools() {
  local need=()
  [ -n "$(java17_home)" ] || need+=(openjdk-17-jre-headless)
  command -v mvn >/dev/null || need+=(maven)
  command -v unzip >/dev/null || need+=(unzip)
  command -v curl >/dev/null || need+=(curl)
  command -v setpriv >/dev/null || need+=(util-linux)
  [ "${#need[@]}" = 0 ] && return
  [ "$(id -u)" = 0 ] || die "missing: ${need[*]}; install them (Debian packages) or run as root"
  log "installing ${need[*]} from Debian's packages"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${need[@]}" >/dev/null
  [ -n "$(java17_home)" ] || die "no Java 17 found under /usr/lib/jvm; set ANZEXIAN_OPENSEARCH_JAVA_HOME"
}

# --- download and assembly (cached) ------------------------------------------------------------

fetch_pom() {
  # One throw-away POM listing every artifact we need, each without its transitive
  # dependencies (the server jars they would pull in are in the distribution's lib/ already).
  local dep
  printf '<project xmlns="http://maven.apache.org/POM/4.0.0"><modelVersion>4.0.0</modelVersion>\n'
  printf '<groupId>local.anzexian</groupId><artifactId>opensearch-fetch</artifactId><version>1</version><packaging>pom</packaging>\n<dependencies>\n'
  for dep in \
    "org.opensearch.distribution.integ-test-zip:opensearch:$VERSION:zip" \
    "org.opensearch.plugin:analysis-common:$VERSION:jar" \
    "org.opensearch.plugin:lang-painless:$VERSION:jar" \
    "org.opensearch.plugin:opensearch-scripting-painless-spi:$VERSION:jar" \
    "org.antlr:antlr4-runtime:$ANTLR_VERSION:jar" \
    "org.ow2.asm:asm:$ASM_VERSION:jar" \
    "org.ow2.asm:asm-util:$ASM_VERSION:jar" \
    "org.ow2.asm:asm-tree:$ASM_VERSION:jar" \
    "org.ow2.asm:asm-commons:$ASM_VERSION:jar" \
    "org.ow2.asm:asm-analysis:$ASM_VERSION:jar"; do
    IFS=: read -r g a v t <<<"$dep"
    printf '<dependency><groupId>%s</groupId><artifactId>%s</artifactId><version>%s</version><type>%s</type>' "$g" "$a" "$v" "$t"
    printf '<exclusions><exclusion><groupId>*</groupId><artifactId>*</artifactId></exclusion></exclusions></dependency>\n'
  done
  printf '</dependencies></project>\n'
}

download() {
  local dl="$ROOT/download-$VERSION"
  if [ -f "$dl/.complete" ]; then echo "$dl"; return; fi
  log "fetching OpenSearch $VERSION (integ-test-zip) and the analysis-common/lang-painless jars (Maven Central, kept in $M2)"
  rm -rf "$dl"; mkdir -p "$dl" "$M2"
  fetch_pom >"$dl/pom.xml"
  # -C: fail on a checksum mismatch (Maven checks each file against the .sha1 Central publishes).
  if ! mvn -B -C -f "$dl/pom.xml" -Dmaven.repo.local="$M2" \
      dependency:copy-dependencies -DoutputDirectory="$dl/artifacts" >"$dl/mvn.log" 2>&1; then
    tail -n 40 "$dl/mvn.log" >&2
    die "mvn could not fetch the artifacts (whole output: $dl/mvn.log)"
  fi
  [ -s "$dl/artifacts/opensearch-$VERSION.zip" ] || die "mvn did not deliver opensearch-$VERSION.zip"
  touch "$dl/.complete"
  echo "$dl"
}

descriptor() {
  # plugin-descriptor.properties as the OpenSearch build writes it for a module.
  local name="$1" description="$2" classname="$3" extended="$4"
  cat <<EOF
# Written by deploy/opensearch.sh, as the OpenSearch build writes it for the bundled module.
description=$description
version=$VERSION
name=$name
classname=$classname
java.version=11
opensearch.version=$VERSION
custom.foldername=
extended.plugins=$extended
has.native.controller=false
EOF
}

assemble() {
  [ -f "$DIST/.assembled" ] && return
  local dl tmp a
  dl="$(download)"
  a="$dl/artifacts"
  tmp="$ROOT/.unpack.$$"
  rm -rf "$tmp"; mkdir -p "$tmp"
  log "unpacking into $DIST"
  unzip -q "$a/opensearch-$VERSION.zip" -d "$tmp"
  local dist="$tmp/opensearch-$VERSION"
  [ -x "$dist/bin/opensearch" ] || die "unexpected layout of opensearch-$VERSION.zip"

  # lang-painless: its jar, its SPI and the antlr/asm runtime (what its POM lists), plus the
  # security policy of modules/lang-painless/src/main/plugin-metadata in the OpenSearch source.
  local lp="$dist/modules/lang-painless"
  mkdir -p "$lp"
  cp "$a/lang-painless-$VERSION.jar" "$a/opensearch-scripting-painless-spi-$VERSION.jar" \
     "$a/antlr4-runtime-$ANTLR_VERSION.jar" "$a"/asm-*"$ASM_VERSION".jar "$lp/"
  descriptor lang-painless 'An easy, safe and fast scripting language for OpenSearch' \
    org.opensearch.painless.PainlessPlugin '' >"$lp/plugin-descriptor.properties"
  cat >"$lp/plugin-security.policy" <<'EOF'
grant {
  // needed to generate runtime classes
  permission java.lang.RuntimePermission "createClassLoader";

  // needed to find the classloader to load whitelisted classes from
  permission java.lang.RuntimePermission "getClassLoader";
};
EOF
  # analysis-common: one jar (Lucene's analyzers are in the distribution's lib/); it extends
  # lang-painless (modules/analysis-common/build.gradle: extendedPlugins = ['lang-painless']).
  local ac="$dist/modules/analysis-common"
  mkdir -p "$ac"
  cp "$a/analysis-common-$VERSION.jar" "$ac/"
  descriptor analysis-common 'Adds "built in" analyzers to OpenSearch.' \
    org.opensearch.analysis.common.CommonAnalysisPlugin lang-painless >"$ac/plugin-descriptor.properties"

  chmod -R a+rX "$dist"
  rm -rf "$DIST"
  mv "$dist" "$DIST"
  rm -rf "$tmp"
  touch "$DIST/.assembled"
  rm -rf "$dl"  # copies: the artifacts stay in $M2, where a re-assembly finds them offline
}

# --- the node ----------------------------------------------------------------------------------

ensure_user() {
  [ "$(id -u)" = 0 ] || return 0
  id "$RUN_USER" >/dev/null 2>&1 && return
  log "creating system user $RUN_USER"
  useradd --system --user-group --no-create-home --home-dir "$ROOT" --shell /usr/sbin/nologin "$RUN_USER"
}

configure() {
  mkdir -p "$NODE/config" "$NODE/data" "$NODE/logs" "$NODE/tmp"
  cp "$DIST/config/log4j2.properties" "$NODE/config/"
  mkdir -p "$NODE/config/jvm.options.d"
  # jvm.options: the distribution's, with its paths made absolute (the launcher runs from the
  # distribution's folder, which the node's user may not write) and the heap at $HEAP.
  sed -e "s#^-Xms.*#-Xms$HEAP#" -e "s#^-Xmx.*#-Xmx$HEAP#" \
      -e "s#HeapDumpPath=data#HeapDumpPath=$NODE/data#" \
      -e "s#logs/gc.log#$NODE/logs/gc.log#" -e "s#logs/hs_err#$NODE/logs/hs_err#" \
      "$DIST/config/jvm.options" >"$NODE/config/jvm.options"
  cat >"$NODE/config/opensearch.yml" <<EOF
# Written by deploy/opensearch.sh on every start: a single test node on the loopback interface.
cluster.name: anzexian-test
node.name: anzexian-test-node
network.host: $HOST
http.port: $PORT
transport.port: $TRANSPORT_PORT
discovery.type: single-node
path.data: $NODE/data
path.logs: $NODE/logs
cluster.routing.allocation.disk.threshold_enabled: false
EOF
  if [ "$(id -u)" = 0 ]; then
    chown -R "$RUN_USER:$RUN_USER" "$NODE"
    chmod 755 "$CACHE" "$ROOT"
  fi
}

drop_root() {
  # The command prefix that runs what follows as $RUN_USER (nothing when we are not root).
  if [ "$(id -u)" = 0 ]; then echo setpriv --reuid="$RUN_USER" --regid="$RUN_USER" --init-groups --; fi
}

has_cjk() {
  # The analysis-common module answers: the cjk analyzer makes bigrams.
  curl -sS --max-time 10 -H 'Content-Type: application/json' -X POST "$URL/_analyze" \
    -d '{"analyzer": "cjk", "text": "配电箱"}' 2>/dev/null | grep -q '"token" *: *"配电"'
}

wait_healthy() {
  local pid="$1" deadline=$((SECONDS + TIMEOUT))
  while [ "$SECONDS" -lt "$deadline" ]; do
    if [ -n "$pid" ] && ! kill -0 "$pid" 2>/dev/null; then
      log "the node exited during start-up; last lines of $LOG:"
      tail -n 30 "$LOG" >&2 || true
      exit 1
    fi
    if answers && healthy 5s; then return 0; fi
    sleep 1
  done
  log "no yellow cluster health on $URL after ${TIMEOUT}s; last lines of $LOG:"
  tail -n 30 "$LOG" >&2 || true
  exit 1
}

start() {
  local pid
  mkdir -p "$ROOT"
  # One start at a time (two `make test` at once); the node itself must not inherit the lock.
  exec 9>"$ROOT/.lock"
  flock 9
  if pid="$(node_pid)"; then
    log "our node (pid $pid) is running; waiting for it on $URL"
    wait_healthy "$pid"; echo "$URL"; return
  fi
  if answers; then
    is_opensearch || die "something that is not OpenSearch answers on $URL; set ANZEXIAN_OPENSEARCH_PORT"
    log "an OpenSearch node already answers on $URL; using it"
    wait_healthy ""
    has_cjk || log "warning: its cjk analyzer does not answer (no analysis-common module?)"
    echo "$URL"; return
  fi
  local t0=$SECONDS
  install_tools
  assemble
  ensure_user
  configure
  local java_home; java_home="$(java17_home)"
  log "starting OpenSearch $VERSION on $URL (Java: $java_home; log: $LOG)"
  : >"$LOG"; [ "$(id -u)" = 0 ] && chown "$RUN_USER:$RUN_USER" "$LOG"
  # setsid: the node outlives this script and make's process group; the exec chain
  # (setsid, setpriv, env, bin/opensearch all exec) makes $! the JVM's own pid.
  # shellcheck disable=SC2046
  setsid $(drop_root) env -i \
      PATH=/usr/local/bin:/usr/bin:/bin LANG=C.UTF-8 HOME="$NODE" \
      OPENSEARCH_JAVA_HOME="$java_home" \
      OPENSEARCH_PATH_CONF="$NODE/config" \
      OPENSEARCH_TMPDIR="$NODE/tmp" \
      OPENSEARCH_JAVA_OPTS="-Xms$HEAP -Xmx$HEAP" \
      "$DIST/bin/opensearch" </dev/null >>"$LOG" 2>&1 9>&- &
  pid=$!
  echo "$pid" >"$PIDFILE"
  wait_healthy "$pid"
  has_cjk || die "the node is up but its cjk analyzer does not answer: is modules/analysis-common in $DIST?"
  log "up in $((SECONDS - t0))s (pid $pid)"
  echo "$URL"
}

stop() {
  local pid _
  if ! pid="$(node_pid)"; then log "no node started by this script is running"; rm -f "$PIDFILE"; return; fi
  log "stopping pid $pid"
  kill -TERM "$pid"
  for _ in $(seq 1 60); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.5
  done
  if kill -0 "$pid" 2>/dev/null; then log "still running after 30s; killing"; kill -KILL "$pid"; fi
  rm -f "$PIDFILE"
  log "stopped"
}

status() {
  local pid
  if pid="$(node_pid)"; then log "node started by this script: pid $pid"; fi
  if answers && is_opensearch; then
    http_get "/_cluster/health" >&2; echo >&2
    http_get "/_cat/plugins?h=component" >&2 || true
    http_get "/_nodes/_local?filter_path=nodes.*.modules.name" >&2; echo >&2
    echo "$URL"
  else
    log "nothing answers on $URL"; exit 3
  fi
}

# deploy/opensearch-cluster.sh sources this file for its download, assembly and probes.
if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  case "${1:-start}" in
    start) start ;;
    stop) stop ;;
    url) echo "$URL" ;;
    status) status ;;
    *) echo "usage: $0 start|stop|url|status" >&2; exit 2 ;;
  esac
fi
