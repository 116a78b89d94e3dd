#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# An ELF dump has no page size of its own: the core reads it in pages of
# VMCOREINFO's PAGESIZE (16 KiB and 64 KiB on arm64 and ppc64 kernels).
# With PAGESIZE forced through --vmcoreinfo on the real QEMU ELF dump, rd -p
# still returns the bytes stored in the file at that segment's offset
# (segments read with readelf, bytes with od), through the cache and without.
. "$KDIVE_SRCDIR/tests/lib.sh"
. "$KDIVE_SRCDIR/tests/real/fixture.sh"
D=$FIX/vmcore.elf

readelf -lW "$D" | awk '$1 == "LOAD" { print $2, $4, $5 }' >"$TMP/loads"
check "readelf finds the dump's PT_LOAD segments" test -s "$TMP/loads"
file_offset() { # paddr -> file offset, from readelf's view of the segments
	local o p s
	while read -r o p s; do
		if (($1 >= p && $1 < p + s)); then
			echo $((o + $1 - p))
			return
		fi
	done <"$TMP/loads"
}
norm() { tr -s ' \n' '  ' | sed 's/^ //; s/ $//'; }

for ps in 16384 65536; do
	printf 'PAGESIZE=%s\n' "$ps" >"$TMP/vmci"
	for addr in 0x100000 0x1005008 0x1fff8 0x1000000; do
		off=$(file_offset $addr)
		want=$(od -An -v -tx8 -j "$off" -N 64 "$D" | norm)
		for cache in 1024 0; do
			run_kd --vmcoreinfo "$TMP/vmci" -c "cache -s $cache > /dev/null; rd -p -64 -x $addr 8" "$D"
			got=$(grep '^ *[0-9a-f]*:  ' "$TMP/out" | sed 's/^ *[0-9a-f]*:  //' | norm)
			expect_eq "PAGESIZE=$ps, cache $cache: rd -p $addr equals the ELF file bytes at offset $off" "$want" "$got"
		done
	done
done
done_testing
