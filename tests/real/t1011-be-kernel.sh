#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# A kernel on a machine kdive has no page-table walker for: kernel virtual
# addresses are translated through the ELF segments' p_vaddr -> p_paddr
# (shell/core/vm.c), and every value follows the dump's byte order.  The
# dumps are synthetic (tests/tools/mkbekernel): big-endian s390x (4 KiB
# pages, identity direct map, kernel image high) and ppc64 (64 KiB pages),
# little-endian riscv64 as the control; each holds init_task and six more
# tasks (one process of three threads), two modules, a printk ring of four
# records and known words, with a BTF and a System.map beside it.  The
# expected values are what the generator wrote (OUT.truth), never kdive's
# output.  search finds the known word at each virtual address mapping it;
# vtop says it needs a walker.  An address outside every segment gives a
# clear error and the session goes on; a kdump-compressed big-endian dump
# (tests/tools/mkbedump) says it records no virtual addresses while rd -p
# still works.
. "$KDIVE_SRCDIR/tests/lib.sh"
command -v jq >/dev/null || { echo "1..0 # SKIP jq not installed"; exit 0; }
MK="$KDIVE_BUILDDIR/tests/tools/mkbekernel"
[ -x "$MK" ] || { echo "1..0 # SKIP mkbekernel not built (no libbpf)"; exit 0; }
# 16 hex digits without leading zeros, as --json writes addresses
hx() { local v; v=$(echo "$1" | sed 's/^0*//'); echo "0x${v:-0}"; }
for m in s390x ppc64 riscv64; do
	d="$TMP/$m"
	"$MK" $m "$d" || { not_ok "$m: mkbekernel"; continue; }
	T="$d.truth"
	case $m in ppc64) ps_=65536 ;; *) ps_=4096 ;; esac
	kd() { run_kd --btf "$d.btf" --system-map "$d.map" -c "$1" "$d"; }

	# ps: pid, ppid, cpu, task, state, comm of every task (crash's table)
	kd "ps"
	expect_eq "$m: ps exits 0" 0 "$rc"
	expect_eq "$m: ps warns of nothing" "" "$(cat "$TMP/err")"
	want=$(awk '$1 == "task" { print $2, $3, $6, $7, $5, $8 }' "$T")
	got=$(awk 'NR > 1 { c = $NF; gsub(/^\[|\]$/, "", c); print $1, $2, $3, $4, $5, c }' "$TMP/out")
	expect_eq "$m: ps PID PPID CPU TASK ST COMM" "$want" "$got"
	# ps --json: the same and tgid, VSZ and RSS from the mm the user tasks share
	kd "ps --json"
	total_vm=$(awk '$1 == "mm" { print $3 }' "$T") rss=$(awk '$1 == "mm" { print $5 }' "$T")
	want=$(awk '$1 == "task" { print $2, $3, $4, $7, $5, $8 }' "$T" | while read -r p pp tg a st c; do
		echo "$p $pp $tg $(hx "$a") $st $c"
	done)
	got=$(jq -r '.[] | "\(.pid) \(.ppid) \(.tgid) \(.task) \(.state) \(.comm)"' "$TMP/out")
	expect_eq "$m: ps --json pid ppid tgid task state comm" "$want" "$got"
	want=$(awk -v vm=$((total_vm * ps_ / 1024)) -v r=$((rss * ps_ / 1024)) \
		'$1 == "task" { print $2, ($2 == 0 || $2 == 2) ? "0 0" : vm " " r }' "$T")
	got=$(jq -r '.[] | "\(.pid) \(.vsz_kb) \(.rss_kb)"' "$TMP/out")
	expect_eq "$m: ps --json vsz_kb rss_kb (total_vm, file+anon+shmem pages)" "$want" "$got"
	expect_eq "$m: ps --json has no incomplete task" "0" "$(jq '[.[] | select(.incomplete)] | length' "$TMP/out")"

	# ps -p: the parent chain of a thread, from the truth's ppids; ps -c:
	# the processes whose parent is init
	chain=101 p=101
	while [ "$p" != 0 ]; do
		p=$(awk -v p="$p" '$1 == "task" && $2 == p { print $3 }' "$T")
		chain="$p $chain"
	done
	kd "ps -p 101"
	expect_eq "$m: ps -p 101 (parent chain)" "$chain" "$(awk '/PID:/ { print $2 }' "$TMP/out" | paste -sd' ')"
	kd "ps -c 1"
	expect_eq "$m: ps -c 1 (children)" "$(awk '$1 == "task" && $3 == 1 && $2 == $4 { print $2 }' "$T" | paste -sd' ')" \
		"$(awk '/^  PID:/ { print $2 }' "$TMP/out" | paste -sd' ')"

	# mod: address, name, base, size (every mem[] region); refcount
	kd "mod"
	expect_eq "$m: mod exits 0" 0 "$rc"
	want=$(awk '$1 == "module" { print $3, $2, $4, $5 }' "$T")
	got=$(awk 'NR > 1 { print $1, $2, $3, $4 }' "$TMP/out")
	expect_eq "$m: mod MODULE NAME BASE SIZE" "$want" "$got"
	kd "mod --json"
	want=$(awk '$1 == "module" { print $2, $5, $6 }' "$T")
	got=$(jq -r '.[] | "\(.name) \(.size) \(.refcount)"' "$TMP/out")
	expect_eq "$m: mod --json name size refcount" "$want" "$got"
	# a module's symbols: Elf64_Sym in the dump's order
	s1=$(awk '$1 == "modsym" { print $2; exit }' "$T")
	kd "sym $s1"
	expect_eq "$m: sym of a module symbol" "$(awk -v s="$s1" '$1 == "modsym" && $2 == s { print $3, "(T)", $2, "[" $4 "]" }' "$T")" \
		"$(cat "$TMP/out")"

	# log -m: timestamp, level, text of every record
	kd "log -m"
	expect_eq "$m: log exits 0" 0 "$rc"
	want=$(awk '$1 == "log" { t = $3; lvl = $4; $1 = $2 = $3 = $4 = ""; sub(/^ +/, "");
		printf "[%5d.%06d] <%d>%s\n", int(t / 1e9), int((t % 1e9) / 1e3), lvl, $0 }' "$T")
	expect_eq "$m: log -m" "$want" "$(cat "$TMP/out")"
	kd "log --json"
	want=$(awk '$1 == "log" { s = $2; t = $3; l = $4; $1 = $2 = $3 = $4 = ""; sub(/^ +/, ""); print s, t, l, $0 }' "$T")
	got=$(jq -r '.[] | "\(.seq) \(.ts_nsec) \(.level) \(.text)"' "$TMP/out")
	expect_eq "$m: log --json seq ts_nsec level text" "$want" "$got"

	# struct and p: typed reads through the segments
	while read -r _ pid _ _ _ _ addr comm; do
		kd "struct task_struct.pid,comm $addr"
		expect_eq "$m: struct task_struct.pid,comm of pid $pid" "  pid = $pid,
  comm = \"$comm\"," "$(cat "$TMP/out")"
	done < <(awk '$1 == "task" && ($2 == 0 || $2 == 101 || $2 == 200)' "$T")
	a=$(awk '$1 == "task" && $2 == 102 { print $7 }' "$T")
	kd "struct task_struct.pid,tgid,comm $a --json"
	expect_eq "$m: struct --json" "102 100 daemon-io $(hx "$a")" \
		"$(jq -r '"\(.value.pid) \(.value.tgid) \(.value.comm) \(.address)"' "$TMP/out")"
	kd "p init_task.comm; p init_task.pid; p init_task.tasks.next"
	expect_eq "$m: p init_task.comm, .pid, .tasks.next" "init_task.comm = \"swapper/0\"
init_task.pid = 0
init_task.tasks.next = $(hx "$(awk '$1 == "p" { print $3 }' "$T")")" "$(cat "$TMP/out")"
	kd "p init_task.tasks.next --json"
	expect_eq "$m: p --json" "$(hx "$(awk '$1 == "p" { print $3 }' "$T")")" "$(jq -r '.value' "$TMP/out")"

	# rd -64/-32/-16 of the known words, by symbol address and through the
	# direct map's alias of the same bytes; and --json
	values() { sed 's/^ *[0-9a-f]*: *//; s/ *$//' "$TMP/out" | tr -s ' ' | paste -sd' '; }
	for w in 64 32 16; do
		read -r _ addr vals < <(awk -v k=u$w '$1 == k' "$T")
		n=$(echo "$vals" | wc -w)
		kd "rd -x -$w $addr $n"
		expect_eq "$m: rd -$w VADDR" "$vals" "$(values)"
		kd "rd -$w $addr $n --json"
		expect_eq "$m: rd -$w --json" "$(for v in $vals; do hx "$v"; done | paste -sd' ')" \
			"$(jq -r '.values | join(" ")' "$TMP/out")"
	done
	read -r _ addr vals < <(awk '$1 == "u64dm"' "$T")
	kd "rd -x -64 $addr 2"
	expect_eq "$m: rd -64 through the direct map" "$vals" "$(values)"

	# search over the kernel's mapped addresses: the word at each
	# virtual address a segment maps it at (the image and the direct map)
	kd "search 0123456789abcdef"
	expect_eq "$m: search exits 0" 0 "$rc"
	expect_eq "$m: search finds the word at its virtual addresses" \
		"$(awk '$1 == "u64" || $1 == "u64dm" { print $2 }' "$T" | sort -u)" "$(sed 's/:.*//' "$TMP/out")"
	kd "vtop $addr"
	check "$m: vtop says it needs a page-table walker" grep -q "^vtop: no page-table walker for $m dumps" "$TMP/err"

	# outside every segment: a clear error, and the session goes on
	hole=$(awk '$1 == "hole" { print $2 }' "$T")
	read -r _ addr vals < <(awk '$1 == "u64"' "$T")
	kd "rd -64 $hole 1; rd -x -64 $addr 2"
	expect_eq "$m: rd of a hole exits 1" 1 "$rc"
	check "$m: the hole is named, not mapped by any ELF segment" \
		grep -q "rd: 0x$(echo "$hole" | sed 's/^0*//') is not mapped by any ELF segment (no page-table walker for $m)" "$TMP/err"
	expect_eq "$m: the next command still runs" "$vals" "$(values)"
	kd "struct task_struct.pid 0x$hole"
	check "$m: struct at a hole names it" grep -q "not mapped by any ELF segment" "$TMP/err"
done

# kdump-compressed: no virtual addresses; physical reads work
d="$TMP/kdump-s390x"
"$KDIVE_BUILDDIR/tests/tools/mkbedump" kdump s390x "$d"
run_kd -c "rd -64 0x1000 1; rd -p -x -64 0x1000 1" "$d"
check "kdump s390x: the warning says why" \
	grep -q "no page-table walker for s390x, and a kdump-compressed dump records no virtual addresses" "$TMP/err"
check "kdump s390x: rd VADDR says it cannot translate" grep -q "^rd: cannot translate 0x1000" "$TMP/err"
expect_eq "kdump s390x: rd -p still reads in the dump's order" "0123456789abcdef" "$(values)"
done_testing
