#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# vm (issue 14) against every process's /proc/PID/maps as the guest read it
# just before the dump (truth maps): each VMA's range, permissions, file
# offset, device, inode and name (path, [heap], [stack], [vvar], [vdso]),
# process by process; crash's text layout; -p against vtop; -f; --svg.
# The truth is recorded by kdive-truth, which leaves itself out.
. "$KDIVE_SRCDIR/tests/lib.sh"
. "$KDIVE_SRCDIR/tests/real/fixture.sh"
D=$FIX/vmcore.elf
truth maps >"$TMP/maps"
pids=$(awk '$1 == "task" { print $2 }' "$TMP/maps")
check "the guest recorded the maps of several processes ($(echo $pids | wc -w))" test "$(echo $pids | wc -w)" -ge 4

run_kd -c "vm --json $pids" "$D"
expect_eq "vm --json of every process exits 0" 0 "$rc"
show "$TMP/err"
# /proc/PID/maps: start-end perms offset dev(hex maj:min) inode [name].
awk '$1 == "task" { pid = $2; next } {
	split($1, r, "-"); name = ""; for (i = 6; i <= NF; i++) name = name (i > 6 ? " " : "") $i
	print pid, r[1], r[2], $2, $3, $4, $5, name }' "$TMP/maps" | while read -r pid lo hi perm off dev ino name; do
	printf '%s %x %x %s %x %d:%d %s %s\n' "$pid" "0x$lo" "0x$hi" "$perm" "0x$off" "0x${dev%%:*}" "0x${dev##*:}" "$ino" "$name"
done | sed 's/ *$//' >"$TMP/want"
jq -r '.[] | .pid as $p | .vmas[] | "\($p) \(.start | ltrimstr("0x")) \(.end | ltrimstr("0x")) \(.perms) \(.offset | ltrimstr("0x")) \(.dev_major):\(.dev_minor) \(.inode) \(.name)"' \
	"$TMP/out" | sed 's/ *$//' >"$TMP/got"
check "truth and vm each have VMAs ($(wc -l <"$TMP/want") / $(wc -l <"$TMP/got"))" test -s "$TMP/want" -a -s "$TMP/got"
for pid in $pids; do
	diff <(grep "^$pid " "$TMP/want") <(grep "^$pid " "$TMP/got") >"$TMP/d" || true
	comm=$(awk -v p="$pid" '$1 == "task" && $2 == p { print $3 }' "$TMP/maps")
	check "PID $pid ($comm): every VMA as /proc/PID/maps shows it" test ! -s "$TMP/d"
	[ -s "$TMP/d" ] && show "$TMP/d"
done

mpid=$(truth marker | sed -n 's/^pid=//p')
run_kd -c "vm $mpid" "$D"
check "text: crash's task line" grep -q "^PID: $mpid .*COMMAND: \"kdive-marker\"" "$TMP/out"
check "text: crash's MM header" grep -q '^       MM               PGD          RSS    TOTAL_VM$' "$TMP/out"
check "text: crash's VMA header" grep -q '^      VMA           START       END     FLAGS FILE$' "$TMP/out"
expect_eq "text: TOTAL_VM is the marker's VmSize" "$(truth marker_status | awk '/^VmSize:/ { print $2 "k" }')" \
	"$(awk 'NR == 3 { print $4 }' "$TMP/out")"
check "text: the marker's file mapping" grep -q " /run/kdive/marker.dat$" "$TMP/out"

a3=$(printf '%x' $(( $(truth marker | sed -n 's/^anon_addr=//p') + 3 * 4096 )))
p3=$(truth pagemap | awk 'NR == 4 { print $5 }')
run_kd -c "vm -p $mpid" "$D"
check "-p: anonymous page 3 at the pfn the guest's pagemap gave ($p3)" \
	grep -qE "^$a3 +$(printf '%x' $((p3 * 4096)))$" "$TMP/out"
# Truth format 3: the marker's pages pushed out to the swap device, each with
# the swap device's name and the offset from its swap entry (bits 5-54).
truth pagemap | awk '$8 == "swap"' >"$TMP/swp"
check "the guest pushed marker pages to swap ($(wc -l <"$TMP/swp"))" test -s "$TMP/swp"
dev=$(truth swaps | awk 'NR == 2 { print $1 }')
bad=$(while read -r va entry _; do
	want="$(printf '%-16x  SWAP: %s  OFFSET: %d' "$va" "$dev" $(((entry >> 5) & ((1 << 50) - 1))))"
	grep -qxF "$want" "$TMP/out" || echo "[$want]"
done <"$TMP/swp")
expect_eq "-p: each swapped page with its device ($dev) and offset, as the guest's pagemap gave" "" "$bad"
run_kd -c "vm -p --json $mpid" "$D"
va=$(awk 'NR == 1 { print $1 }' "$TMP/swp")
expect_eq "-p --json: a swapped page's device" "$dev" \
	"$(jq -r --arg v "$va" '.[0].vmas[].pages[]? | select(.virtual == $v) | .swap' "$TMP/out")"
# A lost page table: the PTE table of the marker's first anonymous page is
# excluded from a copy of the kdump; every marker page it maps (the guest's
# pagemap pages in that 2 MiB) is named as lost, none as "not mapped".
a0=$(truth marker | sed -n 's/^anon_addr=//p')
run_kd -c "vtop -c $mpid $a0" "$FIX/vmcore.kdump-raw"
pt=$(awk '$1 == "PTE:" { print $2 }' "$TMP/out")
cp "$FIX/vmcore.kdump-raw" "$TMP/pt.kd"
chmod u+w "$TMP/pt.kd"
check "-p, PTE table lost: kdmangle exclude its page (0x$pt)" \
	"$KDIVE_BUILDDIR/tests/corrupt/kdmangle" exclude "$TMP/pt.kd" "$(printf '0x%x' $((0x$pt / 4096)))"
run_kd -c "vm -p $mpid" "$TMP/pt.kd"
expect_eq "-p, PTE table lost: exit 1" 1 "$rc"
lo=$((a0 & ~0x1fffff)) n=0 bad=""
while read -r va _; do
	[ $((va)) -ge $lo ] && [ $((va)) -lt $((lo + 0x200000)) ] || continue
	n=$((n + 1))
	grep -qxF "$(printf '%-16x  (page table not in the dump)' $((va)))" "$TMP/out" || bad="$bad $va"
done < <(truth pagemap)
expect_eq "-p, PTE table lost: each of the $n marker pages under it says so" "" "$bad"
run_kd -c 'vm -f 8100073' "$D"
expect_eq "-f names the bits (include/linux/mm.h)" "8100073: (READ|WRITE|MAYREAD|MAYWRITE|MAYEXEC|ACCOUNT|SOFTDIRTY)" "$(cat "$TMP/out")"
run_kd -c "vm --svg $TMP/m.svg $mpid" "$D"
check "--svg writes an SVG with the marker's file" grep -q 'marker.dat' "$TMP/m.svg"
# Each band, VMA or gap, is drawn to the same scale as layout --svg draws
# the kernel's regions: 6 px per doubling of its size, at least 14, and
# labelled "START-END  SIZE" (SIZE in 1024-steps, one decimal unless whole);
# from the top down each band ends where the one above starts (the gaps
# are bands too), and the gaps are the holes between the marker's VMAs.
awk '
	function hex(s,  v, i) { v = 0; for (i = 1; i <= length(s); i++) v = v * 16 + index("0123456789abcdef", substr(s, i, 1)) - 1; return v }
	function human(b,  u, n) { split("B KB MB GB TB PB EB", n, " "); u = 1; while (u < 7 && b >= 1024) { b /= 1024; u++ }
		return (b == int(b) ? sprintf("%d", b) : sprintf("%.1f", b)) " " n[u] }
	/<rect x="20"/ { match($0, /height="[0-9.]+"/); h = substr($0, RSTART + 8, RLENGTH - 9) + 0; next }
	/<text x="230.0"/ {
		t = $0; sub(/^[^>]*>/, "", t); sub(/<.*$/, "", t); split(t, w, "  ")
		split(w[1], r, "-"); lo = hex(r[1]); hi = hex(r[2]); sz = hi - lo
		want = log(sz) / log(2) * 6; if (want < 14) want = 14
		if (h < want - 0.1 || h > want + 0.1) print "height " h " for " t " (want " want ")"
		if (w[2] != human(sz)) print "size label " w[2] " for " t " (want " human(sz) ")"
		if (n++ && hi != below) print "band " t " does not end where the band above starts"
		below = lo
		if (w[3] == "(gap)") gaps++
	}
	END { print "gaps " gaps }' "$TMP/m.svg" >"$TMP/svg"
want_gaps=$(truth marker_maps | awk '{ split($1, r, "-"); if (NR > 1 && r[1] != prev) n++; prev = r[2] } END { print n + 0 }')
expect_eq "--svg: every band to scale and labelled with its size, the $want_gaps gaps between the marker's areas drawn as bands" \
	"gaps $want_gaps" "$(cat "$TMP/svg")"
# foreach prints crash's task line once, then the command's output: the
# commands that print the task line themselves (KD_CMD_CONTEXT_TASK) print
# exactly what they print for the task given as operand.
for c in vm files task sig; do
	run_kd -c "$c $mpid" "$D"
	cp "$TMP/out" "$TMP/one"
	run_kd -c "foreach kdive-marker $c" "$D"
	check "foreach kdive-marker $c: the task line once, then what '$c $mpid' prints" cmp -s "$TMP/one" "$TMP/out"
done
# vm -m: the mm_struct itself (crash's vm -m), from the dump's BTF.
run_kd -c "vm -m $mpid" "$D"
check "-m: the task line, then struct mm_struct" sh -c "sed -n 2p '$TMP/out' | grep -qx 'struct mm_struct {'"
run_kd -c "vm -m --json $mpid" "$D"
expect_eq "-m --json: total_vm in kB is the marker's VmSize" "$(truth marker_status | awk '/^VmSize:/ { print $2 }')" \
	"$(jq -r --argjson ps "$(truth pagesize)" '.[0].mm_struct.total_vm * $ps / 1024' "$TMP/out")"
expect_eq "-m --json: mm_struct.pgd is vm's PGD" "$(jq -r '.[0].mm_struct.pgd' "$TMP/out")" \
	"$(awk 'NR == 3 { print "0x" $2 }' <("$KDIVE" -n -c "vm $mpid" "$D"))"
run_kd -c 'vm 2' "$D"
check "a kernel thread: no VMA lines" sh -c "! grep -q '^      VMA' '$TMP/out'"
done_testing
