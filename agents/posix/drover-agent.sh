#!/bin/sh
# Drover's remote agent: primitives over framed requests on stdin, framed
# responses on stdout (docs/agent-protocol.md). POSIX sh: dash, bash, busybox.
# Reads stdin only with `read -r` (one line) and `dd bs=N count=1
# iflag=fullblock` (exactly N bytes), so it never consumes a byte that is
# not its own.
PROTOCOL=1
umask 077
work=$(mktemp -d "${TMPDIR:-/tmp}/drover-agent.XXXXXX") || exit 70
trap 'rm -rf "$work"' EXIT
trap 'exit 130' INT TERM HUP

# read_field FILE: one field (a line with its length, then that many bytes) into FILE.
read_field() {
    IFS= read -r len || return 1
    case $len in ''|*[!0-9]*) return 1 ;; esac
    if [ "$len" -eq 0 ]; then : > "$1"; return 0; fi
    dd bs="$len" count=1 iflag=fullblock of="$1" 2>/dev/null || return 1
    [ "$(wc -c < "$1")" -eq "$len" ]
}

# field N: the text of field N (trailing newlines dropped by $(), as documented).
field() { cat "$work/f$1"; }

# respond RC: header line, then out, err and meta bytes.
respond() {
    printf 'DRV%s %s %s %s %s\n' "$PROTOCOL" "$1" \
        "$(wc -c < "$work/out")" "$(wc -c < "$work/err")" "$(wc -c < "$work/meta")"
    cat "$work/out" "$work/err" "$work/meta"
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

sha256_of() {
    if command -v sha256sum >/dev/null 2>&1; then sha256sum < "$1" | cut -c1-64
    else shasum -a 256 < "$1" | cut -c1-64; fi
}

op_exec() { # script, stdin, cwd, env (NAME=VALUE lines), timeout seconds
    cwd=$(field 3); timeout=$(field 5)
    ( [ -z "$cwd" ] || cd "$cwd" || exit 125
      while IFS= read -r pair || [ -n "$pair" ]; do [ -n "$pair" ] && export "$pair"; done < "$work/f4"
      if [ -n "$timeout" ] && [ "$timeout" -gt 0 ] 2>/dev/null && command -v timeout >/dev/null 2>&1; then
          exec timeout "$timeout" /bin/sh "$work/f1"
      fi
      exec /bin/sh "$work/f1" ) < "$work/f2" > "$work/out" 2> "$work/err"
    rc=$?
    [ "$rc" -eq 124 ] && [ -n "$timeout" ] && echo "timed_out=1" > "$work/meta"
    return $rc
}

op_write() { # path, content, mode ('' keeps), owner ('' keeps), backup dir ('' = none)
    path=$(field 1); mode=$(field 3); owner=$(field 4); backup=$(field 5)
    stat_meta "$path" > "$work/meta"
    if [ -n "$backup" ] && [ -f "$path" ]; then
        mkdir -p "$backup" && cp -p "$path" "$backup/previous" || { echo "cannot keep the previous version in $backup" > "$work/err"; return 1; }
    fi
    tmp="$(dirname "$path")/.$(basename "$path").drover.$$"
    cp "$work/f2" "$tmp" 2> "$work/err" || return 1
    if [ -n "$mode" ]; then chmod "$mode" "$tmp" 2>> "$work/err" || { rm -f "$tmp"; return 1; }
    elif [ -e "$path" ]; then chmod "$(stat -c %a "$path" 2>/dev/null || echo 644)" "$tmp"
    else chmod 644 "$tmp"; fi
    if [ -n "$owner" ]; then chown "$owner" "$tmp" 2>> "$work/err" || { rm -f "$tmp"; return 1; }; fi
    mv -f "$tmp" "$path" 2>> "$work/err" || { rm -f "$tmp"; return 1; }
    echo "sha256=$(sha256_of "$path")" >> "$work/meta"
}

op_facts() {
    {
        echo "hostname=$(uname -n)"
        echo "kernel=$(uname -r)"
        echo "architecture=$(uname -m)"
        echo "system=$(uname -s)"
        echo "user_id=$(id -un)"
        echo "vcpus=$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 1)"
        [ -r /proc/meminfo ] && sed -n 's/^MemTotal: *\([0-9]*\) kB/memtotal_kb=\1/p' /proc/meminfo
        [ -r /etc/os-release ] && sed -n 's/^\(ID\|VERSION_ID\|ID_LIKE\|PRETTY_NAME\)=/os_&/p' /etc/os-release | tr -d '"'
        [ -d /run/systemd/system ] && echo "service_mgr=systemd"
        for p in apt-get dnf yum apk zypper pacman; do
            command -v $p >/dev/null 2>&1 && { echo "pkg_mgr=$p"; break; }
        done
    } > "$work/out" 2> "$work/err"
}

# One request: `DRV<version> OP COUNT`, then COUNT fields.
serve() {
    while IFS= read -r header; do
        set -f; set -- $header; set +f
        [ "$1" = "DRV$PROTOCOL" ] && [ $# -eq 3 ] || { echo "DRV$PROTOCOL 2 0 $(printf 'bad request header\n' | wc -c) 0"; printf 'bad request header\n'; exit 2; }
        op=$2; count=$3
        i=1
        while [ "$i" -le "$count" ]; do
            read_field "$work/f$i" || exit 2
            i=$((i + 1))
        done
        reset
        case $op in
            hello) printf 'protocol=%s\nshell=%s\n' "$PROTOCOL" "$(readlink /proc/$$/exe 2>/dev/null || echo sh)" > "$work/meta"; rc=0 ;;
            exec) op_exec; rc=$? ;;
            stat) stat_meta "$(field 1)" > "$work/meta"; rc=0 ;;
            read) p=$(field 1); if [ -f "$p" ]; then cat "$p" > "$work/out" 2> "$work/err"; rc=$?; else echo "not a file: $p" > "$work/err"; rc=1; fi ;;
            write) op_write; rc=$? ;;
            mkdir) p=$(field 1); stat_meta "$p" > "$work/meta"; mkdir -p "$p" 2> "$work/err" && { m=$(field 2); [ -z "$m" ] || chmod "$m" "$p" 2>> "$work/err"; }; rc=$? ;;
            remove) p=$(field 1); stat_meta "$p" > "$work/meta"; rm -rf -- "$p" 2> "$work/err"; rc=$? ;;
            symlink) stat_meta "$(field 2)" > "$work/meta"; ln -sfn "$(field 1)" "$(field 2)" 2> "$work/err"; rc=$? ;;
            chmod) chmod "$(field 2)" "$(field 1)" 2> "$work/err"; rc=$? ;;
            chown) chown "$(field 2)" "$(field 1)" 2> "$work/err"; rc=$? ;;
            sha256) p=$(field 1); if [ -f "$p" ]; then sha256_of "$p" > "$work/out"; rc=0; else echo "not a file: $p" > "$work/err"; rc=1; fi ;;
            facts) op_facts; rc=$? ;;
            *) echo "unknown operation: $op" > "$work/err"; rc=2 ;;
        esac
        respond "$rc"
    done
}

serve
