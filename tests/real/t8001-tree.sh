#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The container walkers (<kdive/walk.h>) and `tree` on the real dumps against
# what the guest recorded: the pid IDR (tree -t idr) against the pids of
# /proc, the marker's VMAs (tree -t maple over its mm_mt) against
# /proc/PID/maps, the vmap_area rbtree against /proc/vmallocinfo (sizes in
# address order; the lazily freed areas against "unpurged vm_area"), and
# the modules list (kdwalk list) against /proc/modules.
. "$KDIVE_SRCDIR/tests/lib.sh"
. "$KDIVE_SRCDIR/tests/real/fixture.sh"
KDWALK=$KDIVE_BUILDDIR/tests/tools/kdwalk

check_idr() { # LABEL DUMP
	run_kd -c 'tree -t idr --json -r pid_namespace.idr init_pid_ns' "$2"
	expect_eq "$1: tree -t idr exits 0" 0 "$rc"
	jq -r '.[].index' "$TMP/out" >"$TMP/ids"
	check "$1: idr ids strictly increasing" sh -c "sort -n -c -u '$TMP/ids'"
	truth tasks | awk '$5 !~ /^kworker/ { print $1 }' | sort >"$TMP/want"
	sort "$TMP/ids" >"$TMP/got"
	missing=$(comm -23 "$TMP/want" "$TMP/got" | head -n 5 | tr '\n' ' ')
	expect_eq "$1: every pid of /proc ($(wc -l <"$TMP/want")) is in the pid IDR ($(wc -l <"$TMP/got") ids)" "" "$missing"
}

# SIZE per line from tree -s ...va_start,va_end[,vm] text output (vm: only
# entries whose vm is not NULL).  The struct printer writes unsigned longs in
# decimal; bash's 64-bit arithmetic wraps, so differences come out right.
va_sizes() { # FILE WITH-VM
	awk '/^  va_start = /{ s = $3 } /^  va_end = /{ e = $3 } /^  vm = /{ v = $3 }
	     /^[0-9a-f]+$/ && NR > 1 { print s, e, v } END { print s, e, v }' "$1" | tr -d ',' |
		while read -r a b v; do
			[ "$2" = vm ] && [ "$v" = "0x0" ] && continue
			echo $((b - a))
		done
}

check_vmalloc() { # LABEL DUMP
	run_kd -c 'tree -t rbtree -o vmap_area.rb_node -s vmap_area.va_start,va_end,vm vmap_area_root' "$2"
	expect_eq "$1: tree -t rbtree vmap_area_root exits 0" 0 "$rc"
	# vmallocinfo lists the busy areas that have a vm_struct, in address order.
	# Tasks started after the recording (init's last sleep) add their
	# stacks (20480 bytes: THREAD_SIZE and a guard page): the truth must be
	# a subsequence of the tree, and what the tree has more, stacks.
	va_sizes "$TMP/out" vm >"$TMP/got"
	truth vmallocinfo | awk '!/unpurged vm_area/ { print $2 }' >"$TMP/want"
	extra=$(awk 'BEGIN { n = 0; i = 0 } NR == FNR { w[n++] = $1; next } i < n && $1 == w[i] { i++; next } { printf "%s ", $1 }
		     END { if (i < n) printf "MISSING-FROM-%d", i }' "$TMP/want" "$TMP/got")
	expect_eq "$1: vmallocinfo's $(wc -l <"$TMP/want") areas are in the vmap_area rbtree, in address order" \
		"" "$(echo "$extra" | tr ' ' '\n' | grep -vxE '20480|' | tr '\n' ' ')"
	check "$1: the rbtree has at most 2 areas more than vmallocinfo" \
		test "$(wc -l <"$TMP/got")" -le $(($(wc -l <"$TMP/want") + 2))
	# The lazily freed areas: the recorder's stack (20480 bytes) joins them
	# after the recording, when it exits; the others must all be there.
	run_kd -c 'tree -t rbtree -o vmap_area.rb_node -s vmap_area.va_start,va_end purge_vmap_area_root' "$2"
	va_sizes "$TMP/out" - | sort >"$TMP/got"
	truth vmallocinfo | awk '/unpurged vm_area/ { print $2 }' | sort >"$TMP/want"
	expect_eq "$1: purge_vmap_area_root holds vmallocinfo's unpurged areas" "" \
		"$(comm -23 "$TMP/want" "$TMP/got" | tr '\n' ' ')"
	expect_eq "$1: purge_vmap_area_root: what it has more is task stacks" "" \
		"$(comm -13 "$TMP/want" "$TMP/got" | grep -vx 20480 | tr '\n' ' ')"
}

check_modules() { # LABEL DUMP
	rc=0
	"$KDWALK" "$2" list modules >"$TMP/nodes" 2>"$TMP/err" || rc=$?
	expect_eq "$1: kdwalk list modules exits 0" 0 "$rc"
	# Each entry's struct module is the node minus module.list's offset (BTF).
	off=$("$KDIVE" -n -c 'struct -o module' "$2" | sed -n 's/^ *\[\([0-9]*\)\] struct list_head list;$/\1/p')
	run_kd -c "$(while read -r node _; do printf 'struct module.name 0x%x; ' $((0x$node - off)); done <"$TMP/nodes")" "$2"
	sed -n 's/^  name = "\(.*\)",$/\1/p' "$TMP/out" >"$TMP/got"
	truth modules | awk '{ print $1 }' >"$TMP/want"
	expect_eq "$1: the modules list = /proc/modules (names, in order; list_head at $off)" \
		"$(tr '\n' ' ' <"$TMP/want")" "$(tr '\n' ' ' <"$TMP/got")"
}

check_maple() { # LABEL DUMP
	pid=$(truth marker | sed -n 's/^pid=//p')
	run_kd -c "ps --json" "$2"
	task=$(jq -r --argjson p "$pid" '.[] | select(.pid == $p) | .task' "$TMP/out")
	run_kd -c "struct task_struct.mm --json $task" "$2"
	mm=$(jq -r '.value.mm' "$TMP/out")
	run_kd -c "tree -t maple --json -r mm_struct.mm_mt -s vm_area_struct.vm_start,vm_end $mm" "$2"
	expect_eq "$1: tree -t maple over the marker's mm_mt exits 0" 0 "$rc"
	# Each VMA: its range in the tree is [vm_start, vm_end - 1].
	jq -r '.[] | [.first, .last, .object[0].value.vm_start, .object[0].value.vm_end] | @tsv' "$TMP/out" |
		while read -r f l s e; do
			[ $((f)) = $((s)) ] && [ $((l)) = $((e - 1)) ] || echo "range $f-$l vs vma $s-$e"
			printf '%08x-%08x\n' $((s)) $((e))
		done >"$TMP/got"
	truth marker_maps | awk '{ print $1 }' >"$TMP/want"
	expect_eq "$1: maple entries = the marker's /proc/PID/maps ($(wc -l <"$TMP/want") VMAs)" \
		"$(tr '\n' ' ' <"$TMP/want")" "$(tr '\n' ' ' <"$TMP/got")"
	run_kd -c "tree -t maple -p -r mm_struct.mm_mt $mm" "$2"
	check "$1: tree -p shows the maple range and position" \
		grep -qE '^  range: [0-9a-f]{16}-[0-9a-f]{16}  position: root(/[0-9]+)+$' "$TMP/out"
}

# hlist: pid -> its struct pid (the IDR entry) -> pid.tasks[PIDTYPE_PID], an
# hlist of the task's pid_links[0] -> the task: its comm and tgid are the
# guest's for that pid (truth tasks).
check_hlist() { # LABEL DUMP
	run_kd -c 'tree -t idr --json -r pid_namespace.idr init_pid_ns; struct -o pid; struct -o task_struct' "$2"
	sed -n 1p "$TMP/out" >"$TMP/idr"
	toff=$(sed -n 's/^ *\[\([0-9]*\)\] struct hlist_head tasks\[[0-9]*\];$/\1/p' "$TMP/out")
	loff=$(sed -n 's/^ *\[\([0-9]*\)\] struct hlist_node pid_links\[[0-9]*\];$/\1/p' "$TMP/out")
	for p in $(truth marker | sed -n 's/^\(pid\|sleeper_pid\|thread1_tid\)=//p'); do
		pidp=$(jq -r --argjson p "$p" '.[] | select(.index == $p) | .address' "$TMP/idr")
		rc=0
		"$KDWALK" "$2" hlist "$(printf '0x%x' $((pidp + toff)))" >"$TMP/nodes" 2>"$TMP/err" || rc=$?
		node=$(cut -d' ' -f1 "$TMP/nodes")
		expect_eq "$1: hlist pid $p's tasks[0]: one task" "0 1" "$rc $(wc -l <"$TMP/nodes")"
		run_kd -c "struct task_struct.tgid,comm $(printf '0x%x' $((0x$node - loff)))" "$2"
		got="$(sed -n 's/^  tgid = \(.*\),$/\1/p' "$TMP/out") $(sed -n 's/^  comm = "\(.*\)",$/\1/p' "$TMP/out")"
		expect_eq "$1: hlist pid $p -> task: tgid and comm" "$(truth tasks | awk -v p="$p" '$1 == p { print $3, $5 }')" "$got"
	done
}

# xarray over a page cache: the marker's file mapping (its VMA at
# file_addr -> vm_file -> f_mapping -> i_pages) holds one struct page per
# file page, indexes 0..3; each page's pfn, (page - vmemmap_base) /
# sizeof(struct page), is the one the guest's pagemap gave.
check_pagecache() { # LABEL DUMP
	local pid file task mm vf map vmemmap psize
	pid=$(truth marker | sed -n 's/^pid=//p')
	file=$(truth marker | sed -n 's/^file_addr=//p')
	run_kd -c "ps --json" "$2"
	task=$(jq -r --argjson p "$pid" '.[] | select(.pid == $p) | .task' "$TMP/out")
	run_kd -c "struct task_struct.mm --json $task" "$2"
	mm=$(jq -r '.value.mm' "$TMP/out")
	run_kd -c "tree -t maple -r mm_struct.mm_mt -s vm_area_struct.vm_start,vm_file $mm" "$2"
	vf=$(awk -v s="$((file))" '$1 == "vm_start" && $3 == s "," { getline; print $3 }' "$TMP/out" | tr -d ,)
	run_kd -c "struct file.f_mapping $vf" "$2"
	map=$(grep -o '0x[0-9a-f]*' "$TMP/out")
	run_kd -c "struct -o page; rd vmemmap_base 1" "$2"
	psize=$(sed -n 's/^SIZE: //p' "$TMP/out")
	vmemmap=$(awk '/^[0-9a-f]+:  [0-9a-f]+ / { print $2 }' "$TMP/out")
	run_kd -c "tree -t xarray --json -r address_space.i_pages $map" "$2"
	expect_eq "$1: tree -t xarray over the marker file's page cache exits 0" 0 "$rc"
	jq -r '.[] | "\(.index) \(.address)"' "$TMP/out" | while read -r i a; do
		printf '%s 0x%x\n' "$i" $(((a - 0x$vmemmap) / psize))
	done >"$TMP/got"
	truth pagemap | awk '$8 == "file" { print n++, $5 }' >"$TMP/want"
	expect_eq "$1: page cache indexes and pfns = the guest's pagemap of the file pages" \
		"$(tr '\n' ' ' <"$TMP/want")" "$(tr '\n' ' ' <"$TMP/got")"
}

D=$FIX/vmcore.elf
check_pagecache "elf" "$D"
# kd_percpu_ptr: each CPU's runqueue says which CPU it is (rq.cpu).
"$KDWALK" "$D" percpu runqueues >"$TMP/rqs"
expect_eq "percpu: one runqueue per CPU" "$(truth nr_cpus)" "$(wc -l <"$TMP/rqs")"
while read -r cpu a; do
	run_kd -c "struct rq.cpu $a" "$D"
	expect_eq "percpu: runqueues on cpu $cpu has rq.cpu = $cpu" "  cpu = $cpu," "$(cat "$TMP/out")"
done <"$TMP/rqs"
check_hlist "elf" "$D"
check_idr "elf" "$D"
check_vmalloc "elf" "$D"
check_modules "elf" "$D"
check_maple "elf" "$D"
# makedumpfile -d 31 keeps kernel memory: the kernel's trees are all there.
check_idr "kdump-zlib" "$FIX/vmcore.kdump-zlib"
check_vmalloc "kdump-zlib" "$FIX/vmcore.kdump-zlib"
check_modules "kdump-zlib" "$FIX/vmcore.kdump-zlib"
check_maple "kdump-zlib" "$FIX/vmcore.kdump-zlib"

# The text layout: crash's one address per line, -p positions.
run_kd -c 'tree -t rbtree -p -o vmap_area.rb_node vmap_area_root' "$D"
check "rbtree -p: address lines" grep -qE '^[0-9a-f]{16}$' "$TMP/out"
check "rbtree -p: the root's position" grep -qx '  position: root' "$TMP/out"
check "rbtree -p: left/right positions" grep -qE '^  position: root(/[lr])+$' "$TMP/out"
run_kd -c 'tree -t idr -p -r pid_namespace.idr init_pid_ns' "$D"
check "idr -p: index and position" grep -qE '^  index: 1  position: root(/[0-9]+)+$' "$TMP/out"
# -t xarray on the same IDR gives the same entries at index - idr_base (0).
run_kd -c 'tree -t xarray -r pid_namespace.idr.idr_rt init_pid_ns; tree -t idr -r pid_namespace.idr init_pid_ns' "$D"
n=$(wc -l <"$TMP/out")
check "xarray over idr.idr_rt = idr (same entries)" sh -c "[ $((n % 2)) = 0 ] && [ \"\$(head -n $((n / 2)) '$TMP/out')\" = \"\$(tail -n $((n / 2)) '$TMP/out')\" ]"
# Usage errors.
run_kd -c 'tree vmap_area_root' "$D"
expect_eq "tree without -t fails" 1 "$rc"
run_kd -c 'tree -t avl vmap_area_root' "$D"
expect_eq "tree -t with an unknown type fails" 1 "$rc"
done_testing
