# Shared by bench/server/run and bench/server/schemathesis (sourced, not
# run): the drover binary, test hosts, a scratch project and store with an
# admin token, and `drover serve` started and stopped.
# shellcheck shell=bash
source "$(dirname "${BASH_SOURCE[0]}")/../../ops/env.sh"
cd "$DROVER_ROOT" || exit 1

BENCH_OUT=${DROVER_BENCH_OUT:-/tmp/drover-bench/server}
HOSTS_DIR=${DROVER_BENCH_HOSTS:-/tmp/drover-bench-server-hosts}
HOSTS_BASE=${DROVER_BENCH_BASE:-127.0.9}
PORT=${DROVER_BENCH_PORT:-18230}
# The login: ops/testhosts' plain user (shell /bin/sh), as bench/rollout
# does; root's login shell on the project's VM reads a ~/.bashrc whose
# `pyenv init` lets concurrent sessions through about 0.1 s apart
# (docs/performance.md), which 400 sessions at once turn into 40 s.
BENCH_USER=${DROVER_BENCH_USER:-drover-pw}
SERVER=http://127.0.0.1:$PORT
mkdir -p "$BENCH_OUT"

say() { printf '%s\n' "$*" >&2; }
die() { say "bench/server: $*"; exit 1; }

# --- drover -------------------------------------------------------------------
# DROVER_BIN=PATH takes that binary; DROVER_BENCH_NO_BUILD=1 the release
# binary that is there; else a release build (DROVER_BENCH_SCRATCH=DIR builds
# in DIR instead of .build).
build_drover() {
  if [ -n "${DROVER_BIN:-}" ]; then
    drover=$DROVER_BIN
  else
    local args=(-c release --product drover)
    [ -n "${DROVER_BENCH_SCRATCH:-}" ] && args+=(--scratch-path "$DROVER_BENCH_SCRATCH")
    drover=$(swift build "${args[@]}" --show-bin-path)/drover
    if [ "${DROVER_BENCH_NO_BUILD:-0}" != 1 ]; then
      say "building drover (release; 10-20 minutes on 2 busy cores)"
      swift build "${args[@]}" > "$BENCH_OUT/build.log" 2>&1 || { tail -20 "$BENCH_OUT/build.log" >&2; die "build failed"; }
    fi
  fi
  [ -x "$drover" ] || die "no $drover"
  export DROVER_AGENT=$DROVER_ROOT/agents/posix/drover-agent.sh
}

# --- hosts and project ----------------------------------------------------------
start_hosts() { # count
  ops/testhosts up "$1" "$HOSTS_DIR" --base "$HOSTS_BASE" >&2 || die "ops/testhosts up failed"
}

# A project over the test hosts: `nap` (a survey, like the tests' template),
# `tick` (one host writes timestamped lines: the SSE latency probe) and
# `fleet` (5 tasks, parallel, as $BENCH_USER; the inventory names each of the N hosts 20
# times, as r1h1…r20hN, so 20 runs can cover all N hosts at once without
# waiting for each other's host locks).
make_project() { # dir hosts
  local dir=$1 count=$2 r i
  mkdir -p "$dir"
  {
    echo "[testhosts]"
    for i in $(seq 1 "$count"); do echo "h$i ansible_host=$HOSTS_BASE.$i"; done
    for r in $(seq 1 20); do
      echo "[r$r]"
      for i in $(seq 1 "$count"); do echo "r${r}h$i ansible_host=$HOSTS_BASE.$i"; done
    done
    echo "[all:vars]"
    sed -n '/^\[testhosts:vars\]/,$p' "$HOSTS_DIR/inventory" | tail -n +2 | sed "s/^ansible_user=.*/ansible_user=$BENCH_USER/"
  } > "$dir/inventory"
  cat > "$dir/nap.yml" <<'EOF'
- hosts: testhosts
  gather_facts: false
  tasks:
    - command: echo start {{ release }}
    - shell: "sleep {{ nap }}"
EOF
  cat > "$dir/tick.yml" <<'EOF'
- hosts: h1
  gather_facts: false
  tasks:
    # The subscriber connects meanwhile; then one timestamped line every 250 ms.
    - shell: "sleep 2; for i in $(seq 1 {{ lines }}); do date +%s.%N; sleep 0.25; done"
EOF
  cat > "$dir/fleet.yml" <<'EOF'
- hosts: all
  gather_facts: false
  tasks:
    - command: uname -r
    - shell: "sleep 1"
    - command: echo {{ inventory_hostname }}
    - shell: "sleep 1; df -h / | tail -1"
    - command: "true"
EOF
  cat > "$dir/drover.yml" <<'EOF'
templates:
  - name: nap
    playbook: nap.yml
    inventory: [inventory]
    extra_vars: {nap: 0}
    overridable: [limit, extra_vars, tags, skip_tags, diff]
    concurrency: parallel
    survey:
      - {name: release, type: string, required: true, regex: 'v[0-9.]+'}
      - {name: batch, type: int, default: 5, min: 1, max: 50}
      - {name: token, type: secret}
  - name: tick
    playbook: tick.yml
    inventory: [inventory]
    extra_vars: {lines: 20}
    concurrency: parallel
  - name: fleet
    playbook: fleet.yml
    inventory: [inventory]
    forks: 50
    overridable: [limit]
    concurrency: parallel
EOF
}

# --- store and server ----------------------------------------------------------
# A fresh store in DROVER_HOME=$1 with an admin; sets $token.
new_store() { # home
  export DROVER_HOME=$1
  rm -rf "$DROVER_HOME"; mkdir -p "$DROVER_HOME"
  echo 'bench password, local only' | "$drover" users add bench --role admin --password-stdin > /dev/null 2>&1 || die "users add failed"
  token=$("$drover" tokens create --user bench --scope admin --expires 1d 2> /dev/null) || die "tokens create failed"
}

start_server() { # project [serve options…]
  local project=$1; shift
  "$drover" serve --project "$project" --listen "127.0.0.1:$PORT" "$@" > "$BENCH_OUT/server.log" 2>&1 &
  server_pid=$!
  for _ in $(seq 1 300); do
    curl -fs "$SERVER/healthz" > /dev/null && return 0
    kill -0 "$server_pid" 2> /dev/null || { tail -5 "$BENCH_OUT/server.log" >&2; die "drover serve exited"; }
    sleep 0.1
  done
  die "drover serve did not answer in 30 s"
}

stop_server() {
  [ -n "${server_pid:-}" ] || return 0
  kill -TERM "$server_pid" 2> /dev/null && wait "$server_pid" 2> /dev/null
  server_pid=
}

load() { cut -d' ' -f1-3 /proc/loadavg; }
