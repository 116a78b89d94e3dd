#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# pagemap on a dump (issue 14): what the dumped kernel's /proc/PID/pagemap,
# /proc/kpageflags and /proc/kpagecount said, computed from the dump alone,
# against what the guest read from those files just before the dump:
#  - the marker's 20 pages (truth pagemap): the whole pagemap entry (present,
#    file, exclusive, soft-dirty, pfn), the whole kpageflags word and the map
#    count, equal page by page, on the unfiltered ELF and on a makedumpfile
#    -d 31 dump (user pages dropped: their struct pages and page tables stay);
#  - every page frame (truth kpageflags_census): as many frames as the guest's
#    /proc/kpageflags has, and each flags value's count within a drift:
#    the recorder (kdive-truth) exits after it recorded, freeing its pages,
#    page tables and slab objects, so counts move by up to 128 pages plus 1%
#    between the census and the dump (about 100 are seen).
. "$KDIVE_SRCDIR/tests/lib.sh"
. "$KDIVE_SRCDIR/tests/real/fixture.sh"
mpid=$(truth marker | sed -n 's/^pid=//p')
truth pagemap >"$TMP/pm"
# Truth format 3 adds 8 pages pushed out to the swap device (kind swap).
npm=$(truth marker | awk -F= '$1 ~ /^(anon|file|swap)_pages$/ { n += $2 } END { print n }')
check "the guest recorded the marker's $npm pages" test "$(wc -l <"$TMP/pm")" = "$npm"

check_marker() { # LABEL DUMP
	run_kd -c "pagemap -p $mpid -L -r --json" "$2"
	expect_eq "$1: pagemap -p exits 0" 0 "$rc"
	show "$TMP/err"
	bad=""
	while read -r va entry _ swapped pfn kpf cnt kind; do
		vpn=$(printf '0x%x' $((va / 4096)))
		if [ "$swapped" = 1 ]; then
			# A swap entry (fs/proc/task_mmu.c): bits 0-4 the type, 5-54 the offset.
			got=$(jq -r --arg v "$vpn" '.pages[] | select(.vpn == $v) | "\(.pagemap_entry) \(.swap_offset) \(.swapped)"' "$TMP/out")
			want="$(printf '0x%x 0x%x true' "$entry" $(((entry >> 5) & ((1 << 50) - 1))))"
		else
			got=$(jq -r --arg v "$vpn" '.pages[] | select(.vpn == $v) | "\(.pagemap_entry) \(.pfn) \(.kpageflags) \(.mapcount)"' "$TMP/out")
			want="$(printf '0x%x 0x%x 0x%x %s' "$entry" "$pfn" "$kpf" "$cnt")"
		fi
		[ "$got" = "$want" ] || bad="$bad [$kind $vpn: want $want got ${got:-nothing}]"
	done <"$TMP/pm"
	expect_eq "$1: each marker page: pagemap entry, pfn or swap offset, kpageflags, kpagecount" "" "$bad"
}
check_marker "elf" "$FIX/vmcore.elf"
check_marker "kdump-zlib (-d 31)" "$FIX/vmcore.kdump-zlib"

D=$FIX/vmcore.elf
run_kd -c "pagemap -p $mpid" "$D"
check "text: page-types' summary header" grep -q $'^             flags\tpage-count       MB  symbolic-flags\t\t\tlong-symbolic-flags$' "$TMP/out"
check "text: a total line" grep -qE $'^             total\t +[0-9]+ +[0-9]+$' "$TMP/out"
run_kd -c "pagemap -p $mpid -b anon --json" "$D"
check "-b anon: at least the marker's 16 anonymous pages ($(jq .total_pages "$TMP/out"))" test "$(jq .total_pages "$TMP/out")" -ge 16
a0=$(truth marker | sed -n 's/^anon_addr=//p')
run_kd -c "pagemap -p $mpid -a $a0,$(printf '0x%x' $((a0 + 16 * 4096))) -l -N" "$D"
expect_eq "-a over the anonymous area, -l: the 16 pages in ranges" 16 \
	"$(awk -F'\t' 'NR > 1 { print $3 }' "$TMP/out" | while read -r l; do echo $((0x$l)); done | awk '{ n += $1 } END { print n }')"

# Every frame against the census.
run_kd -c 'pagemap -L -N --json' "$D"
expect_eq "pagemap of every frame exits 0" 0 "$rc"
jq -r '.pages[].kpageflags' "$TMP/out" | sort | uniq -c | awk '{ print $2, $1 }' >"$TMP/got"
expect_eq "as many frames as the guest's /proc/kpageflags" "$(truth kpageflags_census | awk '$1 == "pfns" { print $2 }')" \
	"$(awk '{ n += $2 } END { print n }' "$TMP/got")"
bad=$(truth kpageflags_census | awk '$1 != "pfns" { printf "%s %d\n", $1, $2 }' | while read -r w n; do
	g=$(awk -v w="$(printf '0x%x' "$w")" '$1 == w { print $2 }' "$TMP/got")
	g=${g:-0}
	d=$((g > n ? g - n : n - g))
	[ "$d" -le $((128 + n / 100)) ] || echo "$w: guest $n, dump $g"
done | tr '\n' ';')
expect_eq "each kpageflags value's count within the drift" "" "$bad"

run_kd -c 'pagemap -p 2' "$D"
expect_eq "a kernel thread: exit 1" 1 "$rc"
check "...saying it has no user address space" grep -q 'no user address space' "$TMP/err"
run_kd -c "pagemap -f /etc/passwd" "$D"
expect_eq "-f on a dump: exit 1" 1 "$rc"
done_testing
