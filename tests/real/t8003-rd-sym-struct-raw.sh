#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# rd -s (words that are kernel addresses as symbol+offset) and struct -r (a
# struct's raw bytes) on the real dump, against the guest's truth:
# init_task.active_mm is &init_mm (truth kallsyms), init_uts_ns's release is
# `uname -r`, the marker's comm and pid (truth marker).
. "$KDIVE_SRCDIR/tests/lib.sh"
. "$KDIVE_SRCDIR/tests/real/fixture.sh"
D=$FIX/vmcore.elf
init_task=$(truth kallsyms | awk '$1 == "init_task" { print $2 }')
static=$(truth kallsyms | awk '$1 == "printk_rb_static" { print $2 }')
# prb points to printk_rb_static (kernel/printk/printk.c; a 2-CPU guest
# keeps the static buffer).
run_kd -c "rd -s prb 1" "$D"
check "rd -s: prb shows as printk_rb_static" grep -qE '^[0-9a-f]{16}:  printk_rb_static +$' "$TMP/out"
run_kd -c "rd prb 1" "$D"
check "rd: prb holds printk_rb_static's address ($static)" grep -qE "^[0-9a-f]{16}:  $static " "$TMP/out"
# init_task.real_parent is init_task itself: at the member's offset (BTF).
off=$("$KDIVE" -n -c 'struct -o task_struct' "$D" | sed -n 's/^ *\[\([0-9]*\)\] struct task_struct \*real_parent;$/\1/p')
addr=$(printf '%x' $((0x$init_task + off)))
run_kd -c "rd -s $addr 1" "$D"
expect_eq "rd -s: init_task.real_parent (+$off) shows as init_task" "$addr:  init_task        " "$(cat "$TMP/out")"
run_kd -c "rd -s --json $addr 1" "$D"
expect_eq "rd -s --json: value and symbol" "0x$init_task init_task" "$(jq -r '.values[0] | "\(.value) \(.symbol)"' "$TMP/out")"
# symbol+offset: a word pointing inside init_task (its own list heads).
run_kd -c "rd -s init_task 256" "$D"
check "rd -s: init_task's self-pointing list heads show as init_task+N" grep -qE ' init_task\+[0-9]+ ' "$TMP/out"
check "rd -s: no ASCII column, two words a line" sh -c "! grep -qvE '^[0-9a-f]{16}:  [^ ]+ +[^ ]+ +\$' '$TMP/out'"
# A value that is not an address stays hex (jiffies is a count).
run_kd -c "rd -s jiffies 1" "$D"
check "rd -s: a number stays hex" grep -qE '^[0-9a-f]{16}:  [0-9a-f]{16} $' "$TMP/out"
run_kd -c "rd -s -32 init_task 1" "$D"
expect_eq "rd -s -32 fails" 1 "$rc"

# struct -r: the release string's bytes, words as values, ASCII.
rel=$(truth uname_r)
run_kd -c "struct -r uts_namespace.name.release init_uts_ns" "$D"
expect_eq "struct -r member: its name first" "name.release:" "$(head -n 1 "$TMP/out")"
check "struct -r: the ASCII column starts with uname -r ($rel)" grep -qE "^ *[0-9a-f]{16}:  [0-9a-f]{16} [0-9a-f]{16}   ${rel:0:16}" "$TMP/out"
# the first word is the first 8 bytes of the string, little-endian
want=$(printf '%s' "${rel:0:8}" | od -An -tx8 | tr -d ' ')
check "struct -r: the first word is the string's first 8 bytes ($want)" grep -q ":  $want " "$TMP/out"
# 65 bytes (__NEW_UTS_LEN + 1) make 5 lines, the last with one byte.
expect_eq "struct -r: 65 bytes in 5 lines" 6 "$(wc -l <"$TMP/out")"
pid=$(truth marker | sed -n 's/^pid=//p')
run_kd -c "ps --json" "$D"
task=$(jq -r --argjson p "$pid" '.[] | select(.pid == $p) | .task' "$TMP/out")
run_kd -c "struct -r task_struct.pid,comm $task" "$D"
check "struct -r: the marker's pid as a 32-bit value" grep -qE ":  $(printf '%08x' "$pid") +" "$TMP/out"
check "struct -r: the marker's comm" grep -q '   kdive-marker\.\.\.\.$' "$TMP/out"
run_kd -c "struct -r --json task_struct.comm $task" "$D"
expect_eq "struct -r --json: the comm's bytes" "$(printf 'kdive-marker\0\0\0\0' | od -An -tx1 | tr -d ' \n')" "$(jq -r '.[0].bytes' "$TMP/out")"
run_kd -c "struct -r list_head init_task" "$D"
expect_eq "struct -r list_head: one line of 16 bytes" 1 "$(wc -l <"$TMP/out")"
run_kd -c "struct -r list_head" "$D"
expect_eq "struct -r without an address fails" 1 "$rc"
done_testing
