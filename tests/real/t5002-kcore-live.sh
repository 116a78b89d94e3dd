#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# kdive on the live /proc/kcore, run inside the QEMU guest (this host has no
# /proc/kcore): scripts/mkvmcore --with-kdive copies this build into the
# initramfs, and the guest records kdive's stdout, stderr and exit code in the
# truth (sections kcore_*).  Checked against the guest's own uname -r, the
# jiffies values /proc/timer_list showed right before and after the runs, and
# its task list.
. "$KDIVE_SRCDIR/tests/lib.sh"
MKVMCORE_ARGS="--with-kdive $KDIVE_BUILDDIR"
. "$KDIVE_SRCDIR/tests/real/fixture.sh"

for s in sys rd log ps all noarg; do
	expect_eq "kdive -c ... (kcore_$s) exits 0 in the guest" 0 "$(truth kcore_${s}_rc)"
	expect_eq "kcore_$s: nothing on stderr" "" "$(truth kcore_${s}_err)"
done
expect_eq "sys on /proc/kcore: KERNEL is the guest's uname -r" "$(truth uname_r)" \
	"$(truth kcore_sys | sed -n 's/^ *KERNEL: //p')"
expect_eq "sys on /proc/kcore: CPUS is the guest's CPU count" "$(truth nr_cpus)" \
	"$(truth kcore_sys | sed -n 's/^ *CPUS: //p')"
check "sys on /proc/kcore names the live kcore format" sh -c "'$KDIVE_SRCDIR/scripts/truth' '$TRUTH' kcore_sys | grep -q 'DUMPFILE: /proc/kcore  \[ELF64 kcore (live'"
expect_eq "no dump argument: /proc/kcore is opened (KERNEL)" "$(truth uname_r)" \
	"$(truth kcore_noarg | sed -n 's/^ *KERNEL: //p')"

# jiffies read live lies between the values /proc/timer_list showed before
# and after the kdive runs.
before=$(truth kcore_jiffies_before)
after=$(truth kcore_jiffies_after)
j=$((0x$(truth kcore_rd | awk '{ print $2 }')))
check "jiffies read live ($j) is within [$before, $after] from /proc/timer_list" \
	sh -c "[ -n '$before' ] && [ $before -le $j ] && [ $j -le $after ]"
ja=$((0x$(truth kcore_all | awk '/^ffff[0-9a-f]*: / { print $2; exit }')))
check "combined run: jiffies ($ja) within [$before, $after]" sh -c "[ $before -le $ja ] && [ $ja -le $after ]"
# The dump taken right after the guest finished sees a later jiffies, within
# a minute (HZ <= 1000).
run_kd -c 'rd -64 jiffies 1' "$FIX/vmcore.elf"
jd=$((0x$(awk '{ print $2 }' "$TMP/out")))
check "jiffies in the dump ($jd) is after the live read and within 60 s" \
	sh -c "[ $jd -ge $j ] && [ $((jd - j)) -le 60000 ]"

# log | tail -n 3: the last records are the guest's kernel messages.
check "log on /proc/kcore gives 3 lines" sh -c "[ \$('$KDIVE_SRCDIR/scripts/truth' '$TRUTH' kcore_log | wc -l) -eq 3 ]"
last=$(truth kmsg | tail -n 1 | sed 's/^[^;]*;//')
check "log's last line is the guest's last /dev/kmsg record" \
	sh -c "'$KDIVE_SRCDIR/scripts/truth' '$TRUTH' kcore_log | tail -n 1 | grep -qF -- '${last:0:40}'"
# ps | head: the header, the idle task and init.
check "ps on /proc/kcore lists pid 1 as kdive-init" \
	sh -c "'$KDIVE_SRCDIR/scripts/truth' '$TRUTH' kcore_ps | grep -qE '^[ >] +1 +0 .* kdive-init\$'"
done_testing
