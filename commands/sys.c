// SPDX-License-Identifier: GPL-3.0-or-later
// sys: the system banner, in crash's layout (right-aligned keys): the dump
// (KERNEL, DUMPFILE, CPUS, PAGE SIZE, MEMORY, BUILD-ID) from the dump's
// headers and VMCOREINFO, and the kernel's own view from its variables, each
// layout from BTF:
//   DATE          VMCOREINFO CRASHTIME, else the timekeeper's xtime_sec
//                 (kernel/time/timekeeping.c: tk_core.timekeeper);
//   UPTIME        the timekeeper's boot time, tkr_mono.base + offs_boot (what
//                 /proc/uptime reads, ktime_get_boottime, at the last tick);
//   LOAD AVERAGE  avenrun[3], fixed point with FSHIFT 11 bits
//                 (include/linux/sched/loadavg.h), rounded as /proc/loadavg;
//   TASKS         the task table's size when loaded, else nr_threads
//                 (kernel/fork.c; it does not count the idle tasks) + one
//                 idle task per CPU;
//   NODENAME, VERSION, MACHINE  init_uts_ns.name (include/linux/utsname.h),
//                 MACHINE with cpu_khz's speed as crash shows it;
//   PANIC and the context task's PID, COMMAND, TASK, CPU, STATE (the panic
//                 task by default, <kdive/panic.h>).
// These need the kernel's symbols and types, loaded here; without them the
// lines say "(unknown: ...)" and sys still succeeds.
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <kdive/module.h>
#include <kdive/panic.h>
#include <kdive/symbols.h>
#include <kdive/types.h>

static const struct kd_option sys_opts[] = {
	KD_OPTION_JSON,
	{ NULL },
};

// What the kernel's variables say; has_X false when X could not be read.
struct kview {
	bool has_syms;
	bool has_date, has_uptime, has_load, has_tasks, has_khz;
	uint64_t date, uptime_ns, load[3], tasks, khz;
	char nodename[72], version[72], machine[72];
	const struct kd_panic *panic;
	bool has_ctx;
	struct kd_task ctx;
	char ctx_why[160];
};

static struct kd_error *read_u64_at(struct kd_session *s, uint64_t addr, unsigned size, uint64_t *ret)
{
	unsigned char b[8];
	struct kd_error *err = kd_read_kernel(s, addr, b, size);
	if (!err)
		*ret = kd_dump_uint(s, b, size);
	return err;
}

// The live struct timekeeper: tk_core.timekeeper.  tk_core is a static of
// an anonymous struct { seqcount_raw_spinlock_t seq; struct timekeeper
// timekeeper; } before 6.13 and a struct tk_data (named, in BTF) after; in
// the anonymous case timekeeper follows seq at the next 8-byte boundary (it
// starts with u64 members).  shadow_timekeeper, the copy timekeeping_advance
// works on, is the fallback.
static bool timekeeper(struct kd_session *s, uint64_t *ret)
{
	uint64_t core, seq;
	struct kd_member_info m;
	struct kd_error *err = kd_symbol_address(s, "tk_core", &core);
	if (!err) {
		struct kd_error *e2 = kd_type_member(s, "tk_data", "timekeeper", &m);
		if (!e2) {
			*ret = core + m.offset;
		} else if (!(err = kd_type_size(s, "seqcount_raw_spinlock_t", &seq))) {
			*ret = core + ((seq + 7) & ~7ull);
		}
		kd_error_destroy(e2);
	}
	if (err) {
		kd_error_destroy(err);
		err = kd_symbol_address(s, "shadow_timekeeper", ret);
	}
	bool ok = err == NULL;
	kd_error_destroy(err);
	return ok;
}

static bool member_u64(struct kd_session *s, const char *type, const char *path, uint64_t addr,
		       uint64_t *ret)
{
	struct kd_error *err = kd_read_member_u64(s, type, path, addr, ret);
	bool ok = err == NULL;
	kd_error_destroy(err);
	return ok;
}

static void uts_string(struct kd_session *s, uint64_t uts, const char *path, char *buf, size_t size)
{
	struct kd_member_info m;
	struct kd_error *err = kd_type_member(s, "uts_namespace", path, &m);
	buf[0] = '\0';
	if (!err && m.size < size)
		err = kd_read_kernel(s, uts + m.offset, buf, m.size);
	if (!err)
		buf[m.size < size ? m.size : size - 1] = '\0';
	else
		buf[0] = '\0';
	kd_error_destroy(err);
}

static void kernel_view(struct kd_session *s, struct kview *v)
{
	struct kd_error *err = kd_symbols_load(s);
	if (!err)
		err = kd_types_load(s);
	v->has_syms = err == NULL;
	kd_error_destroy(err);
	// The panic message comes from the log (VMCOREINFO alone), the panic
	// CPU and task from the symbols and types when they loaded.
	kd_error_destroy(kd_panic_find(s, &v->panic));
	if (!v->has_syms)
		return;
	uint64_t tk, addr, xsec, base, boot;
	if (timekeeper(s, &tk)) {
		v->has_date = member_u64(s, "timekeeper", "xtime_sec", tk, &xsec);
		v->date = xsec;
		if (member_u64(s, "timekeeper", "tkr_mono.base", tk, &base) &&
		    member_u64(s, "timekeeper", "offs_boot", tk, &boot)) {
			v->has_uptime = true;
			v->uptime_ns = base + boot;
		}
	}
	if (!(err = kd_symbol_address(s, "avenrun", &addr))) {
		v->has_load = true;
		for (int i = 0; i < 3 && v->has_load; i++)
			v->has_load = !(err = read_u64_at(s, addr + 8 * (uint64_t)i, 8, &v->load[i]));
	}
	kd_error_destroy(err);
	err = NULL;
	if (kd_task_count(s)) {
		v->has_tasks = true;
		v->tasks = kd_task_count(s);
	} else if (!(err = kd_symbol_address(s, "nr_threads", &addr)) &&
		   !(err = read_u64_at(s, addr, 4, &v->tasks))) {
		v->has_tasks = true;
		v->tasks += kd_dump_nr_cpus(s);
	}
	kd_error_destroy(err);
	err = kd_symbol_address(s, "cpu_khz", &addr);
	if (!err)
		err = read_u64_at(s, addr, 4, &v->khz);
	v->has_khz = !err && v->khz;
	kd_error_destroy(err);
	if (!(err = kd_symbol_address(s, "init_uts_ns", &addr))) {
		uts_string(s, addr, "name.nodename", v->nodename, sizeof(v->nodename));
		uts_string(s, addr, "name.version", v->version, sizeof(v->version));
		uts_string(s, addr, "name.machine", v->machine, sizeof(v->machine));
	}
	kd_error_destroy(err);
	uint64_t task;
	if (kd_context_get(s, &task, NULL)) {
		err = kd_task_read_one(s, task, &v->ctx, v->ctx_why, sizeof(v->ctx_why));
		v->has_ctx = err == NULL;
		kd_error_destroy(err);
	}
}

// crash's convert_time(): "HH:MM:SS", with "N days, " in front past a day.
static void uptime_str(uint64_t ns, char *buf, size_t size)
{
	uint64_t sec = ns / 1000000000, days = sec / 86400;
	sec %= 86400;
	if (days)
		snprintf(buf, size, "%" PRIu64 " day%s, %02" PRIu64 ":%02" PRIu64 ":%02" PRIu64, days,
			 days == 1 ? "" : "s", sec / 3600, sec / 60 % 60, sec % 60);
	else
		snprintf(buf, size, "%02" PRIu64 ":%02" PRIu64 ":%02" PRIu64, sec / 3600, sec / 60 % 60,
			 sec % 60);
}

// /proc/loadavg's rounding (fs/proc/loadavg.c): LOAD_INT/LOAD_FRAC of
// avenrun + FIXED_1/200, FSHIFT 11.
enum { FSHIFT = 11, FIXED_1 = 1 << FSHIFT };
static void load_str(uint64_t a, char *buf, size_t size)
{
	a += FIXED_1 / 200;
	snprintf(buf, size, "%" PRIu64 ".%02" PRIu64, a >> FSHIFT, ((a & (FIXED_1 - 1)) * 100) >> FSHIFT);
}

static const char *unknown(const struct kview *v)
{
	return v->has_syms ? "(unknown)" : "(unknown: no kernel symbols or types)";
}

static bool is_panic_task(const struct kview *v)
{
	return v->panic && v->panic->task && v->has_ctx && v->ctx.addr == v->panic->task;
}

static void json_out(struct kd_session *s, const struct kview *v, const char *release,
		     bool have_time, uint64_t crashtime, const char *build_id)
{
	char buf[64];
	kd_json_begin_object(s, NULL);
	kd_json_string(s, "release", release);
	kd_json_string(s, "dumpfile", kd_dump_path(s));
	kd_json_string(s, "format", kd_dump_format(s));
	kd_json_string(s, "format_desc", kd_dump_format_desc(s));
	kd_json_u64(s, "cpus", kd_dump_nr_cpus(s));
	if (have_time)
		kd_json_u64(s, "crashtime", crashtime);
	else
		kd_json_null(s, "crashtime");
	if (have_time || v->has_date)
		kd_json_u64(s, "date", have_time ? crashtime : v->date);
	kd_json_string(s, "date_source", have_time ? "CRASHTIME" : v->has_date ? "timekeeper" : NULL);
	if (v->has_uptime)
		kd_json_u64(s, "uptime_ns", v->uptime_ns);
	if (v->has_load) {
		kd_json_begin_array(s, "load_average");
		for (int i = 0; i < 3; i++) {
			load_str(v->load[i], buf, sizeof(buf));
			kd_json_string(s, NULL, buf);
		}
		kd_json_end_array(s);
	}
	if (v->has_tasks)
		kd_json_u64(s, "tasks", v->tasks);
	if (v->nodename[0])
		kd_json_string(s, "nodename", v->nodename);
	if (v->version[0])
		kd_json_string(s, "version", v->version);
	kd_json_u64(s, "page_size", kd_page_size(s));
	kd_json_u64(s, "memory_bytes", kd_phys_total(s));
	kd_json_string(s, "machine", kd_dump_machine_name(s));
	if (v->has_khz)
		kd_json_u64(s, "cpu_mhz", v->khz / 1000);
	kd_json_string(s, "build_id", build_id);
	const struct kd_panic *p = v->panic;
	kd_json_begin_object(s, "panic");
	kd_json_bool(s, "panicked", p && p->panicked);
	if (p && p->cpu >= 0) {
		kd_json_u64(s, "cpu", (uint64_t)p->cpu);
		kd_json_string(s, "cpu_from", p->cpu_from);
	}
	if (p && p->task)
		kd_json_hex(s, "task", p->task);
	if (p && p->have_regs) {
		kd_json_hex(s, "pc", p->pc);
		kd_json_hex(s, "sp", p->sp);
	}
	if (p && p->message[0])
		kd_json_string(s, "message", p->message);
	if (p && p->incomplete)
		kd_json_string(s, "incomplete", p->incomplete);
	kd_json_end_object(s);
	if (v->has_ctx) {
		kd_json_begin_object(s, "context");
		kd_json_i64(s, "pid", v->ctx.pid);
		kd_json_string(s, "command", v->ctx.comm);
		kd_json_hex(s, "task", v->ctx.addr);
		kd_json_u64(s, "cpu", v->ctx.cpu);
		kd_json_string(s, "state", kd_task_state_name(kd_task_state(&v->ctx), KD_TS_LONG));
		kd_json_bool(s, "panic_task", is_panic_task(v));
		if (v->ctx.incomplete)
			kd_json_string(s, "incomplete", v->ctx.incomplete);
		kd_json_end_object(s);
	}
	kd_json_end_object(s);
}

static struct kd_error *sys_run(struct kd_session *s, const struct kd_args *args)
{
	if (args->argc > 1)
		return kd_error_create(KD_ERR_USAGE, "unexpected argument '%s'", args->argv[1]);
	const char *release = kd_vmcoreinfo_get(s, "OSRELEASE");
	uint64_t crashtime = 0;
	struct kd_error *err = kd_vmcoreinfo_number(s, "CRASHTIME", &crashtime);
	bool have_time = err == NULL;
	kd_error_destroy(err);
	struct kview v = { 0 };
	kernel_view(s, &v);
	const char *build_id = kd_vmcoreinfo_get(s, "BUILD-ID");
	if (kd_json_mode(s)) {
		json_out(s, &v, release, have_time, crashtime, build_id);
		return NULL;
	}
	char date[64] = "(not recorded in the dump)", buf[64];
	if (have_time || v.has_date) {
		time_t t = (time_t)(have_time ? crashtime : v.date);
		struct tm tm;
		if (localtime_r(&t, &tm))
			strftime(date, sizeof(date), "%a %b %e %H:%M:%S %Z %Y", &tm);
	}
	char mem[32];
	kd_format_size(mem, sizeof(mem), (double)kd_phys_total(s), 2, " ", true);

	kd_printf(s, "      KERNEL: %s\n", release ? release : "(unknown: no VMCOREINFO)");
	kd_printf(s, "    DUMPFILE: %s  [%s]\n", kd_dump_path(s), kd_dump_format_desc(s));
	kd_printf(s, "        CPUS: %u\n", kd_dump_nr_cpus(s));
	kd_printf(s, "        DATE: %s\n", date);
	if (v.has_uptime)
		uptime_str(v.uptime_ns, buf, sizeof(buf));
	kd_printf(s, "      UPTIME: %s\n", v.has_uptime ? buf : unknown(&v));
	if (v.has_load) {
		char l[3][24];
		for (int i = 0; i < 3; i++)
			load_str(v.load[i], l[i], sizeof(l[i]));
		kd_printf(s, "LOAD AVERAGE: %s, %s, %s\n", l[0], l[1], l[2]);
	} else {
		kd_printf(s, "LOAD AVERAGE: %s\n", unknown(&v));
	}
	if (v.has_tasks)
		kd_printf(s, "       TASKS: %" PRIu64 "\n", v.tasks);
	else
		kd_printf(s, "       TASKS: %s\n", unknown(&v));
	kd_printf(s, "    NODENAME: %s\n", v.nodename[0] ? v.nodename : unknown(&v));
	kd_printf(s, "     RELEASE: %s\n", release ? release : "(unknown)");
	kd_printf(s, "     VERSION: %s\n", v.version[0] ? v.version : unknown(&v));
	if (v.has_khz)
		kd_printf(s, "     MACHINE: %s  (%" PRIu64 " Mhz)\n", kd_dump_machine_name(s), v.khz / 1000);
	else
		kd_printf(s, "     MACHINE: %s\n", kd_dump_machine_name(s));
	kd_printf(s, "      MEMORY: %s\n", mem);
	kd_printf(s, "   PAGE SIZE: %" PRIu64 "\n", kd_page_size(s));
	if (build_id)
		kd_printf(s, "    BUILD-ID: %s\n", build_id);
	const struct kd_panic *p = v.panic;
	if (p && p->message[0])
		kd_printf(s, "       PANIC: \"%s\"\n", p->message);
	else if (p && p->panicked)
		kd_printf(s, "       PANIC: (CPU %d panicked; no panic message in the log)\n", p->cpu);
	else
		kd_printf(s, "       PANIC: %s\n", v.has_syms ? "(none: the kernel did not panic)" : unknown(&v));
	if (v.has_ctx) {
		const struct kd_task *t = &v.ctx;
		kd_printf(s, "         PID: %" PRId64 "\n", t->pid);
		kd_printf(s, "     COMMAND: \"%s\"\n", t->unknown & KD_TU_COMM ? "?" : t->comm);
		kd_printf(s, "        TASK: %016" PRIx64 "\n", t->addr);
		if (t->unknown & KD_TU_CPU)
			kd_printf(s, "         CPU: ?\n");
		else
			kd_printf(s, "         CPU: %u\n", is_panic_task(&v) ? (unsigned)p->cpu : t->cpu);
		if (t->unknown & KD_TU_STATE)
			kd_printf(s, "       STATE: ?\n");
		else
			kd_printf(s, "       STATE: %s%s\n", kd_task_state_name(kd_task_state(t), KD_TS_LONG),
				  is_panic_task(&v) ? " (PANIC)" : "");
		if (t->incomplete)
			kd_warn(s, "%s", t->incomplete);
	}
	return NULL;
}

static const struct kd_command commands[] = {
	{
		.name = "sys",
		.summary = "system information: kernel, dump, uptime, load, tasks, the panic",
		.help = "Print the banner crash prints at start-up, from the dump alone:\n"
			"the kernel release (VMCOREINFO OSRELEASE), the dump file and its format,\n"
			"the number of CPUs (per-CPU register notes), the date (VMCOREINFO\n"
			"CRASHTIME, written when the kernel itself crashed, else the kernel's\n"
			"timekeeper at its last tick), the uptime (the timekeeper's boot time),\n"
			"the load average (avenrun), the number of tasks (the task table if\n"
			"loaded, else nr_threads plus the idle tasks), the node name, version and\n"
			"machine (init_uts_ns, with cpu_khz), the memory in the dump, the page\n"
			"size, the build ID, then the panic: the message the kernel logged and\n"
			"the current context's PID, COMMAND, TASK, CPU and STATE, which is the\n"
			"panic task unless `set` chose another ('(PANIC)' marks it).  The\n"
			"kernel's view needs its symbols and types, loaded on first use; without\n"
			"them those lines say '(unknown: ...)'.\n\n"
			"EXAMPLES\n"
			"  kdive> sys\n"
			"        KERNEL: 6.1.0-28-amd64\n"
			"      DUMPFILE: vmcore.elf  [ELF64 vmcore (QEMU dump-guest-memory)]\n"
			"          CPUS: 2\n"
			"          DATE: Sat Nov 28 20:13:33 UTC 2026\n"
			"        UPTIME: 00:00:05\n"
			"  LOAD AVERAGE: 0.00, 0.00, 0.00\n"
			"         PANIC: \"Kernel panic - not syncing: sysrq triggered crash\"\n"
			"  kdive> sys --json | jq .panic.message",
		.options = sys_opts,
		.flags = KD_CMD_NEEDS_DUMP,
		.run = sys_run,
	},
	{ NULL },
};

KD_MODULE_EXPORT const struct kd_module kd_module_info = {
	.abi = KD_MODULE_ABI,
	.struct_size = sizeof(struct kd_module),
	.name = "sys",
	.version = "1",
	.commands = commands,
};
