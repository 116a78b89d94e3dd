#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# struct, p, whatis and list on the real dump: values read through BTF from
# the dump's memory agree with what the guest said about itself (uname, pid 0
# is swapper/0), types of well-known variables are inferred and said so,
# pointers into the kernel are named, and list stops at loops.
. "$KDIVE_SRCDIR/tests/lib.sh"
. "$KDIVE_SRCDIR/tests/real/fixture.sh"
D=$FIX/vmcore.elf
init_task=$(truth kallsyms | awk '$1 == "init_task" { print $2 }')

run_kd -c 'struct task_struct.pid,comm init_task' "$D"
expect_eq "struct task_struct.pid,comm init_task" '  pid = 0,
  comm = "swapper/0",' "$(cat "$TMP/out")"
expect_eq "struct with a symbol address: quiet" "" "$(cat "$TMP/err")"
run_kd -c "struct task_struct.pid,comm $init_task --json" "$D"
expect_eq "struct --json: the members' values" '0 swapper/0' "$(jq -r '"\(.value.pid) \(.value.comm)"' "$TMP/out")"
expect_eq "struct --json: the address" "0x$init_task" "$(jq -r .address "$TMP/out")"

# p: nested members, strings; the inferred type is said on stderr.
run_kd -c 'p init_uts_ns.name.release; p init_uts_ns.name.sysname' "$D"
expect_eq "p init_uts_ns.name.release is the guest's uname -r" \
	"init_uts_ns.name.release = \"$(truth uname_r)\"
init_uts_ns.name.sysname = \"Linux\"" "$(cat "$TMP/out")"
check "p says the type was inferred" grep -q "^warning: p: init_uts_ns has no type in the kernel's BTF; inferred struct uts_namespace" "$TMP/err"
run_kd -c 'p init_task.pid --json; p jiffies --json' "$D"
expect_eq "p --json: value and type_inferred" "0 true" "$(head -n 1 "$TMP/out" | jq -r '"\(.value) \(.type_inferred)"')"
jiffies=$(tail -n 1 "$TMP/out" | jq -r .value)
check "p jiffies is a number past the boot value (2^32 - 300 s of ticks) ($jiffies)" [ "$jiffies" -gt 4294000000 ]
run_kd -c 'p linux_banner' "$D"
check "p linux_banner is the banner" grep -q "^linux_banner = \"Linux version $(truth uname_r) " "$TMP/out"
run_kd -c 'p do_exit' "$D"
expect_eq "p of a function: its prototype and address" \
	"do_exit = {void (long int)} 0x$(truth kallsyms | awk '$1 == "do_exit" { print $2 }' | sed 's/^0*//') <do_exit>" "$(cat "$TMP/out")"

# Pointers name what they point to: an empty list_head points to itself.
run_kd -c 'struct -o task_struct.se.group_node --json' "$D"
off=$(jq '.members[0].offset' "$TMP/out")
run_kd -c 'p init_task.se.group_node' "$D"
expect_eq "a pointer into the kernel prints as <symbol+offset>" "init_task.se.group_node = {
  next = 0x$(printf '%x' $((0x$init_task + off))) <init_task+$off>,
  prev = 0x$(printf '%x' $((0x$init_task + off))) <init_task+$off>
}" "$(cat "$TMP/out")"

# Per-cpu variables: the type from BTF (not inferred), one address per CPU.
run_kd -c 'p runqueues' "$D"
expect_eq "p runqueues: crash's per-cpu layout" "PER-CPU DATA TYPE:
  struct rq runqueues;
PER-CPU ADDRESSES:" "$(head -n 3 "$TMP/out")"
expect_eq "p runqueues: one address per CPU" "$(truth nr_cpus)" "$(grep -c '^  \[[0-9]*\]: ffff' "$TMP/out")"
expect_eq "p runqueues: no inference warning" "" "$(cat "$TMP/err")"

# whatis: variables, functions, typedefs, enums.
run_kd -c 'whatis init_task; whatis do_exit; whatis pid_t; whatis pid_type' "$D"
expect_eq "whatis" "struct task_struct init_task;
void do_exit(long int);
typedef __kernel_pid_t pid_t;
SIZE: 4
enum pid_type {
    PIDTYPE_PID = 0,
    PIDTYPE_TGID = 1,
    PIDTYPE_PGID = 2,
    PIDTYPE_SID = 3,
    PIDTYPE_MAX = 4
};
SIZE: 4" "$(cat "$TMP/out")"

# struct definitions in crash's layout.
run_kd -c 'struct list_head; struct -o list_head' "$D"
expect_eq "struct definitions, with and without -o" "struct list_head {
    struct list_head *next;
    struct list_head *prev;
}
SIZE: 16
struct list_head {
   [0] struct list_head *next;
   [8] struct list_head *prev;
}
SIZE: 16" "$(cat "$TMP/out")"
run_kd -c 'struct -o task_struct' "$D"
check "anonymous unions are expanded in a definition" grep -q '^ *\[[0-9]*\] union {$' "$TMP/out"
check "bitfields show their width" grep -q 'unsigned int sched_reset_on_fork : 1;$' "$TMP/out"
check "char arrays show their length" grep -q '^ *\[[0-9]*\] char comm\[16\];$' "$TMP/out"

# Errors: one line each, naming what is missing.
run_kd -c 'p no_such_var_xyz; p init_task.no_such; p schedule:1; struct list_head no_such_sym_xyz' "$D"
expect_eq "errors" "p: no symbol 'no_such_var_xyz'
p: struct task_struct has no member 'no_such'
p: 'schedule' is not a per-cpu variable
usage: p symbol[.member...][:cpu]
struct: invalid address 'no_such_sym_xyz': not a number nor a symbol" "$(grep -v '^warning: ' "$TMP/err")"

# list: the walk ends where it started; a node that comes back is a loop.
node=$(printf '%x' $((0x$init_task + off)))
run_kd -c "list $node" "$D"
expect_eq "list of an empty list_head: the entry itself" "$(printf '%016x' $((0x$node)))" "$(cat "$TMP/out")"
run_kd -c "list -H $node" "$D"
expect_eq "list -H of an empty list: nothing" "" "$(cat "$TMP/out")"
expect_eq "list -H of an empty list: exit 0" 0 "$rc"
# From its prev field, the chain goes prev -> node -> node: a loop not through the start.
run_kd -c "list $(printf '%x' $((0x$node + 8)))" "$D"
expect_eq "list detects a loop: exit 1" 1 "$rc"
expect_eq "list detects a loop: the entries before it" "$(printf '%016x\n%016x' $((0x$node + 8)) $((0x$node)))" "$(cat "$TMP/out")"
expect_eq "list detects a loop: says where" \
	"list: the list loops: node 0x$node comes again after 2 entries" "$(cat "$TMP/err")"
run_kd -c "list -o task_struct.tasks -s task_struct.pid,comm init_task" "$D"
if grep -q 'page tables not supported' "$TMP/err"; then
	ok "# SKIP list of the task list: task structs are in the direct map, which needs the page-table walk"
	check "the first entry is init_task with its members" \
		sh -c "head -n 3 '$TMP/out' | tr '\n' ' ' | grep -q '^$init_task   pid = 0,   comm = \"swapper/0\", '"
else
	expect_eq "list of the task list: exit 0" 0 "$rc"
	check "list of the task list finds pid 1 (kdive-init)" grep -q 'comm = "kdive-init"' "$TMP/out"
fi
done_testing
