#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Byte order: rd's values follow the dump's byte order, not the host's.  The
# dumps are synthetic (tests/tools/mkbedump, layouts in tests/tools/bedump.h):
# kdump-compressed and ELF64, big-endian s390x (4 KiB pages) and ppc64
# (64 KiB pages), and little-endian riscv64 as the control; each holds, at
# physical address PAGESIZE, the u64s 0x0123456789abcdef and -2, the u32s
# 0x89abcdef and 5, and the u16s 0xfedc 0x0102 0x8000 0x0007, each written in
# the dump's order.  The expected values below are those numbers.
. "$KDIVE_SRCDIR/tests/lib.sh"
# The value columns of rd's lines: every field after the address, without
# the ASCII column (rd -x).
values() { sed 's/^ *[0-9a-f]*: *//; s/ *$//' "$TMP/out" | tr -s ' ' | paste -sd' '; }
for fmt in kdump elf; do
	for m in s390x ppc64 riscv64; do
		case $m in ppc64) base=0x10000 ;; *) base=0x1000 ;; esac
		d="$TMP/$fmt-$m"
		"$KDIVE_BUILDDIR/tests/tools/mkbedump" $fmt $m "$d"
		a() { printf '%x' $((base + $1)); }
		t="$fmt $m"
		run_kd -c "rd -p -x -64 $(a 0) 2" "$d"
		expect_eq "$t: rd -64 exits 0" 0 "$rc"
		expect_eq "$t: rd -p -64" "0123456789abcdef fffffffffffffffe" "$(values)"
		run_kd -c "rd -p -x -32 $(a 16) 2" "$d"
		expect_eq "$t: rd -p -32" "89abcdef 00000005" "$(values)"
		run_kd -c "rd -p -x -16 $(a 24) 4" "$d"
		expect_eq "$t: rd -p -16" "fedc 0102 8000 0007" "$(values)"
		run_kd -c "rd -p -d $(a 0) 2" "$d"
		expect_eq "$t: rd -p -d (signed 64)" "81985529216486895 -2" "$(values)"
		run_kd -c "rd -p -D $(a 8) 1" "$d"
		expect_eq "$t: rd -p -D (unsigned 64)" "18446744073709551614" "$(values)"
		run_kd -c "rd -p -16 -d $(a 24) 4" "$d"
		expect_eq "$t: rd -p -16 -d" "-292 258 -32768 7" "$(values)"
		run_kd -c "rd -p -32 -d $(a 16) 2" "$d"
		expect_eq "$t: rd -p -32 -d" "-1985229329 5" "$(values)"
		run_kd -c "rd -p -8 -x $(a 0) 8" "$d"
		if [ $m = riscv64 ]; then want="ef cd ab 89 67 45 23 01"; else want="01 23 45 67 89 ab cd ef"; fi
		expect_eq "$t: rd -p -8 shows the bytes in memory order" "$want" "$(values)"
		run_kd -c "rd -p -32 $(a 16) 2 --json" "$d"
		expect_eq "$t: rd --json values" "0x89abcdef 0x5" \
			"$(jq -r '.values | map(if type == "string" then . else tostring end) | join(" ")' "$TMP/out")"
	done
done
done_testing
