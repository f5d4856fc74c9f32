# Redis and RabbitMQ for the distributed tests: Debian's packages, started without systemd on private loopback
# ports in a private folder, stopped on exit. Source this file, then `start_test_services` (it sets an EXIT trap).
# Exports PORTRAITBOOTH_TEST_REDIS=127.0.0.1:PORT and PORTRAITBOOTH_TEST_RABBITMQ=amqp://guest:guest@127.0.0.1:PORT/,
# plus PORTRAITBOOTH_TEST_REDIS_DIR / PORTRAITBOOTH_TEST_RABBITMQ_HOME for tests that restart a service.

PB_SERVICES_DIR=""
PB_RABBIT_NODE=""

# The longest job a worker may hold a message for: RabbitMQ's consumer_timeout must be above it (CPU generations
# take minutes), or the broker closes the channel of a worker that is still sampling.
PB_RABBIT_CONSUMER_TIMEOUT_MS="${PB_RABBIT_CONSUMER_TIMEOUT_MS:-7200000}"

_pb_free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# Installs redis-server and rabbitmq-server when missing (root only; elsewhere the tests skip).
ensure_service_packages() {
  local missing=()
  command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
  [ -x /usr/lib/rabbitmq/bin/rabbitmq-server ] || missing+=(rabbitmq-server)
  [ "${#missing[@]}" -eq 0 ] && return 0
  if [ "$(id -u)" -ne 0 ]; then
    echo "services: ${missing[*]} missing and not root: the distributed tests will skip" >&2
    return 1
  fi
  apt-get update -qq >/dev/null || return 1
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null || return 1
}

# Starts Redis on PORT (default: a free one) with its data in DIR (default: the services folder's redis/).
_pb_start_redis() {
  local port="${1:-$(_pb_free_port)}" dir="${2:-$PB_SERVICES_DIR/redis}"
  mkdir -p "$dir"
  # appendfsync always: a restarted Redis has every acknowledged write (the restart tests rely on it).
  redis-server --port "$port" --bind 127.0.0.1 --daemonize yes --save '' \
    --appendonly yes --appendfsync always --dir "$dir" \
    --pidfile "$dir/redis.pid" --logfile "$dir/redis.log" || return 1
  local deadline=$((SECONDS + 20))
  until redis-cli -p "$port" ping 2>/dev/null | grep -q PONG; do
    [ "$SECONDS" -ge "$deadline" ] && { echo "services: Redis did not answer on $port" >&2; return 1; }
    sleep 0.2
  done
  export PORTRAITBOOTH_TEST_REDIS="127.0.0.1:$port" PORTRAITBOOTH_TEST_REDIS_DIR="$dir"
}

# RabbitMQ's node settings; rabbitmqctl needs the same HOME (Erlang cookie) and node name as the server.
_pb_rabbit_env() {
  local dir="$PB_SERVICES_DIR/rabbit"
  export HOME="$dir" RABBITMQ_NODENAME="$PB_RABBIT_NODE" RABBITMQ_NODE_IP_ADDRESS=127.0.0.1 \
    RABBITMQ_NODE_PORT="$PB_RABBIT_PORT" RABBITMQ_DIST_PORT="$PB_RABBIT_DIST_PORT" \
    RABBITMQ_MNESIA_BASE="$dir/mnesia" RABBITMQ_LOG_BASE="$dir/log" RABBITMQ_PID_FILE="$dir/rabbit.pid" \
    RABBITMQ_ENABLED_PLUGINS_FILE="$dir/enabled_plugins" RABBITMQ_CONFIG_FILE="$dir/rabbitmq"
}

_pb_start_rabbit() {
  local dir="$PB_SERVICES_DIR/rabbit"
  mkdir -p "$dir"
  echo '[].' > "$dir/enabled_plugins"
  printf 'consumer_timeout = %s\n' "$PB_RABBIT_CONSUMER_TIMEOUT_MS" > "$dir/rabbitmq.conf"
  PB_RABBIT_PORT=$(_pb_free_port)
  PB_RABBIT_DIST_PORT=$(_pb_free_port)
  PB_RABBIT_NODE="pbtest$$@localhost"
  # The node's name and ports, for restart_test_service (run by the restart tests in another shell).
  printf 'PB_SERVICES_DIR=%q\nPB_RABBIT_NODE=%q\nPB_RABBIT_PORT=%q\nPB_RABBIT_DIST_PORT=%q\n' \
    "$PB_SERVICES_DIR" "$PB_RABBIT_NODE" "$PB_RABBIT_PORT" "$PB_RABBIT_DIST_PORT" > "$dir/node.env"
  _pb_launch_rabbit
}

# Launches the node described by PB_RABBIT_* and waits until it has booted.
_pb_launch_rabbit() {
  local dir="$PB_SERVICES_DIR/rabbit"
  ( _pb_rabbit_env; /usr/lib/rabbitmq/bin/rabbitmq-server -detached ) >/dev/null 2>&1 || return 1
  # await_startup fails at once while the detached node has not registered with epmd yet: ask again until a deadline.
  local deadline=$((SECONDS + 90))
  until ( _pb_rabbit_env; timeout 60 /usr/lib/rabbitmq/bin/rabbitmqctl -n "$PB_RABBIT_NODE" await_startup --timeout 50 ) >/dev/null 2>&1; do
    if [ "$SECONDS" -ge "$deadline" ]; then
      echo "services: RabbitMQ did not start within 90 s (log: $dir/log)" >&2
      return 1
    fi
    sleep 1
  done
  export PORTRAITBOOTH_TEST_RABBITMQ="amqp://guest:guest@127.0.0.1:$PB_RABBIT_PORT/" PORTRAITBOOTH_TEST_RABBITMQ_HOME="$dir"
}

# For the restart tests, from any shell that has the PORTRAITBOOTH_TEST_* variables (source this file first):
#   test_service stop|start redis|rabbitmq
# stop: Redis SHUTDOWN (its append-only file is fsynced on every write) / RabbitMQ's graceful node shutdown.
# start: the same service again on the same port with the same data folder, so durable state survives.
test_service() {
  local action="$1" service="$2"
  case "$service" in
    redis)
      local port="${PORTRAITBOOTH_TEST_REDIS##*:}"
      case "$action" in
        stop) redis-cli -p "$port" shutdown >/dev/null 2>&1
              local deadline=$((SECONDS + 20))
              while redis-cli -p "$port" ping >/dev/null 2>&1; do
                [ "$SECONDS" -ge "$deadline" ] && { echo "services: Redis still answers on $port" >&2; return 1; }
                sleep 0.1
              done ;;
        start) _pb_start_redis "$port" "$PORTRAITBOOTH_TEST_REDIS_DIR" ;;
        *) return 2 ;;
      esac ;;
    rabbitmq)
      # shellcheck disable=SC1091
      source "$PORTRAITBOOTH_TEST_RABBITMQ_HOME/node.env" || return 1
      case "$action" in
        stop) ( _pb_rabbit_env; timeout 60 /usr/lib/rabbitmq/bin/rabbitmqctl -n "$PB_RABBIT_NODE" shutdown ) >/dev/null ;;
        start) _pb_launch_rabbit ;;
        *) return 2 ;;
      esac ;;
    *) return 2 ;;
  esac
}

# Messages in a RabbitMQ queue of the test broker (for the restart tests): test_queue_depth QUEUE [COLUMN]
# COLUMN is a list_queues column: messages_ready (default) or messages_unacknowledged (delivered, not yet acked).
test_queue_depth() {
  # shellcheck disable=SC1091
  source "$PORTRAITBOOTH_TEST_RABBITMQ_HOME/node.env" || return 1
  ( _pb_rabbit_env; timeout 30 /usr/lib/rabbitmq/bin/rabbitmqctl -n "$PB_RABBIT_NODE" -q list_queues name "${2:-messages_ready}" ) |
    awk -v q="$1" '$1 == q { print $2; found = 1 } END { if (!found) print 0 }'
}

# Empties a RabbitMQ queue of the test broker, if it exists (messages left by an aborted test): test_queue_purge QUEUE
test_queue_purge() {
  # shellcheck disable=SC1091
  source "$PORTRAITBOOTH_TEST_RABBITMQ_HOME/node.env" || return 1
  ( _pb_rabbit_env; timeout 30 /usr/lib/rabbitmq/bin/rabbitmqctl -n "$PB_RABBIT_NODE" -q purge_queue "$1" ) >/dev/null 2>&1 || true
}

stop_test_services() {
  [ -n "$PB_SERVICES_DIR" ] || return 0
  if [ -n "${PORTRAITBOOTH_TEST_RABBITMQ:-}" ] || [ -f "$PB_SERVICES_DIR/rabbit/rabbit.pid" ]; then
    ( _pb_rabbit_env; timeout 30 /usr/lib/rabbitmq/bin/rabbitmqctl -n "$PB_RABBIT_NODE" shutdown ) >/dev/null 2>&1 ||
      { [ -f "$PB_SERVICES_DIR/rabbit/rabbit.pid" ] && kill "$(cat "$PB_SERVICES_DIR/rabbit/rabbit.pid")" 2>/dev/null; }
  fi
  if [ -n "${PORTRAITBOOTH_TEST_REDIS:-}" ]; then
    redis-cli -p "${PORTRAITBOOTH_TEST_REDIS##*:}" shutdown nosave >/dev/null 2>&1 ||
      { [ -f "$PB_SERVICES_DIR/redis/redis.pid" ] && kill "$(cat "$PB_SERVICES_DIR/redis/redis.pid")" 2>/dev/null; }
  fi
  rm -rf "$PB_SERVICES_DIR"
  PB_SERVICES_DIR=""
  unset PORTRAITBOOTH_TEST_REDIS PORTRAITBOOTH_TEST_RABBITMQ PORTRAITBOOTH_TEST_REDIS_DIR PORTRAITBOOTH_TEST_RABBITMQ_HOME
}

# Installs (if needed), starts both services, waits until they answer and exports their addresses. On failure the
# variables stay unset: in CI the distributed tests then fail with the reason, elsewhere they skip.
start_test_services() {
  ensure_service_packages || return 1
  PB_SERVICES_DIR=$(mktemp -d /tmp/portraitbooth-services-XXXXXX)
  trap stop_test_services EXIT
  local started=$SECONDS
  _pb_start_redis || { stop_test_services; return 1; }
  _pb_start_rabbit || { stop_test_services; return 1; }
  echo "services: Redis $PORTRAITBOOTH_TEST_REDIS, RabbitMQ $PORTRAITBOOTH_TEST_RABBITMQ (ready in $((SECONDS - started)) s)"
}
