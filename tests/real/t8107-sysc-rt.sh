#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The sysc commands (ipcs swap dev irq net runq timer waitq) on a dump of
# another kernel build, Debian's PREEMPT_RT 6.1 (--no-dbg: the dump alone),
# whose scheduler, lock and timer structures differ from the generic
# build's: t8101-t8106 run unchanged against that guest's own truth.
MKVMCORE_ARGS="--kernel linux-image-rt-amd64 --no-dbg"
export MKVMCORE_ARGS
unset KDIVE_FIXTURE
. "$KDIVE_SRCDIR/tests/lib.sh"
for t in t8101-ipcs t8102-swap t8103-dev t8104-irq t8105-net t8106-sched; do
	"$KDIVE_SRCDIR/tests/real/$t.sh" >"$TMP/$t.tap" 2>&1
	while IFS= read -r line; do
		case $line in
		"ok "*) ok "rt $t: ${line#ok * - }" ;;
		"not ok "*) not_ok "rt $t: ${line#not ok * - }" ;;
		"#"*) echo "$line" ;;
		esac
	done <"$TMP/$t.tap"
	grep -q '^1\.\.[1-9]' "$TMP/$t.tap" || not_ok "rt $t: no plan (the script stopped early)"
done
done_testing
