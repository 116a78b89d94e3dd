#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# files, sig and mount on a kdump that lost chosen pages (as makedumpfile's
# filtering drops them: tests/corrupt/kdmangle exclude on a copy of the
# fixture's kdump-raw).  The addresses are inputs read from the intact dump;
# the expected values are the guest's truth.  Each command shows what it
# can still read, names what it lost once with its address and why, and
# exits 1.
. "$KDIVE_SRCDIR/tests/lib.sh"
. "$KDIVE_SRCDIR/tests/real/fixture.sh"
M=$KDIVE_BUILDDIR/tests/corrupt/kdmangle
SRC=$FIX/vmcore.kdump-raw
field() { truth marker | sed -n "s/^$1=//p"; }
mpid=$(field pid)

# pfn ADDR: the page frame of a kernel address, by kdive's vtop.
pfn() {
	run_kd -c "vtop $1" "$SRC"
	local pa
	pa=$(awk '/^VIRTUAL +PHYSICAL/ { getline; print $2 }' "$TMP/out")
	[ -n "$pa" ] && printf '0x%x\n' $((0x$pa / 4096))
}

# files: the page of one struct file that no other descriptor's file shares.
run_kd -c "files --json $mpid" "$SRC"
cp "$TMP/out" "$TMP/files.json"
victim= vpage=
for f in $(jq -r '.[0].files[] | .fd' "$TMP/files.json"); do
	a=$(jq -r --argjson f "$f" '.[0].files[] | select(.fd == $f) | .file' "$TMP/files.json")
	p=$(pfn "$a")
	shared=0
	for g in $(jq -r '.[0].files[] | .file' "$TMP/files.json" | sort -u); do
		[ "$g" = "$a" ] && continue
		[ "$(pfn "$g")" = "$p" ] && shared=1
	done
	if [ $shared = 0 ]; then victim=$f vpage=$p vaddr=$a; break; fi
done
check "files: a descriptor whose struct file is alone on its page (fd ${victim:-none})" test -n "$victim"
cp "$SRC" "$TMP/d"
check "files: kdmangle exclude" "$M" exclude "$TMP/d" "$vpage"
run_kd -c "files --json $mpid" "$TMP/d"
expect_eq "files: exits 1" 1 "$rc"
expect_eq "files: every other descriptor with the guest's path" \
	"$(truth marker_fds | awk -v v="$victim" '$1 != v')" \
	"$(jq -r --argjson v "$victim" '.[0].files[] | select(.fd != $v) | "\(.fd) \(.path)"' "$TMP/out")"
check "files: the lost one is named with its address and why" grep -q "files: fd $victim: file at $vaddr: .*excluded" "$TMP/err"

# sig: the page holding the handler of the marker's caught signal.
run_kd -c 'struct k_sigaction' "$SRC"
kasize=$(sed -n 's/^SIZE: //p' "$TMP/out")
run_kd -c "sig --json $mpid" "$SRC"
ka=$(jq -r --argjson s "$(field sig_handled)" '.[0].handlers[] | select(.signal == $s) | .sigaction' "$TMP/out")
nok=$(jq -r '.[0].handlers | length' "$TMP/out")
cp "$SRC" "$TMP/d"
check "sig: kdmangle exclude the page of k_sigaction $ka" "$M" exclude "$TMP/d" "$(pfn "$ka")"
run_kd -c "sig --json $mpid" "$TMP/d"
expect_eq "sig: exits 1" 1 "$rc"
# One warning for the run of k_sigactions on the page: its first address and signals.
sh=$(field sig_handled)
named=$(sed -n 's/^warning: sig: k_sigaction at \(0x[0-9a-f]*\) (signals \([0-9]*\)-\([0-9]*\)): .*excluded.*/\1 \2 \3/p' "$TMP/err")
named_ok() { # the one warning's range holds the signal, its address is the first of the run
	[ "$(echo "$named" | wc -l)" = 1 ] || return 1
	set -- $named
	[ "$2" -le "$sh" ] && [ "$3" -ge "$sh" ] && [ "$(printf '0x%x' $(($1 + (sh - $2) * kasize)))" = "$ka" ]
}
check "sig: the lost k_sigactions are named once, with the first address and the signals ($named)" named_ok
expect_eq "sig: the blocked set is still the guest's SigBlk" \
	"$(truth marker_status | awk '$1 == "SigBlk:" { print $2 }')" \
	"$(jq -r --argjson p "$mpid" '.[0].threads[] | select(.pid == $p) | .blocked' "$TMP/out")"
got=$(jq -r '.[0].handlers | length' "$TMP/out")
check "sig: the handlers on other pages are shown ($got of $nok)" test "$got" -gt 0 -a "$got" -lt "$nok"

# mount: the page of /proc's super_block (its type is there).
run_kd -c 'mount --json' "$SRC"
sb=$(jq -r '.[] | select(.dirname == "/proc") | .superblock' "$TMP/out")
others=$(jq -r --arg sb "$sb" '.[] | select(.superblock != $sb) | .superblock' "$TMP/out")
p=$(pfn "$sb")
clash=$(for o in $others; do [ "$(pfn "$o")" = "$p" ] && echo "$o"; done)
cp "$SRC" "$TMP/d"
check "mount: kdmangle exclude the page of /proc's super_block (shared with: ${clash:-none})" "$M" exclude "$TMP/d" "$p"
run_kd -c 'mount --json' "$TMP/d"
expect_eq "mount: exits 1" 1 "$rc"
expect_eq "mount: every mount still listed with its device and point" \
	"$(truth mounts | awk '{ print $1, $2 }')" "$(jq -r '.[] | "\(.devname) \(.dirname)"' "$TMP/out")"
jq -r '.[] | select(.incomplete | not) | "\(.dirname) \(.type)"' "$TMP/out" >"$TMP/kept"
check "mount: the mounts read whole ($(wc -l <"$TMP/kept")) have the guest's type" \
	sh -c "[ -s '$TMP/kept' ] && while read -r d t; do grep -q \" \$d \$t \" '$TRUTH' || exit 1; done <'$TMP/kept'"
check "mount: the one read in part is named with its address" \
	grep -q "mount: mount at $(jq -r '.[] | select(.dirname == "/proc") | .mount' "$TMP/out"): file system type unreadable" "$TMP/err"
done_testing
