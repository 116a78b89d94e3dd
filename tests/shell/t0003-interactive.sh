#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The interactive shell, driven through a real terminal (tmux): prompt, Tab
# completion of commands and options, Ctrl-C at the prompt and during a long
# command, history saved to ~/.kdive_history, the pager, q to quit.
. "$KDIVE_SRCDIR/tests/lib.sh"
. "$KDIVE_SRCDIR/tests/real/fixture.sh"
command -v tmux >/dev/null || { not_ok "tmux is installed (scripts/deps installs it)"; done_testing; }

sock=$TMP/tmux.sock
T() { tmux -S "$sock" "$@"; }
mkdir -p "$TMP/home"
pane() { T capture-pane -t kd -p -S -200; }
# wait_for TEXT: poll the screen for up to 30 s (CI machines can be loaded).
wait_for() {
	for _ in $(seq 300); do
		pane | grep -qF -- "$1" && return 0
		sleep 0.1
	done
	return 1
}
T new-session -d -s kd -x 150 -y 50 \
	"env HOME=$TMP/home PAGER=cat $KDIVE -n $FIX/vmcore.elf; echo kdive-exited-\$?; sleep 30"
check "the banner and the prompt appear" wait_for "kdive>"
check "the banner shows the release" sh -c "$(declare -f T pane); sock='$sock'; pane | grep -q 'KERNEL: $(truth uname_r)'"

T send-keys -t kd 'dumpi' Tab
check "Tab completes a command name" wait_for "kdive> dumpinfo"
T send-keys -t kd C-u 'rd -' Tab Tab
check "Tab Tab lists a command's options" wait_for "--json  --pgd"
T send-keys -t kd C-u 'ps kdive-ma' Tab
check "Tab completes a task's command name from the dump" wait_for "kdive> ps kdive-marker"
# The marker and the sleeper (started one after the other) by their pids'
# first digits: both are listed, as words of the completion list.
mpid=$(truth marker | sed -n 's/^pid=//p')
spid=$(truth marker | sed -n 's/^sleeper_pid=//p')
T send-keys -t kd C-u "set ${mpid%?}" Tab Tab
listed() {
	for _ in $(seq 300); do
		pane | grep -v 'kdive>' | grep -Eq "(^|  )$1(  |\$)" && return 0
		sleep 0.1
	done
	return 1
}
check "Tab Tab lists the pids that start with what was typed (the marker's $mpid)" listed "$mpid"
[ "${spid%?}" = "${mpid%?}" ] && check "...and the sleeper's $spid" listed "$spid"
T send-keys -t kd C-u 'dis schedule_timeout' Tab Tab
check "Tab Tab lists symbols for an address operand" wait_for "schedule_timeout_idle"
T send-keys -t kd C-u 'rd -p 0x10 4'
wait_for "kdive> rd -p 0x10 4" >/dev/null # typed text not yet read is flushed by ^C
T send-keys -t kd C-c
check "Ctrl-C at the prompt abandons the line" wait_for "rd -p 0x10 4^C"
T send-keys -t kd Enter
sleep 0.3
check "...and the abandoned command did not run" sh -c "$(declare -f T pane); sock='$sock'; ! pane | grep -q '^      10:'"

T send-keys -t kd 'rd -p 0 100000000 > /dev/null' Enter
sleep 1
T send-keys -t kd C-c
check "Ctrl-C interrupts a long command" wait_for "rd: interrupted"
T send-keys -t kd 'rd -p 0x10 2' Enter
check "the session goes on after Ctrl-C" wait_for "      10:  "
T send-keys -t kd 'sys | grep -c KERNEL' Enter
check "pipes work interactively" wait_for $'sys | grep -c KERNEL\n1'
T send-keys -t kd 'q' Enter
check "q leaves kdive with status 0" wait_for "kdive-exited-0"
check "history is saved to ~/.kdive_history" grep -qx 'rd -p 0x10 2' "$TMP/home/.kdive_history"
check "the abandoned line is not in the history" sh -c "! grep -q '^rd -p 0x10 4' '$TMP/home/.kdive_history'"
T kill-server 2>/dev/null
sock=$TMP/tmux2.sock # a fresh server: the old one may still be shutting down

# The pager: on a terminal, output goes through $KDIVE_PAGER.
cat >"$TMP/pager" <<EOP
#!/bin/sh
echo PAGER-START
cat
EOP
chmod +x "$TMP/pager"
T new-session -d -s kd -x 150 -y 50 \
	"env HOME=$TMP/home KDIVE_PAGER=$TMP/pager $KDIVE -n -s $FIX/vmcore.elf; sleep 30"
wait_for "kdive>" >/dev/null
T send-keys -t kd 'sys' Enter
check "output goes through \$KDIVE_PAGER on a terminal" wait_for "PAGER-START"
wait_for "kdive>" >/dev/null
T send-keys -t kd 'set scroll off' Enter 'rd -p 0x10 1' Enter
wait_for "      10:" >/dev/null
check "set scroll off: no pager" sh -c "$(declare -f T pane); sock='$sock'; [ \$(pane | grep -c PAGER-START) -eq 1 ]"
T kill-server 2>/dev/null

# No dump: the live kernel when /proc/kcore is readable, else one line
# saying why (no /proc/kcore on this machine, or not root) and the prompt.
sock=$TMP/tmux3.sock
T new-session -d -s kd -x 150 -y 50 "env HOME=$TMP/home $KDIVE -n; sleep 30"
if [ -r /proc/kcore ]; then
	check "no dump, readable /proc/kcore: the live kernel's banner" wait_for "KERNEL: $(uname -r)"
elif [ -e /proc/kcore ]; then
	check "no dump, /proc/kcore not readable: says it needs root" \
		wait_for "kdive: no dump given, and reading the live kernel's /proc/kcore needs root"
else
	check "no dump, no /proc/kcore: says so" \
		wait_for "kdive: no dump given, and this machine has no /proc/kcore to read the live kernel from"
fi
check "no dump: the prompt still comes" wait_for "kdive>"
T kill-server 2>/dev/null
done_testing
