#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The sysc commands on a kdump that lost chosen pages (tests/corrupt/kdmangle
# exclude, as makedumpfile's filtering drops them): the page of one IRQ
# descriptor, of the shared memory segment's shmid_kernel and of the swap
# device's swap_info_struct.  Each command names what it lost once on stderr
# with its address and why, prints the rest, and exits 1.  The addresses
# are inputs taken from the intact dump.
. "$KDIVE_SRCDIR/tests/lib.sh"
. "$KDIVE_SRCDIR/tests/real/fixture.sh"
M=$KDIVE_BUILDDIR/tests/corrupt/kdmangle
SRC=$FIX/vmcore.kdump-raw

pfn_of() { # ADDR: its page frame, by kdive's vtop
	run_kd -c "vtop $1" "$SRC"
	pa=$(awk '/^VIRTUAL +PHYSICAL/ { getline; print $2; exit }' "$TMP/out")
	[ -n "$pa" ] && printf '0x%x\n' $((0x$pa / 4096))
}
run_kd -c 'irq --json' "$SRC"
cp "$TMP/out" "$TMP/irq.json"
desc=$(jq -r '.[] | select(.irq == 1) | .irq_desc | ltrimstr("0x")' "$TMP/irq.json")
run_kd -c 'ipcs -m --json' "$SRC"
shm=$(jq -r '.[0].address | ltrimstr("0x")' "$TMP/out")
run_kd -c 'swap --json' "$SRC"
si=$(jq -r '.[0].address | ltrimstr("0x")' "$TMP/out")
check "inputs: IRQ 1's descriptor ($desc), the segment ($shm), the swap device ($si)" \
	test -n "$desc" -a -n "$shm" -a -n "$si"
p_desc=$(pfn_of "$desc") p_shm=$(pfn_of "$shm") p_si=$(pfn_of "$si")
cp "$SRC" "$TMP/d"
check "kdmangle exclude $p_desc $p_shm $p_si" "$M" exclude "$TMP/d" $(printf '%s\n' "$p_desc" "$p_shm" "$p_si" | sort -u)

# The IRQs whose descriptors share that page are lost with it; the rest show.
same=$(jq -r --arg d "$desc" '.[] | select((.irq_desc | ltrimstr("0x") | .[0:13]) == ($d | .[0:13])) | .irq' "$TMP/irq.json" | sort -n)
run_kd -c 'irq' "$TMP/d"
expect_eq "irq: exits 1" 1 "$rc"
check "irq: IRQ 1's descriptor named on stderr with its address and why" \
	grep -q "^warning: irq: the actions of IRQ 1 at 0x$desc: .*excluded" "$TMP/err"
missing=$(jq -r '.[] | .irq' "$TMP/irq.json" | while read -r i; do
	echo "$same" | grep -qx "$i" && continue
	grep -qE "^ +$i   [0-9a-f]{16}  " "$TMP/out" || echo "$i"
done | tr '\n' ' ')
expect_eq "irq: every IRQ outside the lost page is listed" "" "$missing"
check "irq: IRQ 1 shows ? (not \"(unused)\")" grep -qE "^ +1   $desc  \?$" "$TMP/out"

run_kd -c 'ipcs' "$TMP/d"
expect_eq "ipcs: exits 1" 1 "$rc"
check "ipcs: the segment named on stderr with its address" grep -q "^warning: ipcs: shm id index 0 at 0x$shm: .*excluded" "$TMP/err"
check "ipcs: the semaphore array still listed" grep -qE '^[0-9a-f]{16}  [0-9a-f]{8}  [0-9]+ .* 3$' "$TMP/out"
check "ipcs: no \"(none allocated)\" where an object was lost" sh -c "! grep -q '(none allocated)' '$TMP/out'"

run_kd -c 'swap' "$TMP/d"
expect_eq "swap: exits 1" 1 "$rc"
check "swap: the device named on stderr with its address" grep -q "^warning: swap: swap_info\[0\] at 0x$si: .*excluded" "$TMP/err"
lines=$(wc -l <"$TMP/err")
expect_eq "swap: one message and the command's error" 2 "$lines"
done_testing
