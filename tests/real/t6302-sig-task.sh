#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# sig and task on the real dumps against what the guest recorded: the
# marker's /proc/PID/status signal sets (SigPnd ShdPnd SigBlk SigIgn SigCgt,
# Threads), the handler, ignored, blocked and pending signals it set up
# (marker sig_*), and its threads' pids, tgid and names.
. "$KDIVE_SRCDIR/tests/lib.sh"
. "$KDIVE_SRCDIR/tests/real/fixture.sh"

field() { truth marker | sed -n "s/^$1=//p"; }
status() { truth marker_status | awk -v k="$1:" '$1 == k { print $2 }'; }
mpid=$(field pid)

# A sigset as /proc prints it (16 hex digits) from a list of signal numbers.
mask_of() { # SIG...
	local m=0 s
	for s in "$@"; do m=$((m | (1 << (s - 1)))); done
	printf '%016x' "$m"
}

check_sig() { # LABEL DUMP-FILES...
	local label=$1
	shift
	run_kd -c "sig --json $mpid" "$@"
	expect_eq "$label: sig --json exits 0" 0 "$rc"
	[ "$rc" = 0 ] || { show "$TMP/err"; return; }
	local j=$TMP/out
	# /proc's SigIgn and SigCgt from the handlers (fs/proc/array.c collect_sigign_sigcgt).
	expect_eq "$label: SigIgn from the SIG_IGN handlers" "$(status SigIgn)" \
		"$(mask_of $(jq -r '.[0].handlers[] | select(.handler == "SIG_IGN") | .signal' "$j"))"
	expect_eq "$label: SigCgt from the other handlers" "$(status SigCgt)" \
		"$(mask_of $(jq -r '.[0].handlers[] | select(.handler != "SIG_IGN" and .handler != "SIG_DFL") | .signal' "$j"))"
	expect_eq "$label: ShdPnd is the shared pending set" "$(status ShdPnd)" "$(jq -r '.[0].shared_pending.signal' "$j")"
	expect_eq "$label: SigPnd is the thread's own pending set" "$(status SigPnd)" \
		"$(jq -r --argjson p "$mpid" '.[0].threads[] | select(.pid == $p) | .pending.signal' "$j")"
	expect_eq "$label: SigBlk is the thread's blocked set" "$(status SigBlk)" \
		"$(jq -r --argjson p "$mpid" '.[0].threads[] | select(.pid == $p) | .blocked' "$j")"
	expect_eq "$label: the handler of signal $(field sig_handled) is the marker's function" \
		"$(printf '%x' "$(field sig_handler)")" \
		"$(jq -r --argjson s "$(field sig_handled)" '.[0].handlers[] | select(.signal == $s) | .handler' "$j")"
	expect_eq "$label: NR_THREADS is Threads" "$(status Threads)" "$(jq -r '.[0].nr_threads' "$j")"
	expect_eq "$label: the threads of the group are the marker's tids" "$(field tids)" \
		"$(jq -r '[.[0].threads[].pid] | map(tostring) | join(",")' "$j")"
	expect_eq "$label: the shared queue holds signal $(field sig_pending_shared)" "$(field sig_pending_shared)" \
		"$(jq -r '[.[0].shared_pending.queue[].signal] | join(",")' "$j")"
	expect_eq "$label: the marker's own queue holds signal $(field sig_pending_thread)" "$(field sig_pending_thread)" \
		"$(jq -r --argjson p "$mpid" '[.[0].threads[] | select(.pid == $p) | .pending.queue[].signal] | join(",")' "$j")"
}
check_sig "kaslr elf" "$FIX/vmcore.elf"
check_sig "kaslr kdump-zlib (-d 31)" "$FIX/vmcore.kdump-zlib"
check_sig "kaslr flattened" "$FIX/vmcore.flat"
D=$FIX/vmcore.elf

run_kd -c "sig $mpid" "$D"
check "sig text: crash's handler header" grep -q '^ SIG SIGACTION        HANDLER          MASK             FLAGS$' "$TMP/out"
check "sig text: SIGNAL_STRUCT and NR_THREADS" grep -qE "^SIGNAL_STRUCT: [0-9a-f]{16}  NR_THREADS: $(status Threads)\$" "$TMP/out"
check "sig text: the ignored signal" grep -qE "^ *\\[$(field sig_ignored)\\] [0-9a-f]{16} SIG_IGN " "$TMP/out"
check "sig text: the blocked set of each thread" sh -c "[ \$(grep -c '^   BLOCKED: $(status SigBlk)\$' '$TMP/out') -eq $(status Threads) ]"
run_kd -c "sig -s $(status SigBlk) --json" "$D"
expect_eq "sig -s: the blocked set names the marker's blocked signals" "$(field sig_blocked)" \
	"$(jq -r 'map(.signal) | join(",")' "$TMP/out")"
run_kd -c "sig -l" "$D"
check "sig -l: 64 signals, SIGRTMIN at 32" sh -c "grep -q '^ *\\[32\\] SIGRTMIN\$' '$TMP/out' && [ \$(wc -l <'$TMP/out') -eq 64 ]"

# task: each thread of the marker through the printer.
for tid in $(field tids | tr , ' '); do
	run_kd -c "task --json -R pid,tgid,comm $tid" "$D"
	want=$(truth tasks | awk -v p="$tid" '$1 == p { c = $5; for (i = 6; i <= NF; i++) c = c " " $i; print $1, $3, substr(c, 1, 15) }')
	expect_eq "task -R pid,tgid,comm $tid: as the guest listed it" "$want" \
		"$(jq -r '.[0].value | "\(.pid) \(.tgid) \(.comm)"' "$TMP/out")"
done
run_kd -c "ps --json $mpid" "$D"
addr=$(jq -r '.[0].task' "$TMP/out")
run_kd -c "task -R pid,comm ${addr#0x}" "$D"
expect_eq "task ADDR -R: crash's header and the members" \
	"$(printf 'PID: %-6s TASK: %s  CPU: |  pid = %s,|  comm = "%s",' "$mpid" "${addr#0x}" "$mpid" "$(field comm)")" \
	"$(sed 's/CPU: [0-9]* .*/CPU: /' "$TMP/out" | paste -sd'|')"
run_kd -c "task $mpid" "$D"
check "task: the whole task_struct" sh -c "grep -q '^struct task_struct {\$' '$TMP/out' && grep -q '^  comm = \"$(field comm)\",\$' '$TMP/out' && grep -q '^  pid = $mpid,\$' '$TMP/out'"
run_kd -c "task -R no_such_member 1" "$D"
expect_eq "task -R: an unknown member is an error" 1 "$rc"
done_testing
