#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# log on the real dump: every record the guest read from /dev/kmsg just
# before the dump appears, in order, with the same sequence number, level,
# timestamp and text (and device info); the marker lines are there.
. "$KDIVE_SRCDIR/tests/lib.sh"
. "$KDIVE_SRCDIR/tests/real/fixture.sh"
D=$FIX/vmcore.elf

# Ground truth: /dev/kmsg records "prio,seq,ts_usec,flags;text" (text with
# /dev/kmsg's \xNN escapes) followed by " KEY=value" device-info lines.
truth kmsg | awk '
	/^ / { sub(/^ /, ""); if (cur != "") dev[cur] = dev[cur] $0 "|"; next }
	{
		split(substr($0, 1, index($0, ";") - 1), f, ",")
		text = substr($0, index($0, ";") + 1)
		cur = f[2]
		line[cur] = sprintf("%d %d [%5d.%06d] %s", f[2], f[1] % 8, int(f[3] / 1000000), f[3] % 1000000, text)
		order[++n] = cur
	}
	END { for (i = 1; i <= n; i++) print line[order[i]] " {" dev[order[i]] "}" }' >"$TMP/want"
check "the guest recorded kernel log records" test "$(wc -l <"$TMP/want")" -gt 100

run_kd -c 'log --json' "$D"
expect_eq "log --json exits 0" 0 "$rc"
# kdive's records in the same shape; text escaped the way /dev/kmsg does.
jq -r '.[] | "\(.seq) \(.level) [\(.ts_nsec / 1000000000 | floor | tostring | (" " * (5 - length)) + .).\((.ts_nsec % 1000000000) / 1000 | floor | tostring | ("0" * (6 - length)) + .)] \(.text | [explode[] | if . < 32 or . >= 127 or . == 92 then "\\x" + ("0123456789abcdef"[(. / 16 | floor):(. / 16 | floor) + 1]) + ("0123456789abcdef"[(. % 16):(. % 16) + 1]) else ([.] | implode) end] | join("")) {\(if .subsystem then "SUBSYSTEM=\(.subsystem)|" else "" end)\(if .device then "DEVICE=\(.device)|" else "" end)}"' \
	"$TMP/out" >"$TMP/got_all"
# Records that are in both (the dump may hold a few records written after).
first=$(head -n 1 "$TMP/want" | cut -d' ' -f1)
last=$(tail -n 1 "$TMP/want" | cut -d' ' -f1)
awk -v a="$first" -v b="$last" '$1 >= a && $1 <= b' "$TMP/got_all" >"$TMP/got"
if cmp -s "$TMP/want" "$TMP/got"; then
	ok "all $(wc -l <"$TMP/want") /dev/kmsg records equal the dump's (seq, level, timestamp, text, device info)"
else
	not_ok "all /dev/kmsg records equal the dump's"
	diff "$TMP/want" "$TMP/got" | head -n 10 | show
fi

# The text output, as dmesg prints it: every line of the guest's dmesg.
run_kd -c log "$D"
# kdive indents the later lines of a multi-line message to the text column
# (as crash does); the kernel's syslog format, which dmesg shows, repeats the
# timestamp instead.  Rewrite ours that way for the comparison.
awk '/^\[/ { ts = substr($0, 1, 15); print; next } { print ts substr($0, 16) }' "$TMP/out" >"$TMP/out.dmesg"
mv "$TMP/out.dmesg" "$TMP/out"
truth dmesg >"$TMP/dmesg"
# dmesg prints raw bytes; kdive escapes non-printables like /dev/kmsg.
sed 's/\x01/\\x01/g' "$TMP/dmesg" >"$TMP/dmesg.esc"
missing=$(grep -vxF -f "$TMP/out" "$TMP/dmesg.esc" | head -n 3)
expect_eq "every line of the guest's dmesg is in 'log' output" "" "$missing"
check "dmesg's lines come in the same order" \
	sh -c "grep -xF -f '$TMP/dmesg.esc' '$TMP/out' | head -n $(wc -l <"$TMP/dmesg.esc") | cmp -s - '$TMP/dmesg.esc'"
while read -r m; do
	check "marker '$m' is in the log" grep -qF "] $m" "$TMP/out"
done < <(truth markers | sed 's/\x01/\\x01/')

run_kd -c 'log -m -c -t' "$D"
check "log -m -c -t: caller and level, no timestamp" grep -q '^\[     T0\] <5>Linux version ' "$TMP/out"
run_kd -c 'log -d' "$D"
check "log -d: device info indented under its message" grep -q '^               SUBSYSTEM=' "$TMP/out"
# -T: wall-clock time from the kernel's timekeeper.  The guest's clock came
# from QEMU's RTC (the host's UTC time); the markers were logged a few
# seconds before the dump was made (info: made_at, host time).
rc=0
TZ=UTC "$KDIVE" -n -c 'log -T' "$D" >"$TMP/out" 2>"$TMP/err" || rc=$?
expect_eq "log -T exits 0" 0 "$rc"
line=$(grep -F "] $(truth markers | tail -n 1)" "$TMP/out")
when=$(echo "$line" | sed -n 's/^\[\(.*\)\] .*/\1/p')
made=$(date -u -d "$(sed -n 's/^made_at=//p' "$FIX/info")" +%s)
got=$(date -u -d "$when" +%s 2>/dev/null || echo 0)
check "log -T: the last marker's wall time ($when) is within 2 minutes before the dump was made" \
	test $((made - got)) -ge 0 -a $((made - got)) -le 120
check "log -T: dmesg -T's layout" grep -qE '^\[(Mon|Tue|Wed|Thu|Fri|Sat|Sun) [A-Z][a-z]{2} [ 0-9][0-9] [0-9]{2}:[0-9]{2}:[0-9]{2} [0-9]{4}\] Linux version' "$TMP/out"
run_kd -c 'log extra' "$D"
expect_eq "log with an argument: usage error" "1" "$rc"
done_testing
