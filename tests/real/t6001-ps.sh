#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# ps on the real dumps against the task list the guest read from /proc just
# before the dump: pid, ppid, tgid and comm of every task, the states of the
# marker processes, the marker's argv and environment, the selectors.
. "$KDIVE_SRCDIR/tests/lib.sh"

check_fixture() { # LABEL DUMP-FILES...
	local label=$1
	shift
	run_kd -c 'ps --json' "$@"
	expect_eq "$label: ps --json exits 0" 0 "$rc"
	[ "$rc" = 0 ] || { show "$TMP/err"; return; }
	jq -r '.[] | "\(.pid) \(.ppid) \(.tgid) \(.comm)"' "$TMP/out" | sort -u >"$TMP/got"
	# Truth: every thread from /proc; kernel thread names there are the full
	# kthread name, task->comm holds its first 15 bytes.  kworkers come and
	# go between the recording and the dump, so they are left out.
	truth tasks | awk '$5 !~ /^kworker/ { c = $5; for (i = 6; i <= NF; i++) c = c " " $i; print $1, $2, $3, substr(c, 1, 15) }' |
		sort -u >"$TMP/want"
	missing=$(comm -23 "$TMP/want" "$TMP/got" | head -n 5 | tr '\n' ';')
	expect_eq "$label: every task the guest saw (pid ppid tgid comm, $(wc -l <"$TMP/want") tasks) is in ps" "" "$missing"
	extra=$(jq -r '.[] | select(.kernel_thread | not) | "\(.pid) \(.comm)"' "$TMP/out" | while read -r pid comm; do
		grep -q "^$pid " "$TMP/want" || echo "$pid $comm"
	done | tr '\n' ';')
	# The only user tasks the guest could not list are the recorder itself
	# and what init ran after it (its final sleep).
	check "$label: no unexpected user tasks (extra: ${extra:-none})" \
		sh -c "echo '$extra' | tr ';' '\n' | grep -v '^$' | grep -vE ' (kdive-guest|sleep|sh)$' | { ! grep -q .; }"
	for p in $(truth marker | sed -n 's/^\(pid\|sleeper_pid\|zombie_pid\|thread1_tid\|thread2_tid\)=//p'); do
		want=$(truth tasks | awk -v p="$p" '$1 == p { print $4 }')
		got=$(jq -r --argjson p "$p" '.[] | select(.pid == $p) | .proc_state' "$TMP/out")
		expect_eq "$label: state of marker task $p" "$want" "$got"
	done
}

. "$KDIVE_SRCDIR/tests/real/fixture.sh"
check_fixture "kaslr elf" "$FIX/vmcore.elf"
check_fixture "kaslr qemu kdump (flattened)" "$FIX/vmcore.qemu-kdump-zlib"
# makedumpfile's forms (-d 31 drops user pages; task_structs are kernel memory).
for f in kdump-zlib kdump-lzo kdump-raw flat elf-filtered; do
	check_fixture "kaslr $f" "$FIX/vmcore.$f"
done
check_fixture "kaslr split set" "$FIX/vmcore.split.1" "$FIX/vmcore.split.2"
D=$FIX/vmcore.elf

run_kd -c ps "$D"
check "ps text: crash's header" grep -q '^   PID    PPID  CPU       TASK        ST  %MEM ' "$TMP/out"
check "ps text: kernel threads in brackets" grep -qE '^[ >] +2 +0 .* \[kthreadd\]$' "$TMP/out"
check "ps text: user tasks without brackets" grep -qE "^[ >] +$(truth marker | sed -n 's/^pid=//p') +1 .* kdive-marker$" "$TMP/out"
check "ps text: idle tasks of every CPU" sh -c "[ \$(grep -c 'swapper/' '$TMP/out') -eq $(truth nr_cpus) ]"
active=$(grep -c '^>' "$TMP/out")
expect_eq "ps: one active task ('>') per CPU" "$(truth nr_cpus)" "$active"

# VSZ and RSS as the guest's kernel reported them in /proc/PID/status.
mpid=$(truth marker | sed -n 's/^pid=//p')
run_kd -c "ps --json $mpid" "$D"
expect_eq "ps: the marker's VSZ is its VmSize" "$(truth marker_status | awk '/^VmSize:/ { print $2 }')" "$(jq '.[0].vsz_kb' "$TMP/out")"
expect_eq "ps: the marker's RSS is its VmRSS" "$(truth marker_status | awk '/^VmRSS:/ { print $2 }')" "$(jq '.[0].rss_kb' "$TMP/out")"

pid=$(truth marker | sed -n 's/^sleeper_pid=//p')
run_kd -c "ps -a $pid" "$D"
check "ps -a: the sleeper's argv from its own stack" grep -q "^ARG: $(truth marker | sed -n 's/^sleeper_argv=//p')$" "$TMP/out"
check "ps -a: its environment" grep -q "$(truth marker | sed -n 's/^sleeper_env=//p')" "$TMP/out"
# As crash users expect (issue 20): -a/-t in --json, a number is a pid only,
# -p is that pid's own parent chain, no header when nothing matches.
run_kd -c "ps -a --json $pid" "$D"
expect_eq "ps -a --json: argv from the guest" "$(truth marker | sed -n 's/^sleeper_argv=//p')" \
	"$(jq -r '.[0].argv | join(" ")' "$TMP/out")"
check "ps -a --json: the environment holds the guest's variable" \
	jq -e --arg e "$(truth marker | sed -n 's/^sleeper_env=//p')" '.[0].envp | index($e) != null' "$TMP/out"
run_kd -c "ps -t --json 1" "$D"
check "ps -t --json: start time and times" jq -e '.[0] | has("start_time_ns") and has("utime") and has("stime")' "$TMP/out"
run_kd -c "ps -H 1" "$D"
expect_eq "ps 1: pid 1 only (not every name with a 1 in it)" "1 $(truth tasks | awk '$1 == 1 { print $5 }')" \
	"$(awk '{ print $1, $NF }' "$TMP/out" | tr -d '>')"
zpid=$(truth marker | sed -n 's/^zombie_pid=//p')
zppid=$(truth marker | sed -n 's/^zombie_ppid=//p')
run_kd -c "ps -p $zpid" "$D"
expect_eq "ps -p: the chain ends at the pid asked for, under its parent (the guest's ppid)" \
	"$zppid $zpid" "$(grep -o 'PID: [0-9]*' "$TMP/out" | tail -n 2 | awk '{ print $2 }' | paste -sd' ')"
expect_eq "ps -p PID: one chain" 1 "$(grep -c "PID: $zpid " "$TMP/out")"
run_kd -c "ps no_such_task_xyz" "$D"
expect_eq "ps: no header when nothing matches" "" "$(cat "$TMP/out")"
run_kd -c "ps -H 'kdive-thr'" "$D"
expect_eq "ps REGEX selects by command (the two marker threads)" 2 "$(wc -l <"$TMP/out")"
run_kd -c "ps -G -H 'kdive-'" "$D"
check "ps -G: thread group leaders only" sh -c "! grep -q kdive-thr '$TMP/out'"
run_kd -c 'ps -k -H' "$D"
k=$(wc -l <"$TMP/out")
run_kd -c 'ps -u -H' "$D"
u=$(wc -l <"$TMP/out")
run_kd -c 'ps -H' "$D"
expect_eq "ps -k plus ps -u is everything" "$(wc -l <"$TMP/out")" "$((k + u))"
run_kd -c 'ps --json' "$D"
n=$(jq length "$TMP/out")
run_kd -c 'ps -S --json' "$D"
expect_eq "ps -S counts every task" "$n" "$(jq '[.[]] | add' "$TMP/out")"
run_kd -c 'ps 999999' "$D"
expect_eq "ps of a missing pid: error, exit 1" 1 "$rc"

# set / context
run_kd -c "set $pid" "$D"
check "set PID prints crash's context block" grep -q "^     PID: $pid$" "$TMP/out"
run_kd -c 'set -c 1' "$D"
check "set -c CPU: the task on that CPU" grep -q '^     CPU: 1$' "$TMP/out"

MKVMCORE_ARGS=--nokaslr
. "$KDIVE_SRCDIR/tests/real/fixture.sh"
check_fixture "nokaslr elf" "$FIX/vmcore.elf"
done_testing
