#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# kdump-compressed, flattened and split dumps in the shell: sys and dumpinfo
# name the format, rd reads the kernel banner (bytes from the QEMU ELF
# reference), an excluded page (found with od in the dump's own bitmaps) is
# an error saying so, and damaged files give clear errors while the session
# goes on.
. "$KDIVE_SRCDIR/tests/lib.sh"
. "$KDIVE_SRCDIR/tests/real/fixture.sh"
REF=$FIX/vmcore.elf
Z=$FIX/vmcore.kdump-zlib
u32() { od -An -tu4 -j "$2" -N 4 "$1" | tr -d ' '; }
u64() { od -An -tu8 -j "$2" -N 8 "$1" | tr -d ' '; }

run_kd -c sys "$Z"
check "sys names the kdump-compressed format" grep -q 'kdump-compressed (KDUMP v6, zlib, dump level 31)' "$TMP/out"
run_kd -c sys "$FIX/vmcore.flat"
check "sys on -F says flattened" grep -q 'kdump-compressed (KDUMP v6, zlib, dump level 31, flattened)' "$TMP/out"
run_kd -c sys "$FIX/vmcore.qemu-kdump-zlib"
check "QEMU's kdump-zlib is read in place (flattened)" grep -q 'flattened)' "$TMP/out"
run_kd -c sys "$FIX/vmcore.split.1" "$FIX/vmcore.split.2"
check "split: both parts open as one dump" grep -q 'split: 2 parts given)' "$TMP/out"
expect_eq "split: release from the header" "$(truth uname_r)" "$(sed -n 's/^ *RELEASE: //p' "$TMP/out")"

# The kernel banner through the kernel-text mapping, as in t1002.
banner_va=$(truth kallsyms | awk '$1 == "linux_banner" { print $2 }')
phys_base=$(truth vmcoreinfo_sysfs | sed -n 's/^NUMBER(phys_base)=//p')
banner_pa=$(printf '0x%x' $((0x$banner_va - 0xffffffff80000000 + phys_base)))
off=$(readelf -lW "$REF" | awk '$1 == "LOAD" && $4 == "0x0000000000000000" { print $2 }')
want=$(od -An -v -tx8 -j $((off + banner_pa)) -N 64 "$REF" | tr -s ' \n' '  ' | sed 's/^ //; s/ $//')
for f in kdump-zlib kdump-lzo kdump-raw flat qemu-kdump-zlib elf-filtered; do
	run_kd -c "rd -p -64 -x $banner_pa 8" "$FIX/vmcore.$f"
	got=$(sed 's/^ *[0-9a-f]*:  //' "$TMP/out" | tr -s ' \n' '  ' | sed 's/^ //; s/ $//')
	expect_eq "$f: rd at linux_banner ($banner_pa) equals the reference's bytes" "$want" "$got"
done
run_kd -c "rd -p -a $banner_pa" "$FIX/vmcore.split.1" "$FIX/vmcore.split.2"
check "split: rd -a at linux_banner reads 'Linux version'" grep -q "Linux version $(truth uname_r) " "$TMP/out"

# An excluded page: first byte of the 1st bitmap that is 0xff (RAM) whose
# byte in the 2nd bitmap is 0 (not dumped), read straight from the file.
sub=$(u32 "$Z" 432)
bmb=$(u32 "$Z" 436)
bm1=$(((1 + sub) * 4096))
bm2=$((bm1 + bmb * 4096 / 2))
len=$((bmb * 4096 / 2))
paste <(od -An -v -tu1 -w1 -j $bm1 -N $len "$Z") <(od -An -v -tu1 -w1 -j $bm2 -N $len "$Z") |
	awk '$1 == 255 && $2 == 0 { print NR - 1; exit }' >"$TMP/idx"
pfn=$(($(cat "$TMP/idx") * 8))
pa=$(printf '0x%x' $((pfn * 4096)))
check "the bitmaps have an excluded RAM page (pfn $(printf 0x%x $pfn))" test "$pfn" -gt 0
run_kd -c "rd -p $pa; rd -p 0x1000 1" "$Z"
expect_eq "rd on an excluded page: exit 1" 1 "$rc"
expect_eq "rd on an excluded page: says it was excluded" \
	"rd: physical address $pa (pfn $(printf 0x%x $pfn)) was excluded from the dump" "$(cat "$TMP/err")"
check "...and the next command still runs" grep -q '^ *1000:  ' "$TMP/out"
run_kd -c "rd -p $pa" "$REF"
expect_eq "the same page is in the QEMU ELF" 0 "$rc"
run_kd -c "rd -p 0x100000000" "$Z"
expect_eq "past max_mapnr: not in the dump" "rd: physical address 0x100000000 is not in the dump" "$(cat "$TMP/err")"

# Split: one part alone opens; a pfn of the other part is named as missing.
start2=$(u64 "$FIX/vmcore.split.2" $((4096 + 80)))
pa2=$(printf '0x%x' $(((start2 + 1) * 4096)))
run_kd -c "rd -p $pa2" "$FIX/vmcore.split.1"
check "split part 1 alone: a page of part 2 is 'in a part ... not given'" \
	grep -q "^rd: physical address $pa2 (pfn 0x[0-9a-f]*) is in a part of the split dump that was not given" "$TMP/err"
run_kd -c sys "$FIX/vmcore.split.1"
check "split part 1 alone: sys says some parts are missing" grep -q 'some missing' "$TMP/out"
run_kd -c sys "$FIX/vmcore.split.1" "$FIX/vmcore.split.1"
check "the same part twice: refused" grep -q 'overlap.*given twice' "$TMP/err"
run_kd -c sys "$Z" "$FIX/vmcore.split.2"
check "a whole dump and a split part: refused" grep -q 'not another part of the same split dump' "$TMP/err"
run_kd -c sys "$REF" "$Z"
check "an ELF dump with another file: refused" grep -q 'only kdump-compressed dumps come in several parts' "$TMP/err"

# Damaged files.
head -c 20000 "$Z" >"$TMP/short"
run_kd -c sys "$TMP/short"
check "kdump cut inside its bitmaps: error names the offset" \
	grep -q "bitmaps (.* blocks at offset 0x[0-9a-f]*) run past the end of the file (size 0x4e20)" "$TMP/err"
head -c 4000000 "$Z" >"$TMP/half"
run_kd -c "rd -p $banner_pa 1; rd -p 0x1000 1" "$TMP/half"
check "kdump cut in its page data: opens, and a page past the end names its offset" \
	grep -q "^rd: physical address 0x[0-9a-f]* (pfn 0x[0-9a-f]*): page data (offset 0x[0-9a-f]*, [0-9]* bytes) lies past the end" "$TMP/err"
check "...the session goes on" grep -q '^ *1000:  ' "$TMP/out"
head -c 1000000 "$FIX/vmcore.flat" >"$TMP/flat-short"
run_kd -c sys "$TMP/flat-short"
check "truncated flattened file: clear error" grep -q "flattened dump '.*': record at file offset 0x[0-9a-f]* .*runs past the end of the file" "$TMP/err"
{ head -c 8 "$Z"; printf '\x77\x77\x77\x77'; tail -c +13 "$Z" | head -c 100000; } >"$TMP/badver"
run_kd -c sys "$TMP/badver"
check "bad header_version: error names it" grep -q "unknown kdump header_version 0x77777777 at offset 0x8" "$TMP/err"

# Page cache counters (as deltas: the symbol and type layers read pages at
# start-up).  A page read once is cached: reading it again is a hit, with no
# miss and no decompression.
run_kd -c "rd -p $banner_pa 4 >/dev/null; cache --json; rd -p $banner_pa 4 >/dev/null; cache --json" "$Z"
expect_eq "cache: a second read of a page: no miss, no decompression" "0 0" \
	"$(jq -rs '[.[1].misses - .[0].misses, .[1].decompressions - .[0].decompressions] | join(" ")' "$TMP/out")"
check "cache: hits counted" test "$(jq -s '.[1].hits - .[0].hits' "$TMP/out")" -ge 1
KDIVE_CACHE_PAGES=7 run_kd -c "dumpinfo -c" "$Z"
check "KDIVE_CACHE_PAGES sets the capacity" grep -q 'CAPACITY: 7 pages' "$TMP/out"
run_kd -c "cache -s 0 >/dev/null; cache --json; rd -p $banner_pa 1 >/dev/null; rd -p $banner_pa 1 >/dev/null; cache --json" "$Z"
expect_eq "cache -s 0 turns it off (every read decompresses)" "0 2" \
	"$(jq -rs '[.[1].capacity_pages, .[1].decompressions - .[0].decompressions] | join(" ")' "$TMP/out")"
# The translation cache: a kernel virtual read misses once per page, a
# second read of the same page hits (counted as deltas, as above).
run_kd -c "rd 0x$banner_va 4 >/dev/null; cache --json; rd 0x$banner_va 4 >/dev/null; cache --json" "$Z"
expect_eq "TLB: a second read of a page: no translation miss" "0" \
	"$(jq -rs '.[1].tlb_misses - .[0].tlb_misses' "$TMP/out")"
check "TLB: the second read is a hit" test "$(jq -s '.[1].tlb_hits - .[0].tlb_hits' "$TMP/out")" -ge 1
check "TLB: the first read missed" test "$(jq -s '.[0].tlb_misses' "$TMP/out")" -ge 1
run_kd -c "cache" "$Z"
check "cache prints the TLB counters" grep -q '^TRANSLATION CACHE (TLB)' "$TMP/out"
done_testing
