// SPDX-License-Identifier: GPL-3.0-or-later
// Fuzz target: the task-list walks over arbitrary memory, cycles included.
// The input is the kernel memory at TASKS_BASE of a synthetic ELF vmcore
// (fuzz_dump.h); the types come from a tiny BTF (fuzz_btf.h, given as
// --btf) and init_task from a one-line System.map (--system-map) at
// TASKS_BASE + TASKS_INIT.  The task table (kd_tasks_load, through
// kd_task_foreach and kd_task_find_pid) and the ps
// and context commands (commands/ps.c, compiled in) walk init_task.tasks and
// each process's signal->thread_head: every walk must end, within a bound
// linear in the tasks it can see.  Seed: tasks.in (mkseeds_mem).
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/options.h"
#include "core/session_priv.h"
#include "fuzz.h"
#include "fuzz_btf.h"
#include "fuzz_dump.h"

#include "../../commands/ps.c"

static const char vmcoreinfo[] = FUZZ_DUMP_VMCOREINFO "SYMBOL(_stext)=ffffffff81000000\n";

static int count_cb(const struct kd_task *t, void *arg)
{
	unsigned long *n = arg;
	(void)t;
	++*n;
	return 0;
}

// Run fn, one of ps.c's commands, on argv as the dispatcher would.
static void run(struct kd_session *s, struct kd_error *(*fn)(struct kd_session *, const struct kd_args *),
		bool json, int argc, char **argv)
{
	const struct kd_command *cmd = commands;
	while (cmd->run != fn)
		cmd++;
	struct kd_args a;
	if (kd_args_init(&a, cmd, argc, argv))
		abort(); // the target's own command lines are valid
	s->json = json;
	s->json_depth = 0;
	kd_error_destroy(fn(s, &a));
	s->json = false;
	kd_args_deinit(&a);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static FILE *devnull;
	static char btf_path[64], map_path[64];
	if (!devnull) {
		fuzz_btf_and_map("init_task", TASKS_BASE + TASKS_INIT, btf_path, map_path);
		if (!(devnull = fopen("/dev/null", "w")))
			abort();
	}
	char path[64];
	int fd = fuzz_dump(vmcoreinfo, data, size, path);
	if (fd < 0)
		return 0;
	FILE *saved = stderr;
	stderr = devnull;
	struct kd_session_opts opts = { .btf = btf_path, .system_map = map_path };
	struct kd_session *s;
	struct kd_error *err = kd_session_create(path, &opts, &s);
	if (!err) {
		// KDIVE_FUZZ_TASKS_SHOW=1 prints ps (to check a seed by eye)
		s->out = getenv("KDIVE_FUZZ_TASKS_SHOW") ? stdout : devnull;
		unsigned long n = 0;
		kd_error_destroy(kd_task_foreach(s, count_cb, &n));
		uint64_t task;
		struct kd_as as;
		kd_error_destroy(kd_task_find_pid(s, 4242, &task, &as));
		char a0[] = "ps", a1[] = "-p", a2[] = "-c", a3[] = "-G", a4[] = "-S", c0[] = "context";
		char *plain[] = { a0, NULL }, *tree[] = { a0, a1, a2, NULL }, *grp[] = { a0, a3, a4, NULL };
		char *ctx[] = { c0, NULL };
		run(s, ps_run, false, 1, plain);
		run(s, ps_run, false, 3, tree);
		run(s, ps_run, true, 3, grp);
		run(s, context_run, false, 1, ctx);
		kd_session_destroy(s);
	} else {
		kd_error_destroy(err);
	}
	stderr = saved;
	close(fd);
	return 0;
}
