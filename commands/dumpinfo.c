// SPDX-License-Identifier: GPL-3.0-or-later
// dumpinfo: what the dump file holds: format, physical segments, ELF notes,
// per-CPU registers and VMCOREINFO (crash's "help -D"); -c and the `cache`
// command show and size the page cache of decoded pages.
#include <elf.h>
#include <inttypes.h>
#include <string.h>

#include <kdive/arch.h>
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

// A CPU's NT_PRSTATUS note: its pid, program counter and stack pointer,
// with the machine's names for the two registers ("rip", "rsp" on x86_64).
struct cpu_regs {
	uint32_t pid;
	uint64_t pc, sp;
	const char *pc_name, *sp_name;
};

static bool prstatus(struct kd_session *s, const struct kd_note *n, struct cpu_regs *ret)
{
	const struct kd_arch_info *ai = kd_arch_info_get(s);
	struct kd_prstatus pr;
	if (strcmp(n->name, "CORE") != 0 || n->type != NT_PRSTATUS || !ai ||
	    !kd_prstatus_decode(s, n, &pr))
		return false;
	*ret = (struct cpu_regs){
		.pid = pr.pid, .pc = pr.pc, .sp = pr.sp,
		.pc_name = ai->reg_names[ai->prstatus.pc], .sp_name = ai->reg_names[ai->prstatus.sp],
	};
	return true;
}

static void print_cache(struct kd_session *s)
{
	struct kd_cache_info ci;
	kd_dump_cache_info(s, &ci);
	uint64_t tlb_hits, tlb_misses;
	kd_tlb_stats(s, &tlb_hits, &tlb_misses);
	if (kd_json_mode(s)) {
		kd_json_begin_object(s, NULL);
		kd_json_bool(s, "live", ci.live);
		kd_json_u64(s, "capacity_pages", ci.capacity);
		kd_json_u64(s, "used_pages", ci.used);
		kd_json_u64(s, "hits", ci.hits);
		kd_json_u64(s, "misses", ci.misses);
		kd_json_u64(s, "decompressions", ci.decompressions);
		kd_json_u64(s, "evictions", ci.evictions);
		kd_json_u64(s, "tlb_hits", tlb_hits);
		kd_json_u64(s, "tlb_misses", tlb_misses);
		kd_json_end_object(s);
		return;
	}
	kd_printf(s, "PAGE CACHE%s\n", ci.live ? " (off: live dump, never cached)" : "");
	kd_printf(s, "      CAPACITY: %zu pages\n", ci.capacity);
	kd_printf(s, "          USED: %zu pages\n", ci.used);
	kd_printf(s, "          HITS: %" PRIu64 "\n", ci.hits);
	kd_printf(s, "        MISSES: %" PRIu64 "\n", ci.misses);
	kd_printf(s, "DECOMPRESSIONS: %" PRIu64 "\n", ci.decompressions);
	kd_printf(s, "     EVICTIONS: %" PRIu64 "\n", ci.evictions);
	kd_printf(s, "TRANSLATION CACHE (TLB)\n");
	kd_printf(s, "          HITS: %" PRIu64 "\n", tlb_hits);
	kd_printf(s, "        MISSES: %" PRIu64 "\n", tlb_misses);
}

enum { D_C, D_JSON, D_NOPT };
static const struct kd_option dumpinfo_opts[] = {
	[D_C] = { "c", KD_ARG_NONE, NULL, "only the page cache's counters" },
	[D_JSON] = KD_OPTION_JSON,
	[D_NOPT] = { NULL },
};

static struct kd_error *dumpinfo_run(struct kd_session *s, const struct kd_args *args)
{
	const struct kd_optval *ov = args->opt;
	if (args->argc > 1)
		return kd_error_create(KD_ERR_USAGE, "unexpected argument '%s'", args->argv[1]);
	if (ov[D_C].count) {
		print_cache(s);
		return NULL;
	}
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
		kd_json_begin_array(s, "files");
		for (size_t i = 0; i < kd_dump_file_count(s); i++)
			kd_json_string(s, NULL, kd_dump_file_path(s, i));
		kd_json_end_array(s);
		kd_json_begin_object(s, "header");
		const char *det = kd_dump_format_detail(s);
		while (det && *det) {
			const char *eq = strchr(det, '='), *nl = strchr(det, '\n');
			if (!eq || !nl || eq > nl)
				break;
			char key[64];
			snprintf(key, sizeof(key), "%.*s", (int)(eq - det), det);
			kd_json_string_n(s, key, eq + 1, (size_t)(nl - eq - 1));
			det = nl + 1;
		}
		kd_json_end_object(s);
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
			struct cpu_regs r;
			if (prstatus(s, n, &r)) {
				kd_json_u64(s, "pid", r.pid);
				kd_json_hex(s, r.pc_name, r.pc);
				kd_json_hex(s, r.sp_name, r.sp);
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
	for (size_t i = 1; i < kd_dump_file_count(s); i++)
		kd_printf(s, "     PART: %s\n", kd_dump_file_path(s, i));
	kd_printf(s, "   FORMAT: %s\n", kd_dump_format_desc(s));
	kd_printf(s, "  MACHINE: %s\n", kd_dump_machine_name(s));
	kd_printf(s, "     CPUS: %u\n", kd_dump_nr_cpus(s));
	kd_printf(s, "PAGE SIZE: %" PRIu64 "\n", kd_page_size(s));
	kd_printf(s, "   MEMORY: 0x%" PRIx64 " bytes in %zu segments\n\n", kd_phys_total(s), nr);
	const char *det = kd_dump_format_detail(s);
	if (det) {
		kd_printf(s, "HEADER\n");
		while (*det) {
			const char *nl = strchr(det, '\n');
			int n = nl ? (int)(nl - det) : (int)strlen(det);
			kd_printf(s, "  %.*s\n", n, det);
			det += n + (nl ? 1 : 0);
		}
		kd_printf(s, "\n");
	}
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
		struct cpu_regs r;
		if (prstatus(s, n, &r))
			kd_printf(s, "  cpu %u pid %u %s %016" PRIx64 " %s %016" PRIx64, cpu++, r.pid,
				  r.pc_name, r.pc, r.sp_name, r.sp);
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

enum { C_S, C_JSON, C_NOPT };
static const struct kd_option cache_opts[] = {
	[C_S] = { "s", KD_ARG_INT, "PAGES", "resize the cache to PAGES pages (0: off); drops its contents" },
	[C_JSON] = KD_OPTION_JSON,
	[C_NOPT] = { NULL },
};

static struct kd_error *cache_run(struct kd_session *s, const struct kd_args *args)
{
	const struct kd_optval *ov = args->opt;
	struct kd_error *err = NULL;
	if (args->argc > 1)
		return kd_error_create(KD_ERR_USAGE, "unexpected argument '%s'", args->argv[1]);
	if (ov[C_S].count) {
		uint64_t n;
		err = kd_parse_u64(ov[C_S].arg, false, &n);
		if (err)
			return err;
		err = kd_dump_set_cache(s, (size_t)n);
		if (err)
			return err;
	}
	print_cache(s);
	return NULL;
}

static const struct kd_command commands[3] = {
	{
		.name = "dumpinfo",
		.summary = "the dump file's format, segments, notes and VMCOREINFO",
		.options = dumpinfo_opts,
		.help = "Show what the dump file itself holds: its format, the physical memory\n"
			"segments and where they lie in the file, the ELF notes (with each CPU's\n"
			"pid, RIP and RSP from NT_PRSTATUS on x86_64), and every VMCOREINFO entry.\n"
			"kdump-compressed dumps also show their header fields (version, byte\n"
			"order, compression, dump level, split parts, flattened records).\n"
			"-c shows the page cache's counters instead (see 'help cache').\n"
			"'help -D' runs the same.\n\n"
			"EXAMPLES\n"
			"  kdive> dumpinfo\n"
			"  kdive> dumpinfo | grep SYMBOL\n"
			"  kdive> dumpinfo --json > info.json\n"
			"  kdive> dumpinfo -c",
		.flags = KD_CMD_NEEDS_DUMP,
		.run = dumpinfo_run,
	},
	{
		.name = "cache",
		.summary = "show or resize the page cache of decoded dump pages",
		.help = "Show the page cache's counters: capacity and pages held, hits, misses,\n"
			"pages decompressed by the format and evictions.  All formats share one\n"
			"LRU cache of decoded pages; its size is $KDIVE_CACHE_PAGES (default\n"
			"1024 pages) or 'cache -s PAGES'.  Live dumps (/proc/kcore) are never\n"
			"cached.  Below them, the translation cache's hits and misses (virtual\n"
			"to physical pages, kept per page size).  'dumpinfo -c' prints the same.\n\n"
			"EXAMPLES\n"
			"  kdive> cache\n"
			"  kdive> cache -s 4096\n"
			"  kdive> cache --json",
		.options = cache_opts,
		.flags = KD_CMD_NEEDS_DUMP,
		.run = cache_run,
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
