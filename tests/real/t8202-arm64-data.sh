#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The data symbols of a kernel without CONFIG_KALLSYMS_ALL (the arm64
# fixture: scripts/mkvmcore --arch arm64) and the commands that need them,
# against the guest's ground truth:
#  - every data symbol kdive found outside kallsyms (the export table
#    __ksymtab, the code of small functions, the objects init_task points
#    at, VMCOREINFO, BTF) equals the fixture's System.map (the -dbg
#    package's link map) + VMCOREINFO's KERNELOFFSET;
#  - sys: DATE, UPTIME and TASKS (tk_core, nr_threads) as on x86_64; mach;
#  - kmem -i against /proc/meminfo (drift as t8001-kmem-mem.sh allows; the
#    commit limit and sizes exactly), timer's jiffies against
#    /proc/sched_debug's, irq -s against /proc/interrupts' numbered IRQs,
#    swap against /proc/swaps, dev against /proc/devices, ipcs against
#    /proc/sysvipc, kmem -s against /proc/slabinfo's cache names.
MKVMCORE_ARGS=${KDIVE_ARM64_ARGS:-"--arch arm64"}
. "$KDIVE_SRCDIR/tests/lib.sh"
. "$KDIVE_SRCDIR/tests/real/fixture.sh"
D=$FIX/vmcore.elf
hex() { printf '%x' "$(($1))"; }
koff=0x$(truth vmcoreinfo_sysfs | sed -n 's/^KERNELOFFSET=//p')
check "the fixture has the real System.map (dbg=1)" grep -qx 'dbg=1' "$FIX/info"

# ---- every data symbol not from kallsyms ----
# (A kernel with KALLSYMS_ALL, Debian's 6.12 arm64 one, needs none of them:
# only the commands are checked there.)
if truth kallsyms | grep -q '^init_task '; then
	ok "kallsyms has data symbols (KALLSYMS_ALL): no fallback to check"
else
run_kd -c 'sym -l -v --json' "$D"
jq -r '.symbols[] | select(.origin != "kallsyms") | "\(.name) \(.address | ltrimstr("0x")) \(.origin)"' \
	"$TMP/out" | sort >"$TMP/data"
# System.map may hold a name more than once (statics): any of them will do.
awk -v k="$koff" 'BEGIN { k = strtonum(k) }
	NR == FNR { a[$3] = a[$3] " " sprintf("%x", strtonum("0x" $1) + k); next }
	{ if (!($1 in a)) print "not in System.map: " $0; else if (index(a[$1] " ", " " $2 " ") == 0) print "wrong: " $0 " (System.map" a[$1] ")" }' \
	"$FIX/System.map" "$TMP/data" >"$TMP/bad"
n=$(wc -l <"$TMP/data")
check "over 700 data symbols found outside kallsyms ($n)" test "$n" -gt 700
expect_eq "each equals System.map + KERNELOFFSET" "" "$(head -n 20 "$TMP/bad")"
for how in "scan: the kernel's export table" "code: " "of init_task" "of init_nsproxy"; do
	check "some come from '$how'" grep -qF "$how" "$TMP/data"
done
for n in jiffies _totalram_pages init_net vm_committed_as sysctl_overcommit_ratio total_swap_pages \
	nr_swap_pages swap_info nr_swapfiles slab_caches chrdevs major_names irq_desc_tree init_ipc_ns \
	socket_file_ops tk_core nr_threads max_pfn vmstat_text; do
	check "$n is one of them" grep -q "^$n " "$TMP/data"
done
fi

# ---- sys: the timekeeper (tk_core) and nr_threads ----
# DATE and UPTIME as t1001-sys.sh checks them on x86_64; TASKS is
# nr_threads + one idle task per CPU, nr_threads the guest's
# /proc/loadavg total at the truth's moment (less the recorder's threads).
run_kd -c 'sys --json' "$D"
expect_eq "sys exits 0" 0 "$rc"
up=$(jq -r .uptime_ns "$TMP/out")
check "sys: uptime $up ns is within 2 s of the truth's $(truth uptime | cut -d' ' -f1) s" \
	awk -v u="$up" -v t="$(truth uptime | cut -d' ' -f1)" 'BEGIN { exit !(u / 1e9 >= t - 2 && u / 1e9 <= t + 60) }'
mtime=$(stat -c %Y "$D")
date=$(jq -r .date "$TMP/out")
check "sys: DATE ($date, the timekeeper's) is within 2 minutes before the dump's mtime" \
	[ "$date" != null ] && [ "$date" -le "$mtime" -a "$date" -ge $((mtime - 120)) ]
threads=$(truth loadavg | awk '{ split($4, a, "/"); print a[2] }')
tasks=$(jq -r .tasks "$TMP/out")
check "sys: TASKS $tasks is nr_threads + $(truth nr_cpus) idle tasks (loadavg: $threads threads, 3 allowed for the recorder)" \
	[ "$tasks" != null ] && [ $((tasks - $(truth nr_cpus))) -le "$threads" -a $((tasks - $(truth nr_cpus))) -ge $((threads - 3)) ]
run_kd -c 'mach' "$D"
expect_eq "mach exits 0 (it freed the irq_stack error, then returned it)" 0 "$rc"
check "mach: MACHINE TYPE aarch64" grep -q 'MACHINE TYPE: aarch64' "$TMP/out"

# ---- kmem -i ----
mi() { truth meminfo | awk -v k="$1:" -v kb="$(($(truth pagesize) / 1024))" '$1 == k { print $2 / kb }'; }
near() { # TITLE WANT GOT TOLERANCE
	local d=$(($3 - $2))
	[ $d -lt 0 ] && d=$((-d))
	if [ -n "$3" ] && [ $d -le "$4" ]; then ok "$1 ($3, truth $2)"; else
		not_ok "$1"; printf '#   truth %s, got %s, tolerance %s\n' "$2" "$3" "$4"; fi
}
run_kd -c 'kmem -i --json' "$D"
expect_eq "kmem -i exits 0" 0 "$rc"
j() { jq -r ".$1" "$TMP/out"; }
expect_eq "-i: TOTAL MEM is MemTotal" "$(mi MemTotal)" "$(j total_pages)"
near "-i: FREE is MemFree" "$(mi MemFree)" "$(j free_pages)" 1024
near "-i: SHARED is Shmem" "$(mi Shmem)" "$(j shared_pages)" 64
near "-i: CACHED is Cached" "$(mi Cached)" "$(j cached_pages)" 64
near "-i: SLAB is Slab" "$(mi Slab)" "$(j slab_pages)" 1024
expect_eq "-i: TOTAL SWAP is SwapTotal" "$(mi SwapTotal)" "$(j swap_total_pages)"
expect_eq "-i: SWAP FREE is SwapFree" "$(mi SwapFree)" "$(j swap_free_pages)"
expect_eq "-i: TOTAL HUGE is Hugetlb (HugePages_Total huge pages)" "$(mi Hugetlb)" "$(j huge_total_pages)"
expect_eq "-i: COMMIT LIMIT is CommitLimit" "$(mi CommitLimit)" "$(j commit_limit_pages)"
near "-i: COMMITTED is Committed_AS" "$(mi Committed_AS)" "$(j committed_pages)" 1024

# ---- timer ----
run_kd -c 'timer --json' "$D"
expect_eq "timer exits 0" 0 "$rc"
jf=$(jq .jiffies "$TMP/out")
tj=$(truth sched_debug | awk '$1 == "jiffies" { print $3; exit }')
check "timer: jiffies $jf is at most 100 s after the recorded $tj" test "$jf" -ge "$tj" -a "$jf" -le $((tj + 100000))
check "timer: some timers" test "$(jq '[.timer_bases[].timers[]] | length' "$TMP/out")" -gt 0

# ---- irq ----
# " 11:  653  738 GIC-0  27 Level  arch_timer" -> "11 27 arch_timer"
ncpu=$(truth nr_cpus)
want=$(truth interrupts | awk -v n="$ncpu" '$1 ~ /^[0-9]+:$/ { sub(":", "", $1); l = $1 " " $(n + 3); for (i = n + 5; i <= NF; i++) l = l " " $i; print l }')
run_kd -c 'irq -s --json' "$D"
expect_eq "irq -s exits 0" 0 "$rc"
expect_eq "irq -s: the IRQs, hardware IRQs and actions of /proc/interrupts" "$want" \
	"$(jq -r '.[] | "\(.irq) \(.hwirq) \(.actions)"' "$TMP/out")"

# ---- swap, dev, ipcs, kmem -s ----
run_kd -c 'swap --json' "$D"
expect_eq "swap: /proc/swaps' devices, sizes, used and priorities" \
	"$(truth swaps | awk 'NR > 1 { print $1, $3, $4, $5 }')" \
	"$(jq -r '.[] | "\(.filename) \(.size_kb) \(.used_kb) \(.priority)"' "$TMP/out")"
run_kd -c 'dev --json' "$D"
expect_eq "dev: the character majors and names of /proc/devices" \
	"$(truth devices | awk '/^Character/ { on = 1; next } /^$/ { on = 0 } on { print $1, $2 }' | sort -u)" \
	"$(jq -r '.character[] | "\(.major) \(.name)"' "$TMP/out" | sort -u)"
expect_eq "dev: the block majors and names of /proc/devices" \
	"$(truth devices | awk '/^Block/ { on = 1; next } on && NF { print $1, $2 }' | sort -u)" \
	"$(jq -r '.block[] | "\(.major) \(.name)"' "$TMP/out" | sort -u)"
run_kd -c 'ipcs' "$D"
expect_eq "ipcs exits 0" 0 "$rc"
for sec in shm sem msg; do
	for key in $(truth "sysvipc_$sec" | awk 'NR > 1 { printf "%x\n", $1 }'); do
		check "ipcs: the $sec key $key of /proc/sysvipc/$sec" grep -qE "^[0-9a-f]{16}  $key " "$TMP/out"
	done
done
run_kd -c 'kmem -s --json' "$D"
expect_eq "kmem -s exits 0" 0 "$rc"
expect_eq "kmem -s: the caches of /proc/slabinfo" "$(truth slabinfo | awk 'NR > 2 { print $1 }' | sort)" \
	"$(jq -r '.caches[].name' "$TMP/out" | sort)"
done_testing
