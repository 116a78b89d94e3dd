// SPDX-License-Identifier: GPL-3.0-or-later
// hello: an example kdive command module, built out of tree against the
// installed headers (docs/modules.md, kdive-modules(7)).  It greets the
// dumped kernel by name (init_uts_ns.name, struct uts_namespace from
// include/linux/utsname.h) and lists tasks with two fields that kdive's task
// table does not keep, read through the dump's BTF: task_struct.prio and the
// context-switch count nvcsw + nivcsw (include/linux/sched.h; the "prio" and
// "switches" columns of /proc/sched_debug).  No offset is written here: every
// layout comes from the dump's types, and a task that cannot be read is
// named once on stderr while the others are still shown.
#include <inttypes.h>
#include <string.h>

#include <kdive/module.h>
#include <kdive/session.h>
#include <kdive/symbols.h>
#include <kdive/task.h>
#include <kdive/types.h>

// Indexes into args->opt[], in the order of the option table.
enum { OPT_ALL, OPT_JSON };

static const struct kd_option hello_options[] = {
	{ "a", KD_ARG_NONE, NULL, "all tasks, kernel threads too (default: user processes)" },
	KD_OPTION_JSON,
	{ NULL },
};

// Copy a char array member of the struct at addr into buf (NUL-terminated).
static struct kd_error *read_string(struct kd_session *s, const char *type, const char *member,
				    uint64_t addr, char *buf, size_t size)
{
	struct kd_member_info m;
	struct kd_error *err = kd_type_member(s, type, member, &m);
	if (err)
		return err;
	size_t len = m.size < size - 1 ? (size_t)m.size : size - 1;
	err = kd_read_kernel(s, addr + m.offset, buf, len);
	if (err)
		return err;
	buf[len] = '\0';
	return NULL;
}

// The fields this command shows for one task; an error names what failed.
static struct kd_error *read_task(struct kd_session *s, const struct kd_task *t, uint64_t *prio,
				  uint64_t *switches)
{
	uint64_t nv, niv;
	struct kd_error *err = kd_read_member_u64(s, "task_struct", "prio", t->addr, prio);
	if (!err)
		err = kd_read_member_u64(s, "task_struct", "nvcsw", t->addr, &nv);
	if (!err)
		err = kd_read_member_u64(s, "task_struct", "nivcsw", t->addr, &niv);
	if (!err)
		*switches = nv + niv;
	return err;
}

static struct kd_error *hello_run(struct kd_session *s, const struct kd_args *a)
{
	bool json = kd_json_mode(s);
	char release[65], nodename[65];
	uint64_t uts;
	struct kd_error *err = kd_symbol_address(s, "init_uts_ns", &uts);
	if (!err)
		err = read_string(s, "uts_namespace", "name.release", uts, release, sizeof(release));
	if (!err)
		err = read_string(s, "uts_namespace", "name.nodename", uts, nodename, sizeof(nodename));
	if (err)
		return kd_error_prefix(err, "init_uts_ns");

	// The tasks: the operands (pid or task address), else every user
	// process (thread-group leaders that are not kernel threads), or with
	// -a every task.
	size_t n = a->argc > 1 ? (size_t)(a->argc - 1) : kd_task_count(s);
	if (json) {
		kd_json_begin_object(s, NULL);
		kd_json_string(s, "release", release);
		kd_json_string(s, "nodename", nodename);
		kd_json_begin_array(s, "tasks");
	} else {
		kd_printf(s, "hello from Linux %s on %s\n", release, nodename);
		kd_printf(s, "   PID  PRIO  SWITCHES  COMM\n");
	}
	size_t lost = 0;
	for (size_t i = 0; i < n; i++) {
		if ((err = kd_check_interrupt(s)))
			break;
		const struct kd_task *t;
		if (a->argc > 1) {
			if ((err = kd_task_lookup(s, a->argv[i + 1], &t)))
				break;
		} else {
			t = kd_task_get(s, i);
			if (!a->opt[OPT_ALL].count && ((t->status & KD_TASK_KTHREAD) || t->pid != t->tgid))
				continue;
		}
		uint64_t prio, switches;
		struct kd_error *terr = read_task(s, t, &prio, &switches);
		if (terr) {
			// Degrade: name the task and why, show the others, fail at the end.
			kd_warn(s, "hello: task %" PRIx64 " (pid %" PRId64 "): %s", t->addr, t->pid, terr->msg);
			kd_error_destroy(terr);
			lost++;
			continue;
		}
		if (json) {
			kd_json_begin_object(s, NULL);
			kd_json_i64(s, "pid", t->pid);
			kd_json_hex(s, "task", t->addr);
			kd_json_i64(s, "prio", (int64_t)prio);
			kd_json_u64(s, "switches", switches);
			kd_json_string(s, "comm", t->comm);
			kd_json_end_object(s);
		} else {
			kd_printf(s, "%6" PRId64 "  %4" PRId64 "  %8" PRIu64 "  %s\n", t->pid, (int64_t)prio, switches,
				  t->comm);
		}
	}
	if (json) {
		kd_json_end_array(s);
		kd_json_end_object(s);
	}
	if (!err && lost)
		err = kd_error_create(KD_ERR_NODATA, "%zu task(s) could not be read", lost);
	return err;
}

static const struct kd_command hello_commands[] = {
	{
		.name = "hello",
		.summary = "greet the dumped kernel and list its tasks' priority and context switches",
		.operands = "[PID|TASK]...",
		.help = "Print the dumped kernel's release and node name (init_uts_ns),\n"
			"then for each task its pid, priority (task_struct.prio: 120 is\n"
			"nice 0) and number of context switches (nvcsw + nivcsw), as\n"
			"/proc/sched_debug shows them.  Without operands, the user\n"
			"processes; -a, every task.\n"
			"\n"
			"EXAMPLES\n"
			"    kdive> hello\n"
			"    kdive> hello -a --json | jq '.tasks | length'\n"
			"    kdive> hello 1\n",
		.options = hello_options,
		.operand = KD_ARG_PID,
		// The dispatcher loads these before run(); a failed load is our error.
		.flags = KD_CMD_NEEDS_DUMP | KD_CMD_NEEDS_SYMBOLS | KD_CMD_NEEDS_TYPES | KD_CMD_NEEDS_TASKS,
		.run = hello_run,
	},
	{ NULL },
};

KD_MODULE_EXPORT const struct kd_module kd_module_info = {
	.abi = KD_MODULE_ABI,
	.struct_size = sizeof(struct kd_module),
	.name = "hello",
	.version = "1.0",
	.commands = hello_commands,
};
