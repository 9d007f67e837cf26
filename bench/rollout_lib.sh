# Shared by bench/rollout, bench/overhead and bench/scale (sourced, not run).
# Sets up the peers, the drover binary, the test hosts, and small helpers.
# shellcheck shell=bash
source "$(dirname "${BASH_SOURCE[0]}")/../ops/env.sh"
cd "$DROVER_ROOT" || exit 1

BENCH_OUT=${DROVER_BENCH_OUT:-/tmp/drover-bench}
mkdir -p "$BENCH_OUT"

say() { printf '%s\n' "$*" >&2; }
die() { say "bench: $*"; exit 1; }

# The system packages: the build's and the test hosts' (ops/setup), GNU time
# for the controller's CPU and RSS, and python3-venv for the peers.
[ "${DROVER_BENCH_NO_SETUP:-0}" = 1 ] || ops/setup time python3-venv >&2 || die "ops/setup failed"

# --- peers: ansible-core and pyinfra in bench/.venv (git-ignored) -----------
ANSIBLE_VERSION=2.19.14
venv=$DROVER_ROOT/bench/.venv
setup_venv() {
  if [ ! -x "$venv/bin/python" ]; then
    say "creating $venv"
    python3 -m venv "$venv" || die "python3 -m venv failed (apt-get install -y python3-venv)"
  fi
  local version=
  [ -x "$venv/bin/ansible-playbook" ] && version=$("$venv/bin/ansible-playbook" --version 2>/dev/null)
  if [[ ${version%%$'\n'*} != *"core $ANSIBLE_VERSION]"* ]]; then
    say "installing ansible-core==$ANSIBLE_VERSION into $venv"
    "$venv/bin/pip" install -q "ansible-core==$ANSIBLE_VERSION" || die "pip install ansible-core failed"
  fi
  if [ ! -x "$venv/bin/pyinfra" ]; then
    say "installing pyinfra into $venv"
    "$venv/bin/pip" install -q pyinfra || die "pip install pyinfra failed"
  fi
}

# Ansible at its fastest: pipelining, persistent multiplexed connections
# (ControlPersist; no -C, which only costs CPU on loopback), 50 forks, no
# interpreter discovery, host key checking on (the inventory names known_hosts).
ansible_env() {
  export ANSIBLE_PIPELINING=1 ANSIBLE_FORKS=50 ANSIBLE_PYTHON_INTERPRETER=/usr/bin/python3 \
    ANSIBLE_NOCOLOR=1 ANSIBLE_RETRY_FILES_ENABLED=0 ANSIBLE_GATHERING=explicit \
    ANSIBLE_SSH_ARGS='-o ControlMaster=auto -o ControlPersist=60s'
  export ANSIBLE_LOCAL_TEMP=$BENCH_OUT/ansible-tmp
}

# Each ansible "first run" starts without masters: a fresh control path
# directory; stop_masters ends the masters that are left in one.
stop_masters() { # dir
  local s
  for s in "$1"/*; do
    [ -S "$s" ] && ssh -o ControlPath="$s" -O exit bench-host >/dev/null 2>&1
  done
  rm -rf "$1"
}

# --- drover: release build ---------------------------------------------------
# DROVER_BENCH_SCRATCH=DIR builds in DIR instead of .build (a build of its
# own, untouched by other builds of the working tree); DROVER_BENCH_NO_BUILD=1
# takes the binary that is there.
build_args=(-c release --product drover)
[ -n "${DROVER_BENCH_SCRATCH:-}" ] && build_args+=(--scratch-path "$DROVER_BENCH_SCRATCH")
build_drover() {
  drover=$(swift build "${build_args[@]}" --show-bin-path)/drover
  if [ "${DROVER_BENCH_NO_BUILD:-0}" != 1 ]; then
    say "building drover (release)"
    if ! swift build "${build_args[@]}" > "$BENCH_OUT/build.log" 2>&1; then
      [ -x "$drover" ] || { cat "$BENCH_OUT/build.log" >&2; die "build failed"; }
      say "bench: build failed (see $BENCH_OUT/build.log); using the existing $drover"
    fi
  fi
  [ -x "$drover" ] || die "no $drover"
  # The working tree's agent, wherever the binary is.
  export DROVER_AGENT=$DROVER_ROOT/agents/posix/drover-agent.sh
  # A scratch run store, so the benchmark neither fills nor reads the user's.
  export DROVER_HOME=$BENCH_OUT/drover-home
  rm -rf "$DROVER_HOME"; mkdir -p "$DROVER_HOME"
}

tool_versions() {
  local v
  echo "drover:  $(drover_version)"
  v=$("$venv/bin/ansible-playbook" --version 2>/dev/null); echo "ansible: ${v%%$'\n'*}"
  v=$("$venv/bin/pyinfra" --version 2>/dev/null); echo "pyinfra: ${v%%$'\n'*}"
}

drover_version() {
  echo "$drover (built $(date -r "$drover" '+%F %T'); tree now at $(git rev-parse --short HEAD 2>/dev/null)$(git diff --quiet HEAD -- Sources agents 2>/dev/null || echo ', Sources modified'))"
}

# --- test hosts ----------------------------------------------------------------
# hosts_up N DIR BASE: start (or keep) N hosts; sets inventory, key, known_hosts,
# hosts (names), addr[name], hostdir[name].
declare -A addr hostdir
hosts=()
hosts_up() {
  local n=$1 dir=$2 base=$3 line name
  ops/testhosts up "$n" "$dir" --base "$base" >&2 || die "ops/testhosts up failed"
  inventory=$dir/inventory key=$dir/id_ed25519 known_hosts=$dir/known_hosts
  hosts=()
  while read -r line; do
    name=${line%% *}
    [[ $line =~ ansible_host=([^ ]+) ]] && addr[$name]=${BASH_REMATCH[1]}
    [[ $line =~ testhost_dir=([^ ]+) ]] && hostdir[$name]=${BASH_REMATCH[1]}
    case ${hostdir[$name]} in "$dir"/hosts/*/work) ;; *) die "$name: unexpected testhost_dir ${hostdir[$name]}" ;; esac
    hosts+=("$name")
  done < <(grep -E '^h[0-9]+ ' "$inventory")
}

# use_user USER: every tool logs in as USER instead of root (the inventory's). ops/testhosts
# makes `drover-pw` (shell /bin/sh; the hosts accept the bench key for any
# user), which avoids whatever root's login shell runs at each session start
# (sshd runs the user's shell, and bash reads ~/.bashrc under sshd). The
# hosts' work directories become USER's; the inventory is a copy with
# ansible_user=USER.
login_user=root
use_user() {
  local user=$1 h
  [ "$user" = root ] && return 0
  id "$user" >/dev/null 2>&1 || die "no user $user on this machine"
  for h in "${hosts[@]}"; do chown "$user:" "${hostdir[$h]}"; done
  sed "s/^ansible_user=.*/ansible_user=$user/" "$inventory" > "$inventory.$user"
  inventory=$inventory.$user
  login_user=$user
}

ssh_opts() { # the OpenSSH options the inventory gives every tool
  printf '%s\n' -i "$key" -o UserKnownHostsFile="$known_hosts" -o StrictHostKeyChecking=yes \
    -o BatchMode=yes -o LogLevel=ERROR -l "$login_user"
}

# What a login costs on these hosts: the user's shell and its startup files.
login_shell_note() {
  local shell
  shell=$(getent passwd "$login_user" | cut -d: -f7)
  echo "login: $login_user, shell $shell$( [ "${shell##*/}" = bash ] && [ -f "$(getent passwd "$login_user" | cut -d: -f6)/.bashrc" ] && echo " (reads ~/.bashrc at every SSH session)")"
}

# --- measuring -------------------------------------------------------------------
now_ns() { date +%s%N; }
ms_since() { echo $(( ($(now_ns) - $1) / 1000000 )); }
load() { cut -d' ' -f1-3 /proc/loadavg; }
median() { # numbers... -> the median (mean of the middle two for an even count)
  printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END { if (NR == 0) print "-"; else if (NR % 2) print v[(NR + 1) / 2]; else printf "%d\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
secs() { awk -v ms="$1" 'BEGIN { if (ms == "-") print "-"; else printf "%.2f", ms / 1000 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "-" || b == "-" || a == 0) print "-"; else printf "%.1fx", b / a }'; }
machine() {
  echo "machine: $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')), $(free -m | awk '/^Mem:/ { print $2 }') MB RAM, $(uname -sr)"
  echo "openssh: $(ssh -V 2>&1)"
}
