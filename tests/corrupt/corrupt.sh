#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The corrupted-dump suite: copies of the real fixture's dumps are truncated
# at many offsets and damaged in their headers, notes, VMCOREINFO, bitmaps,
# page descriptors, compressed pages, flattened records and, in a sparse
# copy of the ELF dump, the printk ring buffer's pointers (NULL, wild,
# pointing at themselves).  For every case kdive runs every command the build
# has (see cmds_for) and must:
#   - exit 0 or 1 (never a signal, never the 10 s timeout),
#   - print only one-line "kdive: ...", "cmd: ..." or "warning: ..." messages
#     on stderr (no sanitizer report, no stray output),
#   - when it opened the dump, run the commands after a failing one (the
#     last one prints a marker).
# Corruption is done in place through tests/corrupt/kdmangle with an undo
# log, so each dump is copied once.  Deterministic: KDIVE_CORRUPT_SEED
# (default 9) picks every offset and byte; a failure names the seed and the
# case, and KDIVE_CORRUPT_CASE=N runs that case alone (with its output).
# KDIVE_CORRUPT_SCALE multiplies the number of random cases (default 1).
. "$KDIVE_SRCDIR/tests/lib.sh"
. "$KDIVE_SRCDIR/tests/real/fixture.sh"
M=$KDIVE_BUILDDIR/tests/corrupt/kdmangle
SEED=${KDIVE_CORRUPT_SEED:-9}
SCALE=${KDIVE_CORRUPT_SCALE:-1}
ONLY=${KDIVE_CORRUPT_CASE:-}
# Sanitizer reports must not hide behind exit status 1.
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}exitcode=86"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:+$UBSAN_OPTIONS:}exitcode=86"

# The command line for each command `help` lists.  A new command runs bare
# until it gets a line here (with arguments that make it read the dump).
cmds_for() {
	case $1 in
	sys) echo "sys; sys --json" ;;
	dumpinfo) echo "dumpinfo; dumpinfo --json" ;;
	log) echo "log; log -m -c -d; log --json" ;;
	rd) echo "rd -p 0x1000 64; rd -p $RDADDR 32; rd -p 0x9f000 16; rd -p 0x1fffffc0 16; rd -s init_task 64" ;;
	cache) echo "cache; cache -s 0; rd -p 0x2000 2; cache -s 64" ;;
	# guesses for the commands that land later; fix them when they do
	vtop) echo "vtop ffffffff81000000; vtop 0" ;;
	sym) echo "sym init_task; sym ffffffff81000000" ;;
	struct) echo "struct task_struct init_task; struct -r task_struct.comm,pid init_task" ;;
	p) echo "p jiffies; p init_task.comm" ;;
	ps) echo "ps" ;;
	bt) echo "bt -a; bt 1; bt -f -s 2; bt -t 1; bt --json 1" ;;
	foreach) echo "foreach bt; foreach -g bt; foreach -u ps" ;;
	dis) echo "dis schedule 8" ;;
	# pagemap and vm (issue 14)
	pagemap) echo "pagemap -p 1 -L -C; pagemap -N; pagemap -C; pagemap -d 0x828" ;;
	vm) echo "vm 1; vm -p 1; vm --json 1; vm -m 1" ;;
	ipcs) echo "ipcs; ipcs --json" ;;
	swap) echo "swap; swap --json" ;;
	dev) echo "dev; dev -i; dev -d --json; dev -p" ;;
	irq) echo "irq; irq -s; irq -a; irq -b" ;;
	net) echo "net; net -a; net -s 1; net -n 1 --json" ;;
	runq) echo "runq; runq -t --json; runq -g" ;;
	timer) echo "timer; timer -r" ;;
	waitq) echo "waitq jiffies; waitq 0" ;;
	search) echo "search -p -l 0x200000 0x1234; search -s linux_banner -l 64 -c Linux; search -l 0x100000 -s init_task init_task" ;;
	tree) echo "tree -t rbtree -o vmap_area.rb_node vmap_area_root; tree -t idr -p -r pid_namespace.idr init_pid_ns; tree -t xarray -r address_space.i_pages -N ffffffff81000000" ;;
	# panic: the arithmetic commands and mach
	eval) echo "eval (init_task + 0x10) * 3; eval -b 0x41dc065" ;;
	ascii) echo "ascii; ascii 62696c2f7273752f" ;;
	btop) echo "btop 512a000" ;;
	ptob) echo "ptob 512a" ;;
	ptov) echo "ptov 1000; ptov runqueues:a" ;;
	pte) echo "pte 8000000013a001e1; pte 0x7fffffffffffbbff" ;;
	mach) echo "mach; mach -m; mach -c; mach --json" ;;
	kmem) echo "kmem -i; kmem -z; kmem -f; kmem -n; kmem -V; kmem -h; kmem -o; kmem -g; kmem -p 0x1000 0x2000000; kmem -m flags,_refcount 0x1000; kmem init_task; kmem -s; kmem -S kmalloc-32; kmem -v; kmem $RDADDR" ;;
	# part proc (issue 16)
	files) echo "files 1; files -c 1" ;;
	fuser) echo "fuser /; fuser /dev/console" ;;
	mount) echo "mount -f; mount --json" ;;
	sig) echo "sig 1; sig --json 1" ;;
	task) echo "task 1; task -R pid,comm,se.vruntime 1" ;;
	mod) echo "mod; mod -t; mod --json; mod -S $KDIVE_FIXTURES/kernels/$(truth uname_r)/modules --json" ;;
	# shell built-ins: they do not read the dump
	alias | exit | help | load | modules | q | quit | set | source | unalias | unload) ;;
	*) echo "$1" ;;
	esac
}
COMMANDS=$("$KDIVE" -n -c help 2>/dev/null | awk 'NF && /^[a-z]/ { print $1 } /^$/ { exit }')
script() {
	local c line=""
	for c in $COMMANDS; do
		c=$(cmds_for "$c")
		[ -n "$c" ] && line="$line$c; "
	done
	echo "${line}alias kdcorrupt_end help; alias"
}

ncase=0
group_n=0
group_bad=0
declare -a group_msgs=()

# run_case DESCRIPTION FILE... : one kdive run, checked.
run_case() {
	ncase=$((ncase + 1))
	[ -n "$ONLY" ] && [ "$ONLY" != "$ncase" ] && return 0
	group_n=$((group_n + 1))
	local desc=$1
	shift
	local rc=0 why=""
	timeout -k 2 10 "$KDIVE" -n -c "$(script)" "$@" >"$TMP/out" 2>"$TMP/err" || rc=$?
	if [ "$rc" -ne 0 ] && [ "$rc" -ne 1 ]; then
		why="exit status $rc"
		[ "$rc" -eq 124 ] && why="timeout (10 s)"
		[ "$rc" -eq 86 ] && why="sanitizer report"
		[ "$rc" -gt 128 ] && [ "$rc" -ne 124 ] && why="killed by signal $((rc - 128))"
	elif grep -qvE '^[A-Za-z_][A-Za-z0-9_-]*: .' "$TMP/err"; then
		why="unexpected stderr: $(grep -vE '^[A-Za-z_][A-Za-z0-9_-]*: .' "$TMP/err" | head -n 1)"
	elif grep -q '^kdive: ' "$TMP/err" && ! grep -q kdcorrupt_end "$TMP/out"; then
		[ -s "$TMP/out" ] && why="refused the dump but printed output"
	elif ! grep -q kdcorrupt_end "$TMP/out"; then
		why="the commands after a failing one did not run"
	fi
	if [ -n "$ONLY" ]; then
		echo "# case $ncase: $desc"
		show "$TMP/out" | tail -n 40
		show "$TMP/err"
	fi
	if [ -n "$why" ]; then
		group_bad=$((group_bad + 1))
		group_msgs+=("case $ncase (seed $SEED, rerun: KDIVE_CORRUPT_SEED=$SEED KDIVE_CORRUPT_CASE=$ncase): $desc: $why")
		cp "$TMP/err" "$TMP/last-bad-err"
	fi
}

end_group() {
	if [ "$group_bad" -eq 0 ]; then
		[ "$group_n" -gt 0 ] && ok "$1: $group_n cases"
	else
		not_ok "$1: $group_bad of $group_n cases failed"
		printf '#   %s\n' "${group_msgs[@]:0:5}"
		show "$TMP/last-bad-err" | head -n 20
	fi
	group_n=0
	group_bad=0
	group_msgs=()
}

# A number from the case's own stream: rnd CASE SALT MOD
rnd() { echo $(((($SEED * 1000003 + $1 * 7919 + $2 * 104729) * 2654435761 % 4294967291) % $3)); }

# flip_cases GROUP FILE REGION COUNT FLIPS [EXTRA FILES]: COUNT cases, each
# xoring FLIPS random bytes of REGION of FILE (offsets from kdmangle regions).
flip_cases() {
	local group=$1 file=$2 reg=$3 count=$4 flips=$5
	shift 5
	local lines off len i k
	lines=$(grep "^$reg " "$TMP/regions-$(basename "$file")")
	[ -n "$lines" ] || { not_ok "$group: no region '$reg' found in $(basename "$file")"; return; }
	local nl
	nl=$(echo "$lines" | wc -l)
	for ((i = 0; i < count * SCALE; i++)); do
		k=$(rnd "$ncase" 1 "$nl")
		read -r _ off len <<<"$(echo "$lines" | sed -n "$((k + 1))p")"
		RDADDR=$(printf '0x%x' $(($(rnd "$ncase" 2 131072) * 4096)))
		"$M" flip "$file" "$off" "$len" "$((SEED * 1000000 + ncase))" "$flips" "$TMP/undo"
		run_case "$flips bytes flipped in $reg (offset $off, length $len) of $(basename "$file")" "$file" "$@"
		"$M" undo "$file" "$TMP/undo"
	done
}

# trunc_cases GROUP SRC OFFSETS...: the dump cut at each offset.
trunc_cases() {
	local group=$1 src=$2 off
	shift 2
	for off in "$@"; do
		head -c "$off" "$src" >"$TMP/cut"
		RDADDR=0x100000
		run_case "$(basename "$src") truncated to $off bytes" "$TMP/cut"
	done
	rm -f "$TMP/cut"
}

# Offsets around every region's edges plus random ones in the file.
edges() { # REGIONS_FILE SIZE NRANDOM
	awk '{ print $2 - 1; print $2; print $2 + 1; print $2 + int($3 / 2); print $2 + $3 - 1; print $2 + $3 }' "$1"
	local i
	for ((i = 0; i < $3 * SCALE; i++)); do rnd "$i" 3 "$2"; done
}
trunc_list() { edges "$@" | awk -v max="$2" '$1 >= 0 && $1 < max' | sort -n -u | head -n 80; }

# ---- the dumps, copied once ----
for f in vmcore.kdump-zlib vmcore.flat vmcore.split.1 vmcore.split.2 vmcore.kdump-lzo; do
	cp "$FIX/$f" "$TMP/$f"
	chmod u+w "$TMP/$f"
	"$M" regions "$TMP/$f" >"$TMP/regions-$f"
done
"$M" sparse "$FIX/vmcore.elf" "$TMP/vmcore.elf"
"$M" regions "$TMP/vmcore.elf" >"$TMP/regions-vmcore.elf"
RDADDR=0x100000
run_case "the pristine sparse ELF copy" "$TMP/vmcore.elf"
end_group "the pristine copies open and every command runs"
check "the sparse ELF copy holds the kernel log" grep -q '^\[ ' "$TMP/out"

# ---- kdump-compressed (zlib) ----
K=$TMP/vmcore.kdump-zlib
flip_cases kdump "$K" header 12 1
flip_cases kdump "$K" header 8 6
flip_cases kdump "$K" subhdr 12 1
flip_cases kdump "$K" subhdr 6 5
flip_cases kdump "$K" bitmap1 10 3
flip_cases kdump "$K" bitmap2 14 3
flip_cases kdump "$K" bitmap2 4 200
flip_cases kdump "$K" descs 16 4
flip_cases kdump "$K" descs 4 400
flip_cases kdump "$K" pages 10 20
flip_cases kdump "$K" vmcoreinfo 20 1
flip_cases kdump "$K" vmcoreinfo 8 8
flip_cases kdump "$K" notes 12 2
end_group "kdump-zlib: bytes flipped in the header, sub-header, bitmaps, descriptors, pages, VMCOREINFO, notes"

# One page's descriptor and compressed data, then reading exactly that page.
for ((i = 0; i < 24 * SCALE; i++)); do
	read -r pfn desc data size <<<"$("$M" page "$K" "$((SEED * 1000 + i))")"
	RDADDR=$(printf '0x%x' $((pfn * 4096)))
	if ((i % 2)); then
		"$M" flip "$K" "$desc" 24 "$((SEED * 1000 + i))" 2 "$TMP/undo"
		what="descriptor"
	else
		"$M" flip "$K" "$data" "$size" "$((SEED * 1000 + i))" 3 "$TMP/undo"
		what="compressed data"
	fi
	run_case "pfn $pfn's $what damaged, rd -p $RDADDR" "$K"
	"$M" undo "$K" "$TMP/undo"
done
end_group "kdump-zlib: a page's descriptor or compressed data damaged, that page read"

trunc_cases kdump "$FIX/vmcore.kdump-zlib" $(trunc_list "$TMP/regions-vmcore.kdump-zlib" "$(stat -c %s "$K")" 12)
end_group "kdump-zlib: truncated at the edges of every structure and at random offsets"

# ---- lzo pages ----
flip_cases lzo "$TMP/vmcore.kdump-lzo" pages 8 20
flip_cases lzo "$TMP/vmcore.kdump-lzo" descs 6 40
end_group "kdump-lzo: pages and descriptors damaged"

# ---- split set ----
flip_cases split "$TMP/vmcore.split.2" header 8 2 "$TMP/vmcore.split.1"
flip_cases split "$TMP/vmcore.split.2" subhdr 8 2 "$TMP/vmcore.split.1"
flip_cases split "$TMP/vmcore.split.1" subhdr 6 2 "$TMP/vmcore.split.2"
flip_cases split "$TMP/vmcore.split.2" bitmap2 6 20 "$TMP/vmcore.split.1"
RDADDR=0x100000
for off in 0 4096 8192 45056 100000 1000000 4000000; do
	head -c "$off" "$FIX/vmcore.split.2" >"$TMP/cut"
	run_case "split part 2 truncated to $off bytes" "$TMP/vmcore.split.1" "$TMP/cut"
done
run_case "split part 1 given twice" "$TMP/vmcore.split.1" "$TMP/vmcore.split.1"
run_case "split parts in reverse order" "$TMP/vmcore.split.2" "$TMP/vmcore.split.1"
end_group "kdump split set: one part damaged, truncated, repeated"

# ---- flattened ----
L=$TMP/vmcore.flat
flip_cases flat "$L" header 10 1
flip_cases flat "$L" rechdr 30 1
flip_cases flat "$L" rechdr 10 4
flip_cases flat "$L" recdata 8 8
end_group "flattened: header, record headers and record data damaged"
trunc_cases flat "$FIX/vmcore.flat" $(trunc_list "$TMP/regions-vmcore.flat" "$(stat -c %s "$L")" 12 | head -n 40)
end_group "flattened: truncated at record edges and random offsets"

# ---- ELF (sparse copy: headers, notes and the printk ring buffer) ----
E=$TMP/vmcore.elf
flip_cases elf "$E" ehdr 16 1
flip_cases elf "$E" ehdr 6 4
flip_cases elf "$E" phdrs 20 1
flip_cases elf "$E" phdrs 6 6
flip_cases elf "$E" notes 16 2
flip_cases elf "$E" vmcoreinfo 24 1
flip_cases elf "$E" vmcoreinfo 8 10
end_group "ELF: header, program headers, notes, VMCOREINFO damaged"
RDADDR=0x100000
for off in 0 1 4 16 63 64 65 191 192 200 359 360 361 1000 2016 2020 4000 5295 5296 65536 1048576; do
	head -c "$off" "$E" >"$TMP/cut"
	run_case "vmcore.elf truncated to $off bytes" "$TMP/cut"
done
end_group "ELF: truncated in and after the headers"

flip_cases ring "$E" rbptrs 16 1
flip_cases ring "$E" rbptrs 8 4
flip_cases ring "$E" descs 16 30
flip_cases ring "$E" infos 12 60
flip_cases ring "$E" textdata 8 200
# Pointers set to NULL, to wild addresses, to themselves (cycles).
prbptr=$(awk '$1 == "prbptr" { print $2 }' "$TMP/regions-vmcore.elf")
rbptrs=$(awk '$1 == "rbptrs" { print $2 }' "$TMP/regions-vmcore.elf")
rbva=$(od -An -tx8 -j "$prbptr" -N 8 "$E" | tr -d ' ')
RDADDR=0x100000
for target in "prb:$prbptr" "descs:$((rbptrs + 8))" "infos:$((rbptrs + 16))" "head_id:$((rbptrs + 24))" \
	"tail_id:$((rbptrs + 32))" "count_bits:$rbptrs"; do
	name=${target%%:*} off=${target#*:}
	for v in 0 "$rbva" ffffffffffffffff ffffffff80000000 7fffffffffff 3fffffffffffffff \
		"$(printf %x $((0x$rbva + 1)))" "$(printf %x $((0x$rbva - 8)))"; do
		"$M" put "$E" "$off" "$v" "$TMP/undo"
		run_case "ring buffer's $name set to 0x$v" "$E"
		"$M" undo "$E" "$TMP/undo"
	done
done
end_group "ELF: the printk ring buffer's pointers, ids and sizes damaged (NULL, wild, cycles)"

# ---- task lists cut (issue 20): the walks recover by the kernel's other paths ----
# In a copy of the kdump-raw form (pages stored as they are), list links of
# init_task, the marker process and its thread are set to NULL, to a
# non-canonical address and to themselves; ps must still list every task
# the guest saw (from the list backwards, the pid IDR, the run queues), name
# the cut link on stderr and exit 1.
R=$TMP/vmcore.kdump-raw
cp "$FIX/vmcore.kdump-raw" "$R"
chmod u+w "$R"
"$KDIVE" -n -c 'ps --json' "$R" >"$TMP/ps.json" 2>/dev/null
"$KDIVE" -n -c 'struct task_struct -o; struct signal_struct -o' "$R" >"$TMP/layout" 2>/dev/null
off_of() { sed -n "s/^ *\[\([0-9]*\)\] .*[ *]$1;\$/\1/p" "$TMP/layout" | head -n 1; }
task_of() { jq -r --argjson p "$1" '[.[] | select(.pid == $p)][0].task' "$TMP/ps.json"; }
# fileoff VA: where the byte at kernel address VA is in $R
fileoff() {
	local pa
	pa=$("$KDIVE" -n -c "vtop $1" "$R" 2>/dev/null | awk '/^VIRTUAL +PHYSICAL/ { getline; print $2 }')
	"$M" where "$R" "0x$pa"
}
truth tasks | awk '$5 !~ /^kworker/ { print $1 }' | sort -u >"$TMP/wantpids"
mpid=$(truth marker | sed -n 's/^pid=//p')
tpid=$(truth marker | sed -n 's/^thread1_tid=//p')
it=$(task_of 0)
mt=$(task_of "$mpid")
tt=$(task_of "$tpid")
o_tasks=$(off_of tasks) o_node=$(off_of thread_node) o_sig=$(off_of signal) o_head=$(off_of thread_head)
sig=$("$KDIVE" -n -c "rd $(printf %x $((mt + o_sig))) 1" "$R" 2>/dev/null | awk '{ print $2 }')
# cut_case DESCRIPTION FILE-OFFSET-VALUE...: the links set, every command
# run, then ps checked.
cut_case() {
	local desc=$1 ov why="" rc=0 missing
	shift
	for ov in "$@"; do "$M" put "$R" "${ov%:*}" "${ov#*:}" "$TMP/undo"; done
	RDADDR=0x100000
	run_case "$desc" "$R"
	if [ -z "$ONLY" ] || [ "$ONLY" = "$ncase" ]; then
		timeout -k 2 10 "$KDIVE" -n -c 'ps --json' "$R" >"$TMP/cut.json" 2>"$TMP/cut.err" || rc=$?
		[ "$rc" = 1 ] || why="ps exits $rc, not 1"
		missing=$(jq -r '.[].pid' "$TMP/cut.json" 2>/dev/null | sort -u | comm -13 - "$TMP/wantpids" | tr '\n' ' ')
		[ -z "$missing" ] || why="$why; the guest's pids not listed: $missing"
		grep -q "^warning: ps: .* link at 0x" "$TMP/cut.err" || why="$why; the cut link is not named"
		if [ -n "$why" ]; then
			group_bad=$((group_bad + 1))
			group_msgs+=("case $ncase (rerun: KDIVE_CORRUPT_CASE=$ncase): $desc: ps: $why")
			cp "$TMP/cut.err" "$TMP/last-bad-err"
		fi
	fi
	"$M" undo "$R" "$TMP/undo"
}
if [ -n "$it" ] && [ -n "$mt" ] && [ -n "$tt" ] && [ -n "$o_tasks" ] && [ -n "$sig" ]; then
	cut_links=(
		"init_task.tasks.next:$((it + o_tasks))"
		"the marker's tasks.next:$((mt + o_tasks))"
		"thread $tpid's thread_node.next:$((tt + o_node))"
		"the marker's signal->thread_head.next:$((0x$sig + o_head))"
	)
	for link in "${cut_links[@]}"; do
		name=${link%%:*} va=${link##*:}
		off=$(fileoff "$(printf %x "$va")")
		[ -n "$off" ] || { not_ok "task lists cut: $name is not stored uncompressed"; continue; }
		for v in 0 dead000000000100 "$(printf %x "$va")"; do
			cut_case "$name set to 0x$v" "$off:$v"
		done
	done
	# Both ways cut at the marker: only the pid IDR finds the tasks between.
	cut_case "the marker's tasks.next and .prev set to 0xdead000000000100" \
		"$(fileoff "$(printf %x $((mt + o_tasks)))"):dead000000000100" \
		"$(fileoff "$(printf %x $((mt + o_tasks + 8)))"):dead000000000100"
	end_group "task lists cut (tasks, thread_node, thread_head): ps lists every task the guest saw"
else
	not_ok "task lists cut: the task addresses and offsets from the pristine kdump-raw copy"
fi

# The modules list cut after its second module (next set to NULL, to a
# non-canonical address, to itself): the walk goes backwards from the head,
# and every module the guest had is listed in its order, the link named.
mh=$("$KDIVE" -n -c 'sym modules' "$R" 2>/dev/null | awk '{ print $1 }')
m1=$("$KDIVE" -n -c "rd $mh 1" "$R" 2>/dev/null | awk '{ print $2 }')
m2=$("$KDIVE" -n -c "rd $m1 1" "$R" 2>/dev/null | awk '{ print $2 }')
want=$(truth modules | awk '{ print $1 }' | tr '\n' ' ')
off=$([ -n "$m2" ] && fileoff "$m2")
if [ -n "$off" ] && [ "$(echo "$want" | wc -w)" -ge 3 ]; then
	for v in 0 dead000000000100 "$m2"; do
		"$M" put "$R" "$off" "$v" "$TMP/undo"
		RDADDR=0x100000
		run_case "the second module's list.next set to 0x$v" "$R"
		rc=0
		timeout -k 2 10 "$KDIVE" -n -c "load $KDIVE_BUILDDIR/tests/modules/.libs/kmods.so; kmods" "$R" \
			>"$TMP/cut.out" 2>"$TMP/cut.err" || rc=$?
		got=$(awk '!/^loaded / { print $1 }' "$TMP/cut.out" | tr '\n' ' ')
		why=""
		[ "$rc" = 1 ] || why="kmods exits $rc, not 1"
		[ "$got" = "$want" ] || why="$why; modules '$got', the guest's '$want'"
		grep -q "the modules list: the next link at 0x" "$TMP/cut.err" || why="$why; the cut link is not named"
		if [ -n "$why" ]; then
			group_bad=$((group_bad + 1))
			group_msgs+=("case $ncase: the second module's list.next set to 0x$v: $why")
			cp "$TMP/cut.err" "$TMP/last-bad-err"
		fi
		"$M" undo "$R" "$TMP/undo"
	done
	end_group "the modules list cut: every module the guest had, in its order"
else
	not_ok "the modules list cut: the guest has 3 modules and the second one's link is stored uncompressed"
fi

# The VMA tree cut (issue 20): in the marker's maple tree (mm->mm_mt), the
# slot that holds its second VMA is set to a non-canonical address and to
# NULL's neighbour 0x10 (an impossible pointer); vm must name that entry,
# list every other VMA of the intact dump, and exit 1.  The slot is found by
# its value in the root node or one of its children (256-byte maple nodes).
"$KDIVE" -n -c "vm $mpid" "$R" >"$TMP/vm.out" 2>/dev/null
mm=$(awk 'NR == 3 { print $1 }' "$TMP/vm.out")
vma2=$(awk 'NR == 6 { print $1 }' "$TMP/vm.out")
awk 'NR > 4 && $1 != v { print $2, $3 }' v="$vma2" "$TMP/vm.out" >"$TMP/vm.want"
"$KDIVE" -n -c 'struct mm_struct -o; struct maple_tree -o' "$R" >"$TMP/layout" 2>/dev/null
o_mt=$(off_of 'mm_mt') o_root=$(off_of 'ma_root')
slot=
# words NODE: "ADDRESS VALUE" for each 8-byte word of the 256-byte node
words() {
	local a rest v
	"$KDIVE" -n -c "rd -x -64 $1 32" "$R" 2>/dev/null | while read -r a rest; do
		a=$((0x${a%:}))
		for v in $rest; do
			printf '%x %s\n' "$a" "$v"
			a=$((a + 8))
		done
	done
}
if [ -n "$mm" ] && [ -n "$vma2" ] && [ -n "$o_mt" ] && [ -n "$o_root" ]; then
	root=$("$KDIVE" -n -c "rd -x -64 $(printf %x $((0x$mm + o_mt + o_root))) 1" "$R" 2>/dev/null | awk '{ print $2 }')
	nodes=$(printf '%x' $((0x$root & ~0xff)))
	words "$nodes" >"$TMP/node0"
	slot=$(awk -v v="$vma2" '$2 == v { print $1; exit }' "$TMP/node0")
	if [ -z "$slot" ]; then
		for child in $(awk -v r="${root:0:8}" 'substr($2, 1, 8) == r && $2 != "0000000000000000" { print $2 }' "$TMP/node0"); do
			words "$(printf '%x' $((0x$child & ~0xff)))" >"$TMP/node1"
			slot=$(awk -v v="$vma2" '$2 == v { print $1; exit }' "$TMP/node1")
			[ -n "$slot" ] && break
		done
	fi
fi
off=$([ -n "$slot" ] && fileoff "$slot")
if [ -n "$off" ] && [ -s "$TMP/vm.want" ]; then
	for v in dead000000000100 10; do
		"$M" put "$R" "$off" "$v" "$TMP/undo"
		RDADDR=0x100000
		run_case "the marker's second VMA's maple slot set to 0x$v" "$R"
		if [ -n "$ONLY" ] && [ "$ONLY" != "$ncase" ]; then
			"$M" undo "$R" "$TMP/undo"
			continue
		fi
		rc=0
		timeout -k 2 10 "$KDIVE" -n -c "vm $mpid" "$R" >"$TMP/cut.out" 2>"$TMP/cut.err" || rc=$?
		why=""
		[ "$rc" = 1 ] || why="vm exits $rc, not 1"
		awk 'NR > 4 { print $2, $3 }' "$TMP/cut.out" >"$TMP/vm.got"
		cmp -s "$TMP/vm.want" "$TMP/vm.got" || why="$why; the other VMAs differ from the intact dump's"
		grep -q "0x0*$v" "$TMP/cut.err" || why="$why; the cut entry 0x$v is not named"
		if [ -n "$why" ]; then
			group_bad=$((group_bad + 1))
			group_msgs+=("case $ncase: the marker's second VMA's maple slot set to 0x$v: $why")
			cp "$TMP/cut.err" "$TMP/last-bad-err"
		fi
		"$M" undo "$R" "$TMP/undo"
	done
	end_group "the VMA tree cut: vm names the entry and lists every other VMA"
else
	not_ok "the VMA tree cut: the marker's second VMA found in its maple tree's first two levels, stored uncompressed"
fi

# ---- slab damage (issue 13): a freelist pointer, a node partial list link
# and the slab_caches list cut, in the kdump-raw copy.  kmem must name the
# damage, exit 1, and still list every slab (the page array finds a slab cut
# off its list) and every cache (slab_caches backwards from its head).
"$KDIVE" -n -c 'kmem -S kmalloc-32 --json; kmem -s --json' "$R" >"$TMP/slab.json" 2>/dev/null
want_slabs=$(jq -rs '.[0].caches[0].slabs' "$TMP/slab.json")
want_caches=$(jq -rs '.[1].caches[].name' "$TMP/slab.json" | tr '\n' ' ')
fptr_off=$(jq -rs '.[0].caches[0].free_pointer_offset' "$TMP/slab.json")
fobj=$(jq -rs '[.[0].caches[0].slab_list[].objects[] | select(.state != "allocated")][0].address' "$TMP/slab.json")
pslab=$(jq -rs '[.[0].caches[0].slab_list[] | select(.where == "partial")][0].slab' "$TMP/slab.json")
"$KDIVE" -n -c 'struct slab -o; struct kmem_cache -o' "$R" >"$TMP/layout" 2>/dev/null
o_slist=$(off_of slab_list)
# slab_case DESCRIPTION CHECK-PATTERN FILE-OFFSET:VALUE
slab_case() {
	local desc=$1 pat=$2 ov=$3 rc=0 why="" got
	"$M" put "$R" "${ov%:*}" "${ov#*:}" "$TMP/undo"
	RDADDR=0x100000
	run_case "$desc" "$R"
	timeout -k 2 10 "$KDIVE" -n -c 'kmem -S kmalloc-32 --json; kmem -s --json' "$R" >"$TMP/cut.json" 2>"$TMP/cut.err" || rc=$?
	[ "$rc" = 1 ] || why="kmem exits $rc, not 1"
	grep -qE "^warning: kmem: .*$pat" "$TMP/cut.err" || why="$why; the damage ($pat) is not named"
	got=$(jq -rs '.[0].caches[0].walked_slabs' "$TMP/cut.json" 2>/dev/null)
	[ "$got" = "$want_slabs" ] || why="$why; kmem -S found $got slabs, not $want_slabs"
	got=$(jq -rs '.[1].caches[].name' "$TMP/cut.json" 2>/dev/null | tr '\n' ' ')
	[ "$got" = "$want_caches" ] || why="$why; kmem -s lost caches"
	if [ -n "$why" ]; then
		group_bad=$((group_bad + 1))
		group_msgs+=("case $ncase: $desc: $why")
		cp "$TMP/cut.err" "$TMP/last-bad-err"
	fi
	"$M" undo "$R" "$TMP/undo"
}
if [ -n "$fobj" ] && [ "$fobj" != null ] && [ -n "$pslab" ] && [ "$pslab" != null ] && [ -n "$o_slist" ]; then
	off=$(fileoff "$(printf %x $((fobj + fptr_off)))")
	for v in 4141414141414141 0 "${fobj#0x}"; do
		slab_case "a kmalloc-32 free pointer set to 0x$v" "slab at 0x.*freelist" "$off:$v"
	done
	off=$(fileoff "$(printf %x $((pslab + o_slist)))")
	for v in 0 dead000000000100 "$(printf %x $((pslab + o_slist)))"; do
		slab_case "a kmalloc-32 node-partial slab's slab_list.next set to 0x$v" "partial list" "$off:$v"
	done
	head=$("$KDIVE" -n -c 'sym slab_caches' "$R" 2>/dev/null | awk '{ print $1 }')
	c1=$("$KDIVE" -n -c "rd $head 1" "$R" 2>/dev/null | awk '{ print $2 }')
	off=$(fileoff "$c1")
	for v in 0 dead000000000100 "$c1"; do
		slab_case "the first cache's list.next set to 0x$v" "slab_caches|kmem_cache at" "$off:$v"
	done
	end_group "slab damage: kmem names it, exits 1, and finds every slab and cache"
else
	not_ok "slab damage: a free kmalloc-32 object and a node-partial slab in the pristine kdump-raw copy"
fi

echo "# $ncase corrupted-dump cases (seed $SEED)"
[ -n "$KDIVE_CORRUPT_COUNT_FILE" ] && echo "$ncase" >"$KDIVE_CORRUPT_COUNT_FILE"
done_testing
