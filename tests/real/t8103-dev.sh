#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# dev on the real dumps against what the guest recorded: /proc/devices
# (character and block majors), /proc/ioports and /proc/iomem (dev -i,
# rebuilt in /proc's layout from --json), /proc/partitions (dev -d), and
# /sys/bus/pci/devices (dev -p: slot, vendor, device, class; truth format 3).
. "$KDIVE_SRCDIR/tests/lib.sh"
. "$KDIVE_SRCDIR/tests/real/fixture.sh"

check_fixture() { # LABEL DUMP-FILES...
	local label=$1
	shift
	run_kd -c 'dev --json' "$@"
	expect_eq "$label: dev --json exits 0" 0 "$rc"
	want=$(truth devices | awk '/^Character/ { on = 1; next } /^$/ { on = 0 } on { print $1, $2 }')
	got=$(jq -r '.character[] | "\(.major) \(.name)"' "$TMP/out")
	expect_eq "$label: character devices as /proc/devices ($(echo "$want" | wc -l))" "$want" "$got"
	want=$(truth devices | awk '/^Block/ { on = 1; next } on && NF { print $1, $2 }')
	got=$(jq -r '.block[] | "\(.major) \(.name)"' "$TMP/out")
	expect_eq "$label: block devices as /proc/devices" "$want" "$got"

	run_kd -c 'dev -i --json' "$@"
	expect_eq "$label: dev -i --json exits 0" 0 "$rc"
	# /proc/ioports and /proc/iomem leave the root out and indent by two per level.
	for k in ioport iomem; do
		sec=$([ $k = ioport ] && echo ioports || echo iomem)
		w=$([ $k = ioport ] && echo 4 || echo 8)
		got=$(jq -r --arg k $k '.[$k][] | select(.depth > 0) | "\(.depth) \(.start) \(.end) \(.name)"' "$TMP/out" |
			while read -r d st en name; do
				printf '%*s%0*x-%0*x : %s\n' $((2 * (d - 1))) '' "$w" "$st" "$w" "$en" "$name"
			done)
		expect_eq "$label: dev -i $k tree as /proc/$sec ($(truth $sec | wc -l) lines)" "$(truth $sec)" "$got"
	done

	run_kd -c 'dev -d --json' "$@"
	expect_eq "$label: dev -d --json exits 0" 0 "$rc"
	want=$(truth partitions | awk 'NR > 2 && NF { print $1, $2, $3, $4 }')
	got=$(jq -r '.[] | "\(.major) \(.minor) \(.blocks) \(.name)"' "$TMP/out")
	expect_eq "$label: dev -d as /proc/partitions" "$want" "$got"

	run_kd -c 'dev -p --json' "$@"
	expect_eq "$label: dev -p --json exits 0" 0 "$rc"
	# sysfs: vendor 0x8086, device 0x1237, class 0x060000 (24 bits).
	want=$(truth pci | awk '!/^#/ && NF { print $1, $2, $3, $4 }' | sort)
	got=$(jq -r '.[] | "\(.slot) \(.vendor) \(.device) \(.class)"' "$TMP/out" |
		while read -r sl v d c; do printf '%s 0x%04x 0x%04x 0x%06x\n' "$sl" "$v" "$d" "$c"; done | sort)
	check "$label: dev -p: the guest saw PCI devices" test -n "$want"
	expect_eq "$label: dev -p as /sys/bus/pci/devices ($(echo "$want" | wc -l) functions)" "$want" "$got"
}

check_fixture "kaslr elf" "$FIX/vmcore.elf"
check_fixture "kaslr kdump-zlib (-d 31)" "$FIX/vmcore.kdump-zlib"

D=$FIX/vmcore.elf
run_kd -c dev "$D"
check "dev text: crash's CHRDEV header" grep -q '^CHRDEV  NAME  *CDEV  *OPERATIONS$' "$TMP/out"
check "dev text: mem's cdev and memory_fops" grep -qE '^ +1   mem +[0-9a-f]{16}  memory_fops$' "$TMP/out"
run_kd -c 'dev -i' "$D"
check "dev -i text: the root PCI IO at 0000-ffff" grep -qE '^[0-9a-f]{16}  0000-ffff  PCI IO$' "$TMP/out"
check "dev -i text: System RAM one level in" grep -qE '^[0-9a-f]{16}  00100000-[0-9a-f]{8}  System RAM$' "$TMP/out"
run_kd -c 'dev -p' "$D"
check "dev -p text: crash's ROOT BUS header" grep -q '^ROOT BUS          BUSNAME$' "$TMP/out"
check "dev -p text: the host bridge 0000:00:00.0" grep -qE '^[0-9a-f]{16}  0000:00:00\.0  0600   [0-9a-f]{4}    [0-9a-f]{4}$' "$TMP/out"
run_kd -c 'dev -p -i' "$D"
expect_eq "dev -p -i: exclusive options are a usage error" 1 "$rc"
done_testing
