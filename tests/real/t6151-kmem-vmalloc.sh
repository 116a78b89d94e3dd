#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# kmem -v and kmem ADDR (vmalloc part) on the real dumps against the guest's
# /proc/vmallocinfo (truth `vmallocinfo`, format 2).
#
# The guest's /proc/vmallocinfo prints addresses through %pK, hashed for the
# recorder, so the areas are compared by what is not an address: size,
# caller (symbol+offset; kdive has no symbol sizes from kallsyms, so the
# kernel's "/0xSIZE" is dropped), pages=, phys=, the flag words and the
# per-node counts, as a multiset.  Allowed drift: processes the guest starts
# after the recording (it reads more /proc files, and init runs a last
# command) get a kernel stack (a 20 KiB kernel_clone area) and free theirs
# lazily ("unpurged vm_area"); so every line the guest saw must be in the
# dump and at most 8 more, all of those two kinds.
. "$KDIVE_SRCDIR/tests/lib.sh"
. "$KDIVE_SRCDIR/tests/real/fixture.sh"
D=$FIX/vmcore.elf

if ! truth vmallocinfo >"$TMP/raw"; then
	not_ok "the fixture has no vmallocinfo truth (truth format 2)"
	done_testing
fi
awk '{ $1 = ""; sub(/\/0x[0-9a-f]+/, "", $3); sub(/^ /, ""); print }' "$TMP/raw" | sort >"$TMP/want"

check_fixture() { # LABEL DUMP-FILES...
	local label=$1
	shift
	run_kd -c 'kmem -v' "$@"
	expect_eq "$label: kmem -v exits 0" 0 "$rc"
	[ "$rc" = 0 ] || { show "$TMP/err"; return; }
	awk 'NR > 1 { for (i = 1; i <= 5; i++) $i = ""; sub(/^ +/, ""); print }' "$TMP/out" | sort >"$TMP/got"
	missing=$(comm -23 "$TMP/want" "$TMP/got" | head -n 5 | tr '\n' ';')
	expect_eq "$label: every area the guest saw ($(wc -l <"$TMP/want")) is listed with its size, caller, pages and flags" \
		"" "$missing"
	extra=$(comm -13 "$TMP/want" "$TMP/got")
	check "$label: at most 8 more areas, new kernel stacks or lazily freed ones ($(echo "$extra" | grep -c .))" \
		sh -c "[ $(echo "$extra" | grep -c .) -le 8 ] &&
			! echo '$extra' | grep . | grep -vE '^20480 kernel_clone\\+0x[0-9a-f]+ pages=4 vmalloc N0=4$|^[0-9]+ unpurged vm_area$'"
}
check_fixture "kaslr elf" "$D"
check_fixture "kaslr kdump-lzo" "$FIX/vmcore.kdump-lzo"
check_fixture "kaslr split set" "$FIX/vmcore.split.1" "$FIX/vmcore.split.2"

run_kd -c 'kmem -v --json' "$D"
expect_eq "kmem -v --json exits 0" 0 "$rc"
bad=$(jq -r '.vmalloc | map(select(.kind != "unpurged")) | . as $a | range(1; length) |
	select(($a[.].start | ltrimstr("0x") | ascii_downcase) < ($a[. - 1].end | ltrimstr("0x") | ascii_downcase)) | $a[.].start' \
	"$TMP/out" | tr '\n' ' ')
expect_eq "kmem -v: the busy areas are sorted and do not overlap" "" "$bad"
bad=$(jq -r '.vmalloc[] | select(.kind == "vm_struct" and (.size % 4096 != 0 or .size == 0)) | .start' "$TMP/out" | tr '\n' ' ')
expect_eq "kmem -v: every vm_struct's size is whole pages" "" "$bad"
# The areas are in the vmalloc region of the kernel's memory map.
first=$(jq -r '.vmalloc[0].start' "$TMP/out")
run_kd -c "kmem $(printf '%x' $((first + 0x10))) --json" "$D"
expect_eq "kmem ADDR in the first area: found, that area" "$first true" \
	"$(jq -r '.addresses[0] | "\(.vmalloc.start) \(.found)"' "$TMP/out")"
stack=$(jq -r '[.vmalloc[] | select(.caller_symbol // "" | startswith("kernel_clone+"))][0].start' \
	"$(run_kd -c 'kmem -v --json' "$D"; echo "$TMP/out")")
run_kd -c "kmem $(printf '%x' $((stack + 0x1000)))" "$D"
check "kmem ADDR in a kernel stack: crash's header and the caller" \
	sh -c "grep -q '^   VMAP_AREA         VM_STRUCT                 ADDRESS RANGE                SIZE  CALLER$' '$TMP/out' &&
		grep -qE '^[0-9a-f]{16}  [0-9a-f]{16}  ${stack#0x} - [0-9a-f]{16}    20480  kernel_clone\\+0x' '$TMP/out'"
run_kd -c 'kmem ffffffffffff0000' "$D"
expect_eq "kmem ADDR in no slab and no area exits 1" 1 "$rc"

done_testing
