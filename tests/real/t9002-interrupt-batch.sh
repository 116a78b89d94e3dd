#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Ctrl-C (SIGINT) stops a long command in the batch shell, -c and commands on
# stdin alike: the command fails with "rd: interrupted", the run stops with
# exit 1, promptly (the interactive shell is covered by t0003).
. "$KDIVE_SRCDIR/tests/lib.sh"
. "$KDIVE_SRCDIR/tests/real/fixture.sh"
# rd over all 512 MiB of the ELF dump prints for far longer than the test waits.
long='rd -p 0 0x3ffffff'
interrupt() { # TITLE: kdive already started as $pid
	sleep 0.5
	kill -INT "$pid"
	for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
	if kill -0 "$pid" 2>/dev/null; then
		kill -9 "$pid"
		not_ok "$1: stops within 5 s of Ctrl-C"
		return
	fi
	rc=0
	wait "$pid" || rc=$?
	ok "$1: stops within 5 s of Ctrl-C"
	expect_eq "$1: exit 1, 'rd: interrupted', the run stops" "1 rd: interrupted" "$rc $(cat "$TMP/err")"
}
"$KDIVE" -n -c "$long; alias never help; alias" "$FIX/vmcore.elf" >/dev/null 2>"$TMP/err" &
pid=$!
interrupt "kdive -c"
printf '%s\nalias never help\nalias\n' "$long" >"$TMP/cmds"
"$KDIVE" -n "$FIX/vmcore.elf" <"$TMP/cmds" >/dev/null 2>"$TMP/err" &
pid=$!
interrupt "commands on stdin"
done_testing
