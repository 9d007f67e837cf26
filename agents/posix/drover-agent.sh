#!/bin/sh
# Drover's remote agent: primitives over framed requests on stdin, framed
# responses on stdout (docs/agent-protocol.md). POSIX sh: dash, bash, busybox.
# Reads stdin only with `read -r` (one line) and `dd bs=N count=1
# iflag=fullblock` (exactly N bytes), so it never consumes a byte that is
# not its own.
PROTOCOL=3
# The channel's stderr, kept as fd 3: an exec's stderr streams there and its
# end is marked there, whatever the agent's own fd 2 becomes.
exec 3>&2
# mktemp -d makes the work directory 0700; commands keep the login umask.
work=$(mktemp -d "${TMPDIR:-/tmp}/drover-agent.XXXXXX") || exit 70
trap 'cleanup' EXIT
trap 'exit 130' INT TERM HUP
# The mode cp gives a new file copied from one of ours: 0666 less the umask
# (twice), for the umasks that are common; `none` makes write always chmod.
umask > "$work/umask"; read -r created_mode < "$work/umask"
case ${created_mode#0} in
    022) created_mode=644 ;; 002) created_mode=664 ;; 027) created_mode=640 ;; 077) created_mode=600 ;; *) created_mode=none ;;
esac
# How a kill reaches an exec's children too. Where /proc is (Linux), each
# exec carries a marker in its environment (DROVER_EXEC), which everything it
# starts inherits, and a kill signals every process that has it: no extra
# program per exec, where setsid costs one exec of its own on every command.
# Elsewhere (or DROVER_AGENT_KILL=group) the command gets a process group of
# its own: setsid (util-linux or busybox) where it is, else bash's job
# control; else none, and a kill reaches the command's pid only.
if [ "${DROVER_AGENT_KILL-}" != group ] && [ -r /proc/self/environ ] && command -v grep > /dev/null 2>&1; then group=marker
elif command -v setsid > /dev/null 2>&1; then group=setsid
elif [ -n "${BASH_VERSION-}" ]; then group=jobs
else group=; fi
unset DROVER_AGENT_KILL
# Field files: $F1, $F2... A running exec still reads its script and stdin
# from its own, so each exec flips F to the other set for the next requests.
F=$work/f
# The running exec: its waiter (our child), the command's pid (= its group)
# and its marker.
waiter=
runner=
job=
mark=
# stat's format (GNU and busybox -c, BSD -f): seven lines, mtime last.
stat_c='mode=%a
uid=%u
gid=%g
owner=%U
group=%G
size=%s
mtime=%Y'
stat_f='mode=%Lp
uid=%u
gid=%g
owner=%Su
group=%Sg
size=%z
mtime=%m'

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
# one line: paths, modes, owners, numbers), read without a subprocess; ''
# when the request has fewer fields (the file may hold an older request's).
fieldvar() {
    eval "$1=''"
    [ "$2" -le "$count" ] || return 0
    IFS= read -r "$1" < "$F$2" || :
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

reset() { : > "$work/out"; : > "$work/err"; : > "$work/meta"; : > "$work/created"; }

# stat_meta ITEM SUM PATH...: each path's keys: `exists=0`, or `exists=1`,
# `type`, `mode`, `uid`, `gid`, `owner`, `group`, `size`, `mtime`, `target`
# for a link and, with SUM `sum`, `sha256` for a regular file. A number ITEM
# puts `item=ITEM` (counting up) before each path's keys. One `stat` and one
# `sha256sum` serve all the paths; the types come from `test` builtins, once,
# so the records read back stay in step with the paths.
stat_meta() {
    s_k=$1 s_sum=$2; shift 2
    s_types=
    for s_p; do
        if [ -L "$s_p" ]; then s_t=link; elif [ -d "$s_p" ]; then s_t=directory
        elif [ -f "$s_p" ]; then s_t=file; elif [ -e "$s_p" ]; then s_t=other; else s_t=absent; fi
        s_types="$s_types$s_t "
    done
    stat_all "$@" && s_st=all || s_st=each
    s_sums=; : > "$work/sums"
    [ "$s_sum" != sum ] || { sum_all "$@" && s_sums=all || s_sums=each; }
    s_l=$s_types
    for s_p; do
        s_t=${s_l%% *}; s_l=${s_l#* }
        [ -z "$s_k" ] || { printf 'item=%s\n' "$s_k"; s_k=$((s_k + 1)); }
        if [ "$s_t" = absent ]; then printf 'exists=0\n'; continue; fi
        printf 'exists=1\ntype=%s\n' "$s_t"
        if [ "$s_st" = all ]; then
            while IFS= read -r s_r <&4; do printf '%s\n' "$s_r"; case $s_r in mtime=*) break ;; esac; done
        else
            stat -c "$stat_c" -- "$s_p" 2> /dev/null || stat -f "$stat_f" -- "$s_p" 2> /dev/null
        fi
        [ "$s_t" != link ] || printf 'target=%s\n' "$(readlink "$s_p")"
        [ "$s_t" = file ] && [ -n "$s_sums" ] || continue
        if [ "$s_sums" = all ]; then IFS=' ' read -r digest s_r <&5; digest=${digest#\\}
        else sha256_of "$s_p" || continue; fi
        printf 'sha256=%s\n' "$digest"
    done 4< "$work/stat" 5< "$work/sums"
    return 0
}

# stat_all PATH...: one stat of those that exist (by $s_types) into
# $work/stat; fails unless every record is there (stat_meta then asks one
# by one).
stat_all() {
    s_l=$s_types s_n=$#
    for s_p; do s_t=${s_l%% *}; s_l=${s_l#* }; [ "$s_t" = absent ] || set -- "$@" "$s_p"; done
    shift "$s_n"
    : > "$work/stat"
    [ $# -gt 0 ] || return 0
    stat -c "$stat_c" -- "$@" > "$work/stat" 2> /dev/null && return 0
    [ ! -s "$work/stat" ] && stat -f "$stat_f" -- "$@" > "$work/stat" 2> /dev/null
}

# sum_all PATH...: one sha256sum of the regular files among them into
# $work/sums, a line each; fails unless each gave its line.
sum_all() {
    s_l=$s_types s_n=$#
    for s_p; do s_t=${s_l%% *}; s_l=${s_l#* }; [ "$s_t" != file ] || set -- "$@" "$s_p"; done
    shift "$s_n"
    [ $# -gt 0 ] || return 0
    if command -v sha256sum > /dev/null 2>&1; then sha256sum -- "$@"
    else shasum -a 256 -- "$@"; fi > "$work/sums" 2> /dev/null
}

# meta_vars FILE: one path's keys (stat_meta's lines) as b_exists, b_type,
# b_mode, b_uid, b_gid, b_owner, b_group, b_target, b_sha256; builtins only.
meta_vars() {
    b_exists=0 b_type= b_mode= b_uid= b_gid= b_owner= b_group= b_target= b_sha256= b_size=
    while IFS= read -r m_l; do
        case $m_l in
            exists=*|type=*|mode=*|uid=*|gid=*|owner=*|group=*|target=*|sha256=*|size=*) eval "b_${m_l%%=*}=\${m_l#*=}" ;;
        esac
    done < "$1"
}

sha256_of() { # PATH: its digest into $digest; one process, `read` cuts it out
    digest=
    if command -v sha256sum > /dev/null 2>&1; then sha256sum < "$1" > "$work/sum"
    else shasum -a 256 < "$1" > "$work/sum"; fi 2> /dev/null || return 1
    read -r digest _ < "$work/sum"
}

# exec: the response streams (docs/agent-protocol.md, "exec"), with no
# header line; a waiter (our child) starts the command in its own group,
# tells us its pid through a FIFO, waits for it and writes the trailers. We
# go on reading requests meanwhile: a kill acts on the group at once, any
# other request waits for the waiter first (exec_wait), so responses never
# interleave. No process frames the output: it goes straight to the channel.
op_exec() { # script, stdin, cwd, env (NAME=VALUE lines), timeout seconds[, how]
    # The command's pid comes through x.pid. A group needs it at once (it
    # names the group): a FIFO, read now. With markers only a kill needs
    # it: a plain file, read then, so no exec waits for the waiter's fork.
    if [ "$group" = marker ]; then : > "$work/x.pid"
    else [ -p "$work/x.pid" ] || mkfifo "$work/x.pid" 2> "$work/err" || return 1; fi
    : > "$work/x.meta"; : > "$work/x.kill"; : > "$work/x.end"
    # No header: the command's first byte (or the trailer) starts the
    # response, so an exec without output costs sshd and the controller one
    # wake-up, not two. A refusal before this point is a whole response.
    mark=$$.$token job= x_token=$token
    if [ "$group" = marker ]; then
        # The runner is the waiter of every exec: no fork per exec for it.
        [ -n "$runner" ] || start_runner || return 1
        # Short: the runner's `read` takes a FIFO one byte per system call.
        printf '%s %s %s\n' "$count" "$token" "${F##*/}" >&6
        waiter=runner
    else
        fieldvar cwd 3; fieldvar timeout 5; fieldvar how 6
        # The waiter's own stderr is not the channel's: bash reports its
        # jobs there ("Killed"). The command's stderr is fd 3.
        exec_waiter 2> /dev/null &
        waiter=$!
        read -r job < "$work/x.pid"
    fi
    if [ "$F" = "$work/f" ]; then F=$work/g; else F=$work/f; fi
}

# exec_waiter: the command's parent, outside its group, so that a KILL of the
# group spares it. Its trailers: the stderr separator on fd 3, then on stdout
# the rest of a response whose err block is empty.
exec_waiter() {
    [ "$group" != jobs ] || set -m
    exec_command < "${F}2" 2>&3 3>&- 5>&- &
    job=$!
    [ "$group" != jobs ] || set +m
    printf '%s\n' "$job" > "$work/x.pid"
    wait "$job"
    rc=$?
    printf 'ended\n' > "$work/x.end"
    meta="stderr=stream
"
    [ "$rc" -eq 124 ] && [ -n "$timeout" ] && meta="${meta}timed_out=1
"
    # not_found (from exec_command), killed (from signal_job); mostly empty,
    # and `test -s` costs less than opening them.
    [ ! -s "$work/x.meta" ] || while IFS= read -r line; do meta="$meta$line
"; done < "$work/x.meta"
    [ ! -s "$work/x.kill" ] || while IFS= read -r line; do meta="$meta$line
"; done < "$work/x.kill"
    # Members of the group still there: a daemon the task started, which may
    # hold the output. After a kill the other members die a moment after the
    # command: then, and only then, a few short looks. A look for markers
    # reads every process's environment, so it is made after a kill only.
    l_n=0
    while [ -n "$group" ] && { [ "$group" != marker ] || [ -s "$work/x.kill" ]; } && group_alive; do
        [ -s "$work/x.kill" ] && [ "$l_n" -lt 10 ] && sleep 0.02 2> /dev/null || { meta="${meta}lingering=1
"; break; }
        l_n=$((l_n + 1))
    done
    printf '\n%s\n' "$token" >&3
    printf '\n%s\n\n%s\n%s\n%s %s\n' "$token" "$token" "$meta" "$token" "$rc"
}

# exec_command: runs in the background job; sets up, then execs the command
# through setsid, which makes it a new session and group numbered by the
# command's pid (bash without setsid: the job already is that group).
exec_command() {
    [ -z "$cwd" ] || cd "$cwd" || exit 125
    [ "$count" -lt 4 ] || while IFS= read -r pair || [ -n "$pair" ]; do [ -n "$pair" ] && export "$pair"; done < "${F}4"
    set --
    if [ "$how" = argv ]; then
        # The script is a quoted word list (the command module): the words
        # become "$@" and the program is exec'd from here, one /bin/sh fewer.
        words=
        while IFS= read -r line || [ -n "$line" ]; do words="$words$line
"; done < "${F}1"
        eval "set -- $words"
        unset -f $agent_functions
        command -v "$1" > /dev/null 2>&1 || { echo "not_found=1" > "$work/x.meta"; exit 127; }
    else
        set -- /bin/sh "${F}1"
    fi
    if [ -n "$timeout" ] && [ "$timeout" -gt 0 ] 2> /dev/null && command -v timeout > /dev/null 2>&1; then
        set -- timeout "$timeout" "$@"
    fi
    [ "$group" != setsid ] || set -- setsid "$@"
    [ "$group" != marker ] || export DROVER_EXEC="$mark"
    exec "$@"
}

# runner (markers): started at the first exec, it is the waiter of every
# exec from then on, which saves a fork per exec (the waiter is most of an
# exec's cost on the agent). For each exec it reads a line (field count,
# token, which field files) from r.in, runs exec_waiter in the foreground
# and says `done` on r.done. It carries no marker, so kills spare it; it
# ends when the agent closes r.in (the agent's exit).
runner() {
    while IFS=' ' read -r count token F; do
        # $$ is the agent's pid in its subshells too: the agent's marker.
        F=$work/$F mark=$$.$token
        fieldvar cwd 3; fieldvar timeout 5; fieldvar how 6
        exec_waiter
        printf 'done\n' >&5
    done
}

start_runner() {
    { [ -p "$work/r.in" ] || mkfifo "$work/r.in" "$work/r.done"; } 2> "$work/err" || return 1
    # Each open of a FIFO waits for the other end: the runner opens r.in,
    # then r.done, in the order the agent does.
    runner < "$work/r.in" 5> "$work/r.done" 2> /dev/null &
    exec 6> "$work/r.in" 7< "$work/r.done"
    runner=$!
}

# exec_wait: the end of the running exec. A runner that is gone (killed
# from outside) never said `done` and left the response open: the agent
# closes it (rc 125, `runner_lost=1`) and starts a new runner next time.
exec_wait() {
    if [ "$waiter" != runner ]; then wait "$waiter"; waiter=; return; fi
    waiter=
    IFS= read -r w_done <&7 && return
    exec 6>&- 7<&-
    runner=
    printf '\n%s\n' "$x_token" >&3
    printf '\n%s\n\n%s\nstderr=stream\nrunner_lost=1\n\n%s 125\n' "$x_token" "$x_token" "$x_token"
}

op_kill() { # signal (TERM or KILL): at once, no response; ignored when no exec runs
    fieldvar k_sig 1
    [ -n "$waiter" ] && [ ! -s "$work/x.end" ] || return 0
    case $k_sig in TERM|KILL) signal_job "$k_sig" ;; esac
}

# signal_job SIG: the command's group (`kill -SIG -PGID` is the one form
# dash, bash and busybox all take). The group is there once setsid has run;
# before (or without groups) the pid itself, then the group again in case
# setsid ran in between.
signal_job() {
    printf 'killed=%s\n' "$1" > "$work/x.kill"
    if [ "$group" = marker ]; then
        # The pid first: it may not have its marker yet (it sets it just
        # before it execs the command). A kill in the moment before the
        # waiter has written it finds the marked processes only; a second
        # signal (the controller's escalation, EOF's KILL) finds them all.
        [ -n "$job" ] || read -r job < "$work/x.pid" 2> /dev/null
        [ -z "$job" ] || kill -"$1" "$job" 2> /dev/null
        for s_p in $(marked); do s_p=${s_p#/proc/}; kill -"$1" "${s_p%/environ}" 2> /dev/null; done
        return 0
    fi
    kill -"$1" -"$job" 2> /dev/null && return 0
    kill -"$1" "$job" 2> /dev/null
    kill -"$1" -"$job" 2> /dev/null
    return 0
}

# exec_alive: the command, or a member of its group, still runs.
exec_alive() { [ ! -s "$work/x.end" ] || group_alive; }

# group_alive: a member of the command's group still runs. `kill -0` counts
# zombies too, and orphans stay zombies where pid 1 is slow to reap them (a
# container without an init), so when it says yes and there is /proc, the
# members' stat lines are read (builtins only) for one that is not a zombie.
group_alive() {
    # A zombie's environ reads empty: it does not count.
    [ "$group" != marker ] || { [ -n "$(marked)" ]; return; }
    kill -0 -"$job" 2> /dev/null || return 1
    [ -r /proc/self/stat ] || return 0
    for g_f in /proc/[0-9]*/stat; do
        { IFS= read -r g_l < "$g_f"; } 2> /dev/null || continue
        # `PID (COMM) STATE PPID PGRP ...`; COMM may hold spaces and parentheses.
        set -f; set -- ${g_l##*) }; set +f
        [ "$3" != "$job" ] || [ "$1" = Z ] || return 0
    done
    return 1
}

# marked: the /proc/PID/environ paths of the processes that carry the
# running exec's marker (-z: NUL-separated entries, -x: the whole entry).
marked() { grep -lszxF "DROVER_EXEC=$mark" /proc/[0-9]*/environ 2> /dev/null; }

# stop_exec: at EOF (the controller is gone) or a stream out of step, a
# running command gets TERM, and KILL when it is still there ~1 s later; the
# waiter then writes its trailers. The agent sleeps only here and in the
# waiter after a kill, never on the normal path.
stop_exec() {
    [ -n "$waiter" ] || return 0
    if [ ! -s "$work/x.end" ]; then
        signal_job TERM
        s_n=0
        while [ "$s_n" -lt 10 ] && exec_alive; do
            if sleep 0.1 2> /dev/null; then s_n=$((s_n + 1)); else sleep 1; s_n=10; fi
        done
        ! exec_alive || signal_job KILL
    fi
    exec_wait
}

# cleanup (at exit): a command still running gets TERM, so a dying agent
# leaves none behind; then the work directory goes.
cleanup() {
    [ -z "$waiter" ] || [ -s "$work/x.end" ] || signal_job TERM
    rm -rf "$work"
}

# write_file PATH MODE OWNER BACKUP: the content field ($F2) into a temporary
# file beside PATH, given its mode (MODE, else the old file's, b_mode, else
# 644) and owner, then renamed over PATH (atomic). BACKUP keeps the old file
# as BACKUP/previous.
write_file() {
    if [ -n "$4" ] && [ -f "$1" ]; then
        mkdir -p "$4" && cp -p "$1" "$4/previous" || { echo "cannot keep the previous version in $4" > "$work/err"; return 1; }
    fi
    case $1 in
        */*) tmp="${1%/*}/.${1##*/}.drover.$$" ;;
        *) tmp=".$1.drover.$$" ;;
    esac
    want=$2
    if [ -z "$want" ]; then want=644; [ "$b_type" != file ] || [ -z "$b_mode" ] || want=$b_mode; fi
    # cp gives a new file the mode it would get anyway (see created_mode);
    # chmod only when that is not the one wanted.
    [ -e "$tmp" ] && created=none || created=$created_mode
    cp "${F}2" "$tmp" 2> "$work/err" || return 1
    case ${want#0} in
        "$created") ;;
        *) chmod "$want" "$tmp" 2>> "$work/err" || { rm -f "$tmp"; return 1; } ;;
    esac
    if [ -n "$3" ]; then chown "$3" "$tmp" 2>> "$work/err" || { rm -f "$tmp"; return 1; }; fi
    mv -f "$tmp" "$1" 2>> "$work/err" || { rm -f "$tmp"; return 1; }
}

op_write() { # path, content, mode ('' keeps), owner ('' keeps), backup dir ('' = none)
    fieldvar path 1; fieldvar mode 3; fieldvar owner 4; fieldvar backup 5
    stat_meta '' '' "$path" > "$work/meta"
    meta_vars "$work/meta"
    write_file "$path" "$mode" "$owner" "$backup"
}

op_mkdir() { # path, mode: `mkdir -m` sets a new directory's mode itself
    fieldvar p 1; fieldvar m 2
    stat_meta '' '' "$p" > "$work/meta"
    if [ -d "$p" ]; then
        [ -z "$m" ] || chmod "$m" "$p" 2> "$work/err"
    elif [ -n "$m" ]; then
        mkdir -p -m "$m" "$p" 2> "$work/err"
    else
        mkdir -p "$p" 2> "$work/err"
    fi
}

op_stat() { # options ('' or sum), path...: one request for many paths
    fieldvar o 1
    set --
    i=2
    while [ "$i" -le "$count" ]; do fieldvar p "$i"; set -- "$@" "$p"; i=$((i + 1)); done
    stat_meta 1 "$o" "$@" > "$work/meta"
}

# ensure: path, state, mode, owner, group, link target. Checks, then acts
# only where the path differs; e_* are the fields, b_* the state before.
op_ensure() {
    fieldvar e_p 1; fieldvar e_s 2; fieldvar e_m 3; fieldvar e_o 4; fieldvar e_g 5; fieldvar e_t 6
    stat_meta 1 '' "$e_p" > "$work/before"
    meta_vars "$work/before"
    changed=0
    ensure_state && case $e_s in
        absent) ;;
        link) e_m=; ensure_attrs -h ;;
        *) ensure_attrs ;;
    esac
    e_rc=$?
    items_meta "$e_p" "$e_rc"
    return "$e_rc"
}

# make_dirs PATH MODE: PATH and its missing parents, outermost first, each
# with MODE (Ansible gives new parents the directory's mode); each one
# made is a `created=` line for the undo journal.
make_dirs() {
    m_p=$1 m_list=
    while [ -n "$m_p" ] && [ ! -e "$m_p" ]; do
        m_list="$m_p
$m_list"
        case $m_p in */*) m_p=${m_p%/*} ;; *) m_p= ;; esac
    done
    m_ifs=$IFS; IFS='
'; set -f
    for m_p in $m_list; do
        if [ -n "$2" ]; then mkdir -m "$2" -- "$m_p"; else mkdir -- "$m_p"; fi 2>> "$work/err" || { IFS=$m_ifs; set +f; return 1; }
        printf 'created=%s\n' "$m_p" >> "$work/created"
    done
    IFS=$m_ifs; set +f
}

# keep_previous PATH: a regular file's bytes as the out block (meta
# `previous=inline`) before they are replaced or removed, for undo; up to
# 16 MiB.
keep_previous() {
    [ "$b_type" = file ] && [ "${b_size:-0}" -le 16777216 ] || return 0
    cat -- "$1" > "$work/out" 2> /dev/null && echo "previous=inline" >> "$work/created"
}

# ensure_state: the path made what $e_s says; e_new says what it created.
ensure_state() {
    e_new=
    case $e_s in
        directory)
            [ ! -d "$e_p" ] || return 0
            [ "$b_exists" = 0 ] || { printf '%s already exists as a %s\n' "$e_p" "$b_type" > "$work/err"; return 1; }
            make_dirs "$e_p" "$e_m" || return 1
            e_m= # mkdir -m has set it
            ;;
        file)
            [ -e "$e_p" ] && return 0
            printf 'file (%s) is absent, cannot continue\n' "$e_p" > "$work/err"; return 1 ;;
        touch)
            [ ! -e "$e_p" ] || return 0
            # `printf` (a regular builtin: a failed redirection does not end the shell) creates it.
            { printf '' >> "$e_p"; } 2> "$work/err" || return 1 ;;
        absent)
            [ "$b_exists" = 1 ] || return 0
            keep_previous "$e_p"
            rm -rf -- "$e_p" 2> "$work/err" || return 1 ;;
        link)
            [ "$b_type" != link ] || [ "$b_target" != "$e_t" ] || return 0
            # As Ansible without force: a link replaces only a link (ln -sfn
            # would also put the link inside a directory).
            [ "$b_exists" = 0 ] || [ "$b_type" = link ] || {
                printf 'refusing to convert from %s to symlink for %s\n' "$b_type" "$e_p" > "$work/err"; return 1; }
            ln -sfn -- "$e_t" "$e_p" 2> "$work/err" || return 1 ;;
        *) printf 'unknown state: %s\n' "$e_s" > "$work/err"; return 2 ;;
    esac
    changed=1 e_new=$e_s
}

# ensure_attrs [-h]: mode $e_m, owner $e_o, group $e_g of $e_p, each compared
# first with the state before, so a path already right costs no process.
# -h: the link itself (chown -h); a link's mode is never set.
ensure_attrs() {
    if [ -n "$e_new" ]; then
        # Just created: a touched file has the mode cp would give; owner unknown.
        b_mode=$created_mode b_uid= b_owner= b_gid= b_group=
    elif [ "$b_type" = link ] && [ "$1" != -h ]; then
        # chmod and chown follow the link: compare with its target.
        { stat -L -c "$stat_c" -- "$e_p" || stat -L -f "$stat_f" -- "$e_p"; } > "$work/follow" 2> /dev/null
        meta_vars "$work/follow"
    fi
    a_m=
    if [ -n "$e_m" ] && mode_differs "$e_m" "$b_mode"; then a_m=$mode_arg; fi
    a_o=; [ -z "$e_o" ] || [ "$e_o" = "$b_owner" ] || [ "$e_o" = "$b_uid" ] || a_o=$e_o
    a_g=; [ -z "$e_g" ] || [ "$e_g" = "$b_group" ] || [ "$e_g" = "$b_gid" ] || a_g=$e_g
    if [ -n "$a_m" ]; then chmod -- "$a_m" "$e_p" 2>> "$work/err" || return 1; changed=1; fi
    if [ -n "$a_o$a_g" ]; then chown $1 -- "$a_o${a_g:+:$a_g}" "$e_p" 2>> "$work/err" || return 1; changed=1; fi
    return 0
}

# mode_differs WANTED CURRENT: octal digits against stat's %a (leading zeros
# aside); a symbolic mode always applies. The mode for chmod goes to
# $mode_arg: octal as five digits, which GNU chmod applies exactly, set-id
# bits of a directory included (a shorter one keeps them).
mode_differs() {
    mode_arg=$1
    case $1 in *[!0-7]*) return 0 ;; esac
    m_w=$1
    while :; do case $m_w in 0?*) m_w=${m_w#0} ;; *) break ;; esac; done
    mode_arg=0000$m_w; mode_arg=${mode_arg#"${mode_arg%?????}"}
    [ "$m_w" != "$2" ]
}

# items_meta PATH RC: the meta of ensure and put: `changed=`, `item=1` + the
# state before ($work/before), `item=2` + the state after, a new stat when
# something was done or failed, else the state before again (no process).
items_meta() {
    {
        printf 'changed=%s\n' "$changed"
        [ ! -s "$work/created" ] || copy_lines "$work/created"
        copy_lines "$work/before"
        if [ "$changed" = 1 ] || [ "$2" != 0 ]; then
            stat_meta 2 '' "$1"
        else
            printf 'item=2\n'; copy_lines "$work/before" 1
        fi
    } > "$work/meta"
}

copy_lines() { # FILE [SKIP]: the file's lines, by builtins; SKIP drops the first
    c_s=${2-}
    while IFS= read -r c_l; do
        if [ -n "$c_s" ]; then c_s=; else printf '%s\n' "$c_l"; fi
    done < "$1"
}

# put: path, content, sha256 (of the content), mode, owner, group, backup
# dir[, name in a directory[, expected]]. Write-if-different: a regular file
# with that digest keeps its bytes, inode and mtime; only mode, owner and
# group are ensured as by `ensure`. With `expected` (a digest, or `absent`)
# the file must be in that state now, or nothing is done: meta `stale=1`
# and, as `read` answers, its bytes in the out block. That lets the
# controller write an edit of a file it read earlier in the run without
# reading it again, and never over a change it has not seen.
op_put() {
    fieldvar e_p 1; fieldvar p_sum 3; fieldvar e_m 4; fieldvar e_o 5; fieldvar e_g 6; fieldvar p_bk 7; fieldvar p_in 8
    fieldvar p_exp 9
    stat_meta 1 sum "$e_p" > "$work/before"
    meta_vars "$work/before"
    if [ "$b_type" = directory ]; then
        # copy's `dest: DIR`: the file goes inside under the name given, else it is an error.
        [ -n "$p_in" ] || { printf 'Destination %s is a directory\n' "$e_p" > "$work/err"; items_meta "$e_p" 1; return 1; }
        e_p=${e_p%/}/$p_in
        printf 'path=%s\n' "$e_p" >> "$work/created"
        stat_meta 1 sum "$e_p" > "$work/before"
        meta_vars "$work/before"
    fi
    changed=0 e_new=
    if [ -n "$p_exp" ] && if [ "$p_exp" = absent ]; then [ "$b_exists" = 1 ]; else [ "$b_type" != file ] || [ "$b_sha256" != "$p_exp" ]; fi; then
        [ "$b_type" != file ] || cat -- "$e_p" > "$work/out" 2> /dev/null
        echo "stale=1" >> "$work/created"
        items_meta "$e_p" 0
        return 0
    fi
    if [ "$b_type" = file ] && [ -n "$p_sum" ] && [ "$b_sha256" = "$p_sum" ]; then
        ensure_attrs
    else
        keep_previous "$e_p"
        write_file "$e_p" "$e_m" "$e_o${e_g:+:$e_g}" "$p_bk" && changed=1 && echo "written=1" >> "$work/created"
    fi
    p_rc=$?
    items_meta "$e_p" "$p_rc"
    return "$p_rc"
}

op_hello() { # [facts]: the protocol, and with `facts` what op_facts prints
    printf 'protocol=%s\n' "$PROTOCOL" > "$work/meta"
    fieldvar h 1
    [ "$h" != facts ] || op_facts
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

# One request: `DRV<version> OP COUNT TOKEN`, then COUNT fields. All its
# fields are read before it acts, so a request cut short does nothing.
serve() {
    while IFS= read -r header; do
        set -f; set -- $header; set +f
        if [ $# -ne 4 ] || [ "$1" != "DRV$PROTOCOL" ] || ! valid_count "$3" || ! valid_token "$4"; then
            stop_exec
            printf 'DRV%s -\n\n-\nbad request header\n\n-\n\n- 2\n' "$PROTOCOL"; exit 2
        fi
        op=$2; count=$3; token=$4
        i=1
        while [ "$i" -le "$count" ]; do
            read_field "$F$i" || { stop_exec; exit 2; }
            i=$((i + 1))
        done
        if [ "$op" = kill ]; then op_kill; continue; fi
        [ -z "$waiter" ] || exec_wait
        reset
        case $op in
            hello) op_hello; rc=$? ;;
            exec) op_exec && continue; rc=1 ;;
            stat) op_stat; rc=$? ;;
            read) fieldvar p 1; stat_meta '' '' "$p" > "$work/meta"
                if [ -f "$p" ]; then respond_file "$p"; continue; fi; echo "not a file: $p" > "$work/err"; rc=1 ;;
            write) op_write; rc=$? ;;
            put) op_put; rc=$? ;;
            ensure) op_ensure; rc=$? ;;
            mkdir) op_mkdir; rc=$? ;;
            remove) fieldvar p 1; stat_meta '' '' "$p" > "$work/meta"; rm -rf -- "$p" 2> "$work/err"; rc=$? ;;
            symlink) fieldvar t 1; fieldvar p 2; stat_meta '' '' "$p" > "$work/meta"; ln -sfn "$t" "$p" 2> "$work/err"; rc=$? ;;
            chmod) fieldvar p 1; fieldvar m 2; chmod "$m" "$p" 2> "$work/err"; rc=$? ;;
            chown) fieldvar p 1; fieldvar m 2; chown "$m" "$p" 2> "$work/err"; rc=$? ;;
            sha256) fieldvar p 1; if [ -f "$p" ] && sha256_of "$p"; then echo "$digest" > "$work/out"; rc=0; else echo "not a file: $p" > "$work/err"; rc=1; fi ;;
            facts) op_facts; rc=$? ;;
            *) echo "unknown operation: $op" > "$work/err"; rc=2 ;;
        esac
        respond "$rc"
    done
    # EOF: a running command is stopped; one already done gets its trailers out.
    stop_exec
}

# The agent's own functions: an argv exec forgets them, so `command -v`
# finds only the host's programs.
agent_functions="make_dirs keep_previous read_field fieldvar respond respond_file reset stat_meta stat_all sum_all meta_vars sha256_of op_exec exec_waiter exec_command runner start_runner exec_wait op_kill signal_job exec_alive group_alive marked stop_exec cleanup write_file op_write op_mkdir op_stat op_ensure ensure_state ensure_attrs mode_differs items_meta copy_lines op_put op_hello facts_probes facts_awk op_facts valid_count valid_token serve"

serve
