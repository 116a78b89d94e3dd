// SPDX-License-Identifier: GPL-3.0-or-later
// kmem: the dumped kernel's memory in crash's forms.  This file is the
// module: the option table, the help page, the dispatch to the parts (see
// kmem.h) and a few helpers they share.  Every figure comes from the
// kernel's own counters and tables, read through BTF, VMCOREINFO and
// kallsyms (include/linux/mmzone.h, include/linux/vmstat.h,
// include/linux/mm_types.h); nothing walks every page unless asked to.
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <kdive/module.h>
#include <kdive/page.h>
#include <kdive/symbols.h>
#include <kdive/types.h>

#include "kmem.h"

bool kmem_ok(struct kd_error *err)
{
	bool r = err == NULL;
	kd_error_destroy(err);
	return r;
}

struct kd_error *kmem_read_sym(struct kd_session *s, const char *sym, unsigned size, uint64_t *ret)
{
	uint64_t a;
	uint8_t b[8];
	struct kd_error *err = kd_symbol_address(s, sym, &a);
	if (!err && size >= 1 && size <= 8)
		err = kd_read_kernel(s, a, b, size);
	if (err)
		return kd_error_prefix(err, "reading %s", sym);
	*ret = kd_dump_uint(s, b, size);
	return NULL;
}

struct kd_error *kmem_enum(struct kd_session *s, const char *type, const char *name, int64_t *ret)
{
	struct kd_error *err = kd_enum_value(s, type, name, ret);
	if (err)
		return kd_error_prefix(err, "the types have no %s%s%s", type ? type : "", type ? "." : "", name);
	return NULL;
}

struct kd_error *kmem_field(struct kd_session *s, const char *type, const char *path, const void *buf,
			    size_t len, uint64_t *ret)
{
	struct kd_member_info m;
	struct kd_error *err = kd_type_member(s, type, path, &m);
	if (!err && m.offset + m.size > len)
		err = kd_error_create(KD_ERR_CORRUPT, "%s.%s is outside the object", type, path);
	if (!err)
		err = kd_member_extract(s, &m, buf, len, ret);
	return err;
}

struct kd_error *kmem_read_obj(struct kd_session *s, const char *type, uint64_t addr, uint8_t **buf_ret,
			       size_t *len_ret)
{
	uint64_t size;
	struct kd_error *err = kd_type_size(s, type, &size);
	if (err)
		return err;
	if (!size || size > (1u << 24))
		return kd_error_create(KD_ERR_CORRUPT, "struct %s of %" PRIu64 " bytes", type, size);
	uint8_t *b = malloc(size);
	if (!b)
		return &kd_enomem;
	if ((err = kd_read_kernel(s, addr, b, size))) {
		free(b);
		return kd_error_prefix(err, "reading struct %s at %016" PRIx64, type, addr);
	}
	*buf_ret = b;
	*len_ret = size;
	return NULL;
}

struct kd_error *kmem_read_str(struct kd_session *s, uint64_t addr, char *buf, size_t size)
{
	size_t n = 0;
	while (n + 1 < size) {
		// Up to the end of the page at a time: a string may end just before
		// a page the dump does not hold.
		size_t chunk = 4096 - (size_t)((addr + n) & 4095);
		if (chunk > size - 1 - n)
			chunk = size - 1 - n;
		struct kd_error *err = kd_read_kernel(s, addr + n, buf + n, chunk);
		if (err) {
			buf[n] = 0;
			return err;
		}
		void *z = memchr(buf + n, 0, chunk);
		if (z)
			return NULL;
		n += chunk;
	}
	buf[n] = 0;
	return NULL;
}

unsigned kmem_nr_cpus(struct kd_session *s)
{
	uint64_t n;
	if (kmem_ok(kmem_read_sym(s, "nr_cpu_ids", 4, &n)) && n > 0 && n <= 65536)
		return (unsigned)n;
	return kd_dump_nr_cpus(s) ? kd_dump_nr_cpus(s) : 1;
}

enum { O_I, O_F, O_FF, O_Z, O_N, O_V, O_O, O_H, O_P, O_M, O_G, O_JSON, O_NOPT };
static const struct kd_option kmem_opts[] = {
	[O_I] = { "i", KD_ARG_NONE, NULL, "memory usage, as /proc/meminfo computes it (crash's table)" },
	[O_F] = { "f", KD_ARG_NONE, NULL, "free lists per node, zone and order, with migrate types" },
	[O_FF] = { "F", KD_ARG_NONE, NULL, "as -f, and every free block's first page" },
	[O_Z] = { "z", KD_ARG_NONE, NULL, "zones: sizes, watermarks and vm_stat counters" },
	[O_N] = { "n", KD_ARG_NONE, NULL, "nodes, their zones and the memory sections" },
	[O_V] = { "V", KD_ARG_NONE, NULL, "the vm_stat counters, as /proc/vmstat" },
	[O_O] = { "o", KD_ARG_NONE, NULL, "each CPU's per-cpu offset" },
	[O_H] = { "h", KD_ARG_NONE, NULL, "hugetlb page sizes and their counts" },
	[O_P] = { "p", KD_ARG_NONE, NULL, "struct page of every page, or of each PADDR|PAGE operand" },
	[O_M] = { "m", KD_ARG_STRING, "MEMBER,...", "these struct page members of every page (or the operands)" },
	[O_G] = { "g", KD_ARG_NONE, NULL, "the page flag bits, or decode each FLAGS operand" },
	[O_JSON] = KD_OPTION_JSON,
	[O_NOPT] = { NULL },
};

static struct kd_error *kmem_run(struct kd_session *s, const struct kd_args *a)
{
	const struct kd_optval *v = a->opt;
	int chosen = 0, which = -1;
	for (int i = 0; i < O_JSON; i++)
		if (v[i].count && i != O_M) {
			chosen++;
			which = i;
		}
	if (v[O_M].arg && which != O_P) {
		chosen++;
		which = O_M;
	}
	if (chosen > 1)
		return kd_error_create(KD_ERR_USAGE, "give one of -i -f -F -z -n -V -o -h -p -m -g");
	bool takes_operands = which == O_P || which == O_M || which == O_G || which < 0;
	if (!takes_operands && a->argc > 1)
		return kd_error_create(KD_ERR_USAGE, "-%s takes no operand", kmem_opts[which].name);
	/* slab: -s [CACHE] -> kmem_slab_show(s, cache, false); -S CACHE -> kmem_slab_show(s, cache, true);
	 * -v -> kmem_vmalloc_show(s) (wired at merge) */
	switch (which) {
	case O_I:
		return kmem_info_show(s);
	case O_F:
	case O_FF:
		return kmem_free_show(s, which == O_FF);
	case O_Z:
		return kmem_zone_show(s);
	case O_N:
		return kmem_nodes_show(s);
	case O_V:
		return kmem_vmstat_show(s);
	case O_O:
		return kmem_percpu_show(s);
	case O_H:
		return kmem_huge_show(s);
	case O_P:
	case O_M:
		return kmem_pages_show(s, a->argc - 1, a->argv + 1, v[O_M].arg);
	case O_G:
		return kmem_flags_show(s, a->argc - 1, a->argv + 1);
	default:
		break;
	}
	if (a->argc < 2)
		return kd_error_create(KD_ERR_USAGE, "give an option or an address");
	struct kd_error *first = NULL;
	bool json = kd_json_mode(s);
	if (json && a->argc > 2)
		kd_json_begin_array(s, NULL);
	for (int i = 1; i < a->argc; i++) {
		if (i > 1 && !json)
			kd_printf(s, "\n");
		struct kd_error *err = kmem_addr_show(s, a->argv[i]);
		if (err && !first)
			first = err;
		else
			kd_error_destroy(err);
	}
	if (json && a->argc > 2)
		kd_json_end_array(s);
	return first;
}

static const struct kd_command commands[2] = { {
	.name = "kmem",
	.summary = "the kernel's memory: usage, zones, free lists, vm counters and pages",
	.synopsis = "[-i | -f | -F | -z | -n | -V | -o | -h | -g [FLAGS...] | -p [PADDR|PAGE...] |\n"
		    "            -m MEMBER,... [PADDR|PAGE...] | ADDR...] [--json]",
	.help = "Show the dumped kernel's memory as crash's kmem does, from the kernel's own\n"
		"counters and tables (types from BTF, layout from VMCOREINFO, symbols from\n"
		"kallsyms): nothing walks every page except -p, -m and the free-page search of\n"
		"kmem ADDR.\n\n"
		"  -i   crash's table of PAGES, TOTAL and PERCENTAGE: TOTAL MEM (totalram_pages),\n"
		"       FREE (NR_FREE_PAGES), USED, SHARED (NR_SHMEM), BUFFERS (the block\n"
		"       devices' page caches), CACHED (NR_FILE_PAGES - swap cache - buffers),\n"
		"       SLAB, TOTAL HUGE, HUGE FREE, TOTAL SWAP, SWAP USED, SWAP FREE, COMMIT\n"
		"       LIMIT and COMMITTED, each computed as /proc/meminfo computes it.\n"
		"  -f   per node and zone, each order's free blocks and pages (nr_free, as\n"
		"       /proc/buddyinfo) and the blocks on each migrate type's list (as\n"
		"       /proc/pagetypeinfo); -F also lists each free block's struct page.\n"
		"  -z   each zone: address, span, present and managed pages, watermarks and\n"
		"       its vm_stat counters (as /proc/zoneinfo).\n"
		"  -n   nodes (pglist_data), their zones, and every present memory section\n"
		"       with its encoded and decoded mem_map and state (P present, M has a\n"
		"       mem_map, O online, E early).\n"
		"  -V   the global vm_stat counters and vm events under /proc/vmstat's\n"
		"       names, read from the kernel's own vmstat_text (the two dirty\n"
		"       thresholds /proc/vmstat computes on the fly are left out).\n"
		"  -o   each CPU's per-cpu offset (__per_cpu_offset).\n"
		"  -h   each hugetlb page size (hstate): size, free and total pages.\n"
		"  -p   struct page in crash's layout, PAGE PHYSICAL MAPPING INDEX CNT FLAGS,\n"
		"       for every page or for each operand: a physical address, or the\n"
		"       address of a struct page.  Flag names come from the kernel's enum\n"
		"       pageflags; page types (buddy, slab, table...) follow in brackets.\n"
		"  -m   the named struct page members (any path BTF knows: flags,_refcount,\n"
		"       lru.next) of every page or of each operand.\n"
		"  -g   the page flag bits and names; with FLAGS operands, the names of the\n"
		"       bits set in each.\n"
		"  ADDR what an address is: a kernel symbol, a task's kernel stack, and the\n"
		"       page that holds it with its state (free in a buddy block, slab,\n"
		"       page table, compound, mapped).  A struct page address shows that page.\n\n"
		"A page of the page array the dump does not hold is named once on stderr\n"
		"with its address; the rest is shown and kmem exits with status 1.\n\n"
		"EXAMPLES\n"
		"  kdive> kmem -i\n"
		"                   PAGES        TOTAL      PERCENTAGE\n"
		"      TOTAL MEM   117042     457.2 MB         ----\n"
		"           FREE   109542     427.9 MB   93% of TOTAL MEM\n"
		"  kdive> kmem -p 0x1000\n"
		"  kdive> kmem -m flags,_refcount,private 0xfbdf000\n"
		"  kdive> kmem -g 0x4000000000005828\n"
		"  kdive> kmem init_task\n"
		"  kdive> kmem -f --json | jq '.nodes[0].zones[1].orders[10]'",
	.options = kmem_opts,
	.operand = KD_ARG_ADDR,
	.flags = KD_CMD_NEEDS_DUMP | KD_CMD_NEEDS_SYMBOLS | KD_CMD_NEEDS_TYPES,
	.run = kmem_run,
}, { NULL } };

KD_MODULE_EXPORT const struct kd_module kd_module_info = {
	.abi = KD_MODULE_ABI,
	.struct_size = sizeof(struct kd_module),
	.name = "kmem",
	.version = "1",
	.commands = commands,
};
