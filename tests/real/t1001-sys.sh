#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# sys on the real QEMU dump agrees with what the guest recorded about itself.
. "$KDIVE_SRCDIR/tests/lib.sh"
. "$KDIVE_SRCDIR/tests/real/fixture.sh"

run_kd -c sys "$FIX/vmcore.elf"
expect_eq "sys exits 0" 0 "$rc"
expect_eq "sys prints nothing on stderr" "" "$(cat "$TMP/err")"
release=$(sed -n 's/^ *KERNEL: //p' "$TMP/out")
expect_eq "KERNEL is the guest's uname -r" "$(truth uname_r)" "$release"
expect_eq "RELEASE is the guest's osrelease" "$(truth osrelease)" "$(sed -n 's/^ *RELEASE: //p' "$TMP/out")"
expect_eq "CPUS is the guest's CPU count" "$(truth nr_cpus)" "$(sed -n 's/^ *CPUS: //p' "$TMP/out")"
expect_eq "PAGE SIZE is the guest's page size" "$(truth pagesize)" "$(sed -n 's/^ *PAGE SIZE: //p' "$TMP/out")"
# crash's MACHINE line: the machine, then cpu_khz's speed.
check "MACHINE is x86_64 with its speed" sh -c "sed -n 's/^ *MACHINE: //p' '$TMP/out' | grep -Eqx 'x86_64  \([0-9]+ Mhz\)'"
expect_eq "NODENAME is the guest's hostname" "$(truth hostname)" "$(sed -n 's/^ *NODENAME: //p' "$TMP/out")"
check "VERSION ends /proc/version" sh -c "'$KDIVE_SRCDIR/scripts/truth' '$TRUTH' version | grep -qF -- ' $(sed -n 's/^ *VERSION: //p' "$TMP/out")'"
# A dump of a running machine: no panic; the context is CPU 0's task.
expect_eq "PANIC: none" "(none: the kernel did not panic)" "$(sed -n 's/^ *PANIC: //p' "$TMP/out")"
expect_eq "CPU of the context task" "0" "$(sed -n 's/^ *CPU: //p' "$TMP/out")"
check "DUMPFILE names the file and the QEMU ELF format" \
	grep -q "DUMPFILE: $FIX/vmcore.elf  \[ELF64 vmcore (QEMU dump-guest-memory)\]" "$TMP/out"
# MemTotal excludes reserved memory, so the dump holds at least that much.
memtotal_kb=$(truth meminfo | awk '/^MemTotal:/ { print $2 }')
run_kd -c 'sys --json' "$FIX/vmcore.elf"
check "sys --json is one valid JSON document" sh -c "jq -e . '$TMP/out' >/dev/null"
expect_eq "sys --json release" "$(truth uname_r)" "$(jq -r .release "$TMP/out")"
expect_eq "sys --json cpus" "$(truth nr_cpus)" "$(jq -r .cpus "$TMP/out")"
mem=$(jq -r .memory_bytes "$TMP/out")
expect_eq "sys --json: not panicked" "false" "$(jq -r .panic.panicked "$TMP/out")"
# The timekeeper's uptime: at or after the truth's /proc/uptime, less 2 s
# (NOHZ: an idle guest stops updating the timekeeper), and before the dump.
up=$(jq -r .uptime_ns "$TMP/out")
check "uptime $up ns is within 2 s of the truth's $(truth uptime | cut -d' ' -f1) s" \
	awk -v u="$up" -v t="$(truth uptime | cut -d' ' -f1)" 'BEGIN { exit !(u / 1e9 >= t - 2 && u / 1e9 <= t + 60) }'
mtime=$(stat -c %Y "$FIX/vmcore.elf")
check "DATE (the timekeeper's) is within 2 minutes before the dump's mtime" \
	[ "$(jq -r .date "$TMP/out")" -le "$mtime" -a "$(jq -r .date "$TMP/out")" -ge $((mtime - 120)) ]
check "dump memory ($mem bytes) >= guest MemTotal ($memtotal_kb kB)" [ "$mem" -ge $((memtotal_kb * 1024)) ]
expect_eq "BUILD-ID from VMCOREINFO matches the guest's" \
	"$(truth vmcoreinfo_sysfs | sed -n 's/^BUILD-ID=//p' | head -n 1)" "$(jq -r .build_id "$TMP/out")"

# dumpinfo: the notes and VMCOREINFO the guest exported.
run_kd -c 'dumpinfo --json' "$FIX/vmcore.elf"
expect_eq "dumpinfo --json exits 0" 0 "$rc"
expect_eq "dumpinfo: one NT_PRSTATUS per guest CPU" "$(truth nr_cpus)" \
	"$(jq '[.notes[] | select(.type_name == "NT_PRSTATUS")] | length' "$TMP/out")"
expect_eq "dumpinfo: VMCOREINFO OSRELEASE" "$(truth uname_r)" "$(jq -r .vmcoreinfo.OSRELEASE "$TMP/out")"
# Every SYMBOL() the guest's own VMCOREINFO lists (when it recorded the text)
# is in the dump's note with the same value.
truth vmcoreinfo_sysfs | grep '^SYMBOL(' | head -n 20 >"$TMP/sym_truth"
if [ -s "$TMP/sym_truth" ]; then
	jq -r '.vmcoreinfo | to_entries[] | "\(.key)=\(.value)"' "$TMP/out" | grep '^SYMBOL(' >"$TMP/sym_dump"
	check "VMCOREINFO SYMBOL() values equal the guest's /sys/kernel/vmcoreinfo text" \
		sh -c "grep -vxF -f '$TMP/sym_dump' '$TMP/sym_truth' | { ! grep -q .; }"
else
	ok "VMCOREINFO SYMBOL() values # SKIP the guest recorded no /sys/kernel/vmcoreinfo text"
fi
run_kd -c 'help -D' "$FIX/vmcore.elf"
check "help -D shows the dump's format" grep -q 'FORMAT: ELF64 vmcore' "$TMP/out"

# --vmcoreinfo FILE replaces the dump's VMCOREINFO (here: the guest's own
# text with another release name).
truth vmcoreinfo_sysfs | sed -n '2,$p' | sed 's/^OSRELEASE=.*/OSRELEASE=kdive-test-release/' >"$TMP/vmci"
run_kd --vmcoreinfo "$TMP/vmci" -c 'sys; dumpinfo' "$FIX/vmcore.elf"
expect_eq "--vmcoreinfo FILE: sys shows its OSRELEASE" "kdive-test-release" "$(sed -n 's/^ *KERNEL: //p' "$TMP/out")"
check "--vmcoreinfo FILE: dumpinfo names the source" grep -q "^VMCOREINFO (--vmcoreinfo $TMP/vmci, " "$TMP/out"
run_kd --vmcoreinfo "$TMP/nonexistent" -c sys "$FIX/vmcore.elf"
expect_eq "--vmcoreinfo with a missing file: exit 1" 1 "$rc"
done_testing
