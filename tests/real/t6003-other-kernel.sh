#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The mission commands on a dump of another kernel build: Debian's PREEMPT_RT
# kernel (linux-image-rt-amd64), whose task_struct, locks and scheduler
# structures differ from the generic build's.  Nothing in kdive is per kernel:
# the same code must read it from the dump alone (no vmlinux, no System.map:
# the fixture is made with --no-dbg).  Compared with that guest's own truth.
MKVMCORE_ARGS="--kernel linux-image-rt-amd64 --no-dbg"
export MKVMCORE_ARGS
. "$KDIVE_SRCDIR/tests/lib.sh"
. "$KDIVE_SRCDIR/tests/real/fixture.sh"

for f in elf kdump-zlib; do
	D=$FIX/vmcore.$f
	run_kd -c 'sys' "$D"
	expect_eq "$f: sys exits 0" 0 "$rc"
	expect_eq "$f: sys RELEASE is the guest's uname -r" "$(truth uname_r)" \
		"$(sed -n 's/^ *RELEASE: //p' "$TMP/out")"

	# Every well-known symbol /proc/kallsyms listed, at its address there.
	run_kd -c "$(truth kallsyms | awk '{ printf "sym %s; ", $1 }')" "$D"
	awk '{ print $3, $1 }' "$TMP/out" | sort >"$TMP/gotsym"
	truth kallsyms | awk '{ print $1, $2 }' | sort >"$TMP/wantsym"
	bad=$(comm -23 "$TMP/wantsym" "$TMP/gotsym" | head -n 3 | tr '\n' ';')
	expect_eq "$f: sym gives kallsyms' address for $(wc -l <"$TMP/wantsym") symbols" "" "$bad"

	run_kd -c 'ps --json' "$D"
	expect_eq "$f: ps --json exits 0" 0 "$rc"
	jq -r '.[] | "\(.pid) \(.ppid) \(.tgid) \(.comm)"' "$TMP/out" | sort -u >"$TMP/got"
	truth tasks | awk '$5 !~ /^kworker/ { c = $5; for (i = 6; i <= NF; i++) c = c " " $i; print $1, $2, $3, substr(c, 1, 15) }' |
		sort -u >"$TMP/want"
	missing=$(comm -23 "$TMP/want" "$TMP/got" | head -n 5 | tr '\n' ';')
	expect_eq "$f: every task the guest saw ($(wc -l <"$TMP/want")) is in ps" "" "$missing"

	run_kd -c 'log --json' "$D"
	expect_eq "$f: log exits 0" 0 "$rc"
	jq -r '.[].text' "$TMP/out" | grep -F -x -f <(truth markers) >"$TMP/gotm" || true
	expect_eq "$f: log holds the 7 markers in order" "$(truth markers | tr '\n' '|')" "$(tr '\n' '|' <"$TMP/gotm")"

	run_kd -c 'struct task_struct.pid init_task' "$D"
	check "$f: struct reads init_task.pid from BTF" grep -q 'pid = 0' "$TMP/out"
done

# User memory (only in the unfiltered ELF): the marker's anonymous page 3.
D=$FIX/vmcore.elf
mpid=$(truth marker | sed -n 's/^pid=//p')
a3=$(printf '%x' $(( $(truth marker | sed -n 's/^anon_addr=//p') + 3 * 4096 )))
run_kd -c "set $mpid > /dev/null; rd -u -64 -x $a3 2" "$D"
expect_eq "set PID; rd -u reads the marker's anon pattern" "6b64697661030000 6b64697661030001" \
	"$(awk '{ print $2, $3 }' "$TMP/out")"
done_testing
