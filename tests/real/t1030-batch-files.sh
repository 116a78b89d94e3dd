#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Batch files on a real dump (issue 18): the errors and warnings of a
# command read from a file start with FILE:LINE (blank and comment lines
# count), in crash's argument order too (kdive -i FILE vmlinux vmcore).
# The addresses come from the fixture: memory ends at mem_mb MiB (info), so
# twice that is past the dump; a physical address above 2^MAX_PHYSMEM_BITS
# is past the page array's sections (VMCOREINFO).
. "$KDIVE_SRCDIR/tests/lib.sh"
. "$KDIVE_SRCDIR/tests/real/fixture.sh"
D=$FIX/vmcore.elf
mem_mb=$(sed -n 's/^mem_mb=//p' "$FIX/info")
past=$(printf '0x%x' $((mem_mb * 2 * 1048576)))
cat >"$TMP/triage.kd" <<EOF
# a triage file
sys > /dev/null

rd -p $past
kmem -p 0xffffffffffff > /dev/null
sym init_task > /dev/null
EOF
run_kd -i "$TMP/triage.kd" "$D"
expect_eq "-i: exit 1 (a command failed)" 1 "$rc"
expect_eq "-i: the failing read names the file, its line and the address" \
	"$TMP/triage.kd:4: rd: physical address $past is not in the dump" "$(sed -n 1p "$TMP/err")"
check "-i: a warning names the file and line before 'warning:'" \
	grep -qF "$TMP/triage.kd:5: warning: 0xffffffffffff: " "$TMP/err"
check "-i: and the command's own error has the same line" \
	grep -qF "$TMP/triage.kd:5: kmem: " "$TMP/err"
expect_eq "-i: nothing else on stderr (3 lines)" 3 "$(wc -l <"$TMP/err")"

run_kd -i "$TMP/triage.kd" "$FIX/vmlinux" "$D"
expect_eq "kdive -i FILE vmlinux vmcore: the same errors" \
	"$TMP/triage.kd:4: rd: physical address $past is not in the dump" "$(sed -n 1p "$TMP/err")"

# stdin has no file name: the same message without the prefix
rc=0
"$KDIVE" -n "$D" <"$TMP/triage.kd" >"$TMP/out" 2>"$TMP/err" || rc=$?
expect_eq "stdin: the error without FILE:LINE" "rd: physical address $past is not in the dump" \
	"$(sed -n 1p "$TMP/err")"
done_testing
