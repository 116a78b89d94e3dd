#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# ps on a kdump that lost pages of live task_structs (issue 20), made
# deterministically: tests/corrupt/kdmangle exclude drops chosen pages from a
# copy of the fixture's kdump-raw as makedumpfile's filtering does.  The
# task addresses and their pages are inputs taken from the intact dump; the
# expected tasks are the guest's own list (truth tasks).
#  A: the last page of every 3rd task_struct, and the page holding the pid
#     and tasks link of one process (kdive-sleeper): ps lists >= 97% of the
#     guest's threads, names each one it lost, marks the ones read in part,
#     and exits 1.
#  B: the page holding the pid and thread_node of one thread (kdive-thr1):
#     the walk recovers the rest of its thread group from the other end.
. "$KDIVE_SRCDIR/tests/lib.sh"
. "$KDIVE_SRCDIR/tests/real/fixture.sh"
M=$KDIVE_BUILDDIR/tests/corrupt/kdmangle
SRC=$FIX/vmcore.kdump-raw

run_kd -c 'ps --json' "$SRC"
cp "$TMP/out" "$TMP/intact.json"
run_kd -c 'struct task_struct -o' "$SRC"
size=$(sed -n 's/^SIZE: //p' "$TMP/out")
pidoff=$(sed -n 's/^ *\[\([0-9]*\)\] pid_t pid;$/\1/p' "$TMP/out")
check "task_struct's size ($size) and pid offset ($pidoff) known" test -n "$size" -a -n "$pidoff"

# pfn ADDR...: the page frame of each kernel address, by kdive's vtop.
pfns() {
	cmds=$(for a in "$@"; do printf 'vtop %x; ' "$a"; done)
	run_kd -c "$cmds" "$SRC"
	awk '/^VIRTUAL +PHYSICAL/ { getline; print $2 }' "$TMP/out" | while read -r pa; do
		printf '0x%x\n' $((0x$pa / 4096))
	done
}
addr_of() { jq -r --argjson p "$1" '.[] | select(.pid == $p) | .task | ltrimstr("0x")' "$TMP/intact.json" | head -n 1; }

# want: the guest's threads (pid comm), kworkers left out as in t6001.
truth tasks | awk '$5 !~ /^kworker/ { c = $5; for (i = 6; i <= NF; i++) c = c " " $i; print $1, substr(c, 1, 15) }' |
	sort -u >"$TMP/want"
nwant=$(wc -l <"$TMP/want")

# check_partial LABEL: ps --json on $TMP/d against the guest's threads.
check_partial() {
	run_kd -c 'ps --json' "$TMP/d"
	expect_eq "$1: ps exits 1 (tasks were lost)" 1 "$rc"
	jq -r '.[] | "\(.pid) \(.comm // "?")"' "$TMP/out" | sort -u >"$TMP/got"
	jq -r '.[] | "\(.pid)"' "$TMP/out" | sort -u >"$TMP/gotpids"
	# A task listed with its comm unknown still counts as listed by pid.
	awk '{ print $1 }' "$TMP/want" | sort -u >"$TMP/wantpids"
	comm -23 "$TMP/wantpids" "$TMP/gotpids" >"$TMP/lost"
	nlost=$(wc -l <"$TMP/lost")
	check "$1: ps lists >= 97% of the guest's $nwant threads (lost $nlost)" \
		test $(((nwant - nlost) * 100)) -ge $((nwant * 97))
	named=0
	while read -r p; do
		a=$(addr_of "$p")
		if grep -q "ps: task_struct at 0x$a: .*excluded" "$TMP/err"; then named=$((named + 1)); else show "$TMP/err"; fi
	done <"$TMP/lost"
	expect_eq "$1: each lost thread is named on stderr with its address and why" "$nlost" "$named"
	# Listed tasks keep the comm the guest saw.
	wrong=$(comm -13 "$TMP/want" "$TMP/got" | while read -r p c; do
		[ "$c" = "?" ] && continue
		grep -q "^$p " "$TMP/want" && echo "$p $c"
	done | tr '\n' ';')
	expect_eq "$1: listed threads have the guest's comm" "" "$wrong"
}

cp "$SRC" "$TMP/d"
victims=$(jq -r '.[] | select(.pid > 0) | .task | ltrimstr("0x")' "$TMP/intact.json" | sort -u | awk 'NR % 3 == 0')
sleeper=$(truth marker | sed -n 's/^sleeper_pid=//p')
sa=$(addr_of "$sleeper")
tails=$(pfns $(for a in $victims; do printf '0x%x ' $((0x$a + size - 1)); done))
head=$(pfns $((0x$sa + pidoff)))
# The last pages of the victims, but not those that hold another task's pid
# (that task could not be listed): only the sleeper is to be lost entirely.
pidpages=$(pfns $(jq -r '.[] | .task | ltrimstr("0x")' "$TMP/intact.json" | sort -u |
	while read -r a; do printf '0x%x ' $((0x$a + pidoff)); done) | sort -u)
tails=$(echo "$tails" | sort -u | grep -vxF "$pidpages")
# And the first page (state, flags) of the first victim whose pid lies on its
# second page: listed with '?' for its state.
sv= first=
for a in $victims; do
	f=$(pfns "0x$a")
	if [ "$f" != "$(pfns $((0x$a + pidoff)))" ] && ! echo "$pidpages" | grep -qxF "$f"; then
		sv=$a first=$f
		break
	fi
done
check "A: a task whose first page can go (${sv:-none})" test -n "$sv"
# shellcheck disable=SC2086
check "A: kdmangle exclude" "$M" exclude "$TMP/d" $(echo $tails $head $first | tr ' ' '\n' | sort -u)
check_partial "A (the last pages of $(echo "$tails" | wc -w) task_structs, the head of pid $sleeper)"
check "A: the sleeper ($sleeper) is named as lost" grep -q "ps: task_struct at 0x$sa: " "$TMP/err"
expect_eq "A: --json has no state for task $sv" null "$(jq -r ".[] | select(.task == \"0x$sv\") | .state" "$TMP/out")"
ninc=$(jq '[.[] | select(.incomplete == true)] | length' "$TMP/out")
check "A: tasks read in part are marked incomplete in --json ($ninc)" test "$ninc" -ge 1
check "A: the incomplete ones say why" sh -c "jq -r '.[] | select(.incomplete == true) | .reason' '$TMP/out' | grep -q 'excluded'"
run_kd -c ps "$TMP/d"
expect_eq "A: ps text exits 1" 1 "$rc"
check "A: ps text shows '?' for the state of task $sv" grep -qE "^[ >] +[0-9]+ +[0-9?]+ +[0-9?]+  $sv  \\? " "$TMP/out"
check "A: ps text names the lost task" grep -q "ps: task_struct at 0x$sa: " "$TMP/err"
run_kd -c 'ps; ps' "$TMP/d"
expect_eq "A: each loss named once per ps" 2 "$(grep -c "ps: task_struct at 0x$sa: " "$TMP/err")"

cp "$SRC" "$TMP/d"
t1=$(truth marker | sed -n 's/^thread1_tid=//p')
t2=$(truth marker | sed -n 's/^thread2_tid=//p')
mp=$(truth marker | sed -n 's/^pid=//p')
# shellcheck disable=SC2046
bp=$(pfns $((0x$(addr_of "$t1") + pidoff)))
check "B: kdmangle exclude" "$M" exclude "$TMP/d" "$bp"
check_partial "B (the head of thread $t1)"
check "B: the marker's other thread ($t2) is recovered" grep -qx "$t2" "$TMP/gotpids"
check "B: the marker ($mp) is listed" grep -qx "$mp" "$TMP/gotpids"

# rd over the page B dropped, 32 bytes either side: every readable line, the
# unreadable range named once, exit 1; the lines as in the intact dump.
lo=$((bp * 4096 - 32))
hi=$(((bp + 1) * 4096 - 1))
run_kd -c "rd -p $(printf %x $lo) $((4096 / 8 + 8))" "$TMP/d"
expect_eq "rd over a dropped page: exits 1" 1 "$rc"
expect_eq "rd over a dropped page: the readable lines (2 before, 2 after)" 4 "$(wc -l <"$TMP/out")"
expect_eq "rd over a dropped page: the range named once" 1 \
	"$(grep -c "^warning: rd: $(printf '0x%x-0x%x' $((lo + 32)) $hi) unreadable: .*excluded" "$TMP/err")"
cp "$TMP/out" "$TMP/rd-partial"
run_kd -c "rd -p $(printf %x $lo) 4; rd -p $(printf %x $((hi + 1))) 4" "$SRC"
check "rd over a dropped page: the lines read as in the intact dump" cmp -s "$TMP/out" "$TMP/rd-partial"
run_kd -c "rd -p $(printf %x $((lo + 32))) 2" "$TMP/d"
check "rd of a dropped page only: the error, as before" grep -q "^rd: physical address .* was excluded from the dump" "$TMP/err"
check "rd of a dropped page only: no warning besides" sh -c "! grep -q warning '$TMP/err'"

done_testing
