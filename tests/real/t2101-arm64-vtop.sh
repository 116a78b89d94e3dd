#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# aarch64 address translation on the arm64 fixture (scripts/mkvmcore --arch
# arm64: Debian's arm64 kernel, 4 KiB pages, 48-bit VAs, KASLR, pointer
# authentication), against the guest's ground truth and the kernel's own
# definitions (arch/arm64/include/asm/memory.h):
#   kernel image  pa = va - kimage_voffset
#   linear map    pa = va - PAGE_OFFSET + PHYS_OFFSET, PAGE_OFFSET = -(1 << VA_BITS)
# with kimage_voffset, PHYS_OFFSET and VA_BITS from the guest's
# /sys/kernel/vmcoreinfo copy, symbol addresses from its /proc/kallsyms and
# VMCOREINFO, and /proc/iomem's "Kernel code"/"Kernel data".  kdive's vtop
# always does the full page-table walk.
MKVMCORE_ARGS=${KDIVE_ARM64_ARGS:-"--arch arm64"}
. "$KDIVE_SRCDIR/tests/lib.sh"
. "$KDIVE_SRCDIR/tests/real/fixture.sh"
D=$FIX/vmcore.elf
hex() { printf '%x' "$(($1))"; }
vmci() { truth vmcoreinfo_sysfs | sed -n "s/^$1=//p"; }

voff=$(vmci 'NUMBER(kimage_voffset)')
first() { jq 'if type == "array" then .[0] else . end | .physical'; }
physoff=$(vmci 'NUMBER(PHYS_OFFSET)')
vabits=$(vmci 'NUMBER(VA_BITS)')
check "truth has kimage_voffset, PHYS_OFFSET and VA_BITS" test -n "$voff" -a -n "$physoff" -a -n "$vabits"
page_offset=$(hex "-(1 << $vabits)")

# ---- kernel image: text symbols from /proc/kallsyms, data symbols from VMCOREINFO ----
{
	truth kallsyms | awk '$3 ~ /^[Tt]$/ { print $2 }'
	truth vmcoreinfo_sysfs | sed -n 's/^SYMBOL([a-z_]*)=\(ffff[89a-f][0-9a-f]*\)$/\1/p'
} | sort -u >"$TMP/addrs"
: >"$TMP/want"
: >"$TMP/init"
n=0
# /proc/iomem: "Kernel code" is [_stext, __init_begin), "Kernel data" [_sdata, _end)
# (arch/arm64/kernel/setup.c); free_initmem() unmaps the init sections between.
range() { truth iomem | awk -F' : ' -v n="$1" '$2 == n { sub(/^ */, "", $1); split($1, r, "-"); print r[1], r[2] }'; }
read -r code_s code_e < <(range "Kernel code")
read -r data_s data_e < <(range "Kernel data")
while read -r a; do
	# image addresses only (mem_section is a linear-map pointer: below)
	((0x$a >= $(vmci 'NUMBER(VMALLOC_START)'))) || continue
	pa=$((0x$a - voff))
	if ((pa >= 0x$code_s && pa <= 0x$code_e || pa >= 0x$data_s && pa <= 0x$data_e)); then
		echo "$a $(hex "$pa")" >>"$TMP/want"
		n=$((n + 1))
	elif ((pa > 0x$code_e && pa < 0x$data_s)); then
		echo "$a" >>"$TMP/init"
	fi
done <"$TMP/addrs"
check "at least 10 kernel-image addresses in the truth ($n)" test "$n" -ge 10
run_kd -c "vtop --json $(awk '{ printf "%s ", $1 }' "$TMP/want")" "$D"
jq -r '.[] | "\(.virtual | ltrimstr("0x")) \(.physical | ltrimstr("0x"))"' "$TMP/out" >"$TMP/got"
expect_eq "vtop of $n image addresses equals va - kimage_voffset" "$(cat "$TMP/want")" "$(cat "$TMP/got")"
ni=$(wc -l <"$TMP/init")
check "the truth has init-section symbols (start_kernel: $ni)" test "$ni" -ge 1
run_kd -c "vtop $(awk '{ printf "%s ", $1 }' "$TMP/init")" "$D"
expect_eq "vtop: the freed init sections are not mapped" "$ni" "$(grep -c '  (not mapped)$' "$TMP/out")"

# The image region ends where /proc/iomem's "Kernel data" ends.
kdata_end=$(truth iomem | awk -F' : ' '$2 == "Kernel data" { sub(/^ */, "", $1); split($1, r, "-"); print r[2] }')
kcode_start=$(truth iomem | awk -F' : ' '$2 == "Kernel code" { sub(/^ */, "", $1); split($1, r, "-"); print r[1] }')
run_kd -c 'layout --json' "$D"
cp "$TMP/out" "$TMP/layout.json"
img_start=$(jq -r '.regions[] | select(.name == "kernel image") | .start' "$TMP/layout.json")
img_last=$(jq -r '.regions[] | select(.name == "kernel image") | .last' "$TMP/layout.json")
expect_eq "layout: kernel image starts at Kernel code (iomem) + kimage_voffset" \
	"$(hex "0x$kcode_start + $voff")" "$(hex "$img_start")"
expect_eq "layout: kernel image ends at Kernel data (iomem) + kimage_voffset" \
	"$(hex "0x$kdata_end + $voff")" "$(hex "$img_last")"
for r in modules:MODULES_VADDR vmemmap:VMEMMAP_START; do
	name=${r%%:*}
	key=${r#*:}
	expect_eq "layout: $name starts at VMCOREINFO $key" "$(hex "$(vmci "NUMBER($key)")")" \
		"$(hex "$(jq -r --arg n "$name" '[.regions[] | select(.name == $n)][0].start' "$TMP/layout.json")")"
done
expect_eq "layout: vmalloc starts at VMALLOC_START" "$(hex "$(vmci 'NUMBER(VMALLOC_START)')")" \
	"$(hex "$(jq -r '[.regions[] | select(.name == "vmalloc")][0].start' "$TMP/layout.json")")"
expect_eq "layout: linear map at -(1 << VA_BITS)" "$page_offset" \
	"$(hex "$(jq -r '.regions[] | select(.name == "linear map") | .start' "$TMP/layout.json")")"
expect_eq "layout: 4 levels for 4 KiB pages and 48 bits" 4 "$(jq .levels "$TMP/layout.json")"

# ---- linear map ----
ms=$(vmci 'SYMBOL(mem_section)')
run_kd -c "vtop --json $ms" "$D"
expect_eq "vtop (walk) of mem_section's linear address = va - PAGE_OFFSET + PHYS_OFFSET" \
	"\"0x$(hex "0x$ms - 0x$page_offset + $physoff")\"" "$(first <"$TMP/out")"
ram_pages=$(( $(truth meminfo | awk '$1 == "MemTotal:" { print $2 }') / 4 ))
for ((i = 0; i < 131072; i += 1024)); do
	line="vtop --check"
	for ((j = i; j < i + 1024; j++)); do
		printf -v h '%x' $((0x$page_offset + j * 4096))
		line+=" $h"
	done
	echo "$line"
done >"$TMP/check.kd"
run_kd -i "$TMP/check.kd" "$D"
eq=$(awk '/^checked/ { s += $3 } END { print s + 0 }' "$TMP/out")
diff=$(awk '/^checked/ { s += $5 } END { print s + 0 }' "$TMP/out")
expect_eq "linear map: fast path and walk disagree on no page of the first 512 MiB" 0 "$diff"
check "linear map: they agree on at least MemTotal's pages ($eq >= $ram_pages)" test "$eq" -ge "$ram_pages"

# ---- reads ----
uts=$(vmci 'SYMBOL(init_uts_ns)')
# struct new_utsname: sysname[65], nodename[65], release[65] (OFFSET(uts_namespace.name)=0 above)
run_kd -c "rd -a $(hex "0x$uts + $(vmci 'OFFSET(uts_namespace.name)') + 130")" "$D"
check "rd -a init_uts_ns.name.release reads '$(truth uname_r)'" grep -q ":  $(truth uname_r)\$" "$TMP/out"
run_kd -c "rd -64 -x $uts 8; rd -p -64 -x $(hex "0x$uts - $voff") 8" "$D"
expect_eq "rd of init_uts_ns (virtual) equals rd -p at its physical address" \
	"$(sed -n 1,4p "$TMP/out" | sed 's/^ *[0-9a-f]*: *//')" "$(sed -n 5,8p "$TMP/out" | sed 's/^ *[0-9a-f]*: *//')"
# A PAC-signed copy of an image address (KERNELPACMASK bits cleared) reads the same.
pac=$(vmci 'NUMBER(KERNELPACMASK)')
signed=$(hex "0x$uts & ~($pac & 0x007f000000000000)") # bit 55 selects TTBR1: never part of the code
run_kd -c "vtop --json $signed" "$D"
expect_eq "vtop of a PAC-signed pointer strips KERNELPACMASK" "\"0x$(hex "0x$uts - $voff")\"" "$(first <"$TMP/out")"

# ---- not mapped, vtop layout ----
mv=$(vmci 'NUMBER(MODULES_VADDR)')
run_kd -c "rd $(hex "$mv + 0x7fff000")" "$D"
check "rd of an unmapped module-space address: 'not mapped' and the level" \
	grep -Eq '^rd: 0x[0-9a-f]+ is not mapped: (PGD|PUD|PMD|PTE) entry [0-9]+ at physical 0x[0-9a-f]+ is not valid$' "$TMP/err"
run_kd -c "vtop $uts" "$D"
check "vtop: PGD DIRECTORY is swapper_pg_dir" grep -qx "PGD DIRECTORY: $(vmci 'SYMBOL(swapper_pg_dir)')" "$TMP/out"
check "vtop: PAGE DIRECTORY is its physical address" \
	grep -qx "PAGE DIRECTORY: $(hex "0x$(vmci 'SYMBOL(swapper_pg_dir)') - $voff")" "$TMP/out"
check "vtop: decoded flags" grep -Eq '\(VALID\|.*AF.*\)$' "$TMP/out"
# Above the user range: 1 << (64 - TCR_EL1.T1SZ), the kernel's VA bits (T0SZ is the same).
run_kd -c "vtop $(hex "1 << (64 - $(vmci 'NUMBER(TCR_EL1_T1SZ)'))")" "$D"
check "vtop of a non-canonical address fails" grep -q 'not a canonical address' "$TMP/err"
done_testing
