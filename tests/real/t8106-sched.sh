#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# runq, timer and waitq on the real dumps.  The run queues and timers change
# between the guest's recording and the dump, so runq is checked against its
# definitions and the task table (itself checked against /proc by t6001):
# each CPU's current task is the one ps marks active there, rq.nr_running
# counts the queued tasks plus a non-idle current one, and every queued task
# is runnable.  timer: jiffies after the recorded one and not far, each base
# sorted with TTE = EXPIRES - JIFFIES; timer -r: each clock base's get_time
# function as /proc/timer_list names it, and the per-CPU softlockup watchdog
# hrtimer.  waitq: kdive-init sleeps in waitpid() on its own
# signal->wait_chldexit.  runq -g (truth format 3): kdive-spin runs in the
# cgroup /kdive-grp (cpu controller): that group is listed with that path, its
# task_group is the task's sched_task_group, the task is queued there or is
# the group cfs_rq's current task, and every cfs_rq path /proc/sched_debug
# printed is a group runq -g lists.
. "$KDIVE_SRCDIR/tests/lib.sh"
. "$KDIVE_SRCDIR/tests/real/fixture.sh"

ncpu=$(truth nr_cpus)
check_fixture() { # LABEL DUMP-FILES...
	local label=$1
	shift
	run_kd -c 'runq --json' "$@"
	expect_eq "$label: runq --json exits 0" 0 "$rc"
	cp "$TMP/out" "$TMP/runq"
	expect_eq "$label: runq: one run queue per CPU" "$ncpu" "$(jq length "$TMP/runq")"
	run_kd -c 'ps --json' "$@"
	cp "$TMP/out" "$TMP/ps"
	want=$(jq -r '[.[] | select(.active)] | sort_by(.cpu) | .[] | "\(.cpu) \(.task)"' "$TMP/ps")
	got=$(jq -r '.[] | "\(.cpu) \(.curr)"' "$TMP/runq")
	expect_eq "$label: runq: each CPU's current task is ps's active task there" "$want" "$got"
	bad=$(jq -r --slurpfile ps "$TMP/ps" '.[] | .curr as $c | (.queued | length) +
		(if ([$ps[0][] | select(.task == $c) | .comm][0] // "" | startswith("swapper")) then 0 else 1 end) as $n |
		select($n != .nr_running) | "cpu \(.cpu): nr_running \(.nr_running), counted \($n)"' "$TMP/runq")
	expect_eq "$label: runq: nr_running = queued tasks + a non-idle current task" "" "$bad"
	bad=$(jq -r --slurpfile ps "$TMP/ps" '.[].queued[] | .task as $t |
		select(([$ps[0][] | select(.task == $t) | .state][0]) != "RU") | .task' "$TMP/runq")
	expect_eq "$label: runq: every queued task is RU in ps" "" "$bad"

	run_kd -c 'timer --json' "$@"
	expect_eq "$label: timer --json exits 0" 0 "$rc"
	j=$(jq .jiffies "$TMP/out")
	tj=$(truth sched_debug | awk '$1 == "jiffies" { print $3; exit }')
	check "$label: timer: jiffies $j is at most 100 s after the recorded $tj" test "$j" -ge "$tj" -a "$j" -le $((tj + 100000))
	bad=$(jq -r '.jiffies as $j | .timer_bases[] | . as $b | .timers | to_entries[] |
		select(.value.tte != .value.expires - $j or (.key > 0 and $b.timers[.key - 1].expires > .value.expires)) |
		"cpu \($b.cpu) \(.value.timer_list)"' "$TMP/out")
	expect_eq "$label: timer: sorted by expiry, TTE = EXPIRES - JIFFIES" "" "$bad"
	check "$label: timer: some timers on every CPU" test "$(jq '[.timer_bases[] | select(.timers | length > 0) | .cpu] | unique | length' "$TMP/out")" = "$ncpu"

	run_kd -c 'timer -r --json' "$@"
	expect_eq "$label: timer -r --json exits 0" 0 "$rc"
	want=$(truth timer_list | awk '/^cpu:/ { c = $2 } /^ clock / { k = $2; sub(":", "", k) } /\.get_time:/ { print c, k, $2 }')
	got=$(jq -r '.clock_bases[] | "\(.cpu) \(.clock) \(.get_time)"' "$TMP/out")
	expect_eq "$label: timer -r: clock bases and get_time as /proc/timer_list" "$want" "$got"
	got=$(jq -r '[.clock_bases[] | select(.timers | map(.symbol) | index("watchdog_timer_fn")) | .cpu] | unique | length' "$TMP/out")
	expect_eq "$label: timer -r: the softlockup watchdog hrtimer on every CPU" "$ncpu" "$got"

	run_kd -c 'runq -g --json' "$@"
	expect_eq "$label: runq -g --json exits 0" 0 "$rc"
	cp "$TMP/out" "$TMP/runqg"
	expect_eq "$label: runq -g: one entry per CPU" "$ncpu" "$(jq length "$TMP/runqg")"
	run_kd -c 'sym root_task_group' "$@"
	rtg=0x$(awk '{ print $1 }' "$TMP/out")
	expect_eq "$label: runq -g: each CPU's first group is root_task_group, path /" \
		"$(for _ in $(seq "$ncpu"); do echo "$rtg /"; done)" \
		"$(jq -r '.[] | .groups[0] | "\(.task_group) \(.path)"' "$TMP/runqg")"
	want=$(truth sched_debug | sed -n 's/^cfs_rq\[[0-9]*\]://p' | sort -u)
	got=$(jq -r '.[].groups[].path' "$TMP/runqg" | sort -u)
	expect_eq "$label: runq -g: every cfs_rq path of /proc/sched_debug is a listed group" "" \
		"$(comm -23 <(echo "$want") <(echo "$got"))"
	gpath=$(truth cgroup | sed -n 's/^path=//p')
	spid=$(truth cgroup | sed -n 's/^spin_pid=//p')
	check "$label: runq -g: the guest made its cgroup ($gpath, pid $spid)" test -n "$gpath" -a -n "$spid"
	stask=$(jq -r --argjson p "${spid:-0}" '.[] | select(.pid == $p) | .task' "$TMP/ps")
	run_kd -c "struct task_struct.sched_task_group $stask" "$@"
	stg=$(awk '/sched_task_group =/ { print $3 }' "$TMP/out" | tr -d ,)
	expect_eq "$label: runq -g: $gpath's task_group is kdive-spin's sched_task_group" "$stg" \
		"$(jq -r --arg p "$gpath" '[.[].groups[] | select(.path == $p) | .task_group] | unique | join(" ")' "$TMP/runqg")"
	got=$(jq -r --arg p "$gpath" --arg t "$stask" '[.[].groups[] | select(.path == $p) |
		select(.curr_task == $t or (.queued | map(.task) | index($t)))] | length' "$TMP/runqg")
	expect_eq "$label: runq -g: kdive-spin queued or running in $gpath on one CPU" 1 "$got"

	init=$(jq -r '.[] | select(.pid == 1) | .task' "$TMP/ps")
	run_kd -c "struct task_struct.signal $init" "$@"
	sig=$(awk '/signal =/ { print $3 }' "$TMP/out" | tr -d ,)
	run_kd -c "waitq signal_struct.wait_chldexit $sig --json" "$@"
	expect_eq "$label: waitq: kdive-init waits on its wait_chldexit" "1 kdive-init" "$(jq -r '.[] | "\(.pid) \(.comm)"' "$TMP/out")"
}

check_fixture "kaslr elf" "$FIX/vmcore.elf"
check_fixture "kaslr kdump-zlib (-d 31)" "$FIX/vmcore.kdump-zlib"

D=$FIX/vmcore.elf
run_kd -c runq "$D"
check "runq text: crash's CPU line" grep -qE '^CPU 0 RUNQUEUE: [0-9a-f]{16}$' "$TMP/out"
check "runq text: the current task line" grep -qE '^  CURRENT: PID: [0-9]+ +TASK: [0-9a-f]{16}  COMMAND: "' "$TMP/out"
check "runq text: CFS RB_ROOT" grep -qE '^  CFS RB_ROOT: [0-9a-f]{16}$' "$TMP/out"
run_kd -c 'runq -g' "$D"
check "runq -g text: crash's ROOT_TASK_GROUP CFS_RQ line" grep -qE '^  ROOT_TASK_GROUP: [0-9a-f]{16}  CFS_RQ: [0-9a-f]{16}$' "$TMP/out"
check "runq -g text: crash's ROOT_TASK_GROUP RT_RQ line" grep -qE '^  ROOT_TASK_GROUP: [0-9a-f]{16}  RT_RQ: [0-9a-f]{16}$' "$TMP/out"
run_kd -c 'runq -c 1 --json' "$D"
expect_eq "runq -c 1: CPU 1 only" "1" "$(jq -r '[.[].cpu] | join(",")' "$TMP/out")"
run_kd -c "runq -c $ncpu" "$D"
expect_eq "runq -c: a CPU the dump lacks is a usage error" 1 "$rc"
run_kd -c 'timer -r -C 0' "$D"
expect_eq "timer -r -C 0: the two options go together (exit 0)" 0 "$rc"
run_kd -c timer "$D"
check "timer text: JIFFIES first" sh -c "head -n 1 '$TMP/out' | grep -q '^JIFFIES$'"
run_kd -c 'waitq 0' "$D"
expect_eq "waitq 0: an unreadable head fails" 1 "$rc"
done_testing
