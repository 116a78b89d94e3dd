#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# pagemap on the running kernel (issue 14) against /proc read directly by
# this test: a process (tests/tools/pmtarget) with anonymous, untouched,
# file-backed, shared and mlocked pages; for each of its pages the page
# frame and pagemap entry bits, the /proc/kpageflags bits that do not move
# while the process sleeps (mmap, anonymous, swapbacked, unevictable,
# mlocked, compound, huge), the map count; -d against the uapi bit numbers.
. "$KDIVE_SRCDIR/tests/lib.sh"
if [ "$(id -u)" != 0 ] || [ ! -r /proc/kpageflags ]; then
	echo "1..0 # SKIP needs root and /proc/kpageflags (page frames and flags are hidden otherwise)"
	exit 0
fi
command -v python3 >/dev/null || { echo "1..0 # SKIP needs python3 to read /proc"; exit 0; }

"$KDIVE_BUILDDIR/tests/tools/pmtarget" "$TMP/file" >"$TMP/maps" &
tpid=$!
trap 'kill $tpid 2>/dev/null; rm -rf "$TMP"' EXIT
for _ in $(seq 50); do grep -q ready "$TMP/maps" 2>/dev/null && break; sleep 0.1; done
check "the target is ready" grep -q ready "$TMP/maps"

# The truth, read here: per page of the target's regions
# "kind vpn present swapped file exclusive pfn stableflags count".
python3 - "$tpid" "$TMP/maps" >"$TMP/want" <<'PY'
import struct, sys
pid, mapsfile = sys.argv[1], sys.argv[2]
ps = 4096
import os
ps = os.sysconf("SC_PAGESIZE")
stable = sum(1 << b for b in (11, 12, 14, 15, 16, 17, 18, 33))
pm = open(f"/proc/{pid}/pagemap", "rb"); kf = open("/proc/kpageflags", "rb"); kc = open("/proc/kpagecount", "rb")
for line in open(mapsfile):
    w = line.split()
    if len(w) != 3: continue
    kind, addr, n = w[0], int(w[1], 16), int(w[2])
    for i in range(n):
        vpn = addr // ps + i
        pm.seek(vpn * 8); e, = struct.unpack("<Q", pm.read(8))
        present, swapped = e >> 63 & 1, e >> 62 & 1
        pfn = e & ((1 << 55) - 1) if present else 0
        fl = cnt = 0
        if present:
            kf.seek(pfn * 8); fl, = struct.unpack("<Q", kf.read(8))
            kc.seek(pfn * 8); cnt, = struct.unpack("<Q", kc.read(8))
        print(kind, format(vpn, "x"), present, swapped, e >> 61 & 1, e >> 56 & 1, format(pfn, "x"), format(fl & stable, "x"), cnt)
PY
check "the truth has the 24 pages" test "$(wc -l <"$TMP/want")" = 24
expect_eq "untouched pages are not present" "0 0 0 0" "$(awk '$1 == "untouched" { printf "%s%s", s, $3; s = " " }' "$TMP/want")"

run_kd -c "pagemap -p $tpid -L -r -M --json"
expect_eq "pagemap -p -L exits 0" 0 "$rc"
show "$TMP/err"
# kdive's view of the same pages: the raw word is kd_kpf_raw of kpageflags,
# so compare the stable bits of "kpageflags" (the kernel's own word).
jq -r '.pages[] | "\(.vpn) \(.pfn) \(.kpageflags) \(.mapcount) \(if .file_or_shared then 1 else 0 end) \(if .exclusive then 1 else 0 end)"' \
	"$TMP/out" >"$TMP/got-all"
bad=0
while read -r kind vpn present swapped file excl pfn fl cnt; do
	[ "$present" = 1 ] || continue
	line=$(awk -v v="0x$vpn" '$1 == v' "$TMP/got-all")
	if [ -z "$line" ]; then echo "# $kind $vpn: missing"; bad=$((bad + 1)); continue; fi
	set -- $line
	gfl=$(printf '%x' $(( $3 & ((1<<11)|(1<<12)|(1<<14)|(1<<15)|(1<<16)|(1<<17)|(1<<18)|(1<<33)) )))
	if [ "$2" != "0x$pfn" ] || [ "$gfl" != "$fl" ] || [ "$4" != "$cnt" ] || [ "$5" != "$file" ] || [ "$6" != "$excl" ]; then
		echo "# $kind $vpn: want pfn 0x$pfn flags $fl count $cnt file $file excl $excl; got $*"
		bad=$((bad + 1))
	fi
done <"$TMP/want"
expect_eq "every present page: pfn, stable flags, map count, file and exclusive bits" 0 "$bad"
expect_eq "the untouched pages are not listed" 0 \
	"$(awk '$1 == "untouched" { print $2 }' "$TMP/want" | while read -r v; do grep -c "^0x$v " "$TMP/got-all"; done | grep -vc '^0$')"

# Flags as the kernel means them.
mlk=$(awk '$1 == "mlocked" { print $2; exit }' "$TMP/want")
run_kd -c "pagemap -p $tpid -a page:0x$mlk -L -r"
if [ "$(awk '/^VmLck:/ { print $2 }' "/proc/$tpid/status")" -gt 0 ]; then
	check "an mlocked page shows m (mlocked) and u (unevictable) with -r" \
		sh -c "awk -F'\t' 'NR == 2 { print \$3 }' '$TMP/out' | grep -q 'u.*m'"
else
	# AddressSanitizer makes mlock() a no-op in the instrumented target.
	ok "an mlocked page shows m and u # SKIP mlock() locked nothing (VmLck 0: a sanitizer build?)"
fi
anon=$(awk '$1 == "anon" { print $2; exit }' "$TMP/want")
run_kd -c "pagemap -p $tpid -a page:0x$anon -L"
check "an anonymous page shows a, b and M" sh -c "awk -F'\t' 'NR == 2 { print \$3 }' '$TMP/out' | grep -q 'M.*a.b'"
run_kd -c "pagemap -p $tpid -a page:0x$anon -L -N"
expect_eq "-L -N: a header and one line for one page" 2 "$(wc -l <"$TMP/out")"

# -a with addresses: the 8 anonymous pages, listed as ranges and filtered.
a0=$(awk '$1 == "anon" { print $2; exit }' "$TMP/maps")
run_kd -c "pagemap -p $tpid -a $a0,$(printf '0x%x' $((a0 + 8 * 4096))) -L -N"
expect_eq "-a ADDR,END: 8 pages listed" 8 "$(($(wc -l <"$TMP/out") - 1))"
run_kd -c "pagemap -p $tpid -b anon --json"
total=$(jq '.total_pages' "$TMP/out")
want_anon=$(awk '$3 == 1 && $1 != "file" && $1 != "shared"' "$TMP/want" | wc -l)
check "-b anon: at least the target's $want_anon private anonymous pages ($total)" test "$total" -ge "$want_anon"
# A present page that is not mapped would be a lie; the shared zero page
# (read faults of untouched anonymous memory) is the kernel's exception:
# stable_page_flags() gives it zero_page, not mmap.
run_kd -c "pagemap -p $tpid -b ~mmap,~zero_page --json"
expect_eq "-b ~mmap,~zero_page: every present page but the zero page is mapped" 0 "$(jq '.total_pages' "$TMP/out")"

# -d: bit numbers of include/uapi/linux/kernel-page-flags.h.
run_kd -c 'pagemap -d 0x1800'
check "-d 0x1800: mmap (bit 11) and anonymous (bit 12)" \
	sh -c "grep -q '^  11 M mmap ' '$TMP/out' && grep -q '^  12 a anonymous ' '$TMP/out'"
run_kd -c 'pagemap -d anon,lru'
expect_eq "-d by name" "0x0000000000001020" "$(awk 'NR == 2 { print $1 }' "$TMP/out")"
run_kd -c 'pagemap -b nosuchflag'
expect_eq "an unknown flag name: exit 1" 1 "$rc"
check "...with a message" grep -q "unknown flag name 'nosuchflag'" "$TMP/err"

# -f: the target's file is in the page cache (it wrote all 4 pages).
run_kd -c "pagemap -f $TMP/file -L -N"
expect_eq "-f: the 4 cached pages of the file, at file pages 0-3" "0 1 2 3" \
	"$(awk -F'\t' 'NR > 1 { printf "%s%s", s, $1; s = " " }' "$TMP/out")"

# The whole machine: every frame /proc/kpageflags has.
run_kd -c 'pagemap --json'
nfr=$(( $(stat -c %s /proc/kpageflags 2>/dev/null || echo 0) / 8 ))
got=$(jq '.total_pages' "$TMP/out")
[ "$nfr" -gt 0 ] || nfr=$got # /proc files have no size: count by reading
check "pagemap of all frames counts them ($got)" test "$got" -gt 1000
done_testing
