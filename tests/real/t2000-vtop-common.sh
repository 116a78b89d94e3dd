# SPDX-License-Identifier: GPL-3.0-or-later
# Shared body of t2001 (KASLR), t2002 (nokaslr) and t2003 (5-level paging):
# address translation on a real dump, checked against the guest's own
# ground truth (sourced after MKVMCORE_ARGS is set; not a test by itself).
#
# Independence: expected physical addresses come from the truth file, never
# from kdive: kernel symbols through the kernel-text formula computed here
# (va - 0xffffffff80000000 + phys_base, phys_base from the guest's
# /sys/kernel/vmcoreinfo copy), the three KASLR bases by reading their
# variables with `rd -p` at that formula's address, user pages from the
# guest's /proc/PID/pagemap.  kdive's vtop, by contrast, always does the full
# page-table walk.
#
# The marker process's page-table root: kdive cannot read the task list yet,
# so `vtop --roots ADDR` scans every 4 KiB page of physical memory for a top
# table whose kernel half equals init_top_pgt's (pgd_alloc copies it into
# every process) and translates ADDR in each; the root that maps the marker's
# first anonymous page to the pfn the guest's pagemap gave is the marker's.
# Every other marker page is then checked through that root.
. "$KDIVE_SRCDIR/tests/lib.sh"
. "$KDIVE_SRCDIR/tests/real/fixture.sh"
D=$FIX/vmcore.elf
hex() { printf '%x' "$(($1))"; }

la57=$(truth la57)
phys_base=$(truth vmcoreinfo_sysfs | sed -n 's/^NUMBER(phys_base)=//p')
sym() { truth kallsyms | awk -v n="$1" '$1 == n { print $2 }'; }
ktext_pa() { hex "0x$1 - 0xffffffff80000000 + $phys_base"; }
stext=$(sym _stext)
kend=$(sym _end)
check "truth has _stext, _end and phys_base" test -n "$stext" -a -n "$kend" -a -n "$phys_base"

# ---- kernel symbols: the full walk lands where the kernel-text formula says ----
truth kallsyms | awk '$3 ~ /^[TtDdRrBb]$/ { print $1, $2 }' >"$TMP/syms"
: >"$TMP/want"
args=
while read -r name addr; do
	# only the kernel image (per-cpu offsets and the like are not addresses)
	if ((0x$addr >= 0x$stext && 0x$addr < 0x$kend)); then
		echo "$addr $(ktext_pa "$addr")" >>"$TMP/want"
		args="$args $addr"
	fi
done <"$TMP/syms"
nsyms=$(wc -l <"$TMP/want")
check "at least 30 kernel text/data symbols in the truth ($nsyms)" test "$nsyms" -ge 30
run_kd -c "vtop --json $args" "$D"
jq -r '.[] | "\(.virtual | ltrimstr("0x")) \(.physical | ltrimstr("0x"))"' "$TMP/out" >"$TMP/got"
expect_eq "vtop of $nsyms kallsyms addresses equals va - __START_KERNEL_map + phys_base" \
	"$(cat "$TMP/want")" "$(cat "$TMP/got")"

banner=$(sym linux_banner)
run_kd -c "rd -a $banner" "$D"
check "rd -a linux_banner (virtual) reads 'Linux version $(truth uname_r)'" \
	grep -q "^$banner:  Linux version $(truth uname_r) " "$TMP/out"
# The same bytes through the walk and through physical memory.
run_kd -c "rd -64 -x $(sym init_task) 64" "$D"
sed 's/^[0-9a-f]*: *//' "$TMP/out" >"$TMP/v"
run_kd -c "rd -p -64 -x $(ktext_pa "$(sym init_task)") 64" "$D"
sed 's/^ *[0-9a-f]*: *//' "$TMP/out" >"$TMP/p"
check "rd of init_task (512 bytes) equals rd -p at its physical address" cmp -s "$TMP/v" "$TMP/p"

# ---- crash's layout ----
run_kd -c "vtop $banner" "$D"
top=$(sym init_top_pgt)
check "vtop: VIRTUAL/PHYSICAL header and line" \
	grep -qx "$banner  $(ktext_pa "$banner")" "$TMP/out"
check "vtop: PGD DIRECTORY is init_top_pgt ($top)" grep -qx "PGD DIRECTORY: $top" "$TMP/out"
check "vtop: PAGE DIRECTORY is its physical address" grep -qx "PAGE DIRECTORY: $(ktext_pa "$top")" "$TMP/out"
if [ "$la57" = 1 ]; then levels='PGD P4D PUD PMD'; else levels='PGD PUD PMD'; fi
got_levels=$(awk '/^   [A-Z0-9]+: [0-9a-f]+ => [0-9a-f]+$/ { sub(":", "", $1); print $1 }' "$TMP/out" | head -n 3 | tr '\n' ' ')
expect_eq "vtop: levels walked (la57=$la57)" "$(echo "$levels" | cut -d' ' -f1-3) " "$got_levels"
check "vtop: PAGE line and decoded flags" \
	sh -c "grep -Eq '^  PAGE: [0-9a-f]+' '$TMP/out' && grep -Eq '^ +PTE +PHYSICAL  FLAGS$' '$TMP/out' && grep -Eq '\\(PRESENT\\|.*\\)$' '$TMP/out'"
run_kd -c "vtop -v $banner" "$D"
if [ "$la57" = 1 ]; then bits='56..48'; else bits='47..39'; fi
check "vtop -v explains the top level (bits $bits) and names the region" \
	sh -c "grep -q 'PGD    index = bits $bits = ' '$TMP/out' && grep -q 'region: kernel text' '$TMP/out' && grep -q '^  physical  = frame + ' '$TMP/out'"

# ---- the KASLR bases: layout against the variables' values ----
var() { # value of a kernel variable, read physically at the formula address
	"$KDIVE" -n -c "rd -p -64 -x $(ktext_pa "$(sym "$1")") 1" "$D" | awk '{ print $2 }'
}
run_kd -c 'layout --json' "$D"
cp "$TMP/out" "$TMP/layout.json"
for b in page_offset_base:'direct map' vmalloc_base:vmalloc vmemmap_base:vmemmap; do
	v=${b%%:*}
	r=${b#*:}
	want=$(var "$v")
	got=$(jq -r --arg r "$r" '.regions[] | select(.name == $r) | .start | ltrimstr("0x")' "$TMP/layout.json")
	expect_eq "layout: $r starts at $v's value" "$want" "$got"
	got=$(jq -r --arg v "$v" '.page_table_bases[$v] | ltrimstr("0x")' "$TMP/layout.json")
	expect_eq "layout: $v derived from the page tables alone equals the variable" "$want" "$got"
done
expect_eq "layout: paging levels" "$((la57 ? 5 : 4))" "$(jq .levels "$TMP/layout.json")"
kt=$(jq -r '.regions[] | select(.name == "kernel text") | .start' "$TMP/layout.json")
expect_eq "layout: kernel text mapping at __START_KERNEL_map" 0xffffffff80000000 "$kt"
# (no strtonum: mawk has none; hex arithmetic is done by bash)
readelf -lW "$D" | awk '$1 == "LOAD" { print $3, $5 }' >"$TMP/loads_raw"
while read -r p s; do printf '%x\n' "$((p))"; done <"$TMP/loads_raw" >"$TMP/loads"
expect_eq "layout: physical ranges are the dump's PT_LOADs" "$(cat "$TMP/loads")" \
	"$(jq -r '.physical[].start | ltrimstr("0x")' "$TMP/layout.json")"
run_kd -c "layout --svg $TMP/map.svg" "$D"
check "layout --svg writes a labelled picture" \
	sh -c "head -c 200 '$TMP/map.svg' | grep -q '<svg' && grep -q 'vmalloc' '$TMP/map.svg' && tail -n 1 '$TMP/map.svg' | grep -q '</svg>'"

# ---- direct map: the fast path equals the full walk on every page of RAM ----
po=$(var page_offset_base)
ram_pages=0
while read -r p s; do ((p == 0)) && ram_pages=$((s / 4096)); done <"$TMP/loads_raw"
for ((i = 0; i < ram_pages; i += 1024)); do
	line="vtop --check"
	for ((j = i; j < i + 1024 && j < ram_pages; j++)); do
		printf -v h '%x' $((0x$po + j * 4096))
		line+=" $h"
	done
	echo "$line"
done >"$TMP/check.kd"
run_kd -i "$TMP/check.kd" "$D"
eq=$(awk '/^checked/ { s += $3 } END { print s + 0 }' "$TMP/out")
diff=$(awk '/^checked/ { s += $5 } END { print s + 0 }' "$TMP/out")
expect_eq "direct map: fast path and walk disagree on no page" 0 "$diff"
check "direct map: they agree on >= 99% of the $ram_pages RAM pages ($eq)" test "$eq" -ge $((ram_pages * 99 / 100))
# and a sample through the walk lands at va - page_offset_base
mid=$(hex "0x$po + 0x1234000")
run_kd -c "vtop $mid --json" "$D"
expect_eq "vtop (walk) of page_offset_base + 0x1234000" '"0x1234000"' "$(jq .physical "$TMP/out")"

# ---- not mapped ----
run_kd -c 'rd 0xffffffffbffff000' "$D"
check "rd of an unmapped kernel address: 'not mapped' and the level" \
	grep -Eq '^rd: 0xffffffffbffff000 is not mapped: (PGD|P4D|PUD|PMD|PTE) entry [0-9]+ at physical 0x[0-9a-f]+ is not present$' "$TMP/err"
run_kd -c 'vtop 0xffffffffbffff000' "$D"
check "vtop of an unmapped address: (not mapped)" grep -qx 'ffffffffbffff000  (not mapped)' "$TMP/out"
run_kd -c 'vtop -c 2 0x400000' "$D"
check "vtop -c PID of a kernel thread: no user address space" grep -q 'a kernel thread has no user address space' "$TMP/err"
run_kd -c "vtop $(truth marker | sed -n 's/^anon_addr=//p')" "$D"
check "vtop of a user address without a root: asks for -u --pgd" grep -q 'give its page-table root with -u --pgd' "$TMP/err"

# ---- user space: the marker process against /proc/PID/pagemap ----
anon=$(truth marker | sed -n 's/^anon_addr=0x//p')
truth pagemap | awk '$3 == 1 { print substr($1, 3), $5 }' | while read -r va pfn; do
	printf '%s %x\n' "$va" $((pfn * 4096))
done >"$TMP/pm"
first_pa=$(awk -v a="$anon" '$1 == a { print $2 }' "$TMP/pm")
run_kd -c "vtop --roots $anon" "$D"
roots=$(awk -v pa="$first_pa" 'NR > 1 && $2 == pa { print $1 }' "$TMP/out")
expect_eq "vtop --roots: exactly one root maps the marker's first anon page to its pfn" 1 \
	"$(echo "$roots" | grep -c .)"
check "vtop --roots lists the kernel's own root" grep -q "^$(ktext_pa "$top") .*(kernel)$" "$TMP/out"
root=$(echo "$roots" | head -n 1)
run_kd -c "vtop -u --pgd $root --json $(awk '{ printf "%s ", $1 }' "$TMP/pm")" "$D"
jq -r '.[] | "\(.virtual | ltrimstr("0x")) \(.physical | ltrimstr("0x"))"' "$TMP/out" >"$TMP/upm"
expect_eq "vtop -u of all $(wc -l <"$TMP/pm") present marker pages equals the guest's pagemap pfns" \
	"$(cat "$TMP/pm")" "$(cat "$TMP/upm")"
# The bytes: anon page 3, words 0 and 1, pattern 0x6b64697661000000 | 3 << 16 | w.
a3=$(hex "0x$anon + 3 * 4096")
run_kd -c "rd -u --pgd $root -64 -x $a3 2" "$D"
expect_eq "rd -u reads the marker's anon pattern" "6b64697661030000 6b64697661030001" \
	"$(sed 's/^ *[0-9a-f]*: *//' "$TMP/out" | xargs)"
# With the task list: -c PID, and the context set by 'set PID'.
mpid=$(truth marker | sed -n 's/^pid=//p')
run_kd -c "vtop -c $mpid --json $(awk '{ printf "%s ", $1 }' "$TMP/pm")" "$D"
jq -r '.[] | "\(.virtual | ltrimstr("0x")) \(.physical | ltrimstr("0x"))"' "$TMP/out" >"$TMP/upm"
expect_eq "vtop -c PID of all present marker pages equals the guest's pagemap pfns" \
	"$(cat "$TMP/pm")" "$(cat "$TMP/upm")"
run_kd -c "set $mpid > /dev/null; rd -u -64 -x $a3 2" "$D"
expect_eq "set PID; rd -u reads the marker's anon pattern" "6b64697661030000 6b64697661030001" \
	"$(sed 's/^ *[0-9a-f]*: *//' "$TMP/out" | xargs)"
run_kd -c "set 2 > /dev/null; rd -u 0x$a3" "$D"
check "rd -u in a kernel thread's context: explains" grep -q '^rd: -u: the current context .* is a kernel thread' "$TMP/err"
done_testing
