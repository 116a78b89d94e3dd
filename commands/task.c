// SPDX-License-Identifier: GPL-3.0-or-later
// task: a task's struct task_struct (include/linux/sched.h) printed member by
// member through the core's typed-value printer (<kdive/print.h>), as crash
// prints it: the task's header line, then the whole struct or, with -R, only
// the members named.  The layout is the dump's own BTF.
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <kdive/module.h>
#include <kdive/print.h>
#include <kdive/task.h>
#include <kdive/types.h>

enum { TO_R, TO_JSON, TO_NOPT };
static const struct kd_option task_opts[] = {
	[TO_R] = { "R", KD_ARG_STRING, "MEMBER[,MEMBER...]", "only these members (paths such as se.vruntime)" },
	[TO_JSON] = KD_OPTION_JSON,
	[TO_NOPT] = { NULL },
};

static struct kd_error *task_run(struct kd_session *s, const struct kd_args *args)
{
	const struct kd_optval *v = args->opt;
	struct kd_error *err = NULL;
	char *spec = NULL;
	if (asprintf(&spec, "task_struct%s%s", v[TO_R].arg ? "." : "", v[TO_R].arg ? v[TO_R].arg : "") < 0)
		return &kd_enomem;
	struct kd_member_spec sp;
	err = kd_member_spec_init(s, &sp, "struct", spec);
	free(spec);
	if (err) {
		kd_member_spec_deinit(&sp);
		return err;
	}
	const struct kd_task **list = calloc((size_t)args->argc, sizeof(*list));
	if (!list) {
		kd_member_spec_deinit(&sp);
		return &kd_enomem;
	}
	int n = 0;
	if (args->argc == 1 && !(list[n++] = kd_task_current(s)))
		err = kd_error_create(KD_ERR_NOTFOUND, "no current context");
	for (int i = 1; i < args->argc && !err; i++)
		err = kd_task_lookup(s, args->argv[i], &list[n++]);
	bool json = kd_json_mode(s);
	bool began = !err && json;
	size_t bad = 0;
	if (began)
		kd_json_begin_array(s, NULL);
	for (int i = 0; i < n && !err; i++) {
		char hdr[128];
		if (!json)
			kd_printf(s, "%s%s\n", i ? "\n" : "", kd_task_header(list[i], hdr, sizeof(hdr)));
		struct kd_error *e = kd_print_object(s, sp.type, list[i]->addr, sp.members, sp.nmembers);
		if (e) {
			// One task that cannot be read does not hide the others.
			kd_warn(s, "task: task_struct at 0x%" PRIx64 ": %s", list[i]->addr, e->msg);
			kd_error_destroy(e);
			bad++;
		}
		err = kd_check_interrupt(s);
	}
	if (began)
		kd_json_end_array(s);
	free(list);
	kd_member_spec_deinit(&sp);
	if (!err && bad)
		err = kd_error_create(KD_ERR_NODATA, "%zu task_struct(s) unreadable (named above)", bad);
	return err;
}

static const struct kd_command commands[2] = { {
	.name = "task",
	.summary = "the task_struct of a task",
	.synopsis = "[-R member[,member...]] [pid | task]...",
	.help = "Print the task_struct of each task (the current context without operands)\n"
		"after crash's task header line: members as \"name = value\", nested structs\n"
		"in braces, char arrays as strings, pointers with <symbol+offset>, enums by\n"
		"name.  -R prints only the members named (comma-separated paths through\n"
		"nested and anonymous structs, such as se.vruntime or thread.sp).\n\n"
		"EXAMPLES\n"
		"  kdive> task -R pid,tgid,comm 1\n"
		"  PID: 1      TASK: ffff8a8fc1210000  CPU: 1   COMMAND: \"kdive-init\"\n"
		"    pid = 1,\n"
		"    tgid = 1,\n"
		"    comm = \"kdive-init\",\n"
		"  kdive> task ffff8a8fc1210000\n"
		"  kdive> task --json -R se.vruntime 1 2",
	.options = task_opts,
	.operand = KD_ARG_PID,
	.flags = KD_CMD_NEEDS_DUMP | KD_CMD_NEEDS_SYMBOLS | KD_CMD_NEEDS_TYPES | KD_CMD_NEEDS_TASKS |
		 KD_CMD_USES_MODULES | KD_CMD_CONTEXT_TASK,
	.run = task_run,
}, { NULL } };

KD_MODULE_EXPORT const struct kd_module kd_module_info = {
	.abi = KD_MODULE_ABI,
	.struct_size = sizeof(struct kd_module),
	.name = "task",
	.version = "1",
	.commands = commands,
};
