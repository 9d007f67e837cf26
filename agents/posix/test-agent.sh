#!/bin/sh
# The agent's own test: talks to drover-agent.sh over FIFOs, one request at a
# time, as the controller does. Run it with the shell under test:
#   dash agents/posix/test-agent.sh dash
#   busybox sh agents/posix/test-agent.sh "busybox sh"
# Prints `N passed, N failed` and exits non-zero on any failure.
shell=${1:-sh}
here=$(cd "$(dirname "$0")" && pwd)
dir=$(mktemp -d "${TMPDIR:-/tmp}/drover-agent-test.XXXXXX")
mkfifo "$dir/in" "$dir/out"
# The exit status goes to a file rather than through `wait`: a parent that
# ignores SIGCHLD (some test runners do) makes busybox's `wait` hang forever.
# shellcheck disable=SC2086
( $shell "$here/drover-agent.sh" < "$dir/in" > "$dir/out"; echo $? > "$dir/agent.rc" ) &
exec 3> "$dir/in" 4< "$dir/out"
passed=0
failed=0

check() { # name, condition result
    if [ "$2" = 0 ]; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAIL: $1" >&2; fi
}

# send OP FILE... : a request whose fields are the given files' bytes, all
# length-prefixed (the agent's inline form is sent by `send_inline`).
seq=0
send() {
    op=$1; shift
    seq=$((seq + 1)); token="tok${seq}x$$"
    printf 'DRV2 %s %s %s\n' "$op" "$#" "$token" >&3
    for f in "$@"; do
        printf '%s\n' "$(wc -c < "$f" | tr -d ' ')" >&3
        cat "$f" >&3
    done
}

# send_inline OP LINE... : fields as the inline `=VALUE` form.
send_inline() {
    op=$1; shift
    seq=$((seq + 1)); token="tok${seq}x$$"
    printf 'DRV2 %s %s %s\n' "$op" "$#" "$token" >&3
    for v in "$@"; do printf '=%s\n' "$v" >&3; done
}

# receive: reads one response into $rc and $dir/r.out, r.err, r.meta. The
# blocks end at lines holding the token, the last with the exit status.
receive() {
    IFS=' ' read -r version got <&4 || return 1
    [ "$version" = DRV2 ] && [ "$got" = "$token" ] || { echo "bad header: $version $got" >&2; return 1; }
    : > "$dir/r.all"
    until grep -aq "^$token [0-9]*\$" "$dir/r.all"; do
        dd bs=65536 count=1 2>/dev/null <&4 >> "$dir/r.all" || return 1
    done
    set -- $(grep -abo "$token" "$dir/r.all" | cut -d: -f1)
    [ $# = 3 ] || { echo "expected 3 token lines, got $#" >&2; return 1; }
    n=${#token}
    cut_block out 0 $(($1 - 1))
    cut_block err $(($1 + n + 1)) $(($2 - 1))
    cut_block meta $(($2 + n + 1)) $(($3 - 1))
    rc=$(tail -c +$(($3 + n + 2)) "$dir/r.all")
}

cut_block() { # name, start offset, end offset (exclusive)
    tail -c +$(($2 + 1)) "$dir/r.all" | head -c $(($3 - $2)) > "$dir/r.$1"
}

text() { printf '%s' "$2" > "$dir/$1"; echo "$dir/$1"; }
empty=$(text empty "")

send hello; receive
check "hello answers protocol 2" "$(grep -c '^protocol=2$' "$dir/r.meta" | grep -q 1; echo $?)"

# exec: stdout and stderr apart, rc, stdin, NUL bytes intact
script=$(text script 'printf "a\000b"; cat >&2; exit 3')
stdin=$(text stdin 'from stdin')
send exec "$script" "$stdin" "$empty" "$empty" "$empty"; receive
check "exec rc" "$([ "$rc" = 3 ]; echo $?)"
check "exec binary stdout" "$(printf 'a\000b' | cmp -s - "$dir/r.out"; echo $?)"
check "exec stderr apart" "$([ "$(cat "$dir/r.err")" = "from stdin" ]; echo $?)"

# exec with cwd and env
script=$(text script2 'pwd; echo "$GREETING"')
env=$(text env 'GREETING=hello there')
send exec "$script" "$empty" "$(text cwd /tmp)" "$env" "$empty"; receive
check "exec cwd and env" "$([ "$(cat "$dir/r.out")" = "$(printf '/tmp\nhello there')" ]; echo $?)"

# exec in argv mode: quoted words run directly, arguments intact
words=$(text words "printf '%s|' 'a b' 'it'\''s' '
x'")
send exec "$words" "$empty" "$empty" "$empty" "$empty" "$(text how argv)"; receive
check "argv exec keeps arguments" "$([ "$rc" = 0 ] && [ "$(cat "$dir/r.out")" = "$(printf 'a b|it'\''s|\nx|')" ]; echo $?)"
send exec "$(text absentprog "'no-such-program-here' 'x'")" "$empty" "$empty" "$empty" "$empty" "$(text how argv)"; receive
check "argv exec of a missing program" "$([ "$rc" = 127 ] && grep -qx 'not_found=1' "$dir/r.meta"; echo $?)"
send exec "$(text fn "'fieldvar'")" "$empty" "$empty" "$empty" "$empty" "$(text how argv)"; receive
check "argv exec does not see the agent's functions" "$([ "$rc" = 127 ] && grep -qx 'not_found=1' "$dir/r.meta"; echo $?)"
defined=$(grep -o '^[a-z_0-9]*() {' "$here/drover-agent.sh" | tr -d '(){ ' | sort | tr '\n' ' ')
listed=$(sed -n 's/^agent_functions="\(.*\)"$/\1/p' "$here/drover-agent.sh" | tr ' ' '\n' | sort | tr '\n' ' ')
check "agent_functions lists every function" "$([ "$defined" = "$listed" ]; echo $?)"

# large binary output survives, and the channel stays in step afterwards
script=$(text script3 "head -c 300000 /dev/urandom | tee '$dir/big.copy'")
send exec "$script" "$empty" "$empty" "$empty" "$empty"; receive
check "300 kB binary output" "$(cmp -s "$dir/big.copy" "$dir/r.out"; echo $?)"

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
check "write reports previous state" "$(grep -q '^exists=1$' "$dir/r.meta"; echo $?)"
# without a mode: a new file gets 644 whatever the umask, an old one keeps its own
send write "$(text p "$dir/new.txt")" "$content" "$empty" "$empty" "$empty"; receive
check "new file without mode is 644" "$([ "$(stat -c %a "$dir/new.txt")" = 644 ]; echo $?)"
chmod 604 "$dir/new.txt"
send write "$(text p "$dir/new.txt")" "$(text c2 changed)" "$empty" "$empty" "$empty"; receive
check "rewritten file keeps its mode" "$([ "$(stat -c %a "$dir/new.txt")" = 604 ] && [ "$(cat "$dir/new.txt")" = changed ]; echo $?)"
send write "$(text p "$dir/new.txt")" "$(text c3 again)" "$(text m 0644)" "$empty" "$empty"; receive
check "mode with a leading zero" "$([ "$(stat -c %a "$dir/new.txt")" = 644 ]; echo $?)"
send_inline stat "$target"; receive
check "inline field" "$(grep -q '^mode=640$' "$dir/r.meta"; echo $?)"
check "write leaves no temp file" "$([ "$(ls -A "$dir" | grep -c '\.drover\.')" = 0 ]; echo $?)"

# stat, read, sha256, mkdir, symlink, remove
send stat "$(text p "$target")"; receive
check "stat" "$(grep -q '^type=file$' "$dir/r.meta" && grep -q '^mode=640$' "$dir/r.meta"; echo $?)"
send read "$(text p "$target")"; receive
check "read" "$(cmp -s "$target" "$dir/r.out"; echo $?)"
send sha256 "$(text p "$target")"; receive
check "sha256" "$([ "$(cat "$dir/r.out")" = "$(sha256sum < "$target" | cut -c1-64)" ]; echo $?)"
send mkdir "$(text p "$dir/a/b/c")" "$(text m 750)"; receive
check "mkdir" "$([ -d "$dir/a/b/c" ] && [ "$(stat -c %a "$dir/a/b/c")" = 750 ]; echo $?)"
send symlink "$(text s "$target")" "$(text l "$dir/link")"; receive
check "symlink" "$([ "$(readlink "$dir/link")" = "$target" ]; echo $?)"
send remove "$(text p "$dir/a")"; receive
check "remove" "$([ ! -e "$dir/a" ] && grep -q '^type=directory$' "$dir/r.meta"; echo $?)"
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

# EOF ends the agent cleanly.
exec 3>&-
tries=0
while [ ! -s "$dir/agent.rc" ] && [ "$tries" -lt 100 ]; do sleep 0.1; tries=$((tries + 1)); done
check "clean exit at EOF" "$(cat "$dir/agent.rc" 2>/dev/null || echo missing)"
exec 4<&-
rm -rf "$dir"
echo "$shell: $passed passed, $failed failed"
[ "$failed" = 0 ]
