#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# log on synthetic dumps (tests/tools/mkprintk) built from the documented
# layouts of all three kernel log buffers, for the corner cases real dumps
# rarely hit: id wrap, a wrapped text block, data-less, truncated, reusable,
# reserved and stale descriptors; 3.5-5.9 records with dictionaries and the
# wrap marker; the pre-3.5 character ring.  The expected output is what the
# generator put in, formatted by the rules in 'help log'.
. "$KDIVE_SRCDIR/tests/lib.sh"
for kind in lockless varlen plain; do
	"$KDIVE_BUILDDIR/tests/tools/mkprintk" $kind "$TMP/$kind.elf"
	run_kd -c 'log -m -c -d' "$TMP/$kind.elf"
	expect_eq "$kind: log exits 0" 0 "$rc"
	if diff "$TMP/$kind.elf.expected" "$TMP/out" >"$TMP/diff"; then
		ok "$kind: log -m -c -d prints exactly the records put in ($(wc -l <"$TMP/out") lines)"
	else
		not_ok "$kind: log -m -c -d prints exactly the records put in"
		show "$TMP/diff"
	fi
	run_kd -c 'log --json' "$TMP/$kind.elf"
	check "$kind: log --json is valid" sh -c "jq -e 'type == \"array\"' '$TMP/out' >/dev/null"
done
# The lockless ring: the JSON has the device info and both caller kinds.
run_kd -c 'log --json' "$TMP/lockless.elf"
expect_eq "lockless: records shown (7 of 10 descriptors)" 7 "$(jq length "$TMP/out")"
expect_eq "lockless: device info" "pci +pci:0000:00:01.0" "$(jq -r '.[0] | "\(.subsystem) \(.device)"' "$TMP/out")"
expect_eq "lockless: callers" "T1 C1" "$(jq -r '[.[0].caller, .[-1].caller] | join(" ")' "$TMP/out")"
expect_eq "lockless: sequence numbers survive the id wrap" "100 109" "$(jq -r '[.[0].seq, .[-1].seq] | join(" ")' "$TMP/out")"
done_testing
