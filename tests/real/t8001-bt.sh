#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# bt and foreach on the real dumps against what the live guest recorded:
#  - bt PID shows the functions and offsets of /proc/PID/stack (the guest's
#    `stacks` section), in the same order, once the scheduler's own frames
#    are left out as the kernel does there (in_sched_functions():
#    __sched_text_start..__sched_text_end and __lock_text_start..__lock_text_end);
#  - bt -a starts each CPU at the RIP of its NT_PRSTATUS note, read here
#    from the ELF file with python3, not through kdive;
#  - foreach -g bt puts every task whose recorded stack is the marker's in
#    the marker's group; foreach selects by name, regex, pid, -u, -k;
#  - the options' layouts, the exited zombie, --json, a bad operand.
. "$KDIVE_SRCDIR/tests/lib.sh"
. "$KDIVE_SRCDIR/tests/real/fixture.sh"
D=$FIX/vmcore.elf

. "$KDIVE_SRCDIR/tests/real/stacks.sh"
sched_bounds
truth stacks >"$TMP/stacks"
tids=$(awk '$1 == "task" { print $2 }' "$TMP/stacks")
check_stacks "elf" "$D"
check_stacks "kdump-zlib (-d 31)" "$FIX/vmcore.kdump-zlib"
check_stacks "elf-filtered" "$FIX/vmcore.elf-filtered"

# bt -a: each CPU's frame #0 is at its NT_PRSTATUS RIP (pr_reg at 112, rip
# is register 16 of struct user_regs_struct).
prstatus_pcs "$D" 16 >"$TMP/rips"
run_kd -c 'bt -a' "$D"
expect_eq "bt -a exits 0" 0 "$rc"
expect_eq "bt -a: one NT_PRSTATUS note per CPU" "$(truth nr_cpus)" "$(wc -l <"$TMP/rips")"
awk '/^PID:/ { cpu = $6 } / #0 \[/ { print cpu, $NF }' "$TMP/out" >"$TMP/got"
awk '{ print NR - 1, $1 }' "$TMP/rips" >"$TMP/want"
if cmp -s "$TMP/want" "$TMP/got"; then ok "bt -a: each CPU starts at its NT_PRSTATUS RIP"; else
	not_ok "bt -a: each CPU starts at its NT_PRSTATUS RIP"; diff "$TMP/want" "$TMP/got" | show; fi
run_kd -c 'bt -c 1' "$D"
check "bt -c 1: CPU 1's task only" sh -c "[ \$(grep -c '^PID:' '$TMP/out') -eq 1 ] && grep -q 'CPU: 1 ' '$TMP/out'"
run_kd -c 'bt -c 99' "$D"
expect_eq "bt -c 99: no such CPU, exit 1" 1 "$rc"

# Layouts: crash's task line and frame lines; the user registers at the end
# of a system call; options.
mpid=$(truth marker | sed -n 's/^pid=//p')
zpid=$(truth marker | sed -n 's/^zombie_pid=//p')
run_kd -c "bt $mpid" "$D"
check "bt: crash's task line" grep -qE "^PID: $mpid +TASK: [0-9a-f]{16}  CPU: [0-9]+ +COMMAND: \"kdive-marker\"$" "$TMP/out"
check "bt: crash's frame line" grep -qE '^ #0 \[[0-9a-f]{16}\] [a-z_]+ at [0-9a-f]{16}$' "$TMP/out"
check "bt: the user registers of the system call" grep -qE '^    ORIG_RAX: [0-9a-f]{16}  CS: 0033  SS: 002b$' "$TMP/out"
run_kd -c "bt -f $mpid; bt -t $mpid; bt -T $mpid; bt -r $mpid" "$D"
expect_eq "bt -f -t -T -r exit 0" 0 "$rc"
check "bt -t: START line" grep -qE '^      START: __schedule at [0-9a-f]{16}$' "$TMP/out"
check "bt -t: text words" grep -qE '^  \[[0-9a-f]{16}\] entry_SYSCALL_64_after_hwframe at ' "$TMP/out"
check "bt -r: raw words" grep -qE '^  [0-9a-f]{16}:  ' "$TMP/out"
check "bt -f: frame words" grep -qE '^    [0-9a-f]{16}: [0-9a-f]{16}' "$TMP/out"
run_kd -c "bt -l $mpid" "$D"
check "bt -l: says line numbers need DWARF" grep -q 'DWARF' "$TMP/err"
run_kd -c "bt $zpid" "$D"
expect_eq "bt of the zombie exits 0" 0 "$rc"
check "bt of the zombie: no kernel stack" grep -q 'no kernel stack' "$TMP/out"
run_kd -c "bt --json $mpid" "$D"
expect_eq "bt --json: method" ORC "$(jq -r '.[0].method' "$TMP/out")"
expect_eq "bt --json: pid" "$mpid" "$(jq -r '.[0].pid' "$TMP/out")"
expect_eq "bt --json: the last frame holds user registers" true "$(jq -r '.[0].frames[-1].registers.user' "$TMP/out")"
run_kd -c "bt ffffffffffff0000" "$D"
expect_eq "bt of a non-task: exit 1" 1 "$rc"

# foreach.
run_kd -c "foreach -g bt" "$D"
expect_eq "foreach -g bt exits 0" 0 "$rc"
same=$(for t in $tids; do want_stack "$t" | tr '\n' ' '; echo " $t"; done |
	awk -v m="$mpid" '{ tid = $NF; $NF = ""; s[tid] = $0 } END { for (t in s) if (s[t] == s[m]) print t }' | sort -n | tr '\n' ' ')
line=$(grep -E "^[0-9]+ tasks?:.* $mpid( |$)" "$TMP/out")
miss=""
for t in $same; do echo " $line " | grep -q " $t " || miss="$miss $t"; done
expect_eq "foreach -g bt: the marker's group holds every task with its recorded stack ($same)" "" "$miss"
run_kd -c "foreach kdive-marker ps" "$D"
check "foreach NAME ps: the marker's ps line" grep -qE "^[ >] +$mpid +1 .* kdive-marker$" "$TMP/out"
run_kd -c "foreach 'kdive-thr' bt" "$D"
expect_eq "foreach REGEX bt: the two threads" 2 "$(grep -c '^PID:' "$TMP/out")"
run_kd -c "foreach -u bt --json" "$D"
want=$(truth tasks | awk '$5 ~ /^kdive-/ && $4 != "Z" { n++ } END { print n + 0 }')
check "foreach -u bt --json: an object per user task (at least the $want kdive ones)" \
	sh -c "[ \$(jq length '$TMP/out') -ge $want ]"
run_kd -c "foreach -k bt" "$D"
check "foreach -k bt: kernel threads only" sh -c "! grep -q 'COMMAND: \"kdive-' '$TMP/out'"
run_kd -c "foreach nosuchtask bt" "$D"
expect_eq "foreach with no match: exit 1" 1 "$rc"
run_kd -c "foreach $mpid nosuchcommand" "$D"
expect_eq "foreach without a command: exit 1" 1 "$rc"
done_testing
