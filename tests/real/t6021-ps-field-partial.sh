#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# ps on tasks read in part, one field at a time (issue 20: "a task whose pid
# and comm were readable is listed, with '?' in the fields that were not").
# For each field ps prints (state, cpu, comm, the mm pointer: %mem vsz rss,
# the mm_struct's total_vm, its rss counters, and ppid through a lost
# parent), tests/corrupt/kdmangle excludes from a copy of the fixture's
# kdump-raw the one page that holds that field of a task but not its pid
# (nor any task's pid).  Then:
#  - the task is listed, '?' in that column of the table, the key absent
#    from --json, "incomplete": true with the reason (excluded), exit 1;
#  - no listed task shows a wrong value: each value ps prints equals the
#    guest's (truth tasks: ppid and comm) and the intact dump's (cpu,
#    state, vsz, rss, %mem); a task that lost a value is marked incomplete.
# Offsets come from the dump's BTF (struct -o), pages from kdive's vtop.
. "$KDIVE_SRCDIR/tests/lib.sh"
. "$KDIVE_SRCDIR/tests/real/fixture.sh"
M=$KDIVE_BUILDDIR/tests/corrupt/kdmangle
SRC=$FIX/vmcore.kdump-raw

run_kd -c 'ps --json' "$SRC"
cp "$TMP/out" "$TMP/intact.json"
expect_eq "intact: ps exits 0" 0 "$rc"
off() { # off TYPE REGEX: the offset of the member whose line matches
	run_kd -c "struct $1 -o" "$SRC"
	sed -n "s/^ *\[\([0-9]*\)\] $2$/\1/p" "$TMP/out" | head -n 1
}
pidoff=$(off task_struct 'pid_t pid;')
stoff=$(off task_struct 'unsigned int __state;')
commoff=$(off task_struct 'char comm\[16\];')
mmoff=$(off task_struct 'struct mm_struct \*mm;')
parentoff=$(off task_struct 'struct task_struct \*real_parent;')
tioff=$(off task_struct 'struct thread_info thread_info;')
cpuoff=$(off thread_info 'u32 cpu;')
[ -n "$cpuoff" ] || cpuoff=$(off thread_info 'unsigned int cpu;')
[ -n "$tioff" ] && [ -n "$cpuoff" ] && cpuoff=$((tioff + cpuoff)) || cpuoff=$(off task_struct 'unsigned int cpu;')
tvmoff=$(off mm_struct 'long unsigned int total_vm;')
rssoff=$(off mm_struct 'struct mm_rss_stat rss_stat;')
[ -n "$rssoff" ] || rssoff=$(off mm_struct 'struct percpu_counter rss_stat\[4\];')
for v in pidoff stoff commoff mmoff parentoff cpuoff tvmoff rssoff; do
	check "offset $v known (${!v})" test -n "${!v}"
done

# pages ADDR...: "ADDR PFN" for each hexadecimal kernel address, by vtop.
pages() {
	cmds=$(for a in "$@"; do printf 'vtop %x; ' $((0x$a)); done)
	run_kd -c "$cmds" "$SRC"
	awk '/^VIRTUAL +PHYSICAL/ { getline; print $1, $2 }' "$TMP/out" | while read -r va pa; do
		printf '%s %d\n' "$va" $((0x$pa / 4096))
	done
}
hex() { printf '%x\n' $(($1)); }
tasks=$(jq -r '.[] | select(.pid > 0) | .task | ltrimstr("0x")' "$TMP/intact.json" | sort -u)
# The pages of every task's pid: never excluded (the task would be lost).
pages $(for a in $tasks; do hex "0x$a + $pidoff"; done) | awk '{ print $2 }' | sort -u >"$TMP/pidpages"

# pick OFF [TASKS]: "TASK PFN" of the first task whose member at OFF lies on
# a page that holds no task's pid.
pick() {
	local o=$1
	shift
	pages $(for a in "$@"; do hex "0x$a + $o"; done) >"$TMP/cand"
	while read -r va p; do
		grep -qx "$p" "$TMP/pidpages" && continue
		printf '%x %s\n' $((0x$va - o)) "$p"
		return
	done <"$TMP/cand"
}

# The mm_structs of the user tasks (rd -64 of task->mm).
users=$(jq -r '.[] | select(.pid > 0 and .vsz_kb > 0) | .task | ltrimstr("0x")' "$TMP/intact.json" | sort -u)
cmds=$(for a in $users; do printf 'rd -x -64 %x 1; ' $((0x$a + mmoff)); done)
run_kd -c "$cmds" "$SRC"
mms=$(awk '{ print $2 }' "$TMP/out" | sort -u)
# An mm whose total_vm and rss counters lie on two pages, the second not
# holding its total_vm nor any pid: its rss alone can be lost.
rss_mm= rss_pfn=
for mm in $mms; do
	p1=$(pages "$(hex "0x$mm + $tvmoff")" | awk '{ print $2 }')
	p2=$(pages "$(hex "0x$mm + $rssoff")" | awk '{ print $2 }')
	if [ "$p1" != "$p2" ] && ! grep -qx "$p2" "$TMP/pidpages"; then rss_mm=$mm rss_pfn=$p2 && break; fi
done
tvm_mm= tvm_pfn=
for mm in $mms; do
	p1=$(pages "$(hex "0x$mm + $tvmoff")" | awk '{ print $2 }')
	if ! grep -qx "$p1" "$TMP/pidpages"; then tvm_mm=$mm tvm_pfn=$p1 && break; fi
done

# want: pid ppid comm of the guest's threads (kworkers come and go).
truth tasks | awk '$5 !~ /^kworker/ { c = $5; for (i = 6; i <= NF; i++) c = c " " $i; print $1, $2, substr(c, 1, 15) }' |
	sort -u >"$TMP/truth"

# no_wrong LABEL: every value in $TMP/out (ps --json of the damaged copy)
# agrees with the intact dump's and the guest's; a task that lost one is
# marked incomplete with a reason.
no_wrong() {
	local keys='["ppid","tgid","cpu","state","comm","vsz_kb","rss_kb","mem_permille","kernel_thread"]'
	wrong=$(jq -r --slurpfile i "$TMP/intact.json" --argjson k "$keys" '
		($i[0] | map({ key: .task, value: . }) | from_entries) as $w
		| .[] | . as $t | ($w[$t.task] // {}) as $o
		| $k[] | select($t[.] != null and $t[.] != $o[.]) | "\($t.task) \(.)=\($t[.]) (intact \($o[.]))"' "$TMP/out" | tr '\n' ';')
	expect_eq "$1: no value differs from the intact dump's" "" "$wrong"
	unmarked=$(jq -r --slurpfile i "$TMP/intact.json" --argjson k "$keys" '
		($i[0] | map({ key: .task, value: . }) | from_entries) as $w
		| .[] | . as $t | ($w[$t.task] // {}) as $o
		| select([$k[] | select($o[.] != null and $t[.] == null)] | length > 0)
		| select(.incomplete != true or (.reason // "") == "") | .task' "$TMP/out" | tr '\n' ' ')
	expect_eq "$1: each task missing a value is marked incomplete with a reason" "" "$unmarked"
	jq -r '.[] | select(.ppid != null and .comm != null) | "\(.pid) \(.ppid) \(.comm)"' "$TMP/out" | sort -u >"$TMP/got"
	bad=$(awk 'NR == FNR { w[$1] = $0; next } ($1 in w) && w[$1] != $0' "$TMP/truth" "$TMP/got" | tr '\n' ';')
	expect_eq "$1: listed pid, ppid and comm are the guest's" "" "$bad"
}

# field LABEL TASK PFN JSONKEY COLUMN: exclude PFN, then check TASK.
field() {
	local label=$1 task=$2 pfn=$3 key=$4 col=$5
	cp "$SRC" "$TMP/d"
	check "$label: kdmangle exclude pfn $pfn" "$M" exclude "$TMP/d" "$pfn"
	run_kd -c 'ps --json' "$TMP/d"
	expect_eq "$label: ps --json exits 1" 1 "$rc"
	expect_eq "$label: task $task is listed" 1 "$(jq "[.[] | select(.task == \"0x$task\")] | length" "$TMP/out")"
	expect_eq "$label: --json has no $key for task $task" null \
		"$(jq -c ".[] | select(.task == \"0x$task\") | .$key" "$TMP/out")"
	expect_eq "$label: task $task is incomplete" true \
		"$(jq -r ".[] | select(.task == \"0x$task\") | .incomplete" "$TMP/out")"
	check "$label: its reason names the exclusion" sh -c \
		"jq -r '.[] | select(.task == \"0x$task\") | .reason' '$TMP/out' | grep -q 'excluded'"
	no_wrong "$label"
	run_kd -c ps "$TMP/d"
	expect_eq "$label: ps exits 1" 1 "$rc"
	expect_eq "$label: the table shows '?' as the $key of task $task" "?" \
		"$(sed 's/^[> ]//' "$TMP/out" | awk -v t="$task" -v c="$col" '$4 == t { print $c }')"
	check "$label: stderr names task $task" grep -q "ps: .*0x$task" "$TMP/err"
}

# try LABEL OFF KEY COLUMN [optional]: the field at OFF of the first task
# that allows it.  SLUB places task_structs (9792 bytes, three to an order-3
# slab) at a few offsets in their pages; on Debian's 6.1 and 6.12 kernels
# comm and mm always share the pid's page, so those cases may be skipped.
try() {
	# shellcheck disable=SC2086
	set -- "$@" $(pick "$2" $tasks)
	if [ $# -ge 6 ]; then
		ok "$1: task ${*: -2:1} has it on page ${*: -1}, without a pid"
		field "$1" "${@: -2:1}" "${@: -1}" "$3" "$4"
	elif [ "${5:-}" = optional ]; then
		ok "$1 # SKIP in every task_struct of this dump it shares the pid's page"
	else
		not_ok "$1: no task has it on a page without a pid"
	fi
}
try state "$stoff" state 5
try cpu "$cpuoff" cpu 3
try comm "$commoff" comm 9 optional
try mm "$mmoff" vsz_kb 7 optional
if [ -n "$tvm_mm" ]; then
	owner=$(for a in $users; do run_kd -c "rd -x -64 $(hex "0x$a + $mmoff") 1" "$SRC"; awk -v a="$a" -v m="$tvm_mm" '$2 == m { print a }' "$TMP/out"; done | head -n 1)
	field "total_vm of mm $tvm_mm" "$owner" "$tvm_pfn" vsz_kb 7
else
	ok "total_vm of an mm # SKIP no mm_struct page without a pid"
fi
if [ -n "$rss_mm" ]; then
	owner=$(for a in $users; do run_kd -c "rd -x -64 $(hex "0x$a + $mmoff") 1" "$SRC"; awk -v a="$a" -v m="$rss_mm" '$2 == m { print a }' "$TMP/out"; done | head -n 1)
	field "rss counters of mm $rss_mm" "$owner" "$rss_pfn" rss_kb 8
	expect_eq "rss alone: vsz still shown for $owner" \
		"$(jq -r ".[] | select(.task == \"0x$owner\") | .vsz_kb" "$TMP/intact.json")" \
		"$(sed 's/^[> ]//' "$TMP/out" | awk -v t="$owner" '$4 == t { print $7 }')"
	expect_eq "rss alone: %mem is '?' for $owner" "?" "$(sed 's/^[> ]//' "$TMP/out" | awk -v t="$owner" '$4 == t { print $6 }')"
	# vm's header: the same '?' (it printed 0), total_vm still the intact one.
	run_kd -c "vm $owner" "$TMP/d"
	expect_eq "rss alone: vm's header shows RSS '?' and the intact TOTAL_VM" \
		"? $(jq -r ".[] | select(.task == \"0x$owner\") | .vsz_kb" "$TMP/intact.json")k" \
		"$(awk 'h { print $3, $4; exit } /^ *MM  *PGD  *RSS/ { h = 1 }' "$TMP/out")"
	run_kd -c "vm --json $owner" "$TMP/d"
	expect_eq "rss alone: vm --json has no rss_kb, and the intact total_vm_kb" \
		"null $(jq -r ".[] | select(.task == \"0x$owner\") | .vsz_kb" "$TMP/intact.json")" \
		"$(jq -r '.[0] | "\(.rss_kb) \(.total_vm_kb)"' "$TMP/out")"
else
	ok "rss counters of an mm # SKIP no mm_struct in this fixture has its rss counters on a page of their own"
fi

# ppid through a lost parent: the page of kdive-zparent's pid goes (it is
# not listed); its child, the zombie, is listed with ppid '?', not 0.
zp=$(awk '$3 == "kdive-zparent" { print $1 }' "$TMP/truth" | head -n 1)
zc=$(awk -v p="$zp" '$2 == p { print $1 }' "$TMP/truth" | head -n 1)
za=$(jq -r ".[] | select(.pid == $zp) | .task | ltrimstr(\"0x\")" "$TMP/intact.json")
zca=$(jq -r ".[] | select(.pid == $zc) | .task | ltrimstr(\"0x\")" "$TMP/intact.json")
zpfn=$(pages "$(hex "0x$za + $pidoff")" | awk '{ print $2 }')
zcpfn=$(pages "$(hex "0x$zca + $pidoff")" | awk '{ print $2 }')
if [ -n "$zc" ] && [ "$zpfn" != "$zcpfn" ]; then
	cp "$SRC" "$TMP/d"
	check "ppid: kdmangle exclude pfn $zpfn (the pid of $zp)" "$M" exclude "$TMP/d" "$zpfn"
	run_kd -c 'ps --json' "$TMP/d"
	expect_eq "ppid: ps --json exits 1" 1 "$rc"
	expect_eq "ppid: the parent $zp is not listed" 0 "$(jq "[.[] | select(.pid == $zp)] | length" "$TMP/out")"
	expect_eq "ppid: its child $zc has no ppid in --json" null "$(jq -c ".[] | select(.pid == $zc) | .ppid" "$TMP/out")"
	check "ppid: the child's reason names the parent" sh -c \
		"jq -r '.[] | select(.pid == $zc) | .reason' '$TMP/out' | grep -q 'parent, task_struct at 0x$za'"
	no_wrong ppid
	run_kd -c ps "$TMP/d"
	expect_eq "ppid: the table shows '?' as the ppid of $zc" "?" \
		"$(sed 's/^[> ]//' "$TMP/out" | awk -v p="$zc" '$1 == p { print $2 }')"
else
	ok "ppid through a lost parent # SKIP the zombie and its parent share a pid page"
fi
done_testing
