#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# snappy and zstd pages: Debian's makedumpfile cannot write them, so
# tests/tools/kdrecompress rewrites the real -c -d 31 dump with every page
# re-compressed; every page must still equal the QEMU ELF reference, and
# the excluded pages stay excluded (counts from makedumpfile.log).
. "$KDIVE_SRCDIR/tests/lib.sh"
. "$KDIVE_SRCDIR/tests/real/fixture.sh"
T=$KDIVE_BUILDDIR/tests/tools
mdf() { echo $(($(awk -v k="$1" '/^## makedumpfile -c -d 31/ { on = 1 } on && index($0, k) { print $NF; exit }' "$FIX/makedumpfile.log"))); }
want_excl=$(($(mdf "Excluded pages") - $(mdf "Pages filled with zero")))
want_kept=$(($(mdf "Remaining pages") + $(mdf "Pages filled with zero")))
for c in snappy zstd; do
	if ! grep -q "^#define HAVE_$(echo $c | tr a-z A-Z) 1" "$KDIVE_BUILDDIR/config.h"; then
		"$KDIVE" -n -c sys "$FIX/vmcore.kdump-zlib" >/dev/null 2>&1 # nothing to rewrite with
		not_ok "$c: kdive was built without $c (configure --with-$c)"
		continue
	fi
	out=$TMP/vmcore.kdump-$c
	check "kdrecompress writes a $c dump" "$T/kdrecompress" "$FIX/vmcore.kdump-zlib" "$out" $c
	run_kd -c sys "$out"
	check "$c: sys names the compression" grep -q "kdump-compressed (KDUMP v6, $c, dump level 31)" "$TMP/out"
	rc=0
	"$T/kdcmp" "$FIX/vmcore.elf" "$out" >"$TMP/cmp" 2>/dev/null || rc=$?
	field() { sed -n "s/.*\\b$1=\\([0-9]*\\).*/\\1/p" "$TMP/cmp"; }
	expect_eq "$c: every page equals the reference" "0 0 0" "$rc $(field differ) $(field errors)"
	expect_eq "$c: kept and excluded pages" "$want_kept $want_excl" "$(field kept) $(field excluded)"
	run_kd -c "rd -p 0x1000000 512 >/dev/null; cache --json" "$out"
	check "$c: pages were decompressed" test "$(jq .decompressions "$TMP/out")" -ge 1
done
done_testing
