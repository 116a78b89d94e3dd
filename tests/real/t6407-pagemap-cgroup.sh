#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# pagemap -C on a dump (issue 14): each page's memory cgroup, computed from
# the dump (the folio's memcg_data -> mem_cgroup -> cgroup -> kernfs node), against
# what the guest read just before the dump (`scripts/mkvmcore --memcg`: its own
# fixture, ~30 s to make, with the memory controller on /kdive-grp):
#  - each marker page (truth marker_kpagecgroup): the inode equals the guest's
#    /proc/kpagecgroup value, on the ELF and on a makedumpfile -d 31 dump
#    (user pages dropped: their struct pages, mem_cgroups and kernfs nodes
#    stay); the path kdive names equals the guest's path of that inode
#    (truth cgroup_inodes): /kdive-grp, where the marker charged them;
#  - the census (truth kpagecgroup_census): per cgroup inode within a drift
#    (the recorder, in the root cgroup, holds its buffers, among them the
#    1 MiB /proc/kpageflags and /proc/kpagecgroup copies, while it records,
#    and frees them before the dump: ~540 root pages seen), /kdive-grp's
#    (the marker's and the spinner's, which do not change) within 16 pages;
#    per-cgroup counts summing to the total, and equal to the pages listed
#    with that inode;
#  - the kernel's config has no CONFIG_PAGE_OWNER: kdive says so.
. "$KDIVE_SRCDIR/tests/lib.sh"
MKVMCORE_ARGS="--memcg${MKVMCORE_ARGS:+ $MKVMCORE_ARGS}"
. "$KDIVE_SRCDIR/tests/real/fixture.sh"
mpid=$(truth marker | sed -n 's/^pid=//p')
ps=$(truth pagesize)
truth marker_kpagecgroup >"$TMP/kc"
truth cgroup_inodes >"$TMP/inodes"
grp=$(awk '$2 == "/kdive-grp" { print $1 }' "$TMP/inodes")
check "the guest recorded /kdive-grp's inode ($grp)" test -n "$grp"
npresent=$(awk '$3 != "-"' "$TMP/kc" | wc -l)
check "the guest recorded the marker's present pages' cgroups ($npresent)" test "$npresent" -ge 20
expect_eq "...all of them in /kdive-grp" "$npresent" "$(awk -v g="$grp" '$3 == g' "$TMP/kc" | wc -l)"

check_marker() { # LABEL DUMP
	run_kd -c "pagemap -p $mpid -L -C -N --json" "$2"
	expect_eq "$1: pagemap -p -C exits 0" 0 "$rc"
	show "$TMP/err"
	bad=""
	while read -r va pfn ino kind; do
		[ "$ino" = - ] && continue
		vpn=$(printf '0x%x' $((va / ps)))
		got=$(jq -r --arg v "$vpn" '.pages[] | select(.vpn == $v) | "\(.pfn) \(.cgroup) \(.cgroup_path)"' "$TMP/out")
		want="$pfn $ino $(awk -v i="$ino" '$1 == i { print $2 }' "$TMP/inodes")"
		[ "$got" = "$want" ] || bad="$bad [$kind $vpn: want $want got ${got:-nothing}]"
	done <"$TMP/kc"
	expect_eq "$1: each marker page: pfn, cgroup inode as /proc/kpagecgroup, its path" "" "$bad"
	check "$1: page_owner: absent, said on stderr" grep -q 'built without CONFIG_PAGE_OWNER' "$TMP/err"
	expect_eq "$1: page_owner in --json" absent "$(jq -r .page_owner "$TMP/out")"
}
grep -q '^# CONFIG_PAGE_OWNER is not set' "$FIX/config" || echo "# the fixture's kernel config has CONFIG_PAGE_OWNER"
check_marker "elf" "$FIX/vmcore.elf"
check_marker "kdump-zlib (-d 31)" "$FIX/vmcore.kdump-zlib"

D=$FIX/vmcore.elf
run_kd -c "pagemap -p $mpid -L -C" "$D"
check "text: page-types' -C list header" grep -q $'^voffset\tcgroup\toffset\tflags$' "$TMP/out"
check "text: marker pages listed as @$grp" grep -q $'\t@'"$grp"$'\t' "$TMP/out"
check "text: the per-cgroup census names /kdive-grp" \
	grep -qE "^ +@$grp"$'\t'" +[0-9]+ +[0-9]+  /kdive-grp$" "$TMP/out"

# Every frame: the census per cgroup.
run_kd -c 'pagemap -C -L --json' "$D"
expect_eq "pagemap -C of every frame exits 0" 0 "$rc"
expect_eq "the per-cgroup counts sum to the total" "$(jq .total_pages "$TMP/out")" "$(jq '[.cgroups[].pages] | add' "$TMP/out")"
expect_eq "as many frames as the guest's /proc/kpagecgroup" \
	"$(truth kpagecgroup_census | awk '$1 == "pfns" { print $2 }')" "$(jq .total_pages "$TMP/out")"
jq -r '.pages[].cgroup' "$TMP/out" | sort | uniq -c | awk '{ print $2, $1 }' | sort >"$TMP/listed"
jq -r '.cgroups[] | "\(.cgroup) \(.pages)"' "$TMP/out" | sort >"$TMP/census"
expect_eq "each cgroup's count equals the pages listed with its inode" "$(cat "$TMP/listed")" "$(cat "$TMP/census")"
bad=$(truth kpagecgroup_census | awk '$1 != "pfns"' | while read -r ino n; do
	g=$(jq -r --argjson i "$ino" '.cgroups[] | select(.cgroup == $i) | .pages' "$TMP/out")
	g=${g:-0}
	d=$((g > n ? g - n : n - g))
	if [ "$ino" = "$grp" ]; then lim=16; else lim=$((768 + n / 100)); fi
	[ "$d" -le "$lim" ] || echo "inode $ino: guest $n, dump $g"
done | tr '\n' ';')
expect_eq "each cgroup inode's page count within the drift" "" "$bad"
bad=$(jq -r '.cgroups[] | select(.cgroup != 0) | "\(.cgroup) \(.path)"' "$TMP/out" | while read -r ino path; do
	want=$(awk -v i="$ino" '$1 == i { print $2 }' "$TMP/inodes")
	[ "$path" = "$want" ] || echo "inode $ino: guest ${want:-none}, dump $path"
done | tr '\n' ';')
expect_eq "each charged cgroup's path as the guest's /sys/fs/cgroup" "" "$bad"
done_testing
