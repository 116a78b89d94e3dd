#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# ipcs on the real dumps against /proc/sysvipc/{shm,sem,msg} as the guest
# recorded them (the marker made one segment, one semaphore set and one
# message queue): key, id, perms and each kind's counters.
. "$KDIVE_SRCDIR/tests/lib.sh"
. "$KDIVE_SRCDIR/tests/real/fixture.sh"

check_fixture() { # LABEL DUMP-FILES...
	local label=$1
	shift
	run_kd -c 'ipcs --json' "$@"
	expect_eq "$label: ipcs --json exits 0" 0 "$rc"
	[ "$rc" = 0 ] || { show "$TMP/err"; return; }
	# /proc/sysvipc/shm: key shmid perms size cpid lpid nattch uid ...
	want=$(truth sysvipc_shm | awk 'NR > 1 { print $1, $2, $3, $4, $7, $8 }' | sort)
	got=$(jq -r '.[] | select(.kind == "shm") | "\(.key) \(.id) \(.perms) \(.bytes) \(.nattch) \(.uid)"' "$TMP/out" | sort)
	expect_eq "$label: shared memory segments (key id perms size nattch uid)" "$want" "$got"
	# /proc/sysvipc/sem: key semid perms nsems uid ...
	want=$(truth sysvipc_sem | awk 'NR > 1 { print $1, $2, $3, $4, $5 }' | sort)
	got=$(jq -r '.[] | select(.kind == "sem") | "\(.key) \(.id) \(.perms) \(.nsems) \(.uid)"' "$TMP/out" | sort)
	expect_eq "$label: semaphore arrays (key id perms nsems uid)" "$want" "$got"
	# /proc/sysvipc/msg: key msqid perms cbytes qnum lspid lrpid uid ...
	want=$(truth sysvipc_msg | awk 'NR > 1 { print $1, $2, $3, $4, $5, $8 }' | sort)
	got=$(jq -r '.[] | select(.kind == "msg") | "\(.key) \(.id) \(.perms) \(.used_bytes) \(.messages) \(.uid)"' "$TMP/out" | sort)
	expect_eq "$label: message queues (key id perms cbytes qnum uid)" "$want" "$got"
}

check_fixture "kaslr elf" "$FIX/vmcore.elf"
check_fixture "kaslr kdump-zlib (-d 31)" "$FIX/vmcore.kdump-zlib"

D=$FIX/vmcore.elf
run_kd -c 'ipcs' "$D"
check "ipcs text: crash's shm header" grep -q '^SHM_KERNEL_ID     KEY       SHMID      UID   PERMS  BYTES ' "$TMP/out"
key=$(truth sysvipc_shm | awk 'NR == 2 { printf "%08x", $1 }')
check "ipcs text: the segment's key in hex ($key)" grep -qE "^[0-9a-f]{16}  $key  " "$TMP/out"
for o in m s q; do
	run_kd -c "ipcs -$o --json" "$D"
	n=$(jq -r '[.[].kind] | unique | join(",")' "$TMP/out")
	w=$(case $o in m) echo shm ;; s) echo sem ;; q) echo msg ;; esac)
	expect_eq "ipcs -$o: only $w" "$w" "$n"
done
done_testing
