#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Symbols and the commands that need them on the arm64 fixture (scripts/mkvmcore
# --arch arm64).  Debian's arm64 kernel has no CONFIG_KALLSYMS_ALL: kallsyms
# holds text symbols only, and the data symbols come from elsewhere in the
# dump (shell/core/datasyms.c).  Ground truth:
#  - text symbols: the guest's /proc/kallsyms (truth kallsyms, kallsyms_core);
#  - data symbols: the fixture's System.map, the kernel's own link map from
#    the -dbg package, shifted by VMCOREINFO's KERNELOFFSET (truth);
#  - sym ADDR past a symbol's reach: System.map's nearest symbol or none;
#  - ps: the guest's task list; log: its kmsg markers; vtop -c: its pagemap.
MKVMCORE_ARGS=${KDIVE_ARM64_ARGS:-"--arch arm64"}
. "$KDIVE_SRCDIR/tests/lib.sh"
. "$KDIVE_SRCDIR/tests/real/fixture.sh"
D=$FIX/vmcore.elf
hex() { printf '%x' "$(($1))"; }
vmci() { truth vmcoreinfo_sysfs | sed -n "s/^$1=//p"; }
koff=0x$(vmci KERNELOFFSET)
check "the fixture has the real System.map (dbg=1)" grep -qx 'dbg=1' "$FIX/info"
map() { awk -v n="$1" '$3 == n { print $1; exit }' "$FIX/System.map"; }

# ---- text symbols: the guest's /proc/kallsyms ----
truth kallsyms >"$TMP/ks"
awk '{ printf "sym %s\n", $1 }' "$TMP/ks" >"$TMP/cmds"
run_kd -i "$TMP/cmds" "$D"
awk '!seen[$3]++ { print $3, $1, substr($2, 2, 1) }' "$TMP/out" | sort >"$TMP/got"
expect_eq "every recorded /proc/kallsyms symbol equals sym NAME (address and type)" \
	"$(sort "$TMP/ks")" "$(cat "$TMP/got")"
run_kd -c 'sym -l -v --json' "$D"
jq -r '.symbols[] | select(.origin == "kallsyms") | "\(.address | ltrimstr("0x")) \(.type) \(.name)"' "$TMP/out" |
	while read -r a t n; do printf '%016x %s %s\n' "0x$a" "$t" "$n"; done | LC_ALL=C sort >"$TMP/core"
expect_eq "sym -l (origin kallsyms): the guest's count" \
	"$(truth kallsyms_core | sed -n 's/^count //p')" "$(wc -l <"$TMP/core")"
expect_eq "sym -l (origin kallsyms): the guest's sha256" \
	"$(truth kallsyms_core | sed -n 's/^sha256 //p')" "$(sha256sum <"$TMP/core" | cut -d' ' -f1)"
# Debian's 6.1 arm64 kernel has no KALLSYMS_ALL (the fallback this tests);
# its 6.12 one has: the data symbols then come from kallsyms and the checks
# of the fallback's origins are left out.
allsyms=0
grep -q '^init_task ' "$TMP/ks" && allsyms=1
if [ "$allsyms" = 1 ]; then
	ok "kallsyms has data symbols (KALLSYMS_ALL): the fallback's origins are not checked"
else
	ok "kallsyms has no init_task (no KALLSYMS_ALL): the case this tests"
fi

# ---- data symbols against System.map + KERNELOFFSET ----
names=
for n in init_task __start_BTF __stop_BTF runqueues __per_cpu_offset __per_cpu_start prb \
	printk_rb_static init_uts_ns swapper_pg_dir vmap_area_list modules; do
	[ -n "$(map "$n")" ] && names+=" $n" # vmap_area_list is gone in 6.9
done
run_kd -c "sym -v --json $names" "$D"
expect_eq "sym of $(echo $names | wc -w) data symbols exits 0" 0 "$rc"
cp "$TMP/out" "$TMP/data.json"
want= got=
for n in $names; do
	want+="$n $(hex "0x$(map "$n") + $koff")
"
	got+="$n $(jq -r --arg n "$n" '[.symbols[] | select(.name == $n)][0].address | ltrimstr("0x")' "$TMP/data.json")
"
done
expect_eq "data symbols equal System.map + KERNELOFFSET" "$want" "$got"
origin() { jq -r --arg n "$1" '[.symbols[] | select(.name == $n)][0].origin' "$TMP/data.json"; }
if [ "$allsyms" = 0 ]; then
expect_eq "sym -v: init_task's origin (exported: the export table)" 'scan: the kernel'"'"'s export table (__ksymtab)' "$(origin init_task)"
o=$(origin runqueues)
expect_eq "sym -v: runqueues from the code" "code: adrp pair in" "${o:0:18}"
expect_eq "sym -v: prb from VMCOREINFO" VMCOREINFO "$(origin prb)"
o=$(origin __start_BTF)
expect_eq "sym -v: __start_BTF from a header scan" "scan: BTF header" "${o:0:16}"
run_kd -c 'sym -v schedule' "$D"
check "sym -v: schedule from kallsyms" grep -q ' schedule  (from kallsyms)$' "$TMP/out"
# Every per-cpu variable found through BTF's .data..percpu.
run_kd -c 'sym -l -v --json' "$D"
jq -r '.symbols[] | select(.origin | startswith("BTF .data..percpu")) | "\(.name) \(.address | ltrimstr("0x"))"' \
	"$TMP/out" | sort >"$TMP/pcpu"
npc=$(wc -l <"$TMP/pcpu")
check "at least 50 per-cpu variables from BTF ($npc)" test "$npc" -ge 50
while read -r n a; do echo "$n $(hex "0x$(map "$n") + $koff")"; done <"$TMP/pcpu" >"$TMP/pcpu.want"
expect_eq "every per-cpu variable equals System.map + KERNELOFFSET" "$(cat "$TMP/pcpu.want")" "$(cat "$TMP/pcpu")"
o=$(origin modules)
expect_eq "sym -v: modules from the code" "code: adrp pair in" "${o:0:18}"
fi
# ---- addresses no symbol kdive knows covers ----
# Past the text (_etext + 16: read-only data kallsyms has no symbol for),
# the middle of .rodata, .data and .bss: sym names the System.map symbol
# nearest below (at that offset), or says "no symbol"; never a far symbol
# (a text symbol + megabytes, a variable of unknown size + its page).
probes=
for p in "_etext 16" "__start_rodata __end_rodata" "_sdata _edata" "__bss_start __bss_stop"; do
	set -- $p
	a=$(map "$1")
	[ -z "$a" ] && continue
	if [ -n "$(map "$2")" ]; then b=$(map "$2"); probes+=" $(hex "0x$a + (0x$b - 0x$a) / 2 + $koff")"
	else probes+=" $(hex "0x$a + $2 + $koff")"; fi
done
: >"$TMP/far"
for a in $probes; do
	run_kd -c "sym $a" "$D"
	got=$(sed -n 's/^[0-9a-f]* ([A-Za-z]) //p' "$TMP/out")
	[ -z "$got" ] && grep -q "no symbol at 0x$a" "$TMP/err" && continue
	# System.map's nearest symbols at or below a - koff (16 hex digits:
	# compared as strings, awk's doubles would round them): NAME+OFF each.
	m=$(printf '%016x' "$((0x$a - koff))")
	near=$(awk -v a="$m" '$2 !~ /^[aAnN]$/ && $1 <= a && $1 >= b { if ($1 > b) l = ""; b = $1; l = l " " $3 }
		END { print b l }' "$FIX/System.map")
	set -- $near
	off=$((0x$m - 0x$1))
	shift
	want=$(for n in "$@"; do printf ' %s+%d' "$n" "$off"; done)
	case " $want " in *" $got "*) ;; *" ${got}+0 "*) ;; *) echo "$a: $got (System.map:$want)" >>"$TMP/far" ;; esac
done
check "probes past _etext and in .rodata, .data, .bss ($(echo $probes | wc -w))" test "$(echo $probes | wc -w)" -ge 3
expect_eq "sym ADDR: the System.map symbol nearest below, or no symbol" "" "$(cat "$TMP/far")"

# The modules list (found from the code without KALLSYMS_ALL): each module's symbols start at its /proc/modules address.
truth modules | awk '{ print $1, substr($6, 3) }' | sort >"$TMP/mods"
: >"$TMP/mods.got"
while read -r m a; do
	run_kd -c "sym -m $m" "$D"
	echo "$m $(head -n 1 "$TMP/out" | cut -d' ' -f1)" >>"$TMP/mods.got"
done <"$TMP/mods"
check "the guest has modules loaded ($(wc -l <"$TMP/mods"))" test -s "$TMP/mods"
# The first function may follow a few bytes of padding (6.12: the ftrace
# call-ops NOPs before each function, -fpatchable-function-entry=4,2).
bad=$(join "$TMP/mods" "$TMP/mods.got" | while read -r m a g; do
	((0x$g >= 0x$a && 0x$g < 0x$a + 16)) || echo "$m $a $g"; done)
expect_eq "sym -m: each module's first symbol within 16 bytes of its /proc/modules address" "" "$bad"
check "sym -m: a first symbol for each module" test "$(wc -l <"$TMP/mods.got")" = "$(wc -l <"$TMP/mods")"
# A System.map on the command line wins (its symbols are not replaced).
if [ "$allsyms" = 0 ]; then
	run_kd --system-map "$FIX/System.map" -c 'sym -v init_task' "$D"
	check "--system-map: init_task comes from the file" grep -q ' init_task  (from System.map)$' "$TMP/out"
fi

# ---- ps: the user tasks of the guest ----
run_kd -c 'ps --json' "$D"
expect_eq "ps exits 0" 0 "$rc"
jq -r '.[] | select(.kernel_thread == false) | "\(.pid) \(.ppid) \(.comm)"' "$TMP/out" | sort -n >"$TMP/ps"
truth tasks | awk '$2 != 2 && $1 != 2 && $5 !~ /^kdive-truth/ { c = $5; for (i = 6; i <= NF; i++) c = c " " $i; print $1, $2, c }' |
	sort -n >"$TMP/tasks"
expect_eq "ps: user tasks (pid ppid comm) equal the guest's" "$(cat "$TMP/tasks")" "$(cat "$TMP/ps")"
ncpu=$(truth nr_cpus)
expect_eq "ps: one idle task per CPU" "$ncpu" "$(jq '[.[] | select(.pid == 0)] | length' "$TMP/out")"
zpid=$(truth marker | sed -n 's/^zombie_pid=//p')
expect_eq "ps: the zombie is ZO" ZO "$(jq -r --argjson p "$zpid" '.[] | select(.pid == $p) | .state' "$TMP/out")"

# ---- log: the guest's markers ----
run_kd -c 'log' "$D"
expect_eq "log exits 0" 0 "$rc"
sed 's/^\[ *[0-9.]*\] //' "$TMP/out" | grep '^kdive-marker: ' | sed 's/\\x01/\x01/' >"$TMP/markers"
expect_eq "log: the 7 markers in order" "$(truth markers)" "$(cat "$TMP/markers")"

# ---- dis: capstone's ARM64 mode, symbolized ----
sched=$(truth kallsyms | awk '$1 == "schedule" { print $2 }')
run_kd -c 'dis schedule 4' "$D"
expect_eq "dis schedule 4: four instructions" 4 "$(grep -c '^0x' "$TMP/out")"
check "dis: the first at schedule's kallsyms address, symbolized" grep -q "^0x$sched <schedule>:" "$TMP/out"
check "dis: the next ones as schedule+4, +8, +12" \
	sh -c "grep -q '<schedule+4>:' '$TMP/out' && grep -q '<schedule+12>:' '$TMP/out'"
# A64 instructions are 4 bytes: the last one's address is schedule + 12.
expect_eq "dis: 4-byte instructions" "0x$(hex "0x$sched + 12")" "$(tail -n 1 "$TMP/out" | cut -d' ' -f1)"

# schedule() calls __schedule(): the bl is symbolized with the guest's address of it.
run_kd -c 'dis schedule' "$D"
s2=$(truth kallsyms | awk '$1 == "__schedule" { print $2 }')
check "dis: schedule's bl to __schedule (0x$s2) is symbolized" grep -Eq "bl +#0x$s2 <__schedule>\$" "$TMP/out"

# ---- vtop -c PID: the marker's pages against its pagemap ----
mpid=$(truth marker | sed -n 's/^pid=//p')
truth pagemap | awk '$3 == 1 { print substr($1, 3), $5 }' | while read -r va pfn; do
	printf '%s %x\n' "$va" $((pfn * $(truth pagesize)))
done >"$TMP/pm"
run_kd -c "vtop -c $mpid --json $(awk '{ printf "%s ", $1 }' "$TMP/pm")" "$D"
jq -r '.[] | "\(.virtual | ltrimstr("0x")) \(.physical | ltrimstr("0x"))"' "$TMP/out" >"$TMP/upm"
expect_eq "vtop -c PID of all $(wc -l <"$TMP/pm") present marker pages equals the guest's pagemap" \
	"$(cat "$TMP/pm")" "$(cat "$TMP/upm")"
anon=$(truth marker | sed -n 's/^anon_addr=0x//p')
run_kd -c "set $mpid > /dev/null; rd -u -64 -x $(hex "0x$anon + 3 * $(truth pagesize)") 2" "$D"
expect_eq "rd -u reads the marker's anon pattern" "6b64697661030000 6b64697661030001" \
	"$(sed 's/^ *[0-9a-f]*: *//' "$TMP/out" | xargs)"

# ---- QEMU's kdump-compressed form (its header says machine "Unknown") ----
K=$FIX/vmcore.qemu-kdump-zlib
run_kd -c 'sys' "$K"
check "qemu-kdump-zlib: sys names the machine aarch64 (from VMCOREINFO)" grep -q 'MACHINE: aarch64$' "$TMP/out"
run_kd -c 'ps --json' "$K"
jq -r '.[] | select(.kernel_thread == false) | "\(.pid) \(.ppid) \(.comm)"' "$TMP/out" | sort -n >"$TMP/ps"
expect_eq "qemu-kdump-zlib: ps user tasks equal the guest's" "$(cat "$TMP/tasks")" "$(cat "$TMP/ps")"
run_kd -c 'log' "$K"
sed 's/^\[ *[0-9.]*\] //' "$TMP/out" | grep '^kdive-marker: ' | sed 's/\\x01/\x01/' >"$TMP/markers"
expect_eq "qemu-kdump-zlib: log has the 7 markers" "$(truth markers)" "$(cat "$TMP/markers")"
done_testing
