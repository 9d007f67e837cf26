#!/bin/sh
# The agent's own test: talks to drover-agent.sh over FIFOs as the controller
# does: requests on its stdin, responses parsed from its stdout, the exec
# stderr stream read from its stderr (a file). Run it with the shell under
# test:
#   dash agents/posix/test-agent.sh dash
#   bash agents/posix/test-agent.sh bash
#   busybox sh agents/posix/test-agent.sh "busybox sh"
# Prints `N passed, N failed` and exits non-zero on any failure. Every wait
# has a limit (timeout(1) around reads, counted retries), so it never hangs.
shell=${1:-sh}
# A parent may start us with signals blocked (the Swift test runner does).
# The mask is inherited, bash and busybox keep it, and then no TERM reaches a
# command, and no timeout ends a read. No shell builtin clears it: run again,
# once, through perl or python3, which do.
if [ -z "${DROVER_AGENT_TEST_UNBLOCKED-}" ] && [ -r /proc/self/status ] && ! grep -q '^SigBlk:[[:space:]]*0*$' /proc/self/status; then
    export DROVER_AGENT_TEST_UNBLOCKED=1
    # shellcheck disable=SC2086
    if command -v perl > /dev/null 2>&1; then
        exec perl -MPOSIX -e '$SIG{$_} = "DEFAULT" for qw(TERM PIPE); sigprocmask(SIG_SETMASK, POSIX::SigSet->new) or die "sigprocmask: $!"; exec @ARGV or die "exec: $!"' $shell "$0" "$@"
    elif command -v python3 > /dev/null 2>&1; then
        exec python3 -c 'import os, signal, sys
for s in (signal.SIGTERM, signal.SIGPIPE, signal.SIGXFSZ): signal.signal(s, signal.SIG_DFL)
signal.pthread_sigmask(signal.SIG_SETMASK, [])
os.execvp(sys.argv[1], sys.argv[1:])' $shell "$0" "$@"
    fi
    echo "warning: signals are blocked (no perl or python3 to unblock them): kill checks may fail" >&2
fi
here=$(cd "$(dirname "$0")" && pwd)
dir=$(mktemp -d "${TMPDIR:-/tmp}/drover-agent-test.XXXXXX")
# The agents' own temporary directories go here, to check they remove them.
mkdir "$dir/tmp"
passed=0
failed=0
# The test's long sleeps last ${sl}N seconds, a number unique to this run:
# several runs may go at once (the Swift suite runs the three shells in
# parallel), and processes are counted by their command line.
sl=1$(printf '%06d' $(($$ % 1000000)))

check() { # name, condition result
    if [ "$2" = 0 ]; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAIL: $1" >&2; fi
}

# within TENTHS COMMAND...: true once COMMAND succeeds, trying every 0.1 s.
within() {
    w_n=$1; shift
    until "$@"; do
        [ "$w_n" -gt 0 ] || return 1
        sleep 0.1; w_n=$((w_n - 1))
    done
}

# running PATTERN: how many processes have a command line (arguments joined
# by NUL, which `.` matches) matching PATTERN; write it as `^[s]leep.${sl}1`, so
# that grep's own command line does not match.
running() { grep -la "$1" /proc/[0-9]*/cmdline 2>/dev/null | wc -l | tr -d ' '; }
gone() { [ "$(running "$1")" = 0 ]; }

# start_agent NAME: a new agent on the FIFOs NAME.in (fd 3) and NAME.out
# (fd 4), its stderr into the file NAME.err. The exit status goes to a file
# rather than through `wait`: a parent that ignores SIGCHLD (some test
# runners do) makes busybox's `wait` hang forever.
start_agent() {
    a=$dir/$1
    mkfifo "$a.in" "$a.out"
    # shellcheck disable=SC2086
    ( PATH=${agent_path:-$PATH} TMPDIR=$dir/tmp DROVER_AGENT_KILL=${agent_kill-}; export PATH TMPDIR DROVER_AGENT_KILL
      $shell "$here/drover-agent.sh" < "$a.in" > "$a.out" 2> "$a.err"; echo $? > "$a.rc" ) &
    exec 3> "$a.in" 4< "$a.out"
    : > "$a.buf"
    eoff=0
}

# close_agent: EOF on the agent's stdin; its exit status into $agent_rc
# ("hung" when it is still running 5 s later).
close_agent() {
    exec 3>&-
    within 50 test -s "$a.rc"
    agent_rc=$(cat "$a.rc" 2>/dev/null || echo hung)
}

# fill: what the agent has written next (one read, 20 s at most, for a loaded machine: KILL, which
# no mask blocks) appended to the buffer; fails when nothing came.
fill() {
    f_size=$(wc -c < "$a.buf")
    timeout -s KILL 20 dd bs=65536 count=1 2>/dev/null <&4 >> "$a.buf"
    [ "$(wc -c < "$a.buf")" -gt "$f_size" ]
}

# send OP FILE... : a request whose fields are the given files' bytes, all
# length-prefixed (the agent's inline form is sent by `send_inline`).
seq=0
send() {
    op=$1; shift
    seq=$((seq + 1)); token="tok${seq}x$$"
    printf 'DRV3 %s %s %s\n' "$op" "$#" "$token" >&3
    for f in "$@"; do
        printf '%s\n' "$(wc -c < "$f" | tr -d ' ')" >&3
        cat "$f" >&3
    done
}

# send_inline OP LINE... : fields as the inline `=VALUE` form.
send_inline() {
    op=$1; shift
    seq=$((seq + 1)); token="tok${seq}x$$"
    printf 'DRV3 %s %s %s\n' "$op" "$#" "$token" >&3
    for v in "$@"; do printf '=%s\n' "$v" >&3; done
}

# receive [TOKEN]: the next response, which must be TOKEN's (default: the
# last request's), into $rc and $dir/r.out, r.err, r.meta; for an exec, the
# stderr stream's block (up to its `\n<token>\n`) into r.serr. The stdout
# side stays buffered: responses to pipelined requests follow each other.
receive() {
    r_t=${1:-$token}
    until grep -aq "^$r_t [0-9]*\$" "$a.buf"; do
        fill || { echo "no response for $r_t" >&2; rc=none; return 1; }
    done
    r_end=$(grep -abo "^$r_t [0-9]*\$" "$a.buf" | head -n 1)
    rc=${r_end#*:}; rc=${rc#* }
    r_end=$((${r_end%%:*} + ${#r_t} + ${#rc} + 2))
    head -c "$r_end" "$a.buf" > "$dir/r.all"
    tail -c +$((r_end + 1)) "$a.buf" > "$dir/r.rest"; mv "$dir/r.rest" "$a.buf"
    r_h="DRV3 $r_t"
    # A streamed exec has no header line: its output starts the response.
    printf '%s\n' "$r_h" > "$dir/r.hdr"
    if head -c $((${#r_h} + 1)) "$dir/r.all" | cmp -s - "$dir/r.hdr"; then
        r_headed=1; tail -c +$((${#r_h} + 2)) "$dir/r.all" > "$dir/r.body"
    else
        r_headed=0; cp "$dir/r.all" "$dir/r.body"
    fi
    set -- $(grep -abo "$r_t" "$dir/r.body" | cut -d: -f1)
    [ $# = 3 ] || { echo "expected 3 token lines, got $#" >&2; rc=bad; return 1; }
    n=${#r_t}
    cut_block out 0 $(($1 - 1))
    cut_block err $(($1 + n + 1)) $(($2 - 1))
    cut_block meta $(($2 + n + 1)) $(($3 - 1))
    : > "$dir/r.serr"
    if grep -qx 'stderr=stream' "$dir/r.meta"; then
        [ "$r_headed" = 0 ] || { echo "a streamed exec with a header line" >&2; rc=bad; return 1; }
        stderr_block "$r_t" || rc=bad
    elif [ "$r_headed" = 0 ]; then
        echo "bad header: $(head -n 1 "$dir/r.all" | head -c 80 | tr -d '\000')" >&2; rc=bad; return 1
    fi
}

cut_block() { # name, start offset, end offset (exclusive)
    tail -c +$(($2 + 1)) "$dir/r.body" | head -c $(($3 - $2)) > "$dir/r.$1"
}

# stderr_block TOKEN: the agent's stderr from where the last block ended up
# to `\n<TOKEN>\n`, into r.serr.
stderr_block() {
    s_o=$(grep -abo "$1" "$a.err" | head -n 1 | cut -d: -f1)
    [ -n "$s_o" ] && [ "$s_o" -gt "$eoff" ] || { echo "no stderr separator for $1" >&2; return 1; }
    tail -c +$((eoff + 1)) "$a.err" | head -c $((s_o - 1 - eoff)) > "$dir/r.serr"
    [ "$(tail -c +"$s_o" "$a.err" | head -c $((${#1} + 2)) | od -An -c | tr -d ' \n')" = "\\n$1\\n" ] || { echo "bad stderr separator" >&2; return 1; }
    eoff=$((s_o + ${#1} + 1))
}

# meta KEY=VALUE: the line is in r.meta.
meta() { grep -qxF "$1" "$dir/r.meta"; }
# item K: r.meta's lines for item K (without the item line).
item() { sed -n "/^item=$1\$/,/^item=/p" "$dir/r.meta" | grep -v '^item='; }
# item_has K KEY=VALUE
item_has() { item "$1" | grep -qxF "$2"; }

text() { printf '%s' "$2" > "$dir/$1"; echo "$dir/$1"; }
empty=$(text empty "")
argv=$(text how argv)

start_agent main

send hello; receive
check "hello answers protocol 3" "$(meta protocol=3 && [ ! -s "$dir/r.out" ]; echo $?)"
send_inline hello facts; receive
check "hello with facts" "$(meta protocol=3 && grep -q '^kernel=' "$dir/r.out" && grep -q '^hostname=' "$dir/r.out"; echo $?)"

# exec: stdout and stderr apart, rc, stdin, NUL and other bytes intact on both
script=$(text script 'printf "a\000b\377"; cat >&2; printf "\000x\377" >&2; exit 3')
stdin=$(text stdin 'from stdin')
send exec "$script" "$stdin" "$empty" "$empty" "$empty"; receive
check "exec rc" "$([ "$rc" = 3 ]; echo $?)"
check "exec binary stdout" "$(printf 'a\000b\377' | cmp -s - "$dir/r.out"; echo $?)"
check "exec binary stderr on the stderr stream" "$(printf 'from stdin\000x\377' | cmp -s - "$dir/r.serr"; echo $?)"
check "exec err block empty, meta stderr=stream" "$([ ! -s "$dir/r.err" ] && meta stderr=stream; echo $?)"

# exec with cwd and env
script=$(text script2 'pwd; echo "$GREETING"')
env=$(text env 'GREETING=hello there')
send exec "$script" "$empty" "$(text cwd /tmp)" "$env" "$empty"; receive
check "exec cwd and env" "$([ "$(cat "$dir/r.out")" = "$(printf '/tmp\nhello there')" ]; echo $?)"
send exec "$script" "$empty" "$(text nocwd "$dir/no-such-dir")" "$empty" "$empty"; receive
check "exec in a missing cwd: 125, the error on stderr" "$([ "$rc" = 125 ] && [ -s "$dir/r.serr" ]; echo $?)"

# exec in argv mode: quoted words run directly, arguments intact
words=$(text words "printf '%s|' 'a b' 'it'\''s' '
x'")
send exec "$words" "$empty" "$empty" "$empty" "$empty" "$argv"; receive
check "argv exec keeps arguments" "$([ "$rc" = 0 ] && [ "$(cat "$dir/r.out")" = "$(printf 'a b|it'\''s|\nx|')" ]; echo $?)"
send exec "$(text absentprog "'no-such-program-here' 'x'")" "$empty" "$empty" "$empty" "$empty" "$argv"; receive
check "argv exec of a missing program" "$([ "$rc" = 127 ] && meta not_found=1 && meta stderr=stream; echo $?)"
send exec "$(text fn "'fieldvar'")" "$empty" "$empty" "$empty" "$empty" "$argv"; receive
check "argv exec does not see the agent's functions" "$([ "$rc" = 127 ] && meta not_found=1; echo $?)"
defined=$(grep -o '^[a-z_0-9]*() {' "$here/drover-agent.sh" | tr -d '(){ ' | sort | tr '\n' ' ')
listed=$(sed -n 's/^agent_functions="\(.*\)"$/\1/p' "$here/drover-agent.sh" | tr ' ' '\n' | sort | tr '\n' ' ')
check "agent_functions lists every function" "$([ "$defined" = "$listed" ]; echo $?)"

# large binary output on both streams survives, and the channel stays in step
script=$(text script3 "head -c 300000 /dev/urandom | tee '$dir/big.copy'; head -c 200000 /dev/urandom | tee '$dir/big.err' >&2")
send exec "$script" "$empty" "$empty" "$empty" "$empty"; receive
check "300 kB binary stdout" "$(cmp -s "$dir/big.copy" "$dir/r.out"; echo $?)"
check "200 kB binary stderr" "$(cmp -s "$dir/big.err" "$dir/r.serr"; echo $?)"

# timeout(1): 124 and timed_out=1
send exec "$(text slow 'sleep 5')" "$empty" "$empty" "$empty" "$(text t1 1)"; receive
check "exec timeout" "$([ "$rc" = 124 ] && meta timed_out=1; echo $?)"

# streaming: the first line arrives while the command still runs
send exec "$(text stream 'echo first; sleep 1; echo second')" "$empty" "$empty" "$empty" "$empty"
tries=0
while ! grep -q '^first$' "$a.buf" && [ "$tries" -lt 5 ]; do fill; tries=$((tries + 1)); done
check "exec output streams before the command ends" "$(grep -q '^first$' "$a.buf" && ! grep -q second "$a.buf"; echo $?)"
receive
check "streamed exec completes" "$([ "$rc" = 0 ] && [ "$(cat "$dir/r.out")" = "$(printf 'first\nsecond')" ]; echo $?)"

# a daemon left running carries the exec's marker (and is not looked for
# without a kill); the next exec has a marker of its own
send exec "$(text daemon "sleep ${sl}9 > /dev/null 2>&1 & echo \$! > '$dir/daemon.pid'")" "$empty" "$empty" "$empty" "$empty"; receive
daemon_mark=$(tr '\0' '\n' < "/proc/$(cat "$dir/daemon.pid")/environ" | grep '^DROVER_EXEC=')
check "a daemon carries its exec's marker, no lingering= without a kill" "$([ "$rc" = 0 ] && [ -n "$daemon_mark" ] && ! grep -q lingering "$dir/r.meta"; echo $?)"
send exec "$(text mark "printf %s \"\$DROVER_EXEC\" > '$dir/mark'")" "$empty" "$empty" "$empty" "$empty"; receive
check "each exec has a marker of its own" "$([ "$rc" = 0 ] && [ -s "$dir/mark" ] && [ "DROVER_EXEC=$(cat "$dir/mark")" != "$daemon_mark" ]; echo $?)"
kill "$(cat "$dir/daemon.pid")" 2>/dev/null

# kill TERM reaches the command's children
send exec "$(text tree "sh -c 'sleep ${sl}1 & sleep ${sl}2'")" "$empty" "$empty" "$empty" "$empty"
within 30 eval '[ "$(running "^[s]leep.${sl}[12]")" = 2 ]'
check "the command and its child run" "$?"
exec_token=$token
send_inline kill TERM
receive "$exec_token"
check "kill TERM: rc 143, killed=TERM, no lingering=" "$([ "$rc" = 143 ] && meta killed=TERM && ! grep -q lingering "$dir/r.meta"; echo $?)"
within 20 gone "^[s]leep.${sl}[12]"
check "kill TERM leaves no process of the group" "$?"

# a child that ignores TERM outlives a TERM of the group: lingering=1
cat > "$dir/ignorer" <<EOF
sh -c 'trap "" TERM; echo \$\$ > "$dir/ignorer.pid"; exec sleep ${sl}4' > /dev/null 2>&1 &
sleep ${sl}8
EOF
send exec "$dir/ignorer" "$empty" "$empty" "$empty" "$empty"
exec_token=$token
within 30 eval '[ -s "$dir/ignorer.pid" ] && [ "$(running "^[s]leep.${sl}[48]")" = 2 ]'
send_inline kill TERM
receive "$exec_token"
check "a child that ignores TERM: lingering=1" "$([ "$rc" = 143 ] && meta killed=TERM && meta lingering=1 && [ "$(running "^[s]leep.${sl}4")" = 1 ]; echo $?)"
kill -KILL "$(cat "$dir/ignorer.pid")"

# a command that ignores TERM dies of KILL
send exec "$(text stubborn "trap '' TERM; sh -c 'sleep ${sl}3'; echo survived")" "$empty" "$empty" "$empty" "$empty"
exec_token=$token
within 30 eval '[ "$(running "^[s]leep.${sl}3")" = 1 ]'
send_inline kill TERM
sleep 0.3
check "TERM ignored: still running" "$([ "$(running "^[s]leep.${sl}3")" = 1 ]; echo $?)"
send_inline kill KILL
receive "$exec_token"
check "kill KILL: rc 137, killed=KILL" "$([ "$rc" = 137 ] && meta killed=KILL && [ ! -s "$dir/r.out" ]; echo $?)"
within 20 gone "^[s]leep.${sl}3"
check "kill KILL leaves no process" "$?"

# the runner killed from outside: the next request closes the exec's
# response (rc 125, runner_lost=1) and a new runner serves the next exec
send exec "$(text lost "echo \$PPID > '$dir/runner.pid'; exec sleep ${sl}5")" "$empty" "$empty" "$empty" "$empty"; exec_token=$token
within 30 eval '[ -s "$dir/runner.pid" ] && [ "$(running "^[s]leep.${sl}5")" = 1 ]'
kill -KILL "$(cat "$dir/runner.pid")"
send_inline kill TERM
send hello; hello_token=$token
receive "$exec_token"; lost_rc=$rc; lost_meta=$(cat "$dir/r.meta")
receive "$hello_token"; hello_rc=$rc
send exec "$(text after 'printf again')" "$empty" "$empty" "$empty" "$empty"; receive
check "a lost runner: the exec ends with runner_lost=1, the next exec runs" "$([ "$lost_rc" = 125 ] && echo "$lost_meta" | grep -q runner_lost=1 && [ "$hello_rc" = 0 ] && [ "$rc" = 0 ] && [ "$(cat "$dir/r.out")" = again ]; echo $?)"
within 20 gone "^[s]leep.${sl}5"
check "a lost runner: its command was killed" "$?"

# kill with no exec running: ignored, no response
send_inline kill TERM
send hello; receive
check "kill without an exec is ignored" "$([ "$rc" = 0 ] && meta protocol=3; echo $?)"

# a request after an exec waits for it
rm -f "$dir/marker"
send exec "$(text later "sleep 0.5; printf x > '$dir/marker'")" "$empty" "$empty" "$empty" "$empty"; exec_token=$token
send_inline stat '' "$dir/marker"
receive "$exec_token"; exec_rc=$rc
receive
check "a request after an exec waits for it" "$([ "$exec_rc" = 0 ] && item_has 1 exists=1; echo $?)"

# pipelined: several requests written at once, answered in order
{
    send hello; t1=$token
    send_inline stat '' "$dir"; t2=$token
    send exec "$(text p1 'printf one; printf two >&2')" "$empty" "$empty" "$empty" "$empty"; t3=$token
    send_inline sha256 "$dir/big.copy"; t4=$token
    send exec "$(text p2 'printf three')" "$empty" "$empty" "$empty" "$empty"; t5=$token
    send_inline read "$dir/big.copy"; t6=$token
} 3> "$dir/batch"
cat "$dir/batch" >&3
receive "$t1"; ok=$rc
receive "$t2"; ok="$ok $rc $(item_has 1 type=directory; echo $?)"
receive "$t3"; ok="$ok $rc $(cat "$dir/r.out") $(cat "$dir/r.serr")"
receive "$t4"; ok="$ok $rc $([ "$(cat "$dir/r.out")" = "$(sha256sum < "$dir/big.copy" | cut -c1-64)" ]; echo $?)"
receive "$t5"; ok="$ok $rc $(cat "$dir/r.out")"
receive "$t6"; ok="$ok $rc $(cmp -s "$dir/big.copy" "$dir/r.out"; echo $?)"
check "pipelined requests answered in order" "$([ "$ok" = "0 0 0 0 one two 0 0 0 three 0 0" ]; echo $?)"

# write: atomic replace, mode, previous version kept, sha256 reported
target="$dir/file.conf"
printf 'old\n' > "$target"
content="$dir/content"
printf 'new\000content' > "$content"
send write "$(text p "$target")" "$content" "$(text m 640)" "$empty" "$(text b "$dir/backup")"; receive
check "write rc" "$([ "$rc" = 0 ]; echo $?)"
check "write content" "$(cmp -s "$content" "$target"; echo $?)"
check "write mode" "$([ "$(stat -c %a "$target")" = 640 ]; echo $?)"
check "write kept previous" "$([ "$(cat "$dir/backup/previous")" = old ]; echo $?)"
check "write reports previous state" "$(meta exists=1; echo $?)"
# without a mode: a new file gets 644 whatever the umask, an old one keeps its own
send write "$(text p "$dir/new.txt")" "$content" "$empty" "$empty" "$empty"; receive
check "new file without mode is 644" "$([ "$(stat -c %a "$dir/new.txt")" = 644 ]; echo $?)"
chmod 604 "$dir/new.txt"
send write "$(text p "$dir/new.txt")" "$(text c2 changed)" "$empty" "$empty" "$empty"; receive
check "rewritten file keeps its mode" "$([ "$(stat -c %a "$dir/new.txt")" = 604 ] && [ "$(cat "$dir/new.txt")" = changed ]; echo $?)"
send write "$(text p "$dir/new.txt")" "$(text c3 again)" "$(text m 0644)" "$empty" "$empty"; receive
check "mode with a leading zero" "$([ "$(stat -c %a "$dir/new.txt")" = 644 ]; echo $?)"
send_inline stat '' "$target"; receive
check "inline field" "$(item_has 1 mode=640; echo $?)"
check "write leaves no temp file" "$([ "$(ls -A "$dir" | grep -c '\.drover\.')" = 0 ]; echo $?)"

# stat (one path, several, with sums), read with its meta, sha256, mkdir, symlink, remove
send stat "$empty" "$(text p "$target")"; receive
check "stat" "$(item_has 1 type=file && item_has 1 mode=640; echo $?)"
ln -s "$target" "$dir/statlink"
send_inline stat '' "$target" "$dir" "$dir/missing" "$dir/statlink"; receive
check "multi-stat: an item per path" "$([ "$(grep -c '^item=' "$dir/r.meta")" = 4 ] && item_has 1 type=file && item_has 2 type=directory && item_has 3 exists=0 && item_has 4 type=link && item_has 4 "target=$target"; echo $?)"
check "multi-stat without sum has no sha256" "$(! grep -q '^sha256=' "$dir/r.meta"; echo $?)"
check "multi-stat keys" "$(item_has 1 "size=$(stat -c %s "$target")" && item_has 1 "mtime=$(stat -c %Y "$target")" && item_has 2 "mode=$(stat -c %a "$dir")" && item_has 1 "owner=$(stat -c %U "$target")"; echo $?)"
send_inline stat sum "$target" "$dir" "$dir/missing" "$dir/statlink" "$dir/new.txt"; receive
check "multi-stat with sum: sha256 for regular files only" "$(item_has 1 "sha256=$(sha256sum < "$target" | cut -c1-64)" && item_has 5 "sha256=$(sha256sum < "$dir/new.txt" | cut -c1-64)" && [ "$(grep -c '^sha256=' "$dir/r.meta")" = 2 ]; echo $?)"
send read "$(text p "$target")"; receive
check "read" "$(cmp -s "$target" "$dir/r.out"; echo $?)"
check "read's meta" "$(meta mode=640 && meta type=file && meta "size=$(stat -c %s "$target")"; echo $?)"
send sha256 "$(text p "$target")"; receive
check "sha256" "$([ "$(cat "$dir/r.out")" = "$(sha256sum < "$target" | cut -c1-64)" ]; echo $?)"
send mkdir "$(text p "$dir/a/b/c")" "$(text m 750)"; receive
check "mkdir" "$([ -d "$dir/a/b/c" ] && [ "$(stat -c %a "$dir/a/b/c")" = 750 ]; echo $?)"
send symlink "$(text s "$target")" "$(text l "$dir/link")"; receive
check "symlink" "$([ "$(readlink "$dir/link")" = "$target" ]; echo $?)"
send remove "$(text p "$dir/a")"; receive
check "remove" "$([ ! -e "$dir/a" ] && meta type=directory; echo $?)"
send read "$(text p "$dir/missing")"; receive
check "read of a missing file fails clearly" "$([ "$rc" = 1 ] && grep -q 'not a file' "$dir/r.err"; echo $?)"
send facts; receive
check "facts" "$(grep -q '^kernel=' "$dir/r.out" && grep -q '^hostname=' "$dir/r.out"; echo $?)"
send bogus; receive
check "unknown operation" "$([ "$rc" = 2 ]; echo $?)"
# output that looks like a block end but holds another token stays output
script=$(text script4 'printf "x\ntok1x1\n\ntok1x1 0\n"')
send exec "$script" "$empty" "$empty" "$empty" "$empty"; receive
check "foreign token lines are output" "$([ "$rc" = 0 ] && [ "$(cat "$dir/r.out")" = "$(printf 'x\ntok1x1\n\ntok1x1 0')" ]; echo $?)"

# ensure, each state: changed, the state before (item 1) and after (item 2)
d=$dir/ens
send_inline ensure "$d" directory 0750 '' '' ''; receive
check "ensure directory creates" "$([ "$rc" = 0 ] && meta changed=1 && item_has 1 exists=0 && item_has 2 type=directory && item_has 2 mode=750 && [ "$(stat -c %a "$d")" = 750 ]; echo $?)"
send_inline ensure "$d" directory 750 '' '' ''; receive
check "ensure directory unchanged (0750 = 750)" "$([ "$rc" = 0 ] && meta changed=0 && item_has 1 mode=750 && item_has 2 mode=750; echo $?)"
send_inline ensure "$d" directory 700 '' '' ''; receive
check "ensure directory mode" "$(meta changed=1 && item_has 1 mode=750 && item_has 2 mode=700 && [ "$(stat -c %a "$d")" = 700 ]; echo $?)"
send_inline ensure "$d/f" file '' '' '' ''; receive
check "ensure file: missing is an error" "$([ "$rc" = 1 ] && grep -q 'is absent' "$dir/r.err" && meta changed=0 && item_has 1 exists=0 && [ ! -e "$d/f" ]; echo $?)"
send_inline ensure "$d/f" touch 0600 '' '' ''; receive
check "ensure touch creates" "$([ "$rc" = 0 ] && meta changed=1 && item_has 2 type=file && item_has 2 mode=600 && [ -f "$d/f" ]; echo $?)"
touch -d '2001-01-01' "$d/f"; before=$(stat -c '%i %Y' "$d/f")
send_inline ensure "$d/f" touch 600 '' '' ''; receive
check "ensure touch of an existing file: changed=0, mtime kept" "$([ "$rc" = 0 ] && meta changed=0 && [ "$(stat -c '%i %Y' "$d/f")" = "$before" ]; echo $?)"
send_inline ensure "$d/f" file 600 "$(id -un)" "$(id -gn)" ''; receive
check "ensure file unchanged, owner and group by name" "$([ "$rc" = 0 ] && meta changed=0; echo $?)"
send_inline ensure "$d/f" file 0644 "$(id -u)" "$(id -g)" ''; receive
check "ensure file mode, owner by number" "$([ "$rc" = 0 ] && meta changed=1 && item_has 1 mode=600 && item_has 2 mode=644 && [ "$(stat -c %a "$d/f")" = 644 ]; echo $?)"
send_inline ensure "$d/f" file u+x '' '' ''; receive
check "ensure file symbolic mode always applies" "$([ "$rc" = 0 ] && meta changed=1 && item_has 2 mode=744; echo $?)"
send_inline ensure "$d/l" link '' '' '' "$d/f"; receive
check "ensure link creates" "$([ "$rc" = 0 ] && meta changed=1 && item_has 1 exists=0 && item_has 2 type=link && item_has 2 "target=$d/f"; echo $?)"
send_inline ensure "$d/l" link 600 '' '' "$d/f"; receive
check "ensure link unchanged (a link's mode is not set)" "$([ "$rc" = 0 ] && meta changed=0 && [ "$(stat -c %a "$d/f")" = 744 ]; echo $?)"
send_inline ensure "$d/l" link '' '' '' "$d"; receive
check "ensure link retargets" "$([ "$rc" = 0 ] && meta changed=1 && item_has 1 "target=$d/f" && item_has 2 "target=$d" && [ "$(readlink "$d/l")" = "$d" ]; echo $?)"
send_inline ensure "$d/l" file 744 '' '' ''; receive
check "ensure file through a link compares the target" "$([ "$rc" = 0 ] && meta changed=1 && [ "$(stat -c %a "$d")" = 744 ]; echo $?)"
chmod 700 "$d"
send_inline ensure "$d/f" absent '' '' '' ''; receive
check "ensure absent removes" "$([ "$rc" = 0 ] && meta changed=1 && item_has 1 type=file && item_has 2 exists=0 && [ ! -e "$d/f" ]; echo $?)"
send_inline ensure "$d/f" absent '' '' '' ''; receive
check "ensure absent of nothing: changed=0" "$([ "$rc" = 0 ] && meta changed=0 && item_has 2 exists=0; echo $?)"
send_inline ensure "$d" link '' '' '' /tmp; receive
check "ensure link does not replace a directory" "$([ "$rc" = 1 ] && [ -d "$d" ] && [ ! -L "$d" ] && meta changed=0; echo $?)"

# ensure: what the controller's undo journal needs
nd=$dir/nest
send_inline ensure "$nd/a/b" directory 0751 '' '' ''; receive
check "ensure directory makes missing parents with the mode, outermost first, each a created= line" "$([ "$rc" = 0 ] && meta changed=1 && [ "$(grep '^created=' "$dir/r.meta" | tr '\n' ' ')" = "created=$nd created=$nd/a created=$nd/a/b " ] && [ "$(stat -c %a "$nd/a")" = 751 ]; echo $?)"
printf 'plain\n' > "$nd/file"
send_inline ensure "$nd/file" link '' '' '' /tmp; receive
check "ensure link refuses to replace a file" "$([ "$rc" = 1 ] && [ -f "$nd/file" ] && [ ! -L "$nd/file" ] && grep -q 'refusing to convert from file to symlink' "$dir/r.err"; echo $?)"
send_inline ensure "$nd/file" directory '' '' '' ''; receive
check "ensure directory over a file says what is there" "$([ "$rc" = 1 ] && grep -q 'already exists as a file' "$dir/r.err"; echo $?)"
send_inline ensure "$nd/file" absent '' '' '' ''; receive
check "ensure absent of a file answers its bytes (previous=inline)" "$([ "$rc" = 0 ] && meta previous=inline && [ "$(cat "$dir/r.out")" = plain ] && [ ! -e "$nd/file" ]; echo $?)"
# put into a directory, and what it replaced
send put "$(text pp "$nd/a")" "$(text pc new)" "$(text ps "$(printf new | sha256sum | cut -c1-64)")" "$empty" "$empty" "$empty" "$empty" "$(text pn inside.txt)"; receive
check "put into a directory writes the file inside under the name given" "$([ "$rc" = 0 ] && meta "path=$nd/a/inside.txt" && meta written=1 && [ "$(cat "$nd/a/inside.txt")" = new ]; echo $?)"
send put "$(text pp "$nd/a")" "$(text pc new)" "$empty" "$empty" "$empty" "$empty" "$empty"; receive
check "put onto a directory without a name fails" "$([ "$rc" = 1 ] && grep -q 'is a directory' "$dir/r.err"; echo $?)"
send put "$(text pp "$nd/a/inside.txt")" "$(text pc newer)" "$empty" "$empty" "$empty" "$empty" "$empty"; receive
check "put over a file answers the bytes it replaced" "$([ "$rc" = 0 ] && meta previous=inline && meta written=1 && [ "$(cat "$dir/r.out")" = new ] && [ "$(cat "$nd/a/inside.txt")" = newer ]; echo $?)"

# put: write-if-different
p=$dir/put.txt
printf 'same content\n' > "$p"; chmod 640 "$p"; touch -d '2001-01-01' "$p"
before=$(stat -c '%i %Y %a' "$p")
sum=$(sha256sum < "$p" | cut -c1-64)
send put "$(text pp "$p")" "$p" "$(text ps "$sum")" "$(text pm 0640)" "$empty" "$empty" "$empty"; receive
check "put of the same content: changed=0, file untouched" "$([ "$rc" = 0 ] && meta changed=0 && item_has 1 "sha256=$sum" && [ "$(stat -c '%i %Y %a' "$p")" = "$before" ]; echo $?)"
send put "$(text pp "$p")" "$p" "$(text ps "$sum")" "$(text pm 600)" "$empty" "$empty" "$empty"; receive
check "put of the same content, new mode: changed=1, same inode" "$([ "$rc" = 0 ] && meta changed=1 && item_has 2 mode=600 && [ "$(stat -c '%i %Y' "$p")" = "${before% *}" ]; echo $?)"
new=$(text newcontent 'other content')
send put "$(text pp "$p")" "$new" "$(text ps "$(sha256sum < "$new" | cut -c1-64)")" "$empty" "$empty" "$empty" "$(text pb "$dir/putbackup")"; receive
check "put of new content writes it" "$([ "$rc" = 0 ] && meta changed=1 && cmp -s "$new" "$p" && item_has 1 "sha256=$sum" && item_has 2 mode=600 && [ "$(cat "$dir/putbackup/previous")" = 'same content' ]; echo $?)"
send put "$(text pp "$dir/put2.txt")" "$new" "$(text ps "$(sha256sum < "$new" | cut -c1-64)")" "$(text pm 0640)" "$empty" "$empty" "$empty"; receive
check "put of a new file" "$([ "$rc" = 0 ] && meta changed=1 && item_has 1 exists=0 && item_has 2 mode=640 && cmp -s "$new" "$dir/put2.txt"; echo $?)"
# put with the state expected: written only over that state, else stale with the bytes there
c=$dir/cas.txt; printf 'v1\n' > "$c"; v1=$(sha256sum < "$c" | cut -c1-64)
send put "$(text pp "$c")" "$(text pc 'v2')" "$empty" "$empty" "$empty" "$empty" "$empty" "$empty" "$(text px "$v1")"; receive
check "put expecting the digest there writes" "$([ "$rc" = 0 ] && meta written=1 && ! meta stale=1 && [ "$(cat "$c")" = v2 ]; echo $?)"
send put "$(text pp "$c")" "$(text pc 'v3')" "$empty" "$empty" "$empty" "$empty" "$empty" "$empty" "$(text px "$v1")"; receive
check "put expecting another digest: stale, nothing written, the bytes there answered" "$([ "$rc" = 0 ] && meta stale=1 && meta changed=0 && ! meta written=1 && [ "$(cat "$c")" = v2 ] && [ "$(cat "$dir/r.out")" = v2 ] && item_has 1 exists=1; echo $?)"
send put "$(text pp "$c")" "$(text pc 'v4')" "$empty" "$empty" "$empty" "$empty" "$empty" "$empty" "$(text px absent)"; receive
check "put expecting absent over a file: stale" "$([ "$rc" = 0 ] && meta stale=1 && [ "$(cat "$c")" = v2 ]; echo $?)"
send put "$(text pp "$dir/cas-new.txt")" "$(text pc 'v1')" "$empty" "$empty" "$empty" "$empty" "$empty" "$empty" "$(text px absent)"; receive
check "put expecting absent where nothing is: written" "$([ "$rc" = 0 ] && meta written=1 && [ "$(cat "$dir/cas-new.txt")" = v1 ]; echo $?)"
check "put leaves no temp file" "$([ "$(ls -A "$dir" | grep -c '\.drover\.')" = 0 ]; echo $?)"

# the agent wrote nothing on stderr but exec streams and their separators
check "nothing stray on the agent's stderr" "$([ "$(wc -c < "$a.err")" = "$eoff" ]; echo $?)"

# EOF ends the agent cleanly.
close_agent
check "clean exit at EOF" "$agent_rc"
exec 4<&-

# EOF during an exec: TERM, then the agent exits (after the exec's trailers)
start_agent eof
send exec "$(text e1 "sleep ${sl}5")" "$empty" "$empty" "$empty" "$empty"
within 30 eval '[ "$(running "^[s]leep.${sl}5")" = 1 ]'
close_agent
receive
check "EOF during an exec stops it (TERM)" "$([ "$agent_rc" = 0 ] && [ "$rc" = 143 ] && meta killed=TERM; echo $?)"
exec 4<&-
check "EOF during an exec leaves no process" "$(gone "^[s]leep.${sl}5"; echo $?)"

# ... and KILL about a second later when TERM is ignored
start_agent eof2
send exec "$(text e2 "trap '' TERM; sleep ${sl}6")" "$empty" "$empty" "$empty" "$empty"
within 30 eval '[ "$(running "^[s]leep.${sl}6")" = 1 ]'
close_agent
receive
check "EOF during an exec that ignores TERM: KILL" "$([ "$agent_rc" = 0 ] && [ "$rc" = 137 ] && meta killed=KILL; echo $?)"
exec 4<&-
check "no process left after the KILL" "$(gone "^[s]leep.${sl}6"; echo $?)"

# a request cut short (content shorter than announced, then EOF): nothing written
start_agent cut
printf 'DRV3 write 5 cut1\n=%s\n100\n0123456789' "$dir/cut.txt" >&3
close_agent
check "truncated request: no file, no temp file, no answer, exit 2" "$([ "$agent_rc" = 2 ] && [ ! -e "$dir/cut.txt" ] && [ "$(ls -A "$dir" | grep -c '\.drover\.')" = 0 ] && ! fill; echo $?)"
exec 4<&-

# the connection lost in the middle of a pipelined batch: the complete
# requests are answered, the cut one does nothing
start_agent lost
{
    send_inline write "$dir/lost-a" '' '' '' ''; t1=$token
    send exec "$(text l1 'printf done')" "$empty" "$empty" "$empty" "$empty"; t2=$token
    send_inline mkdir "$dir/lost-b" ''; t3=$token
    printf 'DRV3 write 5 lost4\n=%s\n50\nonly part' "$dir/lost-c" >&3
} 3> "$dir/batch"
cat "$dir/batch" >&3
close_agent
receive "$t1"; ok=$rc
receive "$t2"; ok="$ok $rc $(cat "$dir/r.out")"
receive "$t3"; ok="$ok $rc"
check "lost connection: earlier requests answered" "$([ "$ok" = "0 0 done 0" ] && [ -f "$dir/lost-a" ] && [ -d "$dir/lost-b" ]; echo $?)"
check "lost connection: the cut request did nothing" "$([ "$agent_rc" = 2 ] && [ ! -e "$dir/lost-c" ] && [ "$(ls -A "$dir" | grep -c '\.drover\.')" = 0 ] && [ ! -s "$a.buf" ]; echo $?)"
exec 4<&-

# process groups instead of markers (DROVER_AGENT_KILL=group, as where
# there is no /proc): a kill signals the group, a daemon left in it shows
agent_kill=group; start_agent groups
send exec "$(text daemon "sleep ${sl}9 > /dev/null 2>&1 & echo \$! > '$dir/daemon.pid'")" "$empty" "$empty" "$empty" "$empty"; receive
check "groups: lingering=1 for a daemon left in the group" "$([ "$rc" = 0 ] && meta lingering=1; echo $?)"
kill "$(cat "$dir/daemon.pid")" 2>/dev/null
send exec "$(text quiet 'true')" "$empty" "$empty" "$empty" "$empty"; receive
check "groups: no lingering= when nothing is left" "$([ "$rc" = 0 ] && ! grep -q lingering "$dir/r.meta"; echo $?)"
send exec "$(text tree "sh -c 'sleep ${sl}1 & sleep ${sl}2'")" "$empty" "$empty" "$empty" "$empty"
within 30 eval '[ "$(running "^[s]leep.${sl}[12]")" = 2 ]'
exec_token=$token
send_inline kill TERM
receive "$exec_token"
check "groups: kill TERM, no lingering=" "$([ "$rc" = 143 ] && meta killed=TERM && ! grep -q lingering "$dir/r.meta"; echo $?)"
within 20 gone "^[s]leep.${sl}[12]"
check "groups: kill TERM leaves no process of the group" "$?"
close_agent
check "groups: clean exit" "$agent_rc"
exec 4<&-

# without setsid on PATH: bash gets a group from job control; other shells
# kill the command's pid, which still stops a single process
mkdir "$dir/bin"
for d in $(echo "$PATH" | tr ':' ' '); do [ -d "$d" ] && ln -s "$d"/* "$dir/bin/" 2>/dev/null; done
rm -f "$dir/bin/setsid"
agent_path=$dir/bin; start_agent nosetsid; agent_path=; agent_kill=
send exec "$(text n1 "echo started; exec sleep ${sl}7")" "$empty" "$empty" "$empty" "$empty"
within 30 eval '[ "$(running "^[s]leep.${sl}7")" = 1 ]'
exec_token=$token
send_inline kill TERM
receive "$exec_token"
check "without setsid: kill TERM" "$([ "$rc" = 143 ] && meta killed=TERM && [ "$(cat "$dir/r.out")" = started ]; echo $?)"
send exec "$(text n2 "printf out; printf err >&2")" "$empty" "$empty" "$empty" "$empty"; receive
check "without setsid: exec" "$([ "$rc" = 0 ] && [ "$(cat "$dir/r.out")" = out ] && [ "$(cat "$dir/r.serr")" = err ]; echo $?)"
close_agent
check "without setsid: clean exit" "$agent_rc"
exec 4<&-

check "no test process left" "$(within 20 gone "^[s]leep.${sl}[0-9]"; echo $?)"
# Whatever failed, none of this run's sleeps outlives it (they are ours: the
# durations are unique to this run).
for f in $(grep -la "^[s]leep.${sl}[0-9]" /proc/[0-9]*/cmdline 2>/dev/null); do f=${f#/proc/}; kill -KILL "${f%/cmdline}"; done
check "every agent removed its work directory" "$([ -z "$(ls -A "$dir/tmp")" ]; echo $?)"
rm -rf "$dir"
echo "$shell: $passed passed, $failed failed"
[ "$failed" = 0 ]
