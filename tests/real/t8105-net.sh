#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# net on the real dumps against what the guest recorded: the devices of
# /proc/net/dev, the ARP cache of /proc/net/arp (a permanent entry on
# dummy0), and the marker's sockets (/proc/PID/fd's socket:[INODE] links,
# /proc/net/tcp, udp and unix by inode).
. "$KDIVE_SRCDIR/tests/lib.sh"
. "$KDIVE_SRCDIR/tests/real/fixture.sh"

pid=$(truth marker | sed -n 's/^pid=//p')
check_fixture() { # LABEL DUMP-FILES...
	local label=$1
	shift
	run_kd -c 'net --json' "$@"
	expect_eq "$label: net --json exits 0" 0 "$rc"
	want=$(truth net_dev | awk -F: 'NR > 2 { gsub(/ /, "", $1); print $1 }' | sort)
	got=$(jq -r '.[].name' "$TMP/out" | sort)
	expect_eq "$label: the devices of /proc/net/dev" "$want" "$got"
	expect_eq "$label: lo's address" "127.0.0.1" "$(jq -r '.[] | select(.name == "lo") | .ipv4 | join(",")' "$TMP/out")"

	run_kd -c 'net -a --json' "$@"
	expect_eq "$label: net -a --json exits 0" 0 "$rc"
	# /proc/net/arp leaves NUD_NOARP entries out; IP, HW type, flags (ATF_COM 2 | ATF_PERM 4 from the NUD state), HW address, device
	want=$(truth net_arp | awk 'NR > 1 { print $1, $2, $3, $4, $6 }' | sort)
	got=$(jq -r '.[] | select((.nud_state / 64 | floor) % 2 == 0) |
		"\(.ip) 0x\(.hw_type) \(.nud_state) \(.hw_address) \(.device)"' "$TMP/out" |
		while read -r ip ht st ha dev; do
			f=0
			(((st & 0xde) != 0)) && f=$((f | 2))
			(((st & 0x80) != 0)) && f=$((f | 4))
			printf '%s %s 0x%x %s %s\n' "$ip" "$ht" "$f" "$ha" "$dev"
		done | sort)
	expect_eq "$label: net -a as /proc/net/arp" "$want" "$got"

	run_kd -c "net -s $pid --json" "$@"
	expect_eq "$label: net -s --json exits 0" 0 "$rc"
	want=$(truth marker_fds | sed -n 's/^\([0-9]*\) socket:\[\([0-9]*\)\]$/\1 \2/p')
	got=$(jq -r '.sockets[] | "\(.fd) \(.inode)"' "$TMP/out")
	expect_eq "$label: net -s: the marker's socket fds and inodes" "$want" "$got"
	# Each inode's family, type and local address from /proc/net/{tcp,udp,unix}.
	want=$( {
		truth net_tcp | awk 'NR > 1 { print $10, "INET STREAM", $2 }'
		truth net_udp | awk 'NR > 1 { print $10, "INET DGRAM", $2 }'
		truth net_unix | awk 'NR > 1 { print $7, "UNIX", ($5 == "0001" ? "STREAM" : "DGRAM"), "-" }'
	} | while read -r ino fam type addr; do
		if [ "$addr" != - ]; then
			h=${addr%:*} p=${addr#*:}
			addr=$((16#${h:6:2})).$((16#${h:4:2})).$((16#${h:2:2})).$((16#${h:0:2}))-$((16#$p))
		fi
		echo "$ino $fam $type $addr"
	done | sort)
	got=$(jq -r '.sockets[] | "\(.inode) \(.family) \(.type) \(.source // "-")"' "$TMP/out" | sort)
	expect_eq "$label: net -s: family, type and local address by inode" "$want" "$got"
}

check_fixture "kaslr elf" "$FIX/vmcore.elf"
check_fixture "kaslr kdump-zlib (-d 31)" "$FIX/vmcore.kdump-zlib"

D=$FIX/vmcore.elf
run_kd -c net "$D"
check "net text: crash's header" grep -q '^   NET_DEVICE     NAME   IP ADDRESS(ES)$' "$TMP/out"
check "net text: lo with 127.0.0.1" grep -qE '^[0-9a-f]{16}  lo     127\.0\.0\.1$' "$TMP/out"
run_kd -c "net -s $pid" "$D"
check "net -s text: the task's header line" grep -q "^PID: $pid " "$TMP/out"
run_kd -c "net -n $pid --json" "$D"
expect_eq "net -n: the marker's namespace has the devices of /proc/net/dev" \
	"$(truth net_dev | awk -F: 'NR > 2 { gsub(/ /, "", $1); print $1 }' | sort)" "$(jq -r '.[].name' "$TMP/out" | sort)"
run_kd -c "net 1" "$D"
expect_eq "net: an operand without -s or -n is a usage error" 1 "$rc"
done_testing
