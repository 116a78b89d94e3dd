// SPDX-License-Identifier: GPL-3.0-or-later
// kmem (slab branch's stand-in): the option table and dispatch for the
// slab and vmalloc parts only (-s, -S, -v and kmem ADDR); the kmem branch's
// kmem.c, with -i, -f, -z, -p and the rest, replaces this file and calls the
// same four functions (kmem.h).
#include <inttypes.h>
#include <stdio.h>

#include <kdive/module.h>

#include "kmem.h"

enum { O_S, O_SS, O_V, O_JSON, O_NOPT };
static const struct kd_option kmem_opts[] = {
	[O_S] = { "s", KD_ARG_NONE, NULL, "slab caches (all, or the CACHE operand) as /proc/slabinfo counts them" },
	[O_SS] = { "S", KD_ARG_NONE, NULL, "every slab and object of the CACHE operand, allocated or free" },
	[O_V] = { "v", KD_ARG_NONE, NULL, "vmalloc areas with their callers" },
	[O_JSON] = KD_OPTION_JSON,
	[O_NOPT] = { NULL },
};

static struct kd_error *kmem_run(struct kd_session *s, const struct kd_args *a)
{
	bool json = kd_json_mode(s);
	int modes = (a->opt[O_S].count > 0) + (a->opt[O_SS].count > 0) + (a->opt[O_V].count > 0);
	if (modes > 1)
		return kd_error_create(KD_ERR_USAGE, "-s, -S and -v do not go together");
	if (a->opt[O_V].count && a->argc > 1)
		return kd_error_create(KD_ERR_USAGE, "-v takes no operand");
	if ((a->opt[O_S].count && a->argc > 2) || (a->opt[O_SS].count && a->argc != 2))
		return kd_error_create(KD_ERR_USAGE, "-s takes at most one CACHE, -S exactly one");
	if (!modes && a->argc < 2)
		return kd_error_create(KD_ERR_USAGE, "give -s, -S CACHE, -v or an address");
	struct kd_error *err = NULL;
	if (json)
		kd_json_begin_object(s, NULL);
	if (a->opt[O_S].count || a->opt[O_SS].count) {
		err = kmem_slab_show(s, a->argc > 1 ? a->argv[1] : NULL, a->opt[O_SS].count > 0);
	} else if (a->opt[O_V].count) {
		err = kmem_vmalloc_show(s);
	} else {
		if (json)
			kd_json_begin_array(s, "addresses");
		for (int i = 1; !err && i < a->argc; i++) {
			uint64_t addr;
			bool found = false, any = false;
			if ((err = kd_parse_address(s, a->argv[i], &addr)))
				break;
			if (json) {
				kd_json_begin_object(s, NULL);
				kd_json_hex(s, "address", addr);
			}
			if (!(err = kmem_slab_addr(s, addr, &found)))
				any = found;
			if (!err && !found && !(err = kmem_vmalloc_addr(s, addr, &found)))
				any = found;
			if (json) {
				kd_json_bool(s, "found", any);
				kd_json_end_object(s);
			}
			if (!err && !any)
				err = kd_error_create(KD_ERR_NOTFOUND, "%016" PRIx64 ": not in a slab object or a vmalloc area",
						      addr);
		}
		if (json)
			kd_json_end_array(s);
	}
	if (json)
		kd_json_end_object(s);
	return err;
}

static const struct kd_command commands[2] = { {
	.name = "kmem",
	.summary = "kernel memory: slab caches and objects, vmalloc areas",
	.synopsis = "[-s [CACHE] | -S CACHE | -v | address...] [--json]",
	.help = "Kernel memory from the dump's own types (BTF), VMCOREINFO and symbols.\n"
		"  -s [CACHE]  the SLUB caches in crash's layout: CACHE (the kmem_cache),\n"
		"              OBJSIZE (object_size), ALLOCATED and TOTAL objects, SLABS and\n"
		"              SSIZE (bytes per slab), NAME; counted as /proc/slabinfo does\n"
		"              (objects free in a CPU's slab count as allocated there).\n"
		"  -S CACHE    every slab of the cache, by where it was found (each CPU's slab\n"
		"              and partial list, each node's lists, and the full slabs on no\n"
		"              list, found in the page array), with every object: [allocated]\n"
		"              or free; then the walked totals.  CACHE is a name or address.\n"
		"  -v          the vmalloc areas (VMAP_AREA VM_STRUCT ADDRESS RANGE SIZE) with\n"
		"              the caller and what /proc/vmallocinfo shows.\n"
		"  address     the slab cache, slab and object it is in (allocated or free),\n"
		"              or the vmalloc area.\n\n"
		"EXAMPLES\n"
		"  kdive> kmem -s\n"
		"  CACHE             OBJSIZE  ALLOCATED     TOTAL  SLABS  SSIZE  NAME\n"
		"  ffff8c1ec0042300      192         21        21      1     4k  bio-128\n"
		"  kdive> kmem -s task_struct\n"
		"  kdive> kmem -S kmalloc-64\n"
		"  kdive> kmem -v\n"
		"  kdive> kmem ffff8c1edfe848c0\n"
		"  kdive> kmem -s --json",
	.options = kmem_opts,
	.operand = KD_ARG_ADDR,
	.flags = KD_CMD_NEEDS_DUMP | KD_CMD_NEEDS_SYMBOLS | KD_CMD_NEEDS_TYPES | KD_CMD_USES_MODULES,
	.run = kmem_run,
}, { NULL } };

KD_MODULE_EXPORT const struct kd_module kd_module_info = {
	.abi = KD_MODULE_ABI,
	.struct_size = sizeof(struct kd_module),
	.name = "kmem",
	.version = "1",
	.commands = commands,
};
