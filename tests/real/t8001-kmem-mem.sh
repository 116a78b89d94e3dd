#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# kmem's memory, zone and page forms on the real dumps against what the
# guest read from /proc just before the dump: meminfo (-i), vmstat (-V),
# zoneinfo (-z, -n), buddyinfo and pagetypeinfo (-f), hugepages (-h), the
# marker's pagemap and kpageflags (-p), the kpageflags census (the page
# walk), VMCOREINFO's PG_* numbers (-g), iomem (-n).
#
# Allowed drift: the dump is taken a moment after the truth is recorded and
# the guest keeps running in between (the recorder finishes, writes its
# output and exits; per-cpu page lists drain; the kernel's vmstat worker
# folds per-cpu counter deltas into the globals), so page counts that move
# with allocation (free, slab, anon, LRU, committed) may differ by up to
# DRIFT pages (4 MiB, under 1% of the 512 MiB guest; about 150 pages are
# seen), event counters may only grow, and what does not move at run time
# (sizes, watermarks, hugepages, swap size, the commit limit, page flags of
# the idle marker's pages) must be equal.
. "$KDIVE_SRCDIR/tests/lib.sh"
. "$KDIVE_SRCDIR/tests/real/fixture.sh"
D=$FIX/vmcore.elf
DRIFT=1024
KB=$(($(truth pagesize) / 1024))

near() { # TITLE WANT GOT [TOLERANCE]
	local tol=${4:-$DRIFT} d=$(($3 - $2))
	[ $d -lt 0 ] && d=$((-d))
	if [ -n "$3" ] && [ $d -le "$tol" ]; then ok "$1 ($3, truth $2)"; else
		not_ok "$1"
		printf '#   truth %s, got %s, tolerance %s\n' "$2" "$3" "$tol"
	fi
}
mi() { truth meminfo | awk -v k="$1:" -v kb="$KB" '$1 == k { print ($3 == "kB") ? int($2 / kb) : $2 }'; }

# ---- -i ----
run_kd -c 'kmem -i --json' "$D"
expect_eq "kmem -i exits 0" 0 "$rc"
j() { jq -r ".$1" "$TMP/out"; }
expect_eq "-i: TOTAL MEM is MemTotal" "$(mi MemTotal)" "$(j total_pages)"
near "-i: FREE is MemFree" "$(mi MemFree)" "$(j free_pages)"
expect_eq "-i: USED is TOTAL - FREE" "$(($(j total_pages) - $(j free_pages)))" "$(j used_pages)"
near "-i: SHARED is Shmem" "$(mi Shmem)" "$(j shared_pages)" 64
near "-i: BUFFERS is Buffers" "$(mi Buffers)" "$(j buffers_pages)" 64
near "-i: CACHED is Cached" "$(mi Cached)" "$(j cached_pages)" 64
near "-i: SLAB is Slab" "$(mi Slab)" "$(j slab_pages)"
hp=$(($(mi Hugepagesize) ))
expect_eq "-i: TOTAL HUGE is HugePages_Total huge pages" "$(($(mi HugePages_Total) * hp))" "$(j huge_total_pages)"
expect_eq "-i: HUGE FREE is HugePages_Free huge pages" "$(($(mi HugePages_Free) * hp))" "$(j huge_free_pages)"
expect_eq "-i: TOTAL SWAP is SwapTotal" "$(mi SwapTotal)" "$(j swap_total_pages)"
expect_eq "-i: SWAP FREE is SwapFree" "$(mi SwapFree)" "$(j swap_free_pages)"
expect_eq "-i: SWAP USED is TOTAL - FREE" "$(($(j swap_total_pages) - $(j swap_free_pages)))" "$(j swap_used_pages)"
expect_eq "-i: COMMIT LIMIT is CommitLimit" "$(mi CommitLimit)" "$(j commit_limit_pages)"
near "-i: COMMITTED is Committed_AS" "$(mi Committed_AS)" "$(j committed_pages)"
run_kd -c 'kmem -i' "$D"
check "-i text: crash's header" grep -q '^                 PAGES        TOTAL      PERCENTAGE$' "$TMP/out"
check "-i text: TOTAL MEM row" grep -qE "^    TOTAL MEM +$(mi MemTotal) +[0-9.]+ [KMG]B +----$" "$TMP/out"
check "-i text: FREE as a percentage of TOTAL MEM" grep -qE '^         FREE +[0-9]+ +[0-9.]+ [KMG]B +[0-9]+% of TOTAL MEM$' "$TMP/out"
check "-i text: COMMITTED of TOTAL LIMIT" grep -qE '^    COMMITTED +[0-9]+ .*% of TOTAL LIMIT$' "$TMP/out"

# ---- -V ----
run_kd -c 'kmem -V --json' "$D"
expect_eq "kmem -V exits 0" 0 "$rc"
# Left out: the two dirty thresholds /proc/vmstat computes when read, and
# the deprecated "nr_unstable 0" it prints last (it is no counter).
truth vmstat | grep -vE '^(nr_dirty(_background)?_threshold|nr_unstable) ' >"$TMP/vmstat"
jq -r 'keys_unsorted[]' "$TMP/out" >"$TMP/names"
expect_eq "-V: the names of /proc/vmstat, in its order (less the two computed thresholds)" \
	"$(awk '{ print $1 }' "$TMP/vmstat" | tr '\n' ' ')" "$(tr '\n' ' ' <"$TMP/names")"
bad=""
n=0
first_event=$(awk '$1 == "pgpgin" { print NR }' "$TMP/vmstat")
while read -r name want; do
	got=$(jq -r --arg n "$name" '.[$n]' "$TMP/out")
	n=$((n + 1))
	if [ "$n" -ge "$first_event" ] || [ "${name#numa_}" != "$name" ]; then
		[ "$got" -ge "$want" ] || bad="$bad $name($want>$got)" # events only grow
	else
		d=$((got - want))
		[ ${d#-} -le $DRIFT ] || bad="$bad $name($want/$got)"
	fi
done <"$TMP/vmstat"
expect_eq "-V: counters within the drift, events not below the truth" "" "$bad"

# ---- -z ----
run_kd -c 'kmem -z --json' "$D"
expect_eq "kmem -z exits 0" 0 "$rc"
truth zoneinfo | awk '
	/^Node/ { z = $4 }
	$1 == "spanned" || $1 == "present" || $1 == "managed" || $1 == "min" || $1 == "low" || $1 == "high" { print z, $1, $2 }
	$1 == "start_pfn:" { print z, "start_pfn", $2 }' | sort >"$TMP/want"
jq -r '.[] | "\(.name) spanned \(.spanned)", "\(.name) present \(.present)", "\(.name) managed \(.managed)",
	"\(.name) min \(.min)", "\(.name) low \(.low)", "\(.name) high \(.high)",
	(select(.spanned > 0) | "\(.name) start_pfn \(.start_pfn)")' "$TMP/out" | sort >"$TMP/got"
expect_eq "-z: every zone's span, present, managed, start_pfn and watermarks ($(wc -l <"$TMP/want") values)" \
	"$(cat "$TMP/want")" "$(cat "$TMP/got")"
for z in $(jq -r '.[] | select(.present > 0) | .name' "$TMP/out"); do
	want=$(truth zoneinfo | awk -v z="$z" '/^Node/ { on = ($4 == z) } on && $1 == "nr_free_pages" { print $2; exit }')
	near "-z: zone $z's NR_FREE_PAGES" "$want" "$(jq -r --arg z "$z" '.[] | select(.name == $z) | .vm_stat.NR_FREE_PAGES' "$TMP/out")"
done

# ---- -f ----
run_kd -c 'kmem -f --json' "$D"
expect_eq "kmem -f exits 0" 0 "$rc"
expect_eq "-f: the migrate types are /proc/pagetypeinfo's" \
	"$(truth pagetypeinfo | awk '/type/ && /^Node/ { print $6 }' | sort -u | tr '\n' ' ')" \
	"$(jq -r '.migrate_types[]' "$TMP/out" | sort -u | tr '\n' ' ')"
expect_eq "-f: each order's blocks are the sum of its migrate-type lists" "" \
	"$(jq -r '.zones[].orders[] | select(.blocks != ([.by_type[]] | add)) | "\(.order)"' "$TMP/out")"
while read -r _ node _ zone rest; do
	zone=${zone%,}
	set -- $rest
	want=0
	o=0
	for b in "$@"; do want=$((want + (b << o))); o=$((o + 1)); done
	got=$(jq -r --arg z "$zone" '.zones[] | select(.name == $z) | .free' "$TMP/out")
	near "-f: zone $zone's free pages (buddyinfo)" "$want" "$got"
	got10=$(jq -r --arg z "$zone" '.zones[] | select(.name == $z) | .orders[-1].blocks' "$TMP/out")
	near "-f: zone $zone's blocks of the highest order" "${!#}" "$got10" 8
done < <(truth buddyinfo)
run_kd -c 'kmem -f' "$D"
check "-f text: pagetypeinfo's lines" grep -qE '^Node +0, zone +DMA32, type +Movable( +[0-9]+)+ $' "$TMP/out"

# ---- -h ----
run_kd -c 'kmem -h --json' "$D"
expect_eq "kmem -h exits 0" 0 "$rc"
expect_eq "-h: size, total and free of each hstate (hugepages)" \
	"$(truth hugepages | grep -v '^#' | awk '{ print $1, $2, $3 }' | sort)" \
	"$(jq -r '.[] | "\(.size_kb) \(.total) \(.free)"' "$TMP/out" | sort)"

# ---- -o ----
run_kd -c 'kmem -o --json' "$D"
expect_eq "-o: one offset per CPU" "$(truth nr_cpus)" "$(jq length "$TMP/out")"

# ---- -g: flag bits against VMCOREINFO's PG_* numbers ----
run_kd -c 'kmem -g --json' "$D"
bad=""
while IFS='=' read -r key val; do
	name=${key#NUMBER(}
	name=${name%)}
	got=$(jq -r --argjson b "$val" '.[] | select(.bit == $b) | [.name] + (.aliases // []) | join(",")' "$TMP/out")
	[[ ",$got," == *",$name,"* ]] || bad="$bad $name=$val($got)"
done < <(truth vmcoreinfo_sysfs | grep -E '^NUMBER\(PG_[a-z_]+\)=' | grep -v _mask)
expect_eq "-g: every NUMBER(PG_*) of VMCOREINFO names its bit (as the name or an alias)" "" "$bad"
run_kd -c 'kmem -g 0x80014' "$D"
check "-g FLAGS: decodes PG_uptodate, PG_lru, PG_swapbacked" sh -c \
	"grep -q ' 2  0000000000000004  PG_uptodate' '$TMP/out' && grep -q ' 4  0000000000000010  PG_lru' '$TMP/out' && grep -q ' 19  0000000000080000  PG_swapbacked' '$TMP/out'"

# ---- -p: the marker's pages against /proc/PID/pagemap and /proc/kpageflags ----
# kpageflags bits (include/uapi/linux/kernel-page-flags.h) that are plain
# copies of a PG_ flag or of the page's state:
#   3 UPTODATE 4 DIRTY 5 LRU 11 MMAP (mapcount) 12 ANON (mapping & 1)
#   14 SWAPBACKED 34 MAPPEDTODISK (PG_anon_exclusive shares the bit).
truth pagemap >"$TMP/pm"
cmds=$(awk '{ printf "kmem -p --json %s000; ", $5 }' "$TMP/pm")
run_kd -c "$cmds" "$D"
expect_eq "-p of $(wc -l <"$TMP/pm") marker pages exits 0" 0 "$rc"
jq -c '.[0]' "$TMP/out" >"$TMP/pages"
bad=""
while read -r _ _ _ _ pfn kpf _ _ && read -r page <&3; do
	kpf=$((kpf))
	has() { jq -e --arg f "$1" '.flag_names | index($f)' <<<"$page" >/dev/null && echo 1 || echo 0; }
	want="$(((kpf >> 3) & 1))$(((kpf >> 4) & 1))$(((kpf >> 5) & 1))$(((kpf >> 14) & 1))$(((kpf >> 34) & 1))$(((kpf >> 12) & 1))$(((kpf >> 11) & 1))"
	anon=$(jq -r '(.mapping | ltrimstr("0x") | explode | last) as $c | if ([$c] | implode | test("[13579bdf]")) then 1 else 0 end' <<<"$page")
	mmap=$(jq -r 'if .mapcount >= 0 then 1 else 0 end' <<<"$page")
	got="$(has uptodate)$(has dirty)$(has lru)$(has swapbacked)$(has mappedtodisk)$anon$mmap"
	[ "$want" = "$got" ] || bad="$bad $pfn:$want/$got"
	[ "$(jq -r .pfn <<<"$page")" = "$((pfn))" ] || bad="$bad $pfn:pfn"
done <"$TMP/pm" 3<"$TMP/pages"
expect_eq "-p: uptodate dirty lru swapbacked mappedtodisk anon mmap of each marker page as kpageflags" "" "$bad"
run_kd -c "kmem -p $(awk 'NR == 1 { print $5 }' "$TMP/pm")000" "$D"
check "-p text: crash's header" grep -q '^      PAGE           PHYSICAL       MAPPING        INDEX CNT FLAGS$' "$TMP/out"

# ---- the whole page array against the kpageflags census ----
run_kd -c 'kmem -p --json' "$D"
expect_eq "kmem -p (every page) exits 0" 0 "$rc"
expect_eq "-p: one struct page per pfn the census saw" "$(truth kpageflags_census | awk '$1 == "pfns" { print $2 }')" "$(jq length "$TMP/out")"
reserved=0
buddy=0
while read -r w n; do
	[ "$w" = pfns ] && continue
	(((w >> 32) & 1)) && reserved=$((reserved + n))
	(((w >> 10) & 1)) && buddy=$((buddy + n))
done < <(truth kpageflags_census)
near "-p: pages with PG_reserved (census KPF_RESERVED)" "$reserved" \
	"$(jq '[.[] | select(.flag_names | index("reserved"))] | length' "$TMP/out")" 16
near "-p: pages in free buddy blocks (census KPF_BUDDY)" "$buddy" \
	"$(jq '[.[] | select(.types | index("buddy")) | pow(2; .order)] | add' "$TMP/out")"

# ---- -n ----
run_kd -c 'kmem -n --json' "$D"
expect_eq "kmem -n exits 0" 0 "$rc"
expect_eq "-n: the zones of zoneinfo" "$(truth zoneinfo | awk '/^Node/ { print $4 }' | tr '\n' ' ')" \
	"$(jq -r '.nodes[].zones[].name' "$TMP/out" | tr '\n' ' ')"
secbits=$(truth vmcoreinfo_sysfs | sed -n 's/^NUMBER(SECTION_SIZE_BITS)=//p')
bad=""
while read -r range _ what; do
	[ "$what" = "System RAM" ] || continue
	for a in ${range%-*} ${range#*-}; do
		nr=$((0x$a >> secbits))
		jq -e --argjson n "$nr" '.sections[] | select(.nr == $n and (.state | startswith("P M")))' "$TMP/out" >/dev/null ||
			bad="$bad $a"
	done
done < <(truth iomem | sed 's/^ *//; s/ : / - /' | awk -F' - ' '{ print $1, "-", $2 }')
expect_eq "-n: every System RAM range of iomem lies in present sections with a mem_map" "" "$bad"

# ---- kmem ADDR ----
run_kd -c 'kmem init_task' "$D"
check "kmem init_task: the symbol" grep -qE '^[0-9a-f]{16} \([dD]\) init_task$' "$TMP/out"
page=$(head -n 1 "$TMP/pages" | jq -r .page)
run_kd -c "kmem $page" "$D"
check "kmem PAGE of a marker anon page: mapped, anonymous" grep -q 'STATE: mapped 1 time, anonymous' "$TMP/out"
mpid=$(truth marker | sed -n 's/^pid=//p')
task=$("$KDIVE" -n -c "ps --json $mpid" "$D" | jq -r '.[0].task')
stack=$("$KDIVE" -n -c "struct task_struct.stack $task" "$D" | sed -n 's/.*stack = \(0x[0-9a-f]*\).*/\1/p')
run_kd -c "kmem $(printf '%x' $((stack + 64)))" "$D"
check "kmem of an address in the marker's kernel stack names the task" grep -qE "^PID: $mpid .*kdive-marker" "$TMP/out"
run_kd -c "kmem --json $(printf '%x' $((stack + 64)))" "$D"
expect_eq "kmem --json: the stack's pid" "$mpid" "$(jq -r .stack.pid "$TMP/out")"

# ---- other dump forms: kdump-compressed with excluded pages ----
run_kd -c 'kmem -i --json; kmem -z; kmem -f; kmem -p 0x1000' "$FIX/vmcore.kdump-zlib"
expect_eq "kmem on vmcore.kdump-zlib exits 0" 0 "$rc"
check "kmem on vmcore.kdump-zlib: no warning" sh -c "! grep -q . '$TMP/err'"

done_testing
