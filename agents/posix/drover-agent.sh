#!/bin/sh
# Drover's remote agent: primitives over framed requests on stdin, framed
# responses on stdout (docs/agent-protocol.md). POSIX sh: dash, bash, busybox.
# Reads stdin only with `read -r` (one line) and `dd bs=N count=1
# iflag=fullblock` (exactly N bytes), so it never consumes a byte that is
# not its own.
PROTOCOL=2
# mktemp -d makes the work directory 0700; commands keep the login umask.
work=$(mktemp -d "${TMPDIR:-/tmp}/drover-agent.XXXXXX") || exit 70
trap 'rm -rf "$work"' EXIT
trap 'exit 130' INT TERM HUP
# The mode cp gives a new file copied from one of ours: 0666 less the umask
# (twice), for the umasks that are common; `none` makes write always chmod.
umask > "$work/umask"; read -r created_mode < "$work/umask"
case ${created_mode#0} in
    022) created_mode=644 ;; 002) created_mode=664 ;; 027) created_mode=640 ;; 077) created_mode=600 ;; *) created_mode=none ;;
esac

# read_field FILE: one field into FILE. A short one-line value comes inline
# (`=VALUE`, or `+VALUE` for VALUE and a newline) and is read by the `read`
# builtin; anything else is a length line, then that many bytes, read by
# dd, whose own record count ("1+0 records in") proves the whole field
# arrived, so no extra process is needed to check it.
read_field() {
    IFS= read -r len || return 1
    case $len in
        =*) printf '%s' "${len#=}" > "$1"; return 0 ;;
        +*) printf '%s\n' "${len#+}" > "$1"; return 0 ;;
        ''|*[!0-9]*) return 1 ;;
    esac
    if [ "$len" -eq 0 ]; then : > "$1"; return 0; fi
    LC_ALL=C dd bs="$len" count=1 iflag=fullblock of="$1" 2> "$work/dd" || return 1
    IFS= read -r records < "$work/dd"
    [ "$records" = "1+0 records in" ]
}

# fieldvar NAME N: field N's first line into variable NAME (text fields are
# one line: paths, modes, owners, numbers), read without a subprocess.
fieldvar() {
    eval "$1=''"
    IFS= read -r "$1" < "$work/f$2" || :
}

# respond RC: the blocks out, err and meta, each closed by a line holding
# the request's token; the last one adds the exit status. Nothing counts
# bytes: at most one cat, and none when out and err are empty (meta is our
# own text lines, echoed by builtins), as for most requests.
respond() {
    if [ -s "$work/out" ] || [ -s "$work/err" ]; then
        printf 'DRV%s %s\n' "$PROTOCOL" "$token"
        printf '\n%s\n' "$token" > "$work/sep"
        cat "$work/out" "$work/sep" "$work/err" "$work/sep" "$work/meta"
        printf '\n%s %s\n' "$token" "$1"
        return
    fi
    meta=
    while IFS= read -r line; do meta="$meta$line
"; done < "$work/meta"
    printf 'DRV%s %s\n\n%s\n\n%s\n%s\n%s %s\n' "$PROTOCOL" "$token" "$token" "$token" "$meta" "$token" "$1"
}

# respond_file PATH: a file's bytes as the out block, straight from the file
# (one cat); the exit status comes last, so a failed read still frames.
respond_file() {
    printf 'DRV%s %s\n' "$PROTOCOL" "$token"
    printf '\n%s\n' "$token" > "$work/sep"
    cat "$1" "$work/sep" "$work/err" "$work/sep" "$work/meta" 2> /dev/null
    printf '\n%s %s\n' "$token" "$?"
}

reset() { : > "$work/out"; : > "$work/err"; : > "$work/meta"; }

stat_meta() { # path -> meta lines describing it
    if [ -L "$1" ]; then kind=link; elif [ -d "$1" ]; then kind=directory
    elif [ -f "$1" ]; then kind=file; elif [ -e "$1" ]; then kind=other; else echo "exists=0"; return; fi
    echo "exists=1"
    echo "type=$kind"
    stat -c 'mode=%a
uid=%u
gid=%g
owner=%U
group=%G
size=%s
mtime=%Y' "$1" 2>/dev/null || stat -f 'mode=%Lp
uid=%u
gid=%g
owner=%Su
group=%Sg
size=%z
mtime=%m' "$1"
    [ "$kind" = link ] && echo "target=$(readlink "$1")"
    return 0
}

sha256_of() { # one process; `read` cuts the digest from the file name
    if command -v sha256sum >/dev/null 2>&1; then sha256sum < "$1" > "$work/sum"
    else shasum -a 256 < "$1" > "$work/sum"; fi || return 1
    read -r digest _ < "$work/sum" && echo "$digest"
}

op_exec() { # script, stdin, cwd, env (NAME=VALUE lines), timeout seconds[, how]
    fieldvar cwd 3; fieldvar timeout 5
    how=; [ "$count" -ge 6 ] && fieldvar how 6
    ( [ -z "$cwd" ] || cd "$cwd" || exit 125
      while IFS= read -r pair || [ -n "$pair" ]; do [ -n "$pair" ] && export "$pair"; done < "$work/f4"
      set --
      if [ "$how" = argv ]; then
          # The script is a quoted word list (the command module): the words
          # become "$@" and the program is exec'd from here, one /bin/sh fewer.
          words=
          while IFS= read -r line || [ -n "$line" ]; do words="$words$line
"; done < "$work/f1"
          eval "set -- $words"
          unset -f $agent_functions
          command -v "$1" > /dev/null 2>&1 || { echo "not_found=1" > "$work/meta"; exit 127; }
      else
          set -- /bin/sh "$work/f1"
      fi
      if [ -n "$timeout" ] && [ "$timeout" -gt 0 ] 2>/dev/null && command -v timeout >/dev/null 2>&1; then
          exec timeout "$timeout" "$@"
      fi
      exec "$@" ) < "$work/f2" > "$work/out" 2> "$work/err"
    rc=$?
    [ "$rc" -eq 124 ] && [ -n "$timeout" ] && echo "timed_out=1" > "$work/meta"
    return $rc
}

op_write() { # path, content, mode ('' keeps), owner ('' keeps), backup dir ('' = none)
    fieldvar path 1; fieldvar mode 3; fieldvar owner 4; fieldvar backup 5
    stat_meta "$path" > "$work/meta"
    if [ -n "$backup" ] && [ -f "$path" ]; then
        mkdir -p "$backup" && cp -p "$path" "$backup/previous" || { echo "cannot keep the previous version in $backup" > "$work/err"; return 1; }
    fi
    case $path in
        */*) tmp="${path%/*}/.${path##*/}.drover.$$" ;;
        *) tmp=".$path.drover.$$" ;;
    esac
    # The mode: the one asked for, else the old file's (from meta), else 644.
    want=$mode
    if [ -z "$want" ]; then
        want=644
        while IFS= read -r line; do case $line in mode=*) want=${line#mode=} ;; esac; done < "$work/meta"
    fi
    # cp gives a new file the mode it would get anyway (see created_mode);
    # chmod only when that is not the one wanted.
    [ -e "$tmp" ] && created=none || created=$created_mode
    cp "$work/f2" "$tmp" 2> "$work/err" || return 1
    case ${want#0} in
        "$created") ;;
        *) chmod "$want" "$tmp" 2>> "$work/err" || { rm -f "$tmp"; return 1; } ;;
    esac
    if [ -n "$owner" ]; then chown "$owner" "$tmp" 2>> "$work/err" || { rm -f "$tmp"; return 1; }; fi
    mv -f "$tmp" "$path" 2>> "$work/err" || { rm -f "$tmp"; return 1; }
}

op_mkdir() { # path, mode: `mkdir -m` sets a new directory's mode itself
    fieldvar p 1; fieldvar m 2
    stat_meta "$p" > "$work/meta"
    if [ -d "$p" ]; then
        [ -z "$m" ] || chmod "$m" "$p" 2> "$work/err"
    elif [ -n "$m" ]; then
        mkdir -p -m "$m" "$p" 2> "$work/err"
    else
        mkdir -p "$p" 2> "$work/err"
    fi
}

# Facts: raw data only, as `key=value` lines (docs/agent-protocol.md, "facts
# keys"); the controller (HostFacts.swift) turns them into Ansible's facts.
# Forks: uname, id, getent, nproc, date, ip, stat and ONE awk that reads every
# file; everything else is builtins.

# facts_probes: `exists=PATH` for each path that exists (`[ -e ]`, no fork).
facts_probes() {
    for f_p in /run/systemd/system/ /dev/.run/systemd/ /dev/.systemd/ /etc/init/ /sbin/openrc /etc/init.d/ /etc/dinit.d/ \
        /run/ostree-booted /usr/bin/rpm-ostree /usr/bin/yum /usr/bin/dnf-3 /usr/bin/dnf5 /usr/bin/dnf /usr/bin/microdnf \
        /usr/bin/apt-get /usr/bin/zypper /usr/sbin/urpmi /usr/bin/pacman /bin/opkg /sbin/apk /usr/bin/emerge \
        /usr/bin/xbps-install /usr/bin/swupd /usr/sbin/pkg /usr/local/sbin/pkg /usr/local/bin/brew /opt/homebrew/bin/brew \
        /etc/arch-release /etc/vmware-release /.dockerenv /.dockerinit /proc/vz /proc/lve /proc/bc /proc/xen /dev/kvm \
        /sys/class/net/*/bridge /sys/class/net/*/bonding; do
        [ -e "$f_p" ] && printf 'exists=%s\n' "$f_p"
    done
    for f_p in systemctl initctl; do command -v "$f_p" >/dev/null 2>&1 && printf 'has=%s\n' "$f_p"; done
    [ -L /sbin/init ] && printf 'link=/sbin/init:%s\n' "$(readlink /sbin/init)"
    for f_p in /usr/bin/dnf /usr/bin/microdnf; do [ -L "$f_p" ] && printf 'realpath=%s:%s\n' "$f_p" "$(readlink -f "$f_p")"; done
    return 0
}

# facts_awk [FILE...]: one awk over the environment, the files below and the
# given ones (cpuinfo, meminfo, modules and mounts filtered; others whole).
facts_awk() {
    f_w=$work; f_k=$#
    f_os=/etc/os-release; [ -r "$f_os" ] || f_os=/usr/lib/os-release
    for f_p in "$f_os" /etc/lsb-release /etc/debian_version /etc/redhat-release /etc/centos-release /etc/oracle-release \
        /etc/system-release /etc/alpine-release /etc/gentoo-release /etc/SuSE-release /etc/openwrt_release \
        /etc/machine-id /proc/1/comm /proc/1/cgroup /proc/uptime /run/systemd/container /proc/xen/capabilities \
        /sys/fs/selinux/enforce /sys/fs/selinux/policyvers /etc/selinux/config /sys/devices/virtual/dmi/id/product_name \
        /sys/devices/virtual/dmi/id/sys_vendor /sys/devices/virtual/dmi/id/bios_vendor /sys/devices/virtual/dmi/id/product_family \
        /proc/cpuinfo /proc/meminfo /proc/modules /proc/mounts /sys/class/net/*/address /sys/class/net/*/mtu \
        /sys/class/net/*/type /sys/class/net/*/operstate "$@"; do
        [ -f "$f_p" ] && [ -r "$f_p" ] && set -- "$@" "$f_p"
    done
    shift "$f_k"
    : > "$f_w/facts.mp"
    awk -v w="$f_w" '
BEGIN { for (k in ENVIRON) if (index(ENVIRON[k], "\n") == 0) print "env=" k "=" ENVIRON[k]; mp = w "/facts.mp" }
FILENAME == "/proc/cpuinfo" { if ($0 ~ /^(processor|vendor_id|model name|Processor|cpu|Vendor|physical id|core id|cpu cores|siblings)[ \t]*:/) print "cpuinfo=" $0; next }
FILENAME == "/proc/meminfo" { if ($0 ~ /^(MemTotal|MemFree|SwapTotal|SwapFree|Buffers|Cached|SwapCached):/) print "meminfo=" $0; next }
FILENAME == "/proc/modules" { if ($1 == "kvm" || $1 == "vboxdrv" || $1 == "virtio") print "module=" $1; next }
FILENAME == "/proc/mounts" { if (NF >= 4 && ($1 ~ /^[\/\\]/ || index($1, ":/")) && $3 != "none") { print "mount=" $0; if (!seen[$2]++ && index($2, "\\") == 0) print $2 > mp }; next }
FILENAME == "/proc/net/fib_trie" { if ($1 == "|--") a = $2; else if ($0 ~ /\/32 host LOCAL/) print "fib_local=" a; next }
FILENAME == w "/facts.ipaddr" { print "ipaddr=" $0; next }
FILENAME == w "/facts.environ1" { if ($0 ~ /^container=/) print "init_env=" $0; next }
{ print "file=" FILENAME ":" $0 }' "$@" 2>/dev/null
}

op_facts() {
    {
        f_u=$(uname -s -n -r -v -m)
        set -f; set -- $f_u; set +f
        eval "f_m=\${$#}"
        f_v=${f_u#"$1 $2 $3 "}; f_v=${f_v%" $f_m"}; f_n=$2
        printf 'system=%s\nhostname=%s\nkernel=%s\nkernel_version=%s\nmachine=%s\n' "$1" "$2" "$3" "$f_v" "$f_m"
        # fqdn as Python's socket.getfqdn(): the names of the host's first address.
        if command -v getent >/dev/null 2>&1; then
            f_l=$(getent hosts "$f_n" 2>/dev/null) && f_l=$(getent hosts "${f_l%%[ 	]*}" 2>/dev/null) && {
                set -f; set -- ${f_l%%"
"*}; set +f; shift; printf 'fqdn_names=%s\n' "$*"; }
        elif command -v hostname >/dev/null 2>&1; then
            f_l=$(hostname -f 2>/dev/null) && printf 'fqdn=%s\n' "$f_l"
        fi
        f_id=$(id); printf 'id=%s\n' "$f_id"
        f_uid=${f_id#uid=}; f_uid=${f_uid%%[!0-9]*}; f_pw=
        command -v getent >/dev/null 2>&1 && f_pw=$(getent passwd "$f_uid" 2>/dev/null)
        if [ -z "$f_pw" ] && [ -r /etc/passwd ]; then
            while IFS= read -r f_l; do
                f_p=${f_l#*:}; f_p=${f_p#*:}
                [ "${f_p%%:*}" = "$f_uid" ] && { f_pw=$f_l; break; }
            done < /etc/passwd
        fi
        [ -n "$f_pw" ] && printf 'passwd=%s\n' "${f_pw%%"
"*}"
        printf 'nproc=%s\n' "$(nproc 2>/dev/null || getconf _NPROCESSORS_ONLN 2>/dev/null || echo 1)"
        f_l=$(LC_ALL=C date '+%Y %m %d %H %M %S %s %A %w %W %Z %z %N'); printf 'date=%s\n' "$f_l"
        # The zone on 1 January and 1 July (UTC) of this year, for the DST zone name; GNU or busybox date.
        case ${f_l%% *} in [12][0-9][0-9][0-9])
            f_l=$(( (${f_l%% *} - 1970) * 31536000 + (${f_l%% *} - 1969) / 4 * 86400 ))
            f_l=$(LC_ALL=C date -d "@$f_l" '+%z %Z' 2>/dev/null && LC_ALL=C date -d "@$((f_l + 15638400))" '+%z %Z' 2>/dev/null) &&
                printf 'tz_jan=%s\ntz_jul=%s\n' "${f_l%%"
"*}" "${f_l#*"
"}" ;;
        esac
        if command -v ip >/dev/null 2>&1; then
            f_l=$(ip -4 route get 8.8.8.8 2>/dev/null) && printf 'route_get=%s\n' "${f_l%%"
"*}"
            ip -4 addr show > "$work/facts.ipaddr" 2>/dev/null; set -- "$work/facts.ipaddr"
        else
            set -- /proc/net/route /proc/net/fib_trie
        fi
        # /proc/1/environ (root only) tells lxc and podman containers.
        [ -r /proc/1/environ ] && tr '\000' '\n' 2>/dev/null < /proc/1/environ > "$work/facts.environ1" && set -- "$@" "$work/facts.environ1"
        facts_probes
        facts_awk "$@"
        # Sizes of the mounts kept above, as statvfs gives them; `timeout` guards a hung NFS mount.
        set --
        while IFS= read -r f_l; do set -- "$@" "$f_l"; done < "$work/facts.mp"
        if [ $# -gt 0 ]; then
            set -- stat -f -c '%S %b %a %s %c %d %n' "$@"
            command -v timeout >/dev/null 2>&1 && set -- timeout 10 "$@"
            "$@" > "$work/facts.statfs" 2>/dev/null
            while IFS= read -r f_l; do printf 'statfs=%s\n' "$f_l"; done < "$work/facts.statfs"
        fi
        return 0
    } > "$work/out" 2> "$work/err"
}

# A field count is digits; a token letters and digits (it closes the blocks
# of the response, so the controller makes it fresh and random each time).
valid_count() { case $1 in ''|*[!0-9]*) return 1 ;; esac; }
valid_token() { case $1 in ''|*[!0-9A-Za-z]*) return 1 ;; esac; }

# One request: `DRV<version> OP COUNT TOKEN`, then COUNT fields.
serve() {
    while IFS= read -r header; do
        set -f; set -- $header; set +f
        if [ $# -ne 4 ] || [ "$1" != "DRV$PROTOCOL" ] || ! valid_count "$3" || ! valid_token "$4"; then
            printf 'DRV%s -\n\n-\nbad request header\n\n-\n\n- 2\n' "$PROTOCOL"; exit 2
        fi
        op=$2; count=$3; token=$4
        i=1
        while [ "$i" -le "$count" ]; do
            read_field "$work/f$i" || exit 2
            i=$((i + 1))
        done
        reset
        case $op in
            hello) printf 'protocol=%s\n' "$PROTOCOL" > "$work/meta"; rc=0 ;;
            exec) op_exec; rc=$? ;;
            stat) fieldvar p 1; stat_meta "$p" > "$work/meta"; rc=0 ;;
            read) fieldvar p 1; if [ -f "$p" ]; then respond_file "$p"; continue; fi; echo "not a file: $p" > "$work/err"; rc=1 ;;
            write) op_write; rc=$? ;;
            mkdir) op_mkdir; rc=$? ;;
            remove) fieldvar p 1; stat_meta "$p" > "$work/meta"; rm -rf -- "$p" 2> "$work/err"; rc=$? ;;
            symlink) fieldvar t 1; fieldvar p 2; stat_meta "$p" > "$work/meta"; ln -sfn "$t" "$p" 2> "$work/err"; rc=$? ;;
            chmod) fieldvar p 1; fieldvar m 2; chmod "$m" "$p" 2> "$work/err"; rc=$? ;;
            chown) fieldvar p 1; fieldvar m 2; chown "$m" "$p" 2> "$work/err"; rc=$? ;;
            sha256) fieldvar p 1; if [ -f "$p" ]; then sha256_of "$p" > "$work/out"; rc=0; else echo "not a file: $p" > "$work/err"; rc=1; fi ;;
            facts) op_facts; rc=$? ;;
            *) echo "unknown operation: $op" > "$work/err"; rc=2 ;;
        esac
        respond "$rc"
    done
}

# The agent's own functions: an argv exec forgets them, so `command -v`
# finds only the host's programs.
agent_functions="read_field fieldvar respond respond_file reset stat_meta sha256_of op_exec op_write op_mkdir facts_probes facts_awk op_facts valid_count valid_token serve"

serve
