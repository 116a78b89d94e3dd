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

# files: the page P of the first descriptor's struct file.  Files share slab
# pages (which ones depends on the boot), so every descriptor whose file is
# on P is lost; the others are listed with the guest's path.
run_kd -c "files --json $mpid" "$SRC"
cp "$TMP/out" "$TMP/files.json"
jq -r '.[0].files[] | "\(.fd) \(.file)"' "$TMP/files.json" >"$TMP/fds"
while read -r f a; do echo "$f $a $(pfn "$a")"; done <"$TMP/fds" >"$TMP/fdpfn"
vpage=$(awk 'NR == 1 { print $3 }' "$TMP/fdpfn")
victims=$(awk -v p="$vpage" '$3 == p { print $1 }' "$TMP/fdpfn" | tr '\n' ' ')
check "files: the descriptors whose struct file is on the first one's page ${vpage:-?}: ${victims:-none}" \
	test -n "$victims"
cp "$SRC" "$TMP/d"
check "files: kdmangle exclude" "$M" exclude "$TMP/d" "$vpage"
run_kd -c "files --json $mpid" "$TMP/d"
expect_eq "files: exits 1" 1 "$rc"
expect_eq "files: every other descriptor with the guest's path" \
	"$(truth marker_fds | awk -v v=" $victims" 'index(v, " " $1 " ") == 0')" \
	"$(jq -r '.[0].files[] | select(.incomplete | not) | "\(.fd) \(.path)"' "$TMP/out")"
bad=""
for v in $victims; do
	a=$(awk -v f="$v" '$1 == f { print $2 }' "$TMP/fdpfn")
	grep -q "files: fd $v: file at $a: .*excluded" "$TMP/err" || bad="$bad $v"
done
expect_eq "files: each lost one is named with its address and why" "" "$bad"

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

# mount: the page P of the second mount (its list links) is lost.  Mounts
# share slab pages (which ones depends on the boot), so P may hold several:
# the walk reads forward from the namespace's head up to the first mount on
# P, then back from the head down to the last one on P; those between are
# lost with them.  Expected: the guest's mounts (truth mounts, in the
# list's order) before the first on P and after the last on P.
run_kd -c 'mount --json' "$SRC"
cp "$TMP/out" "$TMP/mounts.json"
nm=$(jq length "$TMP/mounts.json")
jq -r '.[] | .mount' "$TMP/mounts.json" >"$TMP/maddrs"
while read -r a; do pfn "$a"; done <"$TMP/maddrs" >"$TMP/mpfns"
p=$(sed -n 2p "$TMP/mpfns")
firstp=$(grep -nx "$p" "$TMP/mpfns" | head -n 1 | cut -d: -f1)
lastp=$(grep -nx "$p" "$TMP/mpfns" | tail -n 1 | cut -d: -f1)
check "mount: $nm mounts, the second one's page $p holds mounts $firstp..$lastp" test "$nm" -ge 3 -a -n "$p"
cp "$SRC" "$TMP/d"
check "mount: kdmangle exclude that page" "$M" exclude "$TMP/d" "$p"
run_kd -c 'mount --json' "$TMP/d"
expect_eq "mount (page lost): exits 1" 1 "$rc"
expect_eq "mount (page lost): the mounts before and after it, in order, the later ones from the list's other end" \
	"$(truth mounts | awk -v a="$firstp" -v b="$lastp" 'NR < a || NR > b { print $1, $2, $3 }')" \
	"$(jq -r '.[] | "\(.devname) \(.dirname) \(.type)"' "$TMP/out")"
pp=$(printf '%x' $((p)))
check "mount (page lost): each break named with an address on that page" \
	sh -c "grep -q 'warning: the mounts of namespace' '$TMP/err' && ! grep 'warning: the mounts of namespace' '$TMP/err' | grep -v 'physical 0x${pp}[0-9a-f][0-9a-f][0-9a-f])'"
done_testing
