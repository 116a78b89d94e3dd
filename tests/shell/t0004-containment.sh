#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# A command module that crashes (SIGSEGV, stack overflow) or loops without
# checking for Ctrl-C: the shell reports it, stays usable, and the next
# command works (see the comment on crash containment in shell/dispatch.c).
. "$KDIVE_SRCDIR/tests/lib.sh"
MODS=$KDIVE_BUILDDIR/tests/modules/.libs

run_kd -c "load $MODS/crashy.so; segv; alias a1 help; deep; alias a2 help; alias"
expect_eq "a crashing command fails the run (exit 1)" 1 "$rc"
check "SIGSEGV is reported with the command, signal, address and module" \
	grep -q "^segv: crashed with Segmentation fault at address 0x10 in module 'crashy'; the command was abandoned" "$TMP/err"
check "a stack overflow is reported too" grep -q "^deep: crashed with Segmentation fault at address .* in module 'crashy'" "$TMP/err"
expect_eq "the commands after each crash still ran" "a1           help
a2           help" "$(grep '^a[12] ' "$TMP/out")"
check "the crashing command's output before the crash was kept" grep -q '^about to crash$' "$TMP/out"

# A loop that never checks for Ctrl-C: the first SIGINT asks politely, the
# second abandons the command; in batch mode the run then stops.
"$KDIVE" -n -c "load $MODS/crashy.so; spin; alias never help; alias" >"$TMP/out" 2>"$TMP/err" &
pid=$!
for _ in $(seq 100); do grep -q spinning "$TMP/out" && break; sleep 0.1; done
kill -INT $pid
sleep 0.3
kill -INT $pid
rc=0
for _ in $(seq 100); do kill -0 $pid 2>/dev/null || break; sleep 0.1; done
if kill -0 $pid 2>/dev/null; then
	kill -9 $pid
	not_ok "a second Ctrl-C abandons a command that ignores the first"
else
	wait $pid || rc=$?
	ok "a second Ctrl-C abandons a command that ignores the first"
fi
check "...with a clear message" grep -q "^spin: interrupted: abandoned after a second Ctrl-C" "$TMP/err"
expect_eq "...and a batch run stops there with exit 1" "1 " "$rc $(grep never "$TMP/out")"
done_testing
