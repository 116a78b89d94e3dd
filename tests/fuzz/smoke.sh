#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# A seconds-long fuzz smoke of each parser target (tests/fuzz/fuzz_*.c) with
# the standalone mutating driver: seeds from tests/fuzz/seeds/TARGET/ plus a
# synthetic ELF vmcore made by tests/fuzz/mkelf.  Nothing may crash (the
# sanitizer build turns memory errors into failures).  KDIVE_FUZZ_SECONDS
# sets the time per target (default 2).  Real fuzzing: scripts/fuzz.
. "$KDIVE_SRCDIR/tests/lib.sh"
F=$KDIVE_BUILDDIR/tests/fuzz
S=$KDIVE_SRCDIR/tests/fuzz/seeds
"$F/mkelf" "$TMP/mini.elf" "$S/vmcoreinfo/x86_64-6.1"
check "mkelf writes a synthetic ELF vmcore kdive opens" sh -c "'$KDIVE' -n -c 'sys' '$TMP/mini.elf' | grep -q 'KERNEL: 6.1'"
for t in lexer vmcoreinfo options elf; do
	seeds=("$S/$t"/*)
	[ "$t" = elf ] && seeds=("$TMP/mini.elf")
	if "$F/fuzz_$t" "${seeds[@]}" >"$TMP/$t.out" 2>&1; then
		ok "fuzz smoke: $t ($(cat "$TMP/$t.out"))"
	else
		not_ok "fuzz smoke: $t"
		tail -n 20 "$TMP/$t.out" | show
	fi
done
done_testing
