#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# search on the real dumps against the marker's patterns (word w of anon
# page p is 0x6b64697661000000 | p << 16 | w, of file page p
# 0x6b64697666000000 | p << 16 | w) at the addresses and pfns the guest
# recorded (truth marker, pagemap), and linux_banner's address (truth
# kallsyms): -p values, -u with masks and every width, strings, ranges,
# excluded pages counted, --json.
. "$KDIVE_SRCDIR/tests/lib.sh"
. "$KDIVE_SRCDIR/tests/real/fixture.sh"
D=$FIX/vmcore.elf
pid=$(truth marker | sed -n 's/^pid=//p')
anon=$(truth marker | sed -n 's/^anon_addr=//p')
file=$(truth marker | sed -n 's/^file_addr=//p')

# -p: the value of anon page p, word w is found once, at pfn * 4096 + 8 * w.
for pw in "0 0" "3 5" "15 511"; do
	set -- $pw
	pfn=$(truth pagemap | awk -v n="$1" '$8 == "anon" { if (k++ == n) print $5 }')
	run_kd -c "search -p $(printf '0x%x' $((0x6b64697661000000 | $1 << 16 | $2)))" "$D"
	expect_eq "search -p: anon page $1 word $2 at pfn $pfn * 4096 + 8 * $2, once" \
		"$(printf '%016x: %016x' $((pfn * 4096 + 8 * $2)) $((0x6b64697661000000 | $1 << 16 | $2)))" "$(cat "$TMP/out")"
done

# -u with a mask: all of the anon pattern (16 pages of 512 words), in order.
run_kd -c "set $pid; search -u -m 0xffffff 0x6b64697661000000" "$D"
grep -E '^[0-9a-f]{16}: ' "$TMP/out" >"$TMP/m"
expect_eq "search -u -m 0xffffff: 16 * 512 anon words" 8192 "$(wc -l <"$TMP/m")"
expect_eq "search -u: the first at anon_addr" "$(printf '%016x: %016x' $((anon)) $((0x6b64697661000000)))" "$(head -n 1 "$TMP/m")"
expect_eq "search -u: the last at anon_addr + 16 pages - 8" \
	"$(printf '%016x: %016x' $((anon + 16 * 4096 - 8)) $((0x6b64697661000000 | 15 << 16 | 511)))" "$(tail -n 1 "$TMP/m")"
# A wider mask takes the file pattern too ("kdivf": bits 32-39 differ).
run_kd -c "set $pid; search -u -m 0xffffffffff 0x6b64697661000000" "$D"
expect_eq "search -u -m 0xffffffffff: anon and file words (20 * 512)" 10240 "$(grep -cE '^[0-9a-f]{16}: ' "$TMP/out")"
# Two values at once.
run_kd -c "set $pid; search -u $(printf '0x%x 0x%x' $((0x6b64697661000000 | 1 << 16 | 2)) $((0x6b64697666000000 | 3 << 16 | 4)))" "$D"
expect_eq "search -u with two values: one match each, in address order (file pages first)" \
	"$(printf '%016x: %016x\n%016x: %016x' $((file + 3 * 4096 + 32)) $((0x6b64697666000000 | 3 << 16 | 4)) \
		$((anon + 4096 + 16)) $((0x6b64697661000000 | 1 << 16 | 2)))" "$(grep -E '^[0-9a-f]{16}: ' "$TMP/out")"
# -w: the low half of anon page 5, word 7: 0x61 ('a' of "kdiva") | 5 << 16 | 7.
run_kd -c "set $pid; search -u -w 0x61050007" "$D"
expect_eq "search -u -w: 32-bit value at anon page 5 word 7" \
	"$(printf '%016x: 61050007' $((anon + 5 * 4096 + 56)))" "$(grep -E '^[0-9a-f]{16}: ' "$TMP/out")"
# -h and -b inside one range: the word's halves and bytes.
run_kd -c "set $pid; search -u -h -s $anon -l 16 0x6b64" "$D"
expect_eq "search -u -h -s -l: 0x6b64 in the top half of words 0 and 1" \
	"$(printf '%016x: 6b64\n%016x: 6b64' $((anon + 6)) $((anon + 14)))" "$(grep -E '^[0-9a-f]{16}: ' "$TMP/out")"
run_kd -c "set $pid; search -u -b -s $anon -e $(printf '0x%x' $((anon + 16))) 0x6b" "$D"
expect_eq "search -u -b -s -e: 'k' is byte 7 of each word" \
	"$(printf '%016x: 6b\n%016x: 6b' $((anon + 7)) $((anon + 15)))" "$(grep -E '^[0-9a-f]{16}: ' "$TMP/out")"

# Strings: linux_banner (kallsyms address) starts with "Linux version".
banner=$(truth kallsyms | awk '$1 == "linux_banner" { print $2 }')
run_kd -c "search -s linux_banner -l 64 -c 'Linux version'" "$D"
check "search -c -s linux_banner: found at linux_banner ($banner)" grep -q "^$banner: Linux version $(truth uname_r) " "$TMP/out"
# A string across a 1 MiB run: the kernel log's marker 7 is found in the
# direct map as often as physically (-p and -s/-e over the direct map agree).
run_kd -c "search -p -c 'hello from the guest 7'" "$D"
np=$(grep -c ': hello from the guest 7' "$TMP/out")
check "search -p -c: marker 7 is in memory ($np copies)" test "$np" -ge 1
run_kd -c "search -p --json -c 'hello from the guest 7'" "$D"
expect_eq "search --json: the same matches" "$np" "$(jq '.matches | length' "$TMP/out")"

# Excluded pages: makedumpfile -d 31 drops user pages; they are counted.
run_kd -c "set $pid; search -u -m 0xffffff 0x6b64697661000000" "$FIX/vmcore.kdump-zlib"
expect_eq "search -u on kdump -d 31: no matches" 0 "$(grep -cE '^[0-9a-f]{16}: ' "$TMP/out")"
check "search -u on kdump -d 31: one warning counts the pages skipped" \
	grep -qE '^warning: [0-9]+ pages not in the dump were skipped$' "$TMP/err"
# The kernel's pages are all in the filtered dump: same -k string matches.
run_kd -c "search -c 'hello from the guest 7'" "$D"
grep -E '^[0-9a-f]{16}: ' "$TMP/out" >"$TMP/k1"
run_kd -c "search -c 'hello from the guest 7'" "$FIX/vmcore.kdump-zlib"
grep -E '^[0-9a-f]{16}: ' "$TMP/out" >"$TMP/k2"
check "search -k on kdump -d 31: matches ($(wc -l <"$TMP/k2")), each one also in the ELF ($(wc -l <"$TMP/k1"))" \
	sh -c "[ -s '$TMP/k2' ] && [ -z \"\$(comm -13 '$TMP/k1' '$TMP/k2')\" ]"

# Usage errors.
run_kd -c "search -p -e 0x1000 -l 16 0" "$D"
expect_eq "search -e with -l fails" 1 "$rc"
run_kd -c "search -w 0x100000000" "$D"
expect_eq "search -w with a 33-bit value fails" 1 "$rc"
run_kd -c "search -u 0" "$D"
expect_eq "search -u without a context fails" 1 "$rc"
done_testing
