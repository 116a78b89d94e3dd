#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# bt PID for EVERY task the guest recorded (truth format 3, section
# `stacks_all`: /proc/TGID/task/TID/stack of every thread): the same
# functions, offsets and modules in the same order, once the scheduler's own
# frames are left out as the kernel does there (in_sched_functions():
# __sched_text_start..__sched_text_end, __lock_text_start..__lock_text_end).
# At least one frame is in a module (kdive-tunread sleeps in the tun
# module's read): the modules' ORC tables, read through struct module.
#
# Left out, and counted: tasks running when the truth was recorded (state R:
# the kernel prints no stack for them), tasks gone by the time of the dump,
# and tasks whose stack changed because they ran after the truth was
# recorded.  "Ran after" is the scheduler's own record: the task's
# sched_info.last_arrival (rq clock, ns) is later than the truth's /proc/uptime
# (recorded before the stacks) less half a second; a mismatch of a task
# that has not run since is a failure.
. "$KDIVE_SRCDIR/tests/lib.sh"
. "$KDIVE_SRCDIR/tests/real/fixture.sh"
D=$FIX/vmcore.elf

fmt=$(sed -n 's/^truth_format=//p' "$FIX/info")
if [ "${fmt:-0}" -lt 3 ]; then
	# (Only before truth format 3 is merged: fixture.sh remakes a fixture
	# of an older format once scripts/mkvmcore asks for 3.)
	echo "1..0 # SKIP the fixture's truth format $fmt has no stacks_all (format 3)"
	exit 0
fi
truth stacks_all >"$TMP/stacks" 2>/dev/null || true
check "truth format 3: the guest recorded every task's stack (stacks_all)" test -s "$TMP/stacks"
run_kd -c 'sym __sched_text_start; sym __sched_text_end; sym __lock_text_start; sym __lock_text_end' "$D"
read -r ss se ls le <<<"$(awk '{ printf "%s ", $1 }' "$TMP/out")"
expect_eq "the scheduler's text bounds are symbols" 4 "$(wc -l <"$TMP/out")"
up_ns=$(truth uptime | awk '{ printf "%.0f", ($1 - 0.5) * 1e9 }')

want_stack() { # TID -> "func+0xOFF [module]" per line
	awk -v t="$1" '$1 == "task" { on = ($2 == t); next }
		on { sub(/^\[<[0-9a-f]+>\] /, ""); sub(/\/0x[0-9a-f]+/, ""); print }' "$TMP/stacks"
}
got_stack() { # bt -s output -> the same, scheduler frames left out
	awk -v ss="$ss" -v se="$se" -v ls="$ls" -v le="$le" '
		/^ *#[0-9]+ \[/ {
			pc = "" $NF
			if ((pc >= ss "" && pc < se "") || (pc >= ls "" && pc < le "")) next
			split($3, p, "+"); m = ($4 ~ /^\[/) ? " " $4 : ""
			printf "%s+0x%x%s\n", p[1], p[2], m
		}' "$1"
}

truth tasks >"$TMP/tasks"
n=0 same=0 running=0 gone=0 ran=0 bad=0 modframes=0
for t in $(awk '$1 == "task" { print $2 }' "$TMP/stacks"); do
	state=$(awk -v t="$t" '$1 == t { print $4 }' "$TMP/tasks")
	if [ "$state" = R ]; then running=$((running + 1)); continue; fi
	want_stack "$t" >"$TMP/want"
	run_kd -c "bt -s $t" "$D"
	if [ "$rc" != 0 ] && grep -q 'no task' "$TMP/err"; then gone=$((gone + 1)); continue; fi
	n=$((n + 1))
	got_stack "$TMP/out" >"$TMP/got"
	if [ "$rc" = 0 ] && cmp -s "$TMP/want" "$TMP/got"; then
		same=$((same + 1))
		grep -q ' \[[a-z0-9_]*\]$' "$TMP/want" && modframes=$((modframes + 1))
		continue
	fi
	cp "$TMP/out" "$TMP/bt"
	run_kd -c "task -R sched_info.last_arrival $t" "$D"
	last=$(sed -n 's/.*last_arrival = \([0-9]*\).*/\1/p' "$TMP/out")
	if [ -n "$last" ] && [ "$last" -ge "$up_ns" ]; then
		ran=$((ran + 1))
		echo "# task $t ran after the truth (last_arrival $last ns, truth uptime less 0.5 s $up_ns ns): left out"
		continue
	fi
	bad=$((bad + 1))
	echo "# task $t (last_arrival ${last:-?} ns): /proc stack vs bt -s:"
	diff "$TMP/want" "$TMP/got" | show
	show "$TMP/bt"
done
echo "# $n tasks compared: $same the same, $ran ran since the truth; left out: $running running, $gone gone"
check "most recorded tasks were compared ($n of $(grep -c '^task ' "$TMP/stacks"))" [ "$n" -ge 20 ]
expect_eq "every task that has not run since the truth: bt shows /proc/PID/stack" 0 "$bad"
check "few tasks ran since the truth ($ran of $n)" [ $((ran * 5)) -le "$n" ]
check "module frames: a task asleep in a module matches, its frames named with [module] ($modframes)" [ "$modframes" -ge 1 ]
tr=$(truth marker | sed -n 's/^tunread_pid=//p')
run_kd -c "bt $tr" "$D"
check "kdive-tunread ($tr) sleeps in the tun module's read: a [tun] frame" grep -qE '^ *#[0-9]+ \[[0-9a-f]{16}\] [a-z_]+ \[tun\] at ffffffffc' "$TMP/out"
done_testing
