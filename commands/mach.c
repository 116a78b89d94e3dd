// SPDX-License-Identifier: GPL-3.0-or-later
// mach: the dumped machine, as crash's mach shows it, from the dump alone.
//   (none)  machine type, memory, CPUs, processor speed (cpu_khz), HZ (from
//           tick_nsec, the tick length: include/linux/jiffies.h TICK_NSEC is
//           NSEC_PER_SEC / HZ rounded, and kernel/time/ntp.c keeps it within
//           a few ppm of that), page size, the kernel's virtual memory bases
//           (the arch layer's regions), the kernel stack and IRQ stack sizes
//           (sizeof(struct irq_stack) from BTF; on x86_64 IRQ_STACK_ORDER and
//           THREAD_SIZE_ORDER are both 2 + KASAN_STACK_ORDER,
//           arch/x86/include/asm/page_64_types.h) and each CPU's IRQ stack
//           (per-CPU hardirq_stack_ptr, or pcpu_hot.hardirq_stack_ptr since
//           6.2, which points 8 bytes below the stack's top:
//           arch/x86/kernel/irq_64.c).
//   -m      the BIOS memory map the kernel keeps, *e820_table (struct
//           e820_table, arch/x86/include/asm/e820/types.h; type names from
//           BTF's enum e820_type).
//   -c      each CPU's per-CPU cpuinfo (cpu_info on x86: struct cpuinfo_x86;
//           cpu_data on arm64), printed from BTF.
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <kdive/arch.h>
#include <kdive/module.h>
#include <kdive/print.h>
#include <kdive/symbols.h>
#include <kdive/types.h>

enum { O_C, O_M, O_JSON, O_NOPT };
static const struct kd_option mach_opts[] = {
	[O_C] = { "c", KD_ARG_NONE, NULL, "each CPU's cpuinfo structure" },
	[O_M] = { "m", KD_ARG_NONE, NULL, "the physical memory map (x86: the kernel's e820 table)" },
	[O_JSON] = KD_OPTION_JSON,
	[O_NOPT] = { NULL },
};

static bool read_uint(struct kd_session *s, uint64_t addr, unsigned size, uint64_t *ret)
{
	unsigned char b[8];
	struct kd_error *err = kd_read_kernel(s, addr, b, size);
	if (err) {
		kd_error_destroy(err);
		return false;
	}
	*ret = kd_dump_uint(s, b, size);
	return true;
}

static bool sym_uint(struct kd_session *s, const char *name, unsigned size, uint64_t *ret)
{
	uint64_t addr;
	struct kd_error *err = kd_symbol_address(s, name, &addr);
	if (err) {
		kd_error_destroy(err);
		return false;
	}
	return read_uint(s, addr, size, ret);
}

// Where CPU cpu's hardirq_stack_ptr lives (a per-CPU variable, or a member
// of pcpu_hot since 6.2).
static bool irq_stack_ptr_addr(struct kd_session *s, unsigned cpu, uint64_t *ret)
{
	uint64_t base, off, sym;
	struct kd_member_info m;
	struct kd_error *err = kd_percpu_offset(s, cpu, &off);
	if (!err && !(err = kd_symbol_address(s, "hardirq_stack_ptr", &sym))) {
		*ret = sym + off;
		return true;
	}
	kd_error_destroy(err);
	err = kd_symbol_address(s, "pcpu_hot", &base);
	if (!err)
		err = kd_type_member(s, "pcpu_hot", "hardirq_stack_ptr", &m);
	if (!err)
		err = kd_percpu_offset(s, cpu, &off);
	if (err) {
		kd_error_destroy(err);
		return false;
	}
	*ret = base + off + m.offset;
	return true;
}

static const struct kd_vm_region *region(struct kd_session *s, const char *name)
{
	const struct kd_vm_region *r;
	size_t n = kd_vm_regions(s, &r);
	for (size_t i = 0; i < n; i++)
		if (strcmp(r[i].name, name) == 0)
			return &r[i];
	return NULL;
}

static struct kd_error *mach_summary(struct kd_session *s)
{
	bool json = kd_json_mode(s);
	uint64_t khz = 0, tick = 0, stack = 0;
	bool has_khz = sym_uint(s, "cpu_khz", 4, &khz) && khz;
	bool has_hz = sym_uint(s, "tick_nsec", 8, &tick) && tick;
	uint64_t hz = has_hz ? (1000000000 + tick / 2) / tick : 0;
	struct kd_error *err = kd_type_size(s, "irq_stack", &stack);
	bool has_stack = !err;
	kd_error_destroy(err);
	err = NULL; // destroyed: the summary's own error starts empty
	static const struct {
		const char *key, *region;
	} bases[] = {
		{ "KERNEL VIRTUAL BASE", "direct map" },
		{ "KERNEL VMALLOC BASE", "vmalloc" },
		{ "KERNEL VMEMMAP BASE", "vmemmap" },
		{ "KERNEL START MAP", "kernel text" },
		{ "KERNEL MODULES BASE", "modules" },
	};
	char mem[32];
	kd_format_size(mem, sizeof(mem), (double)kd_phys_total(s), 2, " ", true);
	unsigned ncpus = kd_dump_nr_cpus(s);
	if (json) {
		static const char *const jkeys[] = { "virtual_base", "vmalloc_base", "vmemmap_base",
						     "start_map", "modules_base" };
		kd_json_begin_object(s, NULL);
		kd_json_string(s, "machine", kd_dump_machine_name(s));
		kd_json_u64(s, "memory_bytes", kd_phys_total(s));
		kd_json_u64(s, "cpus", ncpus);
		if (has_khz)
			kd_json_u64(s, "cpu_mhz", khz / 1000);
		if (has_hz)
			kd_json_u64(s, "hz", hz);
		kd_json_u64(s, "page_size", kd_page_size(s));
		for (size_t i = 0; i < sizeof(bases) / sizeof(bases[0]); i++) {
			const struct kd_vm_region *r = region(s, bases[i].region);
			if (r)
				kd_json_hex(s, jkeys[i], r->start);
		}
		if (has_stack) {
			kd_json_u64(s, "kernel_stack_size", stack);
			kd_json_u64(s, "irq_stack_size", stack);
		}
	} else {
		kd_printf(s, "          MACHINE TYPE: %s\n", kd_dump_machine_name(s));
		kd_printf(s, "           MEMORY SIZE: %s\n", mem);
		kd_printf(s, "                  CPUS: %u\n", ncpus);
		if (has_khz)
			kd_printf(s, "       PROCESSOR SPEED: %" PRIu64 " Mhz\n", khz / 1000);
		if (has_hz)
			kd_printf(s, "                    HZ: %" PRIu64 "\n", hz);
		kd_printf(s, "             PAGE SIZE: %" PRIu64 "\n", kd_page_size(s));
		for (size_t i = 0; i < sizeof(bases) / sizeof(bases[0]); i++) {
			const struct kd_vm_region *r = region(s, bases[i].region);
			if (r)
				kd_printf(s, "%22s: %016" PRIx64 "\n", bases[i].key, r->start);
		}
		if (has_stack) {
			kd_printf(s, "     KERNEL STACK SIZE: %" PRIu64 "\n", stack);
			kd_printf(s, "        IRQ STACK SIZE: %" PRIu64 "\n", stack);
		}
	}
	// Each CPU's IRQ stack (its lowest address, as crash shows it).
	bool any = false;
	for (unsigned c = 0; has_stack && c < ncpus; c++) {
		uint64_t at, top;
		if (!irq_stack_ptr_addr(s, c, &at))
			break;
		if (!any) {
			if (json)
				kd_json_begin_array(s, "irq_stacks");
			else
				kd_printf(s, "            IRQ STACKS:\n");
			any = true;
		}
		bool ok = read_uint(s, at, 8, &top) && top;
		if (!ok)
			kd_warn(s, "CPU %u's hardirq_stack_ptr at 0x%" PRIx64 " is unreadable or unset", c, at);
		if (json) {
			kd_json_begin_object(s, NULL);
			kd_json_u64(s, "cpu", c);
			if (ok)
				kd_json_hex(s, "base", top + 8 - stack);
			else
				kd_json_null(s, "base");
			kd_json_end_object(s);
		} else if (ok) {
			kd_printf(s, "%*sCPU %u: %016" PRIx64 "\n", c < 10 ? 17 : 16, "", c, top + 8 - stack);
		} else {
			kd_printf(s, "%*sCPU %u: ?\n", c < 10 ? 17 : 16, "", c);
		}
		if (!ok)
			err = kd_error_create(KD_ERR_NODATA, "an IRQ stack pointer could not be read");
	}
	if (json) {
		if (any)
			kd_json_end_array(s);
		kd_json_end_object(s);
	}
	return err;
}

// crash's mach -m: the e820 map as "START - END  TYPE".
static struct kd_error *mach_memmap(struct kd_session *s)
{
	uint64_t ptr, table, n;
	struct kd_member_info m_n, m_e, m_addr, m_size, m_type;
	uint64_t esize;
	struct kd_error *err = kd_symbol_address(s, "e820_table", &ptr);
	if (err)
		return kd_error_prefix(err, "no e820 memory map in this kernel (x86 only)");
	if ((err = kd_type_member(s, "e820_table", "nr_entries", &m_n)) ||
	    (err = kd_type_member(s, "e820_table", "entries", &m_e)) ||
	    (err = kd_type_member(s, "e820_entry", "addr", &m_addr)) ||
	    (err = kd_type_member(s, "e820_entry", "size", &m_size)) ||
	    (err = kd_type_member(s, "e820_entry", "type", &m_type)) ||
	    (err = kd_type_size(s, "e820_entry", &esize)))
		return kd_error_prefix(err, "the e820 table's layout");
	if (!read_uint(s, ptr, 8, &table) || !read_uint(s, table + m_n.offset, m_n.size > 8 ? 8 : (unsigned)m_n.size, &n))
		return kd_error_create(KD_ERR_NODATA, "the e820 table (e820_table at 0x%" PRIx64 ") is unreadable", ptr);
	if (m_e.nelems && n > m_e.nelems)
		return kd_error_create(KD_ERR_CORRUPT, "e820_table has %" PRIu64 " entries, more than its %" PRIu64,
				       n, m_e.nelems);
	uint32_t type_id = kd_type_strip(s, m_type.type);
	bool json = kd_json_mode(s);
	if (json)
		kd_json_begin_array(s, NULL);
	else
		kd_printf(s, "      PHYSICAL ADDRESS RANGE         TYPE\n");
	for (uint64_t i = 0; i < n; i++) {
		uint64_t e = table + m_e.offset + i * esize, addr, size, type;
		if (!read_uint(s, e + m_addr.offset, 8, &addr) || !read_uint(s, e + m_size.offset, 8, &size) ||
		    !read_uint(s, e + m_type.offset, m_type.size > 8 ? 8 : (unsigned)m_type.size, &type)) {
			kd_warn(s, "e820 entry %" PRIu64 " at 0x%" PRIx64 " is unreadable", i, e);
			err = kd_error_create(KD_ERR_NODATA, "part of the e820 table is unreadable");
			continue;
		}
		const char *name = kd_enum_name(s, type_id, (int64_t)type);
		char num[24];
		if (!name) {
			snprintf(num, sizeof(num), "type %" PRIu64, type);
			name = num;
		}
		if (json) {
			kd_json_begin_object(s, NULL);
			kd_json_hex(s, "start", addr);
			kd_json_hex(s, "end", addr + size);
			kd_json_string(s, "type", name);
			kd_json_end_object(s);
		} else {
			kd_printf(s, "%016" PRIx64 " - %016" PRIx64 "  %s\n", addr, addr + size, name);
		}
		if ((err = kd_check_interrupt(s)))
			break;
	}
	if (json)
		kd_json_end_array(s);
	return err;
}

static struct kd_error *mach_cpus(struct kd_session *s)
{
	static const char *const vars[] = { "cpu_info", "cpu_data" };
	const char *var = NULL;
	uint32_t type = 0;
	for (size_t i = 0; i < 2 && !var; i++) {
		struct kd_error *err = kd_symbol_type(s, vars[i], &type, NULL);
		if (!err && kd_symbol_is_percpu(s, vars[i]))
			var = vars[i];
		kd_error_destroy(err);
	}
	if (!var)
		return kd_error_create(KD_ERR_NOTFOUND, "no per-CPU cpuinfo variable (cpu_info, cpu_data) in the BTF");
	uint64_t sym;
	struct kd_error *err = kd_symbol_address(s, var, &sym), *first = NULL;
	if (err)
		return err;
	bool json = kd_json_mode(s);
	if (json)
		kd_json_begin_array(s, NULL);
	for (unsigned c = 0; c < kd_dump_nr_cpus(s); c++) {
		uint64_t off;
		if (!json)
			kd_printf(s, "%sCPU %u:\n", c ? "\n" : "", c);
		err = kd_percpu_offset(s, c, &off);
		if (!err)
			err = kd_print_object(s, type, sym + off, NULL, 0);
		if (err) {
			// One CPU's structure lost; the others are still shown.
			kd_warn(s, "CPU %u: %s", c, err->msg);
			if (!first)
				first = err;
			else
				kd_error_destroy(err);
		}
		if ((err = kd_check_interrupt(s)))
			break;
	}
	if (json)
		kd_json_end_array(s);
	if (err) {
		kd_error_destroy(first);
		return err;
	}
	return first ? kd_error_create(KD_ERR_NODATA, "some CPUs' %s could not be read", var) : NULL;
}

static struct kd_error *mach_run(struct kd_session *s, const struct kd_args *args)
{
	if (args->argc > 1)
		return kd_error_create(KD_ERR_USAGE, "unexpected argument '%s'", args->argv[1]);
	if (args->opt[O_C].count && args->opt[O_M].count)
		return kd_error_create(KD_ERR_USAGE, "-c and -m exclude each other");
	if (args->opt[O_M].count)
		return mach_memmap(s);
	if (args->opt[O_C].count)
		return mach_cpus(s);
	return mach_summary(s);
}

static const struct kd_command commands[] = {
	{
		.name = "mach",
		.summary = "machine data: type, memory, CPUs, HZ, kernel bases, stacks",
		.help = "Print what crash's mach prints, from the dump alone: the machine\n"
			"type, memory size, CPU count and speed (cpu_khz), HZ (from the\n"
			"kernel's tick length, tick_nsec), the page size, the bases of the\n"
			"kernel's virtual memory regions (as `layout` finds them), the kernel\n"
			"and IRQ stack sizes and each CPU's IRQ stack.\n"
			"  -m  the physical memory map the kernel keeps (x86: e820_table)\n"
			"  -c  each CPU's cpuinfo structure (x86: cpu_info, struct cpuinfo_x86)\n\n"
			"EXAMPLES\n"
			"  kdive> mach\n"
			"            MACHINE TYPE: x86_64\n"
			"             MEMORY SIZE: 512.2 MB\n"
			"                    CPUS: 2\n"
			"                      HZ: 250\n"
			"  kdive> mach -m\n"
			"  kdive> mach -c | grep x86_model_id",
		.options = mach_opts,
		.flags = KD_CMD_NEEDS_DUMP | KD_CMD_NEEDS_SYMBOLS | KD_CMD_NEEDS_TYPES,
		.run = mach_run,
	},
	{ NULL },
};

KD_MODULE_EXPORT const struct kd_module kd_module_info = {
	.abi = KD_MODULE_ABI,
	.struct_size = sizeof(struct kd_module),
	.name = "mach",
	.version = "1",
	.commands = commands,
};
