#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# pagemap -p of a large process on a dump (issue 14): the fixture made by
# `scripts/mkvmcore --mem 2048 --bigmap 1024` has kdive-bigmap, a process
# with 1 GiB of anonymous memory in 262,144 pages, each written, and the
# guest's own /proc/PID/pagemap, /proc/kpageflags and /proc/kpagecount for
# every one of those pages (truth bigmap_pagemap, in runs).  kdive's ranges
# (-l, equal flags and map count, consecutive frames) expanded to pages must
# equal them page by page: the pagemap entry (present, exclusive,
# soft-dirty, pfn), the whole kpageflags word and the map count; on the ELF
# and on a makedumpfile -d 31 dump (the user pages are dropped, their
# struct pages and page tables kept).  The same fixture is the benchmark
# of bench/pagemap.sh.  Skipped when the fixture has not been made (it is
# not made here: ~1 minute and 3 GB).
. "$KDIVE_SRCDIR/tests/lib.sh"
root=${KDIVE_FIXTURES:-${HOME:-/root}/.cache/kdive/fixtures}
FIX=
for d in "$root"/*-amd64-kaslr-m2048-s2-b1024; do
	[ -f "$d/DONE" ] && FIX=$d && break
done
if [ -z "$FIX" ]; then
	echo "1..0 # SKIP no fixture $root/*-amd64-kaslr-m2048-s2-b1024 (scripts/mkvmcore --mem 2048 --bigmap 1024)"
	exit 0
fi
truth() { "$KDIVE_SRCDIR/scripts/truth" "$FIX/truth.txt" "$1"; }
pid=$(truth bigmap | sed -n 's/^bigmap_pid=//p')
addr=$(truth bigmap | sed -n 's/^bigmap_addr=//p')
pages=$(truth bigmap | sed -n 's/^bigmap_pages=//p')
ps=$(truth pagesize)
# Hexadecimal in awk (mawk has no strtonum): a word as "HIGH LOW", its bits
# 52-63 as three hex digits and bits 0-51 as a number (exact in a double);
# the pfn and the flags the kernel defines fit in LOW.
HEX='function hex(s,  v, i) { s = tolower(s); sub(/^0x/, "", s); v = 0
	for (i = 1; i <= length(s); i++) v = v * 16 + index("0123456789abcdef", substr(s, i, 1)) - 1
	return v }
function word(s,  t) { s = tolower(s); sub(/^0x/, "", s); t = sprintf("%16s", s); gsub(/ /, "0", t)
	return substr(t, 1, 3) " " sprintf("%.0f", hex(substr(t, 4))) }'
# The guest's runs, one line a page: vpn, pagemap entry, kpageflags, count.
truth bigmap_pagemap | awk -v ps="$ps" "$HEX"'
	!/^#/ {
		va = hex($1); split(word($3), e, " "); present = substr(e[1], 1, 1) ~ /[89a-f]/
		split(word($4), f, " ")
		for (i = 0; i < $2; i++)
			printf "%.0f %s %.0f %s %.0f %s\n", va / ps + i, e[1], e[2] + (present ? i : 0), f[1], f[2], $5
	}' >"$TMP/want"
expect_eq "the guest recorded each of kdive-bigmap's $pages pages" "$pages" "$(wc -l <"$TMP/want")"

check_big() { # LABEL DUMP
	run_kd -c "pagemap -p $pid -a $addr,$(printf '0x%x' $((addr + pages * ps))) -l -M -r -N --json" "$2"
	expect_eq "$1: pagemap -p exits 0" 0 "$rc"
	show "$TMP/err"
	jq -r '.ranges[] | "\(.vpn) \(.pages) \(.pagemap_entry) \(.kpageflags) \(.mapcount)"' "$TMP/out" |
		awk "$HEX"'{
			v = hex($1); split(word($3), e, " "); split(word($4), f, " ")
			for (i = 0; i < $2; i++)
				printf "%.0f %s %.0f %s %.0f %s\n", v + i, e[1], e[2] + i, f[1], f[2], $5
		}' >"$TMP/got"
	diff "$TMP/want" "$TMP/got" | head -n 5 >"$TMP/d"
	check "$1: each of the $pages pages: pagemap entry, pfn, kpageflags and kpagecount as the guest read them" \
		test ! -s "$TMP/d"
	[ -s "$TMP/d" ] && show "$TMP/d"
}
check_big "elf" "$FIX/vmcore.elf"
check_big "kdump-zlib (-d 31)" "$FIX/vmcore.kdump-zlib"

# The summary (page-types' view: the kernel-internal bits 32-47 hidden):
# every page under the flags value the guest saw.
run_kd -c "pagemap -p $pid -a $addr,$(printf '0x%x' $((addr + pages * ps))) --json" "$FIX/vmcore.elf"
want=$(truth bigmap_pagemap | awk "$HEX"'!/^#/ { split(word($4), f, " "); n[f[2] % 4294967296] += $2 }
	END { for (v in n) printf "%.0f %d\n", v, n[v] }' | sort)
got=$(jq -r '.summary[] | "\(.flags) \(.pages)"' "$TMP/out" | awk "$HEX"'{ printf "%.0f %d\n", hex($1), $2 }' | sort)
expect_eq "summary of the 1 GiB: pages per flags value" "$want" "$got"
done_testing
