#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# docs/examples/triage.sh (docs/triage.md) on two real dumps, a running
# guest's and a panicked guest's, fanned out by GNU parallel when it is
# installed and by xargs -P: the summary against the guests' truth (uname,
# the panic line and call trace on the panicked guest's console), its
# arithmetic (every task in one stack group), and the exit-code contract
# (0 complete, 1 partial, 2 unreadable).
. "$KDIVE_SRCDIR/tests/lib.sh"
MKVMCORE_ARGS=--panic
. "$KDIVE_SRCDIR/tests/real/fixture.sh"
PFIX=$FIX
# shellcheck disable=SC2034 # fixture.sh reads it
MKVMCORE_ARGS=''
. "$KDIVE_SRCDIR/tests/real/fixture.sh"
TRIAGE=$KDIVE_SRCDIR/docs/examples/triage.sh
export KDIVE

release=$(truth uname_r)
# The panicked guest's console (QEMU's serial log): its panic line, and the
# reliable frames of its call trace ('?' lines are guesses) from panic() on.
console_msg=$(grep -a -m1 -o 'Kernel panic - not syncing: .*' "$PFIX/console.log" | tr -d '\r')
console_pid=$(grep -a -m1 -o 'CPU: [0-9]* PID: [0-9]* Comm: [^ ]*' "$PFIX/console.log" | awk '{ print $4, $6 }')
console_trace=$(sed -n '/Call Trace:/,/<\/TASK>/p' "$PFIX/console.log" | tr -d '\r' |
	sed 's/^\[[^]]*\] *//' | awk '$1 ~ /\+0x/ { sub(/\+.*/, "", $1); print $1 }' | sed -n '/^panic$/,$p' | tr '\n' ' ')
check "the console shows the panic and its trace ($console_msg; $console_trace)" \
	[ -n "$console_msg" -a -n "$console_trace" -a -n "$console_pid" ]

# The same checks in both passes, so the count does not depend on whether
# GNU parallel is installed (without it the first pass is xargs -P too).
for r in p x; do
	if [ "$r" = p ] && command -v parallel >/dev/null; then
		opt='' label="GNU parallel" runner=parallel
	else
		opt=-x label="xargs -P" runner=xargs
		[ "$r" = p ] && label="xargs -P (no GNU parallel here)"
	fi
	rc=0
	"$TRIAGE" $opt -j 2 -o "$TMP/out-$r" "$FIX/vmcore.elf" "$PFIX/vmcore.kdump-zlib" >"$TMP/sum" 2>"$TMP/err" || rc=$?
	S=$TMP/out-$r/summary.json
	expect_eq "$label: two good dumps: exit 0" 0 "$rc"
	check "$label: says how it fanned out" grep -q "2 dump(s) read by kdive, 2 at a time ($runner)" "$TMP/err"
	expect_eq "$label: both read completely" "ok ok" "$(jq -r '[.[].status] | join(" ")' "$S")"
	expect_eq "$label: release is the guests' uname -r" "$release $release" "$(jq -r '[.[].release] | join(" ")' "$S")"
	expect_eq "$label: the running guest has no panic" "null" "$(jq -c '.[0].panic' "$S")"
	expect_eq "$label: panic message is the console's" "$console_msg" "$(jq -r '.[1].panic.message' "$S")"
	expect_eq "$label: panic pid and command are the console's" "$console_pid" "$(jq -r '.[1].panic | "\(.pid) \(.command)"' "$S")"
	expect_eq "$label: the panic stack from panic() on is the console's call trace" "$console_trace" \
		"$(jq -r '.[1].panic_stack | .[index("panic"):] | join(" ") + " "' "$S")"
	check "$label: the summary prints the panic line" grep -qF "panic   \"$console_msg\"" "$TMP/sum"
	check "$label: PANIC MESSAGES counts it once" grep -qE "^ +1  $console_msg\$" "$TMP/sum"
	for i in 1 2; do
		groups=$(jq '[.[].count] | add' "$TMP/out-$r/$i/stacks.json")
		tasks=$(jq length "$TMP/out-$r/$i/ps.json")
		expect_eq "$label: dump $i: the stack groups hold every task once ($tasks)" "$tasks" "$groups"
		top=$(jq -c '[.['$((i - 1))'].top_stacks[].count]' "$S")
		expect_eq "$label: dump $i: top stacks are the largest groups, largest first" \
			"$(jq -c '[.[].count] | sort | reverse | .[:3]' "$TMP/out-$r/$i/stacks.json")" "$top"
	done
done

# The exit-code contract: a dump that kdive reads only in part (one half of
# a makedumpfile --split set: the symbols lie in the other half) is 1; a
# file that is no dump is 2, and the others are still summarised.
rc=0
"$TRIAGE" -x -o "$TMP/part" "$FIX/vmcore.split.1" >"$TMP/sum" 2>"$TMP/err" || rc=$?
expect_eq "half a split dump: exit 1 (partial)" 1 "$rc"
expect_eq "half a split dump: status partial, sys still read" "partial $release" \
	"$(jq -r '.[0] | "\(.status) \(.release)"' "$TMP/part/summary.json")"
check "half a split dump: kdive's errors are in the summary" grep -q '   error   .*split dump' "$TMP/sum"
printf 'not a dump\n' >"$TMP/junk"
rc=0
"$TRIAGE" -x -o "$TMP/bad" "$TMP/junk" "$PFIX/vmcore.elf" >"$TMP/sum" 2>"$TMP/err" || rc=$?
expect_eq "a file that is no dump: exit 2" 2 "$rc"
expect_eq "... it failed, the panicked dump beside it is ok" "failed ok" \
	"$(jq -r '[.[].status] | join(" ")' "$TMP/bad/summary.json")"
check "... kdive's reason is shown" grep -q "kdive: '$TMP/junk'" "$TMP/sum"
rc=0
(cd "$PFIX" && "$TRIAGE" -o "$TMP/rel" vmcore.elf) >"$TMP/sum" 2>"$TMP/err" || rc=$?
expect_eq "a dump named relative to the current directory: exit 0, the panic found" "0 $console_msg" \
	"$rc $(jq -r '.[0].panic.message' "$TMP/rel/summary.json")"
rc=0
"$TRIAGE" >/dev/null 2>&1 || rc=$?
expect_eq "no dump given: usage, exit 2" 2 "$rc"
done_testing
