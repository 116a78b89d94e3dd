#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Where this machine's own /proc/kcore is readable (root, CONFIG_PROC_KCORE,
# not in a sandbox), kdive reads the running kernel: its release is uname -r
# and it can read jiffies twice, increasing.  Elsewhere the test is skipped;
# t5002 covers /proc/kcore inside the guest.
. "$KDIVE_SRCDIR/tests/lib.sh"
if [ ! -r /proc/kcore ]; then
	# the three checks below, skipped, so every machine counts the same
	for c in "sys: exit 0" "sys: the release is uname -r" "jiffies read twice increases"; do
		ok "host /proc/kcore: $c # SKIP this machine has no readable /proc/kcore"
	done
	done_testing
fi
run_kd -c sys /proc/kcore
expect_eq "sys on the live kernel: exit 0" 0 "$rc"
expect_eq "sys on the live kernel: the release is uname -r" "$(uname -r)" "$(sed -n 's/^ *KERNEL: //p' "$TMP/out")"
run_kd -c 'rd -64 -x jiffies 1; !sleep 0.1; rd -64 -x jiffies 1' /proc/kcore
a=$(sed -n '1s/^.*:  *//p' "$TMP/out")
b=$(sed -n '2s/^.*:  *//p' "$TMP/out")
check "jiffies read twice from the live kernel increases ($a, $b)" test "$((0x${b:-0}))" -gt "$((0x${a:-0}))"
done_testing
