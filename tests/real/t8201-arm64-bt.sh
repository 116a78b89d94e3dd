#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# bt on the arm64 fixture (scripts/mkvmcore --arch arm64: frame records,
# pointer authentication on) against what the live guest recorded:
#  - bt PID shows the functions and offsets of /proc/PID/stack (the guest's
#    `stacks` section) in the same order, once the scheduler's own frames
#    are left out as the kernel does there (in_sched_functions():
#    __sched_text_start..__sched_text_end, __lock_text_start..__lock_text_end);
#  - a task that entered by a system call ends with its user registers
#    (pstate in EL0, pc a user address), printed in crash's arm64 layout;
#  - bt -t and -r: the functions and return addresses of /proc/PID/stack;
#  - bt -a starts each CPU at the pc of its NT_PRSTATUS note, read here from
#    the ELF file with python3 (pr_reg at 112, pc is register 32 of struct
#    user_pt_regs), not through kdive.
MKVMCORE_ARGS=${KDIVE_ARM64_ARGS:-"--arch arm64"}
. "$KDIVE_SRCDIR/tests/lib.sh"
. "$KDIVE_SRCDIR/tests/real/fixture.sh"
D=$FIX/vmcore.elf

. "$KDIVE_SRCDIR/tests/real/stacks.sh"
sched_bounds
truth stacks >"$TMP/stacks"
tids=$(awk '$1 == "task" { print $2 }' "$TMP/stacks")
check_stacks "elf" "$D"
check_stacks "qemu-kdump-zlib" "$FIX/vmcore.qemu-kdump-zlib"

# Truth format 3: every thread's /proc/PID/stack.  A thread that ran or woke
# between the recording and the dump may differ (README-fixtures.md): those
# are counted, the rest must be equal.
if truth stacks_all >"$TMP/all" 2>/dev/null && [ -s "$TMP/all" ]; then
	cp "$TMP/all" "$TMP/stacks"
	n=0 same=0 differ=""
	for t in $(awk '$1 == "task" { print $2 }' "$TMP/all"); do
		run_kd -c "bt -s $t" "$D"
		want_stack "$t" >"$TMP/want"
		got_stack "$TMP/out" >"$TMP/got"
		n=$((n + 1))
		if cmp -s "$TMP/want" "$TMP/got"; then same=$((same + 1)); else differ="$differ $t"; fi
	done
	check "stacks_all: every thread's bt equals its /proc/PID/stack but at most 3 ($same of $n; differ:${differ:- none})" \
		test $((n - same)) -le 3 -a "$n" -ge 20
fi

# A system call's user registers close the marker's stack.
mpid=$(truth marker | sed -n 's/^pid=//p')
run_kd -c "bt --json $mpid" "$D"
expect_eq "bt --json: method" "frame records" "$(jq -r '.[0].method' "$TMP/out")"
expect_eq "bt --json: the last frame holds user registers" true "$(jq -r '.[0].frames[-1].registers.user' "$TMP/out")"
pst=$(jq -r '.[0].frames[-1].registers.pstate' "$TMP/out")
expect_eq "the user registers' pstate is EL0 (mode bits 0)" 0 "$(( pst & 0x1f ))"
pc=$(jq -r '.[0].frames[-1].registers.pc' "$TMP/out")
check "the user registers' pc is a user address ($pc)" test "$(( pc >> 48 ))" -eq 0 -a "$(( pc ))" -ne 0
expect_eq "the frame before it is el0t_64_sync" el0t_64_sync "$(jq -r '.[0].frames[-2].function' "$TMP/out")"

# The registers in crash's arm64 layout (arm64_print_exception_frame): in
# user mode "PC: .. LR: .. SP: ..", X29 down to X0 three a line, then
# ORIG_X0, SYSCALLNO and PSTATE, each the value of the JSON registers; the
# system call number that of the __arm64_sys_ function on the stack
# (include/uapi/asm-generic/unistd.h).
run_kd -c "bt $mpid" "$D"
jr() { printf '%016x' "$(jq -r ".[0].frames[-1].registers.$1" "$TMP/regs.json")"; }
cp "$TMP/out" "$TMP/regs.txt"
run_kd -c "bt --json $mpid" "$D"
cp "$TMP/out" "$TMP/regs.json"
check "registers: the PC, LR, SP line" \
	grep -qx "     PC: $(jr pc)   LR: $(jr x30)   SP: $(jr sp)" "$TMP/regs.txt"
want=$(for i in $(seq 29 -1 0); do printf '%s%sX%d: %s' "$( [ $(( (29 - i) % 3 )) = 0 ] && echo '    ' || echo '  ')" \
	"$( [ "$i" -lt 10 ] && echo ' ')" "$i" "$(jr "x$i")"; [ $(( (29 - i) % 3 )) = 2 ] && echo; done)
expect_eq "registers: X29 down to X0, three a line (the JSON's values)" "$want" \
	"$(grep -E '^    ( X| X[0-9]|X[0-9])' "$TMP/regs.txt" | grep -E '^ +X[0-9]+: ' | grep -v ORIG)"
fn=$(awk '/^ *#[0-9]+ \[/ && $3 ~ /^__arm64_sys_/ { sub(/^__arm64_sys_/, "", $3); print $3; exit }' "$TMP/regs.txt")
declare -A nr=([wait4]=104 [nanosleep]=65 [clock_nanosleep]=73 [read]=3f [ppoll]=49 [pselect6]=48 [futex]=62 [epoll_pwait]=16 [pause]=none)
if [ -n "$fn" ] && [ -n "${nr[$fn]}" ]; then
	check "registers: ORIG_X0, SYSCALLNO of $fn (${nr[$fn]}) and PSTATE" \
		grep -qE "^    ORIG_X0: [0-9a-f]{16}  SYSCALLNO: ${nr[$fn]}  PSTATE: $(jr pstate | cut -c9-)\$" "$TMP/regs.txt"
else
	check "registers: ORIG_X0, SYSCALLNO and PSTATE ($fn)" grep -qE '^    ORIG_X0: [0-9a-f]{16}  SYSCALLNO: [0-9a-f]+  PSTATE: ' "$TMP/regs.txt"
fi

# bt -t and bt -r without the init stack's symbols (no KALLSYMS_ALL): the
# task's stack as the walk knew it.  Every function of /proc/PID/stack is a
# text word of bt -t, and bt -r shows it at its return offset (the saved
# link registers, signed by pointer authentication: stripped as the kernel does).
cp "$TMP/stacks" "$TMP/stacks.keep"
truth stacks >"$TMP/stacks"
for t in $(awk '$1 == "task" { print $2 }' "$TMP/stacks" | head -n 3); do
	want_stack "$t" | grep -vE '^(__schedule|schedule)\+' >"$TMP/want"
	run_kd -c "bt -t $t" "$D"
	check "bt -t $t: a START line" grep -qE '^      START: [^ ]+ at [0-9a-f]{16}$' "$TMP/out"
	miss=$(cut -d+ -f1 "$TMP/want" | while read -r f; do grep -qE "^  \[[0-9a-f]{16}\] $f at " "$TMP/out" || echo "$f"; done)
	expect_eq "bt -t $t: each function of /proc/$t/stack is a text word ($(wc -l <"$TMP/want"))" "" "$miss"
	run_kd -c "bt -r $t" "$D"
	n=$(grep -cE '^  [0-9a-f]{16}:  ' "$TMP/out")
	check "bt -r $t: the whole stack, two words a line ($n lines: THREAD_SIZE 16 KiB or more)" test "$n" -ge 1024
	miss=$(while IFS=+ read -r f o; do grep -qE "  $f\+$((o))( |\$)" "$TMP/out" || echo "$f+$o"; done <"$TMP/want")
	expect_eq "bt -r $t: each return address of /proc/$t/stack as function+offset" "" "$miss"
done
cp "$TMP/stacks.keep" "$TMP/stacks"

# bt -a: each CPU's frame #0 is at its NT_PRSTATUS pc.
prstatus_pcs "$D" 32 >"$TMP/pcs"
run_kd -c 'bt -a' "$D"
expect_eq "bt -a exits 0" 0 "$rc"
expect_eq "bt -a: one NT_PRSTATUS note per CPU" "$(truth nr_cpus)" "$(wc -l <"$TMP/pcs")"
awk '/^PID:/ { cpu = $6 } / #0 \[/ { print cpu, $NF }' "$TMP/out" >"$TMP/got"
awk '{ print NR - 1, $1 }' "$TMP/pcs" >"$TMP/want"
if cmp -s "$TMP/want" "$TMP/got"; then ok "bt -a: each CPU starts at its NT_PRSTATUS pc"; else
	not_ok "bt -a: each CPU starts at its NT_PRSTATUS pc"; diff "$TMP/want" "$TMP/got" | show; fi
nidle=$(grep -c '^PID: 0 ' "$TMP/out")
check "bt -a: some CPU is idle ($nidle)" test "$nidle" -ge 1
check "bt -a: each idle CPU reaches the kernel's entry (__primary_switched / __secondary_switched)" \
	sh -c "[ \$(grep -cE ' (__primary_switched|__secondary_switched) at ' '$TMP/out') -eq $nidle ]"
# A CPU running a task in user mode (truth format 3's kdive-spin): one frame, its user registers.
if grep -q 'COMMAND: "kdive-spin"' "$TMP/out"; then
	run_kd -c 'bt -a --json' "$D"
	expect_eq "bt -a: the spinning task's CPU is in user mode" true \
		"$(jq -r '[.[] | select(.command == "kdive-spin")][0].frames[0].registers.user' "$TMP/out")"
fi
done_testing
