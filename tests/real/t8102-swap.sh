#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# swap on the real dumps against /proc/swaps as the guest recorded it (a
# loop-device swap): file name, type, size, used and priority.
. "$KDIVE_SRCDIR/tests/lib.sh"
. "$KDIVE_SRCDIR/tests/real/fixture.sh"

want=$(truth swaps | awk 'NR > 1 { print $1, $2, $3, $4, $5 }')
check "the guest recorded a swap device" test -n "$want"
for f in elf kdump-zlib elf-filtered; do
	run_kd -c 'swap --json' "$FIX/vmcore.$f"
	expect_eq "$f: swap --json exits 0" 0 "$rc"
	got=$(jq -r '.[] | "\(.filename) \(.type) \(.size_kb) \(.used_kb) \(.priority)"' "$TMP/out")
	expect_eq "$f: swap devices (name type size used priority) as /proc/swaps" "$want" "$got"
done
run_kd -c swap "$FIX/vmcore.elf"
check "swap text: crash's header" grep -q '^SWAP_INFO_STRUCT  TYPE  *SIZE  *USED   PCT  PRI  FILENAME$' "$TMP/out"
name=$(truth swaps | awk 'NR == 2 { print $1 }')
check "swap text: a PARTITION line for $name" grep -qE "^[0-9a-f]{16}  PARTITION +[0-9]+k +[0-9]+k +[0-9]+%  +-?[0-9]+  $name\$" "$TMP/out"
done_testing
