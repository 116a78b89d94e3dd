#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# kmem -s and -S on dumps of other kernels and machines: Debian's PREEMPT_RT
# build (linux-image-rt-amd64, whose kmem_cache_cpu and locks differ; made
# with --no-dbg: the dump alone) and a 5-level paging guest (--la57).  The
# same code, no per-kernel knowledge: every cache of that guest's
# /proc/slabinfo with its object size, objects per slab and pages per slab
# exact; counts exact but for a few caches the recording itself uses (see
# t6150 for the drift); the -S walk equal to the kernel's own nr_slabs and
# total_objects.
. "$KDIVE_SRCDIR/tests/lib.sh"

check_variant() { # LABEL MKVMCORE-ARGS
	local label=$1 drift bad
	MKVMCORE_ARGS=$2
	. "$KDIVE_SRCDIR/tests/real/fixture.sh"
	truth slabinfo | awk 'NR > 2 { print $1, $2, $3, $4, $5, $6, $15 }' | sort >"$TMP/want"
	run_kd -c 'kmem -s --json' "$FIX/vmcore.elf"
	expect_eq "$label: kmem -s --json exits 0" 0 "$rc"
	jq -r '.caches[] | "\(.name) \(.allocated) \(.total) \(.size) \(.objects_per_slab) \(pow(2; .order)) \(.slabs)"' \
		"$TMP/out" | sort >"$TMP/got"
	expect_eq "$label: every cache's name, objsize, objects and pages per slab are /proc/slabinfo's ($(wc -l <"$TMP/want"))" \
		"$(awk '{ print $1, $4, $5, $6 }' "$TMP/want" | tr '\n' ';')" \
		"$(awk '{ print $1, $4, $5, $6 }' "$TMP/got" | tr '\n' ';')"
	drift=$(join "$TMP/want" "$TMP/got" | awk '$2 != $8 || $3 != $9 || $7 != $13 { print $1 }' | tr '\n' ' ')
	check "$label: counts exact in all but a few caches (drift: ${drift:-none})" test "$(echo "$drift" | wc -w)" -le 16
	run_kd -c 'kmem -S kmalloc-64 --json; kmem -S kmalloc-32 --json; kmem -S dentry --json; kmem -S task_struct --json; kmem -S filp --json' \
		"$FIX/vmcore.kdump-zlib"
	expect_eq "$label: kmem -S exits 0 (kdump-zlib)" 0 "$rc"
	bad=$(jq -r '.caches[] | select(.walked_slabs != .slabs or .walked_objects != .total) | .name' "$TMP/out" | tr '\n' ' ')
	expect_eq "$label: kmem -S walks nr_slabs slabs and total_objects objects (5 caches)" "" "$bad"
}
check_variant "PREEMPT_RT kernel" "--kernel linux-image-rt-amd64 --no-dbg"
check_variant "5-level paging" "--la57"
done_testing
