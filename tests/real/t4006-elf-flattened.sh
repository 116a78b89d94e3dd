#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# makedumpfile's flattened ELF (-E -F) is read in place, through the same
# flattened-record index as the kdump form.  Made here from the fixture's
# vmcore.elf-filtered (a makedumpfile -E file, see scripts/mkvmcore):
#   makedumpfile -E -F -d 31 vmcore.elf-filtered > $TMP/flat-elf
# Expected bytes: those od reads from vmcore.elf-filtered at the file offset
# readelf gives for each address (the same segments, unflattened).
. "$KDIVE_SRCDIR/tests/lib.sh"
. "$KDIVE_SRCDIR/tests/real/fixture.sh"
SRC=$FIX/vmcore.elf-filtered
check "the fixture has a makedumpfile -E file" test -s "$SRC"
makedumpfile --message-level 1 -E -F -d 31 "$SRC" >"$TMP/flat-elf" 2>"$TMP/mdf.err"
check "makedumpfile -E -F makes a flattened ELF" test -s "$TMP/flat-elf"
expect_eq "it is flattened (makedumpfile signature)" makedumpfile "$(head -c 12 "$TMP/flat-elf")"

run_kd -c sys "$TMP/flat-elf"
expect_eq "sys on the flattened ELF: exit 0" 0 "$rc"
check "sys names it a flattened ELF vmcore" grep -q "ELF64 vmcore (filtered: makedumpfile -E), flattened" "$TMP/out"
check "sys shows the guest's release" grep -q "RELEASE: $(truth uname.release)" "$TMP/out"

readelf -lW "$SRC" | awk '$1 == "LOAD" { print $2, $4, $5 }' | while read -r o p f; do
	if ((f >= 4096)); then echo "$o $p $f"; fi
done >"$TMP/loads"
check "readelf finds the segments with file data" test -s "$TMP/loads"
norm() { tr -s ' \n' '  ' | sed 's/^ //; s/ $//'; }
n=0
while read -r off pa fs && [ $n -lt 4 ]; do
	for rel in 0 $((fs / 2 & ~7)) $((fs - 64)); do
		addr=$(printf '0x%x' $((pa + rel)))
		want=$(od -An -v -tx8 -j $((off + rel)) -N 64 "$SRC" | norm)
		run_kd -c "rd -p -64 -x $addr 8" "$TMP/flat-elf"
		got=$(grep '^ *[0-9a-f]*:  ' "$TMP/out" | sed 's/^ *[0-9a-f]*:  //' | norm)
		expect_eq "rd -p $addr in the flattened ELF equals the -E file's bytes" "$want" "$got"
	done
	n=$((n + 1))
done <"$TMP/loads"
done_testing
