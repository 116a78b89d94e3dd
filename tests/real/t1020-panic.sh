#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# The panic, on a dump of a guest that really panicked (scripts/mkvmcore
# --panic: after recording its truth the guest's task kdive-panic, pinned to
# the last CPU, writes 'c' to /proc/sysrq-trigger; panic=0 keeps the machine
# stopped in panic()).  Compared with the truth (section `panic`: the pid,
# comm and CPU of the task that wrote the trigger; uptime, loadavg, hostname,
# version) and with the guest's console (QEMU's serial log, not kdive), and
# sys's figures with their definitions.  Drift: the truth is recorded about
# a second before the panic, so uptime and load average may have moved on.
MKVMCORE_ARGS=--panic
export MKVMCORE_ARGS
. "$KDIVE_SRCDIR/tests/lib.sh"
. "$KDIVE_SRCDIR/tests/real/fixture.sh"

pid=$(truth panic | sed -n 's/^pid=//p')
comm=$(truth panic | sed -n 's/^comm=//p')
cpu=$(truth panic | sed -n 's/^cpu=//p')
check "the truth names the panicking task ($pid $comm on CPU $cpu)" [ -n "$pid" -a -n "$cpu" ]
# The console's line, without its timestamp: "Kernel panic - not syncing: ...".
console_msg=$(grep -a -m1 -o 'Kernel panic - not syncing: .*' "$FIX/console.log" | tr -d '\r')
check "the guest's console shows the panic" [ -n "$console_msg" ]

field() { sed -n "s/^ *$1: //p" "$TMP/out"; }
for f in vmcore.elf vmcore.kdump-zlib vmcore.elf-filtered; do
	run_kd -c sys "$FIX/$f"
	expect_eq "$f: sys exits 0" 0 "$rc"
	expect_eq "$f: sys prints nothing on stderr" "" "$(cat "$TMP/err")"
	expect_eq "$f: PANIC is the console's panic line" "\"$console_msg\"" "$(field PANIC)"
	expect_eq "$f: PID is the task that wrote the sysrq trigger" "$pid" "$(field PID)"
	expect_eq "$f: COMMAND" "\"$comm\"" "$(field COMMAND)"
	expect_eq "$f: CPU is the one the task pinned itself to" "$cpu" "$(field CPU)"
	expect_eq "$f: STATE" "TASK_RUNNING (PANIC)" "$(field STATE)"
done

# The task address: the same as the task table's (ps walks init_task.tasks;
# the panic finder reads the CPU's runqueue).
run_kd -c 'sys; ps' "$FIX/vmcore.elf"
task=$(field TASK)
expect_eq "TASK is pid $pid's task_struct in ps" "$task" \
	"$(awk -v p="$pid" '$1 == ">" && $2 == p { print $5 }' "$TMP/out")"

# The default context is the panic task (crash's 'set' with no argument).
run_kd -c set "$FIX/vmcore.elf"
expect_eq "the default context is the panic task" "$pid" "$(field PID)"
expect_eq "set marks it (PANIC)" "TASK_RUNNING (PANIC)" "$(field STATE)"

run_kd -c 'sys --json' "$FIX/vmcore.elf"
check "sys --json is valid" sh -c "jq -e . '$TMP/out' >/dev/null"
expect_eq "--json: panicked" "true" "$(jq -r .panic.panicked "$TMP/out")"
expect_eq "--json: the CPU comes from panic_cpu" "$cpu panic_cpu" \
	"$(jq -r '"\(.panic.cpu) \(.panic.cpu_from)"' "$TMP/out")"
expect_eq "--json: panic.task is the context task" "$(jq -r .panic.task "$TMP/out")" \
	"$(jq -r .context.task "$TMP/out")"
expect_eq "--json: message" "$console_msg" "$(jq -r .panic.message "$TMP/out")"
# The CPU's registers (its NT_PRSTATUS) are inside the panic path: the
# stack pointer lies within 16 KiB (THREAD_SIZE on x86_64) above the task's
# stack base, task_struct.stack.
stack=$("$KDIVE" -n -c "struct task_struct.stack $task" "$FIX/vmcore.elf" | sed -n 's/.*stack = \(0x[0-9a-f]*\).*/\1/p')
sp=$(jq -r .panic.sp "$TMP/out")
check "the panic CPU's NT_PRSTATUS sp ($sp) is on the panic task's stack ($stack)" \
	python3 -c "import sys; s=int('$stack',16); p=int('$sp',16); sys.exit(not (s <= p < s + 16384))"

# sys's other lines against the truth.
run_kd -c sys "$FIX/vmcore.elf"
expect_eq "NODENAME is the guest's hostname" "$(truth hostname)" "$(field NODENAME)"
check "VERSION ends /proc/version" sh -c "truth() { '$KDIVE_SRCDIR/scripts/truth' '$TRUTH' \"\$1\"; }; truth version | grep -qF -- ' $(field VERSION)'"
expect_eq "RELEASE" "$(truth uname_r)" "$(field RELEASE)"
run_kd -c 'sys --json' "$FIX/vmcore.elf"
# Uptime: the timekeeper's last tick lies between the truth's /proc/uptime
# (recorded before the panic) and the panic's log timestamp.
up_truth=$(truth uptime | awk '{ print $1 }')
last_ts=$("$KDIVE" -n -c 'log' "$FIX/vmcore.elf" | sed -n 's/^\[ *\([0-9.]*\)\] Kernel panic - not syncing.*/\1/p' | tail -n 1)
up=$(jq -r .uptime_ns "$TMP/out")
check "uptime ${up} ns is between the truth's $up_truth s and the panic at $last_ts s" \
	awk -v u="$up" -v t="$up_truth" -v p="$last_ts" 'BEGIN { exit !(u / 1e9 >= t - 0.1 && u / 1e9 <= p + 0.1) }'
# Load average: /proc/loadavg's rounding of avenrun (FSHIFT 11, + FIXED_1/200),
# computed here from the raw words; and within 0.5 of the truth (the kernel
# recomputes it every 5 s, possibly once between the truth and the panic).
raw=$("$KDIVE" -n -c 'rd -d avenrun 3' "$FIX/vmcore.elf" | sed 's/^[^:]*://' | tr -s ' \n' ' ')
want=$(echo "$raw" | awk '{ for (i = 1; i <= 3; i++) { a = $i + 10; printf "%s%d.%02d", (i > 1 ? " " : ""), int(a / 2048), int((a % 2048) * 100 / 2048) } }')
expect_eq "LOAD AVERAGE is avenrun by /proc/loadavg's rounding (raw: $raw)" "$want" \
	"$(jq -r '.load_average | join(" ")' "$TMP/out")"
check "LOAD AVERAGE within 0.5 of the truth's $(truth loadavg | cut -d' ' -f1-3)" \
	sh -c "echo '$(jq -r '.load_average | join(" ")' "$TMP/out") $(truth loadavg)' | awk '{ for (i = 1; i <= 3; i++) if (\$i - \$(i + 3) > 0.5 || \$(i + 3) - \$i > 0.5) exit 1 }'"
# Tasks: nr_threads (the truth's loadavg field 4, counted while the recorder
# ran) plus one idle task per CPU, within 3 (kernel threads come and go).
nthr=$(truth loadavg | awk '{ split($4, a, "/"); print a[2] }')
tasks=$(jq -r .tasks "$TMP/out")
check "TASKS $tasks is nr_threads $nthr + $(truth nr_cpus) idle tasks, within 3" \
	awk -v t="$tasks" -v n="$nthr" -v c="$(truth nr_cpus)" 'BEGIN { d = t - n - c; exit !(d <= 3 && d >= -3) }'
run_kd -c 'ps; sys' "$FIX/vmcore.elf"
expect_eq "TASKS from nr_threads equals the task table's size" \
	"$(($(grep -c '^[ >] *[0-9]' "$TMP/out")))" "$tasks"
# DATE: the timekeeper's xtime_sec, within 2 minutes before the dump file was written.
run_kd -c 'sys --json' "$FIX/vmcore.elf"
date=$(jq -r .date "$TMP/out")
mtime=$(stat -c %Y "$FIX/vmcore.elf")
expect_eq "DATE comes from the timekeeper" "timekeeper" "$(jq -r .date_source "$TMP/out")"
check "DATE $date is within 2 minutes before the dump's mtime $mtime" \
	[ "$date" -le "$mtime" -a "$date" -ge $((mtime - 120)) ]

# bt on the panicked machine.  The panic task wrote 'c' to /proc/sysrq-trigger
# (truth panic): its stack runs from the write system call through the sysrq
# handler into panic().  The other CPU was stopped by panic()'s reboot IPI
# while idle: its stack crosses from the IRQ stack back to the idle task's
# (CPU 0's idle task is the boot task: start_kernel ... do_idle).
run_kd -c 'bt -a --json' "$FIX/vmcore.elf"
ppid=$(truth panic | sed -n 's/^pid=//p')
pf=$(jq -r --argjson p "$ppid" '.[] | select(.pid == $p) | [.frames[].function] | join(" ")' "$TMP/out")
check "bt -a: the panic task's stack holds panic, sysrq_handle_crash and write_sysrq_trigger" \
	sh -c "echo '$pf' | grep -q 'panic .*sysrq_handle_crash .*write_sysrq_trigger .*ksys_write'"
run_kd -c 'bt -c 0' "$FIX/vmcore.elf"
check "bt -c 0: the reboot IPI on the IRQ stack, then '--- <IRQ stack> ---'" \
	sh -c "grep -q 'sysvec_reboot' '$TMP/out' && grep -q -- '--- <IRQ stack> ---' '$TMP/out'"
check "...then the interrupted idle task down to start_kernel" \
	sh -c "grep -q ' do_idle at ' '$TMP/out' && grep -q ' start_kernel at ' '$TMP/out'"
expect_eq "...and the walk ends cleanly (exit 0)" 0 "$rc"
done_testing
