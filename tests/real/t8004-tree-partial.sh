#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The walkers degrade on a partial dump: tests/corrupt/kdmangle exclude drops
# the page of one node from a copy of the fixture's kdump (elf for the
# marker's user VMAs would not do: -d 31 keeps kernel pages, and maple nodes
# and vmap_areas are kernel memory).  The node addresses come from the intact
# dump; the expected entries from the guest's truth (marker_maps) or the
# intact walk.
#  A: a leaf of a process's maple tree (on another page than the root):
#     tree names the node once, prints the VMAs of the other leaves, all
#     from /proc/PID/maps, and exits 1.
#  B: a child of the vmap_area rbtree's root: its subtree is named and
#     skipped, the rest printed (a subset of the intact walk), exit 1.
#  C: a module's list node (kdwalk list modules): the list is walked
#     backwards from its head; the other modules are all there.
. "$KDIVE_SRCDIR/tests/lib.sh"
. "$KDIVE_SRCDIR/tests/real/fixture.sh"
M=$KDIVE_BUILDDIR/tests/corrupt/kdmangle
SRC=$FIX/vmcore.kdump-raw
pfn_of() { # ADDR (hex, no 0x): the page frame, by kdive's vtop
	run_kd -c "vtop $1" "$SRC"
	pa=$(awk '/^VIRTUAL +PHYSICAL/ { getline; print $2 }' "$TMP/out")
	printf '0x%x\n' $((0x$pa / 4096))
}
page() { printf '%x' $((0x$1 & ~0xfff)); }
hex() { sed -n "s/^ *$1 = 0x\\([0-9a-f]*\\),\$/\\1/p" "$TMP/out"; }

# ---- A: maple leaf ----
# Maple nodes share slab pages (which ones depends on the boot): the first
# process (truth maps, marker first) whose tree has a leaf off the root's page.
run_kd -c "ps --json" "$SRC"
cp "$TMP/out" "$TMP/ps.json"
run_kd -c "struct -o mm_struct.mm_mt" "$SRC"
mtoff=$(sed -n 's/^ *\[\([0-9]*\)\] struct maple_tree mm_mt;$/\1/p' "$TMP/out")
mpid=$(truth marker | sed -n 's/^pid=//p')
leaf= pid= mm= root=
for p in $mpid $(truth maps | awk '$1 == "task" { print $2 }'); do
	task=$(jq -r --argjson p "$p" '.[] | select(.pid == $p) | .task' "$TMP/ps.json")
	[ -n "$task" ] || continue
	run_kd -c "struct task_struct.mm $task" "$SRC"
	m=$(hex mm)
	[ -n "$m" ] && [ "$m" != 0 ] || continue
	run_kd -c "struct maple_tree.ma_root $(printf '%x' $((0x$m + mtoff)))" "$SRC"
	mr=0x$(hex ma_root)
	# The node type is in bits 3-6 of the encoded pointer (maple_tree.h:
	# maple_leaf_64 1, maple_arange_64 3): a tree of one leaf has no child.
	[ $(((mr >> 3) & 15)) = 3 ] || continue
	r=$(printf '%x' $((mr & ~0xff)))
	run_kd -c "struct maple_arange_64.slot $r" "$SRC"
	for e in $(grep -o '0x[0-9a-f]*' "$TMP/out"); do
		[ "$e" = 0x0 ] && continue
		n=$(printf '%x' $((e & ~0xff)))
		[ "$(page "$n")" != "$(page "$r")" ] && leaf=$n && break
	done
	if [ -n "$leaf" ]; then pid=$p mm=$m root=$r; break; fi
done
victim=$leaf
if [ -z "$leaf" ]; then
	# No tree of this boot has a leaf on a page of its own: lose the
	# marker's root page instead; then every entry is lost, and said so.
	pid=$mpid
	task=$(jq -r --argjson p "$pid" '.[] | select(.pid == $p) | .task' "$TMP/ps.json")
	run_kd -c "struct task_struct.mm $task" "$SRC"
	mm=$(hex mm)
	run_kd -c "struct maple_tree.ma_root $(printf '%x' $((0x$mm + mtoff)))" "$SRC"
	victim=$(printf '%x' $((0x$(hex ma_root) & ~0xff)))
fi
check "A: a maple node to lose: a leaf off its root's page, else the marker's root (PID $pid, node ${victim:-none}, leaf ${leaf:-none})" test -n "$victim"
cp "$SRC" "$TMP/d"
check "A: kdmangle exclude" "$M" exclude "$TMP/d" "$(pfn_of "${victim:-0}")"
run_kd -c "tree -t maple -r mm_struct.mm_mt -s vm_area_struct.vm_start,vm_end ${mm:-0}" "$TMP/d"
expect_eq "A: tree exits 1" 1 "$rc"
check "A: the lost node is named with its address and why" grep -q "^warning: 0x0*$victim: maple node (its entries are lost): .*excluded" "$TMP/err"
check "A: and the command's error counts it" grep -q '^tree: 1 maple node could not be read' "$TMP/err"
awk '/vm_start/ { s = $3 } /vm_end/ { print s, $3 }' "$TMP/out" | tr -d , | while read -r s e; do
	printf '%08x-%08x\n' "$s" "$e"
done >"$TMP/got"
truth maps | awk -v p="$pid" '$1 == "task" { t = $2; next } t == p { print $1 }' >"$TMP/want"
n=$(wc -l <"$TMP/got")
if [ -n "$leaf" ]; then
	check "A: the other leaves' VMAs are printed ($n of $(wc -l <"$TMP/want"))" test "$n" -gt 0 -a "$n" -lt "$(wc -l <"$TMP/want")"
else
	expect_eq "A: the root lost: no VMA is printed" 0 "$n"
fi
expect_eq "A: each one is a VMA of /proc/PID/maps" "" "$(grep -vxFf "$TMP/want" "$TMP/got" | tr '\n' ' ')"

# ---- B: vmap_area rbtree ----
run_kd -c 'tree -t rbtree -o vmap_area.rb_node vmap_area_root' "$SRC"
cp "$TMP/out" "$TMP/intact"
run_kd -c 'struct rb_root.rb_node vmap_area_root' "$SRC"
rroot=$(hex rb_node)
# vmap_areas share slab pages: a node in the middle of the walk whose page
# is not the root's; whatever node of that page the walk meets first is lost.
n=$(wc -l <"$TMP/intact")
victim=
for e in $(sed -n "$((n / 2)),\$p" "$TMP/intact"); do
	[ "$(page "$e")" != "$(page "$rroot")" ] && victim=$e && break
done
check "B: a vmap_area off the rbtree root's page (${victim:-none})" test -n "$victim"
if [ -n "$victim" ]; then
	cp "$SRC" "$TMP/d"
	check "B: kdmangle exclude" "$M" exclude "$TMP/d" "$(pfn_of "$victim")"
	run_kd -c 'tree -t rbtree -o vmap_area.rb_node vmap_area_root' "$TMP/d"
	expect_eq "B: tree exits 1" 1 "$rc"
	lost=$(sed -n 's/^warning: 0x\([0-9a-f]*\): rb_node (its subtree is lost): .*excluded.*/\1/p' "$TMP/err")
	# Several subtrees may hang from nodes on that page: each is named once.
	off=$(for l in $lost; do [ "$(page "$l")" = "$(page "$victim")" ] || echo "$l"; done)
	check "B: lost nodes are named ($(echo $lost | wc -w)), each once and on the excluded page" \
		test -n "$lost" -a -z "$off" -a "$(echo "$lost" | sort | uniq -d | wc -l)" = 0
	check "B: the command's error counts them" grep -q "^tree: $(echo $lost | wc -w) rbtree nodes\? could not be read" "$TMP/err"
	n2=$(wc -l <"$TMP/out")
	check "B: fewer entries than intact ($n2 < $n), more than none" test "$n2" -gt 0 -a "$n2" -lt "$n"
	expect_eq "B: every entry printed is one of the intact walk's, in order" \
		"$(grep -xFf "$TMP/out" "$TMP/intact" | tr '\n' ' ')" "$(tr '\n' ' ' <"$TMP/out")"
	check "B: the victim is not printed" sh -c "! grep -qx '$victim' '$TMP/out'"
fi

# ---- C: the modules list ----
KDWALK=$KDIVE_BUILDDIR/tests/tools/kdwalk
"$KDWALK" "$SRC" list modules >"$TMP/intact"
mid=$(sed -n 2p "$TMP/intact" | cut -d' ' -f1)
other=$(grep -v "^$mid" "$TMP/intact" | cut -d' ' -f1)
clash=$(for o in $other; do [ "$(page "$o")" = "$(page "$mid")" ] && echo "$o"; done)
check "C: the second module's list node ($mid) shares no page with the others" test -z "$clash"
cp "$SRC" "$TMP/d"
check "C: kdmangle exclude" "$M" exclude "$TMP/d" "$(pfn_of "$mid")"
rc=0
"$KDWALK" "$TMP/d" list modules >"$TMP/out" 2>"$TMP/err" || rc=$?
expect_eq "C: kdwalk exits 1 (one lost)" 1 "$rc"
check "C: the lost node is named once" test "$(grep -c "^lost $mid: " "$TMP/err")" = 1
expect_eq "C: the other modules, in list order (the tail recovered backwards)" \
	"$(echo $other)" "$(cut -d' ' -f1 "$TMP/out" | tr '\n' ' ' | sed 's/ $//')"
done_testing
