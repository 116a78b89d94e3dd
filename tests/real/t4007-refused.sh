#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Dumps kdive does not read are refused by name, in one line, exit 1
# (issue 20): LKCD, sadump, Xen xc_core (old and ELF layouts), an ELF32
# vmcore, a user-space process core.  The files are headers made by
# tests/tools/mkodd from each format's definition (see its comments).
. "$KDIVE_SRCDIR/tests/lib.sh"
MKODD=$KDIVE_BUILDDIR/tests/tools/mkodd
for spec in "lkcd:an LKCD dump" "sadump:a sadump dump" "xc_core:a Xen xc_core dump" \
	"xc_core_elf:a Xen xc_core dump (ELF)" \
	"elf32-arm:an ELF32 vmcore (a 32-bit arm kernel's dump)" \
	"process:a user-space process core (a program's core file, not a kernel dump)"; do
	k=${spec%%:*} what=${spec#*:}
	"$MKODD" "$k" "$TMP/$k"
	run_kd -c sys "$TMP/$k"
	expect_eq "$k: exit 1" 1 "$rc"
	expect_eq "$k: refused by name" "kdive: '$TMP/$k' is $what, which kdive does not read" "$(cat "$TMP/err")"
	expect_eq "$k: nothing on stdout" "" "$(cat "$TMP/out")"
done
# a sadump behind a media backup header: the partition header at 4096
"$MKODD" sadump "$TMP/sadump"
{ head -c 4096 /dev/zero; cat "$TMP/sadump"; } >"$TMP/sadump-media"
run_kd -c sys "$TMP/sadump-media"
check "sadump on backup media: refused by name" grep -q "is a sadump dump, which kdive does not read" "$TMP/err"
# a real process core, if gdb's gcore is here to make one
if command -v gcore >/dev/null 2>&1; then
	sleep 30 &
	pid=$!
	gcore -o "$TMP/core" "$pid" >/dev/null 2>&1
	kill "$pid" 2>/dev/null
	# (gcore needs ptrace; where it is denied there is no core to test)
	if [ -s "$TMP/core.$pid" ]; then
		run_kd -c sys "$TMP/core.$pid"
		check "a real gcore core file is refused as a process core" grep -q "is a user-space process core" "$TMP/err"
	else
		ok "a real gcore core file # SKIP gcore made no core (ptrace denied?)"
	fi
else
	ok "a real gcore core file # SKIP gdb's gcore is not installed"
fi
done_testing
