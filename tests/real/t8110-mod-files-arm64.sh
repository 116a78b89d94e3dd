#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# mod -s/-S on the arm64 fixture: Debian's arm64 kernel has no
# CONFIG_KALLSYMS_ALL, so a module's data symbols are only in its .ko, and
# the kernel's list of module BTF (btf_modules, a data symbol) is not known
# from the dump alone: the .ko's .BTF gives the types.  Truth as in t8109:
# nm with the guest's /sys/module/M/sections, readelf -n, pahole.
MKVMCORE_ARGS="--arch arm64"
. "$KDIVE_SRCDIR/tests/lib.sh"
. "$KDIVE_SRCDIR/tests/real/fixture.sh"
. "$KDIVE_SRCDIR/tests/real/mod-files.sh"
D=$FIX/vmcore.elf
rel=$(truth uname_r)
kdir=$KDIVE_FIXTURES/kernels/$rel
kodir=$kdir/modules
check "the guest's modules' .ko files are kept ($kodir)" test -f "$kodir/loop.ko"

run_kd -c 'sym loop_index_idr' "$D"
expect_eq "before: loop's data symbol loop_index_idr is not in kallsyms" 1 "$rc"
run_kd -c "mod -S $kodir --json" "$D"
expect_eq "mod -S DIR exits 0" 0 "$rc"
cp "$TMP/out" "$TMP/S"
for m in $(truth modules | awk '{ print $1 }'); do
	want=$(readelf -n "$kodir/$m.ko" | sed -n 's/^ *Build ID: //p')
	expect_eq "mod -S: $m: checked by build ID, symbols added, types from the file" \
		"$want true 0 true $kodir/$m.ko" \
		"$(jq -r --arg m "$m" '.[] | select(.name == $m) | "\(.loaded.file_build_id) \(.loaded.build_id_checked) \(.loaded.symbols_disagree) \(.loaded.symbols_added > 0) \(.btf_from)"' "$TMP/S")"
	ko_placed "$m" "$kodir/$m.ko" >"$TMP/want"
	kd_placed "$m" "$D" "$kodir/$m.ko" >"$TMP/got"
	check "$m: nm and the guest's section addresses place symbols" test -s "$TMP/want"
	expect_eq "mod -s $m: every symbol of the .ko at its section's address in the guest, with nm's size ($(wc -l <"$TMP/want"))" \
		"" "$(LC_ALL=C comm -23 "$TMP/want" "$TMP/got" | head -n 5)"
done
run_kd -c "mod -s loop $kodir/loop.ko; sym -v loop_index_idr" "$D"
check "after: loop_index_idr is known, from the module file" grep -q ' loop_index_idr \[loop\].*module file' "$TMP/out"
want=$(pahole_members loop_device "$kodir/loop.ko" "$kdir/dbg/vmlinux")
check "pahole reads struct loop_device from loop.ko" test -n "$want"
expect_eq "struct loop_device -o after mod -s: pahole's offsets ($(echo "$want" | wc -l) members)" "$want" \
	"$(kd_members loop_device "$D" "mod -s loop $kodir/loop.ko")"
done_testing
