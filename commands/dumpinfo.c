// SPDX-License-Identifier: GPL-3.0-or-later
// dumpinfo: what the dump file holds: format, physical segments, ELF notes,
// per-CPU registers and VMCOREINFO (crash's "help -D").
#include <elf.h>
#include <inttypes.h>
#include <string.h>

#include <kdive/module.h>

static const char *note_type_name(const struct kd_note *n)
{
	if (strcmp(n->name, "CORE") == 0) {
		switch (n->type) {
		case NT_PRSTATUS: return "NT_PRSTATUS";
		case NT_PRFPREG: return "NT_PRFPREG";
		case NT_PRPSINFO: return "NT_PRPSINFO";
		case NT_TASKSTRUCT: return "NT_TASKSTRUCT";
		case NT_AUXV: return "NT_AUXV";
		}
	}
	if (strcmp(n->name, "VMCOREINFO") == 0)
		return "VMCOREINFO";
	if (strcmp(n->name, "QEMU") == 0)
		return "QEMU CPU state";
	return "unknown";
}

// struct elf_prstatus on x86_64 (include/uapi/linux/elfcore.h, with
// struct user_regs_struct from arch/x86/include/asm/user_64.h as pr_reg):
// pr_pid at 32, pr_reg at 112; rip is register 16, rsp register 19.
enum { PRSTATUS_PID = 32, PRSTATUS_REG = 112, X86_64_RIP = 16, X86_64_RSP = 19,
       X86_64_PRSTATUS_SIZE = 336 };

static bool x86_64_prstatus(struct kd_session *s, const struct kd_note *n, uint32_t *pid,
			    uint64_t *rip, uint64_t *rsp)
{
	if (kd_dump_machine(s) != EM_X86_64 || n->descsz < X86_64_PRSTATUS_SIZE)
		return false;
	const unsigned char *d = n->desc;
	int32_t p;
	memcpy(&p, d + PRSTATUS_PID, 4);
	*pid = (uint32_t)p;
	memcpy(rip, d + PRSTATUS_REG + 8 * X86_64_RIP, 8);
	memcpy(rsp, d + PRSTATUS_REG + 8 * X86_64_RSP, 8);
	return true;
}

static struct kd_error *dumpinfo_run(struct kd_session *s, int argc, char **argv)
{
	if (argc > 1)
		return kd_error_create(KD_ERR_USAGE, "unexpected argument '%s'", argv[1]);
	size_t nr = kd_phys_range_count(s), nn = kd_note_count(s), nv = kd_vmcoreinfo_count(s);
	if (kd_json_mode(s)) {
		kd_json_begin_object(s, NULL);
		kd_json_string(s, "file", kd_dump_path(s));
		kd_json_string(s, "format", kd_dump_format(s));
		kd_json_string(s, "format_desc", kd_dump_format_desc(s));
		kd_json_string(s, "machine", kd_dump_machine_name(s));
		kd_json_u64(s, "cpus", kd_dump_nr_cpus(s));
		kd_json_u64(s, "page_size", kd_page_size(s));
		kd_json_u64(s, "memory_bytes", kd_phys_total(s));
		kd_json_begin_array(s, "segments");
		for (size_t i = 0; i < nr; i++) {
			const struct kd_phys_range *r = kd_phys_range_get(s, i);
			kd_json_begin_object(s, NULL);
			kd_json_hex(s, "phys_start", r->start);
			kd_json_hex(s, "phys_end", r->start + r->size);
			kd_json_hex(s, "file_offset", r->file_off);
			kd_json_hex(s, "file_size", r->file_size);
			kd_json_hex(s, "vaddr", r->vaddr);
			kd_json_end_object(s);
		}
		kd_json_end_array(s);
		kd_json_begin_array(s, "notes");
		for (size_t i = 0; i < nn; i++) {
			const struct kd_note *n = kd_note_get(s, i);
			kd_json_begin_object(s, NULL);
			kd_json_string(s, "name", n->name);
			kd_json_u64(s, "type", n->type);
			kd_json_string(s, "type_name", note_type_name(n));
			kd_json_u64(s, "size", n->descsz);
			uint32_t pid;
			uint64_t rip, rsp;
			if (strcmp(n->name, "CORE") == 0 && n->type == NT_PRSTATUS &&
			    x86_64_prstatus(s, n, &pid, &rip, &rsp)) {
				kd_json_u64(s, "pid", pid);
				kd_json_hex(s, "rip", rip);
				kd_json_hex(s, "rsp", rsp);
			}
			kd_json_end_object(s);
		}
		kd_json_end_array(s);
		kd_json_string(s, "vmcoreinfo_source", kd_vmcoreinfo_source(s));
		kd_json_begin_object(s, "vmcoreinfo");
		for (size_t i = 0; i < nv; i++) {
			const char *k, *val;
			kd_vmcoreinfo_entry(s, i, &k, &val);
			kd_json_string(s, k, val);
		}
		kd_json_end_object(s);
		kd_json_end_object(s);
		return NULL;
	}
	kd_printf(s, "DUMP FILE: %s\n", kd_dump_path(s));
	kd_printf(s, "   FORMAT: %s\n", kd_dump_format_desc(s));
	kd_printf(s, "  MACHINE: %s\n", kd_dump_machine_name(s));
	kd_printf(s, "     CPUS: %u\n", kd_dump_nr_cpus(s));
	kd_printf(s, "PAGE SIZE: %" PRIu64 "\n", kd_page_size(s));
	kd_printf(s, "   MEMORY: 0x%" PRIx64 " bytes in %zu segments\n\n", kd_phys_total(s), nr);
	kd_printf(s, "SEGMENTS\n  %-16s %-16s %-16s %-16s %s\n", "PHYS START", "PHYS END",
		  "FILE OFFSET", "FILE SIZE", "VADDR");
	for (size_t i = 0; i < nr; i++) {
		const struct kd_phys_range *r = kd_phys_range_get(s, i);
		kd_printf(s, "  %016" PRIx64 " %016" PRIx64 " %016" PRIx64 " %016" PRIx64 " %016" PRIx64 "\n",
			  r->start, r->start + r->size, r->file_off, r->file_size, r->vaddr);
	}
	kd_printf(s, "\nNOTES\n  %-12s %-16s %8s\n", "NAME", "TYPE", "SIZE");
	unsigned cpu = 0;
	for (size_t i = 0; i < nn; i++) {
		const struct kd_note *n = kd_note_get(s, i);
		kd_printf(s, "  %-12s %-16s %8zu", n->name, note_type_name(n), n->descsz);
		uint32_t pid;
		uint64_t rip, rsp;
		if (strcmp(n->name, "CORE") == 0 && n->type == NT_PRSTATUS &&
		    x86_64_prstatus(s, n, &pid, &rip, &rsp))
			kd_printf(s, "  cpu %u pid %u rip %016" PRIx64 " rsp %016" PRIx64, cpu++, pid, rip,
				  rsp);
		kd_printf(s, "\n");
	}
	kd_printf(s, "\nVMCOREINFO (%s, %zu entries)\n", kd_vmcoreinfo_source(s) ? kd_vmcoreinfo_source(s) : "none", nv);
	for (size_t i = 0; i < nv; i++) {
		const char *k, *val;
		kd_vmcoreinfo_entry(s, i, &k, &val);
		kd_printf(s, "  %s=%s\n", k, val);
	}
	return NULL;
}

static const struct kd_command commands[] = {
	{
		.name = "dumpinfo",
		.summary = "the dump file's format, segments, notes and VMCOREINFO",
		.synopsis = "[--json]",
		.help = "Show what the dump file itself holds: its format, the physical memory\n"
			"segments and where they lie in the file, the ELF notes (with each CPU's\n"
			"pid, RIP and RSP from NT_PRSTATUS on x86_64), and every VMCOREINFO entry.\n"
			"'help -D' runs the same.\n\n"
			"EXAMPLES\n"
			"  kdive> dumpinfo\n"
			"  kdive> dumpinfo | grep SYMBOL\n"
			"  kdive> dumpinfo --json > info.json",
		.flags = KD_CMD_JSON | KD_CMD_NEEDS_DUMP,
		.run = dumpinfo_run,
	},
	{ NULL },
};

KD_MODULE_EXPORT const struct kd_module kd_module_info = {
	.abi = KD_MODULE_ABI,
	.struct_size = sizeof(struct kd_module),
	.name = "dumpinfo",
	.version = "1",
	.commands = commands,
};
