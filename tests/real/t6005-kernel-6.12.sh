#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The mission commands on a second kernel version: Debian 12's backports
# kernel (scripts/mkvmcore --backports: 6.12 today, whatever linux-image-amd64
# in bookworm-backports depends on), made with --no-dbg: the dump alone.
# 6.12 differs from the default fixture's 6.1 in many structures kdive reads
# (vmap_nodes, struct slab, page types in page_type, module mem[] regions,
# the init stack's symbols...); nothing in kdive is per kernel, so the same
# code must read it.  Compared with that guest's own truth: sys, sym, log, ps,
# bt, kmem -i, kmem -s, vm, pagemap, vtop, and ps on a makedumpfile -d 31
# form: makedumpfile 1.7.2 does not know 6.12's struct slab (no PG_slab; the
# word at page.mapping often has bit 0 set) and drops live slab pages as
# "user process data", among them parts of task_structs and struct pids.
MKVMCORE_ARGS="--backports --no-dbg"
export MKVMCORE_ARGS
. "$KDIVE_SRCDIR/tests/lib.sh"
. "$KDIVE_SRCDIR/tests/real/fixture.sh"
D=$FIX/vmcore.elf
mpid=$(truth marker | sed -n 's/^pid=//p')

# ---- sys, sym, log ----
run_kd -c 'sys' "$D"
expect_eq "sys exits 0" 0 "$rc"
expect_eq "sys RELEASE is the guest's uname -r ($(truth uname_r))" "$(truth uname_r)" \
	"$(sed -n 's/^ *RELEASE: //p' "$TMP/out")"
run_kd -c "$(truth kallsyms | awk '{ printf "sym %s; ", $1 }')" "$D"
awk '{ print $3, $1 }' "$TMP/out" | sort >"$TMP/gotsym"
truth kallsyms | awk '{ print $1, $2 }' | sort >"$TMP/wantsym"
expect_eq "sym gives kallsyms' address for $(wc -l <"$TMP/wantsym") symbols" "" \
	"$(comm -23 "$TMP/wantsym" "$TMP/gotsym" | head -n 3 | tr '\n' ';')"
# A module variable: 6.4+ places a module's data apart from its text (mem[]).
ml=$(truth modules | awk '$1 == "loop" { print $6 }')
run_kd -c 'sym -m loop' "$D"
dv=$(awk '$2 == "(d)" || $2 == "(D)" { print $1; exit }' "$TMP/out")
run_kd -c "sym $dv" "$D"
check "sym of a module data address ($dv, text at $ml) names a [loop] symbol" grep -q '\[loop\]$' "$TMP/out"
run_kd -c 'mod --json' "$D"
expect_eq "mod: every module's name, size and base as /proc/modules" \
	"$(truth modules | awk '{ print $1, $2, $6 }' | sort)" \
	"$(jq -r '.[] | "\(.name) \(.size) \(.base)"' "$TMP/out" | sed 's/0x0*/0x/' | sort)"
run_kd -c 'log --json' "$D"
expect_eq "log exits 0" 0 "$rc"
jq -r '.[].text' "$TMP/out" | grep -F -x -f <(truth markers) >"$TMP/gotm" || true
expect_eq "log holds the 7 markers in order" "$(truth markers | tr '\n' '|')" "$(tr '\n' '|' <"$TMP/gotm")"

# ---- ps ----
# /proc shows a kworker's comm with its workqueue appended: those are left out.
truth tasks | awk '$5 !~ /^kworker/ { c = $5; for (i = 6; i <= NF; i++) c = c " " $i; print $1, $2, $3, substr(c, 1, 15) }' |
	sort -u >"$TMP/want"
nwant=$(wc -l <"$TMP/want")
run_kd -c 'ps --json' "$D"
expect_eq "elf: ps --json exits 0" 0 "$rc"
jq -r '.[] | "\(.pid) \(.ppid) \(.tgid) \(.comm)"' "$TMP/out" | sort -u >"$TMP/got"
expect_eq "elf: every task the guest saw ($nwant) is in ps" "" \
	"$(comm -23 "$TMP/want" "$TMP/got" | head -n 5 | tr '\n' ';')"

# The -d 31 form: whatever makedumpfile dropped, ps lists >= 97% of the
# guest's threads; when it lost anything it says so on stderr (each lost
# link or struct by address), exits 1, and marks the tasks it read in part.
# Threads by pid here (kworkers too: their /proc comm differs from the task's).
truth tasks | awk '{ print $1 }' | sort -u >"$TMP/wantpids"
nall=$(wc -l <"$TMP/wantpids")
for f in kdump-zlib flat elf-filtered; do
	run_kd -c 'ps --json' "$FIX/vmcore.$f"
	jq -r '.[] | "\(.pid) \(.ppid) \(.tgid) \(.comm)"' "$TMP/out" | sort -u >"$TMP/got"
	jq -r '.[].pid' "$TMP/out" | sort -u >"$TMP/gotpids"
	lost=$(comm -23 "$TMP/wantpids" "$TMP/gotpids" | wc -l)
	check "$f: ps lists >= 97% of the guest's $nall threads (lost $lost)" test $((lost * 100)) -le $((nall * 3))
	expect_eq "$f: the user tasks and kernel threads but kworkers listed have the guest's pid, ppid, tgid, comm" "" \
		"$(comm -23 "$TMP/want" "$TMP/got" | awk 'NR == FNR { lost[$1] = 1; next } !($1 in lost)' \
			<(comm -23 "$TMP/wantpids" "$TMP/gotpids") - | head -n 5 | tr '\n' ';')"
	nparts=$(jq '[.[] | select(.incomplete)] | length' "$TMP/out")
	if [ -s "$TMP/err" ] || [ "$nparts" -gt 0 ]; then
		expect_eq "$f: something was lost ($(grep -c '^warning: ps: ' "$TMP/err") named, $nparts task(s) in part): exit 1" 1 "$rc"
		check "$f: each warning names an address and why" \
			awk '/^warning: ps: / && !/0x[0-9a-f]+.*(excluded|not in the dump|not mapped)/ { bad = 1 } END { exit bad }' "$TMP/err"
		bad=$(jq -r '.[] | select(.incomplete) | select((.reason // "") | test("0x[0-9a-f]+") | not) | .pid' "$TMP/out")
		expect_eq "$f: each task read in part has a reason with its address" "" "$bad"
	else
		expect_eq "$f: nothing lost: exit 0" 0 "$rc"
	fi
done

# ---- bt: /proc/PID/stack without the scheduler's own frames ----
run_kd -c 'sym __sched_text_start; sym __sched_text_end; sym __lock_text_start; sym __lock_text_end' "$D"
read -r ss se ls le <<<"$(awk '{ printf "%s ", $1 }' "$TMP/out")"
truth stacks >"$TMP/stacks"
n=0
# (kworkers left out: they may run between the recording and the dump)
for t in $(awk '$1 == "task" && $3 !~ /^kworker/ { print $2 }' "$TMP/stacks"); do
	awk -v t="$t" '$1 == "task" { on = ($2 == t); next } on { sub(/^\[<[0-9a-f]+>\] /, ""); sub(/\/0x[0-9a-f]+$/, ""); print }' \
		"$TMP/stacks" >"$TMP/want"
	run_kd -c "bt -s $t" "$D"
	awk -v ss="$ss" -v se="$se" -v ls="$ls" -v le="$le" '/^ *#[0-9]+ \[/ {
		pc = "" $NF
		if ((pc >= ss "" && pc < se "") || (pc >= ls "" && pc < le "")) next
		split($3, p, "+"); printf "%s+0x%x\n", p[1], p[2] }' "$TMP/out" >"$TMP/got"
	if [ "$rc" = 0 ] && cmp -s "$TMP/want" "$TMP/got"; then
		ok "bt $t: the functions and offsets of /proc/$t/stack ($(wc -l <"$TMP/want") frames)"
	else
		not_ok "bt $t: the functions and offsets of /proc/$t/stack (exit $rc)"
		diff "$TMP/want" "$TMP/got" | show
		show "$TMP/err"
	fi
	n=$((n + 1))
done
check "the guest recorded several stacks ($n)" test "$n" -ge 5

# ---- kmem -i, kmem -s ----
KB=$(($(truth pagesize) / 1024))
mi() { truth meminfo | awk -v k="$1:" -v kb="$KB" '$1 == k { print ($3 == "kB") ? int($2 / kb) : $2 }'; }
run_kd -c 'kmem -i --json' "$D"
expect_eq "kmem -i exits 0" 0 "$rc"
expect_eq "kmem -i: TOTAL MEM is MemTotal" "$(mi MemTotal)" "$(jq .total_pages "$TMP/out")"
expect_eq "kmem -i: TOTAL SWAP is SwapTotal" "$(mi SwapTotal)" "$(jq .swap_total_pages "$TMP/out")"
expect_eq "kmem -i: COMMIT LIMIT is CommitLimit" "$(mi CommitLimit)" "$(jq .commit_limit_pages "$TMP/out")"
# Free pages move between the recording and the dump (3,000 pages on a 6.12
# boot): FREE is compared with the free pages makedumpfile counted in the
# same dump (its own walk of the page flags and buddy page types).
mdf=$(awk '/Free pages/ { print $NF; exit }' "$FIX/makedumpfile.log")
expect_eq "kmem -i: FREE is the free pages makedumpfile -d 31 counted in this dump" "$((mdf))" \
	"$(jq .free_pages "$TMP/out")"
truth slabinfo | awk 'NR > 2 { print $1, $4, $5, $6 }' | sort >"$TMP/want"
run_kd -c 'kmem -s --json' "$D"
expect_eq "kmem -s exits 0" 0 "$rc"
jq -r '.caches[] | "\(.name) \(.size) \(.objects_per_slab) \(pow(2; .order))"' "$TMP/out" | sort >"$TMP/got"
expect_eq "kmem -s: every cache's name, objsize, objects and pages per slab as /proc/slabinfo ($(wc -l <"$TMP/want"))" \
	"" "$(diff "$TMP/want" "$TMP/got" | head -n 6 | tr '\n' ';')"
run_kd -c 'kmem -S task_struct --json; kmem -S kmalloc-64 --json' "$D"
expect_eq "kmem -S walks nr_slabs slabs and total_objects objects" "" \
	"$(jq -r '.caches[] | select(.walked_slabs != .slabs or .walked_objects != .total) | .name' "$TMP/out" | tr '\n' ' ')"

# ---- vm, pagemap, vtop: the marker's memory ----
truth marker_maps | awk '{ split($1, r, "-"); print r[1], r[2], $2 }' | sed -E 's/^0+([0-9a-f])/\1/; s/ 0+([0-9a-f])/ \1/' >"$TMP/want"
run_kd -c "vm --json $mpid" "$D"
expect_eq "vm exits 0" 0 "$rc"
jq -r '.[] | .vmas[] | "\(.start | ltrimstr("0x")) \(.end | ltrimstr("0x")) \(.perms)"' "$TMP/out" >"$TMP/got"
expect_eq "vm: the marker's VMAs (range, permissions) as /proc/PID/maps" "" "$(diff "$TMP/want" "$TMP/got" | tr '\n' ';')"
truth pagemap >"$TMP/pm"
run_kd -c "pagemap -p $mpid -L -r --json" "$D"
expect_eq "pagemap -p exits 0" 0 "$rc"
# KPF_KSM (bit 21) is left out of the comparison: 6.12's stable_page_flags()
# sets it on every anonymous page (mapping & PAGE_MAPPING_KSM, with KSM =
# ANON|MOVABLE); kdive reports a page's KSM state, (mapping & 3) == 3.
bad=""
while read -r va entry _ swapped pfn kpf cnt kind; do
	vpn=$(printf '0x%x' $((va / 4096)))
	if [ "$swapped" = 1 ]; then
		# A swap entry (truth format 3): bits 0-4 the type, 5-54 the offset.
		got=$(jq -r --arg v "$vpn" '.pages[] | select(.vpn == $v) | "\(.pagemap_entry) \(.swap_offset)"' "$TMP/out")
		want="$(printf '0x%x 0x%x' "$entry" $(((entry >> 5) & ((1 << 50) - 1))))"
		[ "$got" = "$want" ] || bad="$bad [$kind $vpn: want $want got $got]"
		continue
	fi
	got=$(jq -r --arg v "$vpn" '.pages[] | select(.vpn == $v) | "\(.pagemap_entry) \(.pfn) \(.kpageflags) \(.mapcount)"' "$TMP/out")
	read -r ge gp gk gc <<<"$got"
	want="$(printf '0x%x 0x%x 0x%x %s' "$entry" "$pfn" $((kpf & ~(1 << 21))) "$cnt")"
	got="$ge $gp $(printf '0x%x' $((${gk:-0} & ~(1 << 21)))) $gc"
	[ "$got" = "$want" ] || bad="$bad [$kind $vpn: want $want got $got]"
done <"$TMP/pm"
expect_eq "pagemap: each marker page's entry, pfn or swap offset, kpageflags (but KSM) and map count" "" "$bad"
a3=$(printf '%x' $(( $(truth marker | sed -n 's/^anon_addr=//p') + 3 * 4096 )))
p3=$(awk 'NR == 4 { print $5 }' "$TMP/pm")
run_kd -c "vtop -c $mpid $a3" "$D"
check "vtop -c MARKER of anon page 3 gives the guest's pfn ($p3)" \
	grep -qiE "^ *$a3 +0*$(printf '%x' $((p3)))000( |$)" "$TMP/out"
run_kd -c "set $mpid > /dev/null; rd -u -64 -x $a3 2" "$D"
expect_eq "rd -u reads the marker's anon pattern on page 3" "6b64697661030000 6b64697661030001" \
	"$(awk '{ print $2, $3 }' "$TMP/out")"
done_testing
