#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# The panic message on synthetic dumps (tests/tools/mkprintk oops|panic: a
# lockless printk ring holding an oops report as the kernel prints it, and
# for "panic" then panic()'s lines).  The message is panic()'s own line when
# there is one (not its "---[ end Kernel panic" line), else the oops report's
# "Oops:" line; with no symbols in these dumps the rest of sys says unknown.
. "$KDIVE_SRCDIR/tests/lib.sh"
for kind in oops panic lockless; do
	"$KDIVE_BUILDDIR/tests/tools/mkprintk" $kind "$TMP/$kind.elf"
done
run_kd -c sys "$TMP/panic.elf"
expect_eq "panic: sys exits 0" 0 "$rc"
expect_eq "panic: no warning (the banner says what is unknown)" "" "$(cat "$TMP/err")"
expect_eq "panic: PANIC is panic()'s line" '"Kernel panic - not syncing: Fatal exception"' \
	"$(sed -n 's/^ *PANIC: //p' "$TMP/out")"
run_kd -c 'sys --json' "$TMP/panic.elf"
expect_eq "panic: --json message, no CPU without symbols" "Kernel panic - not syncing: Fatal exception false" \
	"$(jq -r '"\(.panic.message) \(.panic.panicked)"' "$TMP/out")"
run_kd -c sys "$TMP/oops.elf"
expect_eq "oops: PANIC is the Oops line" '"Oops: 0002 [#1] PREEMPT SMP NOPTI"' \
	"$(sed -n 's/^ *PANIC: //p' "$TMP/out")"
run_kd -c sys "$TMP/lockless.elf"
expect_eq "no crash in the log: PANIC unknown (no symbols to read panic_cpu)" \
	"(unknown: no kernel symbols or types)" "$(sed -n 's/^ *PANIC: //p' "$TMP/out")"
done_testing
