#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Every form scripts/mkvmcore makes, read through the core (tests/tools/kdcmp
# walks every page of the QEMU ELF reference): each page a form kept is
# byte-identical to the reference, each page it dropped is reported as
# excluded (not as zeros).  The expected page counts come from makedumpfile's
# own report (makedumpfile.log) and from readelf on the reference.
. "$KDIVE_SRCDIR/tests/lib.sh"
. "$KDIVE_SRCDIR/tests/real/fixture.sh"
KDCMP=$KDIVE_BUILDDIR/tests/tools/kdcmp
REF=$FIX/vmcore.elf

# Pages of the reference: the sum of its PT_LOAD sizes.
load_pages() { # FILE [cut]: pages of its PT_LOADs (p_memsz), or those past p_filesz
	local t o v p fs ms s=0
	while read -r t o v p fs ms _; do
		[ "$t" = LOAD ] || continue
		if [ "${2:-}" = cut ]; then s=$((s + ms - fs)); else s=$((s + ms)); fi
	done < <(readelf -lW "$1")
	echo $((s / 4096))
}
pages=$(load_pages "$REF")
# makedumpfile's report for -c -d 31 (all -d 31 forms exclude the same pages).
mdf() { echo $(($(awk -v k="$1" '/^## makedumpfile -c -d 31/ { on = 1 } on && index($0, k) { print $NF; exit }' "$FIX/makedumpfile.log"))); }
excluded=$(mdf "Excluded pages")
zero=$(mdf "Pages filled with zero")
remaining=$(mdf "Remaining pages")
total=$(mdf "Total pages")
check "makedumpfile.log gives the page counts ($excluded excluded, $zero zero, $remaining remaining)" \
	test -n "$excluded" -a -n "$zero" -a -n "$remaining"
# Zero pages are excluded by -d 31 but makedumpfile keeps a descriptor that
# points to one shared zero page: they read back as zeros, which is right.
want_excl=$((excluded - zero))
want_kept=$((remaining + zero))
# Reference pages past makedumpfile's max_mapnr (the BIOS ROM at 4 GiB).
want_absent=$((pages - total))

field() { sed -n "s/.*\\b$1=\\([0-9]*\\).*/\\1/p" "$TMP/cmp"; }
compare() { # title files...
	local t=$1
	shift
	rc=0
	"$KDCMP" "$REF" "$@" >"$TMP/cmp" 2>"$TMP/cmperr" || rc=$?
	grep -v '^warning: ' "$TMP/cmperr" | head -5 | show
	expect_eq "$t: every page read, none differs from the reference" "0 0 0 $pages" \
		"$rc $(field differ) $(field errors) $(field pages)"
}

for f in kdump-zlib kdump-lzo kdump-raw flat; do
	compare "$f (makedumpfile, -d 31)" "$FIX/vmcore.$f"
	expect_eq "$f: kept pages = remaining + zero pages" "$want_kept" "$(field kept)"
	expect_eq "$f: excluded pages reported as excluded" "$want_excl" "$(field excluded)"
	expect_eq "$f: pages past max_mapnr are not in the dump" "$want_absent" "$(field absent)"
done

compare "split set (2 parts)" "$FIX/vmcore.split.1" "$FIX/vmcore.split.2"
expect_eq "split: kept pages" "$want_kept" "$(field kept)"
expect_eq "split: excluded pages" "$want_excl" "$(field excluded)"
compare "split set, parts in reverse order" "$FIX/vmcore.split.2" "$FIX/vmcore.split.1"
expect_eq "split reversed: kept pages" "$want_kept" "$(field kept)"

compare "QEMU kdump-zlib (flattened)" "$FIX/vmcore.qemu-kdump-zlib"
expect_eq "QEMU kdump-zlib keeps every page" "$pages" "$(field kept)"

compare "QEMU ELF against itself" "$REF"
expect_eq "QEMU ELF keeps every page" "$pages" "$(field kept)"

# makedumpfile -E cuts runs of excluded pages from the end of segments
# (p_filesz < p_memsz): those must read as excluded, never as zeros.
compare "makedumpfile -E (filtered ELF)" "$FIX/vmcore.elf-filtered"
cut=$(load_pages "$FIX/vmcore.elf-filtered" cut)
expect_eq "-E: every page past p_filesz is reported excluded" "$cut" "$(field excluded)"
check "-E: kept at least makedumpfile's remaining pages" test "$(field kept)" -ge "$remaining"
expect_eq "-E: kept + excluded covers the reference" "$pages" "$(($(field kept) + $(field excluded)))"

done_testing
