#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# kmem -s, -S and kmem ADDR (slab part) on the real dumps against the
# guest's /proc/slabinfo (truth `slabinfo`) and task list.
#
# Allowed drift: the guest records slabinfo, then vmstat, vmallocinfo and
# the other /proc files, the marker's fds and every process's maps, and the
# dump is taken after that.  Reading /proc allocates proc inodes, dentries,
# files, creds and VMAs, so the counts of those few caches grow between the
# recording and the dump; every other cache's counts, and every cache's
# name, object size, objects per slab and pages per slab, must be exact.
# On the 6.1 fixture 7 of 146 caches drift (proc_inode_cache, dentry, filp,
# lsm_inode_cache, vm_area_struct, cred_jar, kmalloc-cg-8k), 11 of 151 on the
# PREEMPT_RT one (t6152); at most 16 may.
# The -S walk is checked by arithmetic against the kernel's own counters:
# the slabs it finds (CPU slabs, partial lists and the full slabs from the
# page array) must be exactly kmem_cache_node.nr_slabs, their objects
# exactly total_objects, and a node-partial slab's free objects exactly
# objects - inuse.
. "$KDIVE_SRCDIR/tests/lib.sh"
. "$KDIVE_SRCDIR/tests/real/fixture.sh"
D=$FIX/vmcore.elf

truth slabinfo | awk 'NR > 2 { print $1, $2, $3, $4, $5, $6, $15 }' | sort >"$TMP/want"

check_fixture() { # LABEL DUMP-FILES...
	local label=$1
	shift
	run_kd -c 'kmem -s --json' "$@"
	expect_eq "$label: kmem -s --json exits 0" 0 "$rc"
	[ "$rc" = 0 ] || { show "$TMP/err"; return; }
	jq -r '.caches[] | "\(.name) \(.allocated) \(.total) \(.size) \(.objects_per_slab) \(pow(2; .order)) \(.slabs)"' \
		"$TMP/out" | sort >"$TMP/got"
	expect_eq "$label: the caches are /proc/slabinfo's ($(wc -l <"$TMP/want") names)" \
		"$(cut -d' ' -f1 "$TMP/want" | tr '\n' ' ')" "$(cut -d' ' -f1 "$TMP/got" | tr '\n' ' ')"
	expect_eq "$label: every cache's objsize, objects per slab and pages per slab are /proc/slabinfo's" \
		"$(awk '{ print $1, $4, $5, $6 }' "$TMP/want" | tr '\n' ';')" \
		"$(awk '{ print $1, $4, $5, $6 }' "$TMP/got" | tr '\n' ';')"
	# Counts: exact but for the caches the recording itself uses (see above).
	local drift
	drift=$(join "$TMP/want" "$TMP/got" | awk '$2 != $8 || $3 != $9 || $7 != $13 { print $1 }' | tr '\n' ' ')
	check "$label: active objects, objects and slabs exact in all but a few caches (drift: ${drift:-none})" \
		test "$(echo "$drift" | wc -w)" -le 16
	check "$label: the drift is small (at most 1000 objects, 64 slabs per cache)" \
		sh -c "join '$TMP/want' '$TMP/got' | awk '{ d = \$3 - \$9; s = \$7 - \$13; if (d < 0) d = -d; if (s < 0) s = -s;
			if (d > 1000 || s > 64) bad = 1 } END { exit bad }'"
}

check_fixture "kaslr elf" "$D"
check_fixture "kaslr kdump-zlib" "$FIX/vmcore.kdump-zlib"
check_fixture "kaslr split set" "$FIX/vmcore.split.1" "$FIX/vmcore.split.2"
check_fixture "kaslr qemu kdump (flattened)" "$FIX/vmcore.qemu-kdump-zlib"

# Text: crash's layout; -s CACHE prints one cache.
run_kd -c 'kmem -s; kmem -s task_struct' "$D"
expect_eq "kmem -s exits 0" 0 "$rc"
expect_eq "kmem -s: crash's header" "CACHE             OBJSIZE  ALLOCATED     TOTAL  SLABS  SSIZE  NAME" \
	"$(head -n 1 "$TMP/out")"
n=$(grep -c ' task_struct$' "$TMP/out")
expect_eq "kmem -s CACHE: one line (and one in the full list)" 2 "$n"
tsize=$(truth slabinfo | awk -v ps="$(truth pagesize)" '$1 == "task_struct" { print $6 * ps / 1024 }')
check "kmem -s task_struct: SSIZE is pages per slab (${tsize}k)" \
	grep -qE "^[0-9a-f]{16} +[0-9]+ +[0-9]+ +[0-9]+ +[0-9]+ +${tsize}k  task_struct$" "$TMP/out"
run_kd -c 'kmem -s no_such_cache' "$D"
expect_eq "kmem -s NAME of no cache exits 1" 1 "$rc"
check "kmem -s NAME of no cache names it" grep -q "^kmem: no slab cache named 'no_such_cache'" "$TMP/err"

# -S: the walk against the kernel's counters, for caches with CPU slabs,
# CPU partial slabs, node partial slabs and full slabs.
caches="kmalloc-64 kmalloc-256 kmalloc-1k task_struct dentry inode_cache vmap_area radix_tree_node
	kernfs_node_cache anon_vma filp ext4_inode_cache"
cmds=""
for c in $caches; do
	truth slabinfo | grep -q "^$c " && cmds="$cmds kmem -S $c --json;"
done
run_kd -c "$cmds" "$D"
expect_eq "kmem -S exits 0 on every cache" 0 "$rc"
jq -r '.caches[] | "\(.name) \(.slabs) \(.walked_slabs) \(.total) \(.walked_objects)"' "$TMP/out" >"$TMP/walk"
bad=$(awk '$2 != $3 || $4 != $5' "$TMP/walk" | tr '\n' ';')
expect_eq "kmem -S: slabs and objects walked are nr_slabs and total_objects ($(wc -l <"$TMP/walk") caches)" "" "$bad"
bad=$(jq -r '.caches[].slab_list[] | select(.allocated + .free != .total or (.objects | length) != .total) | .slab' \
	"$TMP/out" | tr '\n' ' ')
expect_eq "kmem -S: every slab's allocated + free is its objects" "" "$bad"
bad=$(jq -r '.caches[].slab_list[] | select(.where == "partial" and .free != .total - .inuse) | .slab' \
	"$TMP/out" | tr '\n' ' ')
expect_eq "kmem -S: a node-partial slab's free objects are objects - inuse" "" "$bad"
bad=$(jq -r '.caches[].slab_list[] | select(.where == "full" and .free != 0) | .slab' "$TMP/out" | tr '\n' ' ')
expect_eq "kmem -S: the slabs on no list (from the page array) are full" "" "$bad"
wheres=$(jq -r '.caches[].slab_list[].where' "$TMP/out" | sort -u | tr '\n' ' ')
expect_eq "kmem -S: slabs found on CPUs, CPU partial lists, node partial lists and the page array" \
	"cpu cpu-partial full partial " "$wheres"
hard=$(jq -rs '[.[].caches[].freelist_hardened] | all' "$TMP/out")
expect_eq "kmem -S: the freelists are hardened (CONFIG_SLAB_FREELIST_HARDENED=$(grep -c '^CONFIG_SLAB_FREELIST_HARDENED=y' "$FIX/config"))" \
	true "$hard"
free=$(jq -rs '[.[].caches[].slab_list[].objects[] | select(.state != "allocated")] | length' "$TMP/out")
check "kmem -S: free objects decoded through the hardened freelists ($free)" test "$free" -gt 100

run_kd -c 'kmem -S kmalloc-64' "$D"
check "kmem -S text: FREE / [ALLOCATED] lists" grep -q '^  FREE / \[ALLOCATED\]$' "$TMP/out"
check "kmem -S text: allocated objects in brackets" grep -qE '^  \[[0-9a-f]{16}\]$' "$TMP/out"
check "kmem -S text: CPU freelist objects marked" grep -qE '^   [0-9a-f]{16}  \(cpu [0-9]+ cache\)$' "$TMP/out"
check "kmem -S text: the walked totals" grep -qE '^WALKED: [0-9]+ slabs, [0-9]+ objects' "$TMP/out"

# kmem ADDR: the marker's task_struct is an allocated task_struct object.
mpid=$(truth marker | sed -n 's/^pid=//p')
run_kd -c "ps --json $mpid" "$D"
task=$(jq -r '.[0].task' "$TMP/out")
inside=$(printf '%x' $((task + 0x123)))
run_kd -c "kmem $task --json; kmem $inside --json" "$D"
expect_eq "kmem ADDR exits 0" 0 "$rc"
expect_eq "kmem TASK: the marker's task_struct is an allocated task_struct object at its address" \
	"task_struct ${task#0x} allocated 0 task_struct ${task#0x} allocated 291" \
	"$(jq -r '.addresses[].slab | "\(.name) \(.object) \(.state) \(.offset)"' "$TMP/out" | sed 's/0x//' |
		tr '\n' ' ' | sed 's/ $//')"
run_kd -c "kmem $inside" "$D"
check "kmem ADDR text: the object in brackets" grep -qx "  \[${task#0x}\]" "$TMP/out"
# A free object (from -S) is reported free.
run_kd -c 'kmem -S kmalloc-64 --json' "$D"
fobj=$(jq -r '[.caches[0].slab_list[].objects[] | select(.state == "free" or .state == "cpu-free")][0].address' "$TMP/out")
run_kd -c "kmem $fobj --json; kmem $fobj" "$D"
state=$(head -n 1 "$TMP/out" | jq -r '.addresses[0].slab.state')
check "kmem FREE-OBJECT: reported free ($state)" sh -c "[ '$state' = free ] || [ '$state' = cpu-free ]"
check "kmem FREE-OBJECT text: without brackets" grep -qE "^   ${fobj#0x}( |$)" "$TMP/out"
# kmem ADDR finds the slab where -S found it (CPU, CPU partial, node
# partial, page array), with the object's state, for one object per slab.
run_kd -c 'kmem -S kmalloc-32 --json' "$D"
jq -r '.caches[0].slab_list[] | "\(.objects[-1].address) \(.where) \(.objects[-1].state)"' "$TMP/out" >"$TMP/want-addr"
run_kd -c "kmem $(cut -d' ' -f1 "$TMP/want-addr" | tr '\n' ' ') --json" "$D"
expect_eq "kmem ADDR...: each object's slab and state as kmem -S has them ($(wc -l <"$TMP/want-addr") slabs)" \
	"$(cat "$TMP/want-addr")" "$(jq -r '.addresses[] | "\(.address) \(.slab.slab.where) \(.slab.state)"' "$TMP/out")"

done_testing
