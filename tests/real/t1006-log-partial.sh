#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# log on a kdump that lost a page of the printk data ring (issue 20): the
# records whose text was on that page are named on stderr (once, as a run of
# sequence numbers, with the page's address and why), --json marks them
# incomplete, every other record is printed, and log exits 1.  The page is
# dropped from a copy of the fixture's kdump-raw with tests/corrupt/kdmangle
# exclude; which page is an input read from the intact dump (the ring's
# address and fill level).  The expected records are the guest's own
# (truth kmsg: "prio,seq,ts_usec,flags;text").
. "$KDIVE_SRCDIR/tests/lib.sh"
. "$KDIVE_SRCDIR/tests/real/fixture.sh"
M=$KDIVE_BUILDDIR/tests/corrupt/kdmangle
SRC=$FIX/vmcore.kdump-raw

# The data ring: its address, size and the logical head position.
run_kd -c 'rd -64 prb 1' "$SRC"
prb=$(awk '{ print $2; exit }' "$TMP/out")
run_kd -c "struct printk_ringbuffer $prb" "$SRC"
data=$(sed -n 's/^ *data = 0x\([0-9a-f]*\).*/\1/p' "$TMP/out")
bits=$(sed -n 's/^ *size_bits = \([0-9]*\),/\1/p' "$TMP/out")
head=$(awk '/head_lpos/ { getline; sub(/.*= /, ""); print; exit }' "$TMP/out")
check "the data ring is found (0x$data, 2^$bits bytes, head lpos $head)" test -n "$data" -a -n "$bits" -a -n "$head"
used=$(( head & ((1 << bits) - 1) ))
# A page in the middle of the written part of the ring.
va=$(( (0x$data + used / 2) & ~4095 ))
run_kd -c "$(printf 'vtop %x' $va)" "$SRC"
pa=$(awk '/^VIRTUAL +PHYSICAL/ { getline; print $2 }' "$TMP/out")
pfn=$(printf '0x%x' $((0x$pa / 4096)))
check "its middle page 0x$(printf %x $va) is at pfn $pfn" test -n "$pa"

cp "$SRC" "$TMP/d"
check "kdmangle exclude $pfn" "$M" exclude "$TMP/d" "$pfn"

run_kd -c 'log' "$TMP/d"
expect_eq "log exits 1" 1 "$rc"
show "$TMP/err"
check "stderr names the run of lost records, the page and why" \
	grep -Eq "^warning: log: [0-9]+ records \([0-9]+-[0-9]+\) unreadable: 0x$(printf %x $va) .*pfn $pfn\) was excluded" "$TMP/err"
expect_eq "one message for the run" 1 "$(grep -c 'records (' "$TMP/err")"
lo=$(sed -n 's/.*records (\([0-9]*\)-\([0-9]*\)).*/\1/p' "$TMP/err")
hi=$(sed -n 's/.*records (\([0-9]*\)-\([0-9]*\)).*/\2/p' "$TMP/err")

# The guest's records: seq and text (/dev/kmsg escapes undone for the
# comparison by comparing in --json, where kdive gives the raw text).
truth kmsg | awk -F';' '/^[0-9]+,[0-9]+,/ { split($1, a, ","); print a[2] }' | sort -n >"$TMP/want-seq"
n=$(wc -l <"$TMP/want-seq")
check "the guest recorded records ($n)" test "$n" -gt 100

run_kd -c 'log --json' "$TMP/d"
expect_eq "log --json exits 1" 1 "$rc"
jq -r '.[] | select(.incomplete | not) | .seq' "$TMP/out" | sort -n >"$TMP/got-seq"
jq -r '.[] | select(.incomplete) | .seq' "$TMP/out" | sort -n >"$TMP/lost-seq"
expect_eq "--json marks the same run incomplete" "$(seq "$lo" "$hi" | tr '\n' ' ')" "$(tr '\n' ' ' <"$TMP/lost-seq")"
check "...with the reason" sh -c "jq -r '.[] | select(.incomplete) | .reason' '$TMP/out' | grep -q 'excluded'"
awk -v lo="$lo" -v hi="$hi" '$1 < lo || $1 > hi' "$TMP/want-seq" >"$TMP/want-kept"
check "every other record of the guest is printed ($(wc -l <"$TMP/want-kept") of them)" \
	sh -c "comm -23 '$TMP/want-kept' '$TMP/got-seq' | sort -n | diff /dev/null -"
check "the lost run lies within the guest's records" test "$lo" -ge "$(head -n 1 "$TMP/want-seq")" -a "$hi" -le "$(tail -n 1 "$TMP/want-seq")"
done_testing
