// SPDX-License-Identifier: GPL-3.0-or-later
// sys: the system banner, in crash's layout (right-aligned keys).
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <kdive/module.h>

static const struct kd_option sys_opts[] = {
	KD_OPTION_JSON,
	{ NULL },
};

static struct kd_error *sys_run(struct kd_session *s, const struct kd_args *args)
{
	if (args->argc > 1)
		return kd_error_create(KD_ERR_USAGE, "unexpected argument '%s'", args->argv[1]);
	const char *release = kd_vmcoreinfo_get(s, "OSRELEASE");
	uint64_t crashtime = 0;
	struct kd_error *err = kd_vmcoreinfo_number(s, "CRASHTIME", &crashtime);
	bool have_time = err == NULL;
	kd_error_destroy(err);
	char date[64] = "(not recorded in the dump)";
	if (have_time) {
		time_t t = (time_t)crashtime;
		struct tm tm;
		if (localtime_r(&t, &tm))
			strftime(date, sizeof(date), "%a %b %e %H:%M:%S %Z %Y", &tm);
	}
	char mem[32];
	kd_format_size(mem, sizeof(mem), (double)kd_phys_total(s), 2, " ", true);
	const char *build_id = kd_vmcoreinfo_get(s, "BUILD-ID");

	if (kd_json_mode(s)) {
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
		kd_json_u64(s, "page_size", kd_page_size(s));
		kd_json_u64(s, "memory_bytes", kd_phys_total(s));
		kd_json_string(s, "machine", kd_dump_machine_name(s));
		kd_json_string(s, "build_id", build_id);
		kd_json_end_object(s);
		return NULL;
	}
	kd_printf(s, "      KERNEL: %s\n", release ? release : "(unknown: no VMCOREINFO)");
	kd_printf(s, "    DUMPFILE: %s  [%s]\n", kd_dump_path(s), kd_dump_format_desc(s));
	kd_printf(s, "        CPUS: %u\n", kd_dump_nr_cpus(s));
	kd_printf(s, "        DATE: %s\n", date);
	kd_printf(s, "   PAGE SIZE: %" PRIu64 "\n", kd_page_size(s));
	kd_printf(s, "      MEMORY: %s\n", mem);
	kd_printf(s, "     RELEASE: %s\n", release ? release : "(unknown)");
	if (build_id)
		kd_printf(s, "    BUILD-ID: %s\n", build_id);
	kd_printf(s, "     MACHINE: %s\n", kd_dump_machine_name(s));
	return NULL;
}

static const struct kd_command commands[] = {
	{
		.name = "sys",
		.summary = "system information: kernel release, dump file, cpus, memory",
		.help = "Print the banner crash prints at start-up, from the dump alone:\n"
			"the kernel release (VMCOREINFO OSRELEASE), the dump file and its format,\n"
			"the number of CPUs (per-CPU register notes), the time of the crash\n"
			"(VMCOREINFO CRASHTIME, written only when the kernel itself crashed),\n"
			"the page size, the memory in the dump and the machine.\n\n"
			"EXAMPLES\n"
			"  kdive> sys\n"
			"        KERNEL: 6.1.0-28-amd64\n"
			"      DUMPFILE: vmcore.elf  [ELF64 vmcore (QEMU dump-guest-memory)]\n"
			"          CPUS: 2\n"
			"  kdive> sys --json | jq .release",
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
