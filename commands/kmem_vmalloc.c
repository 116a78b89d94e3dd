// SPDX-License-Identifier: GPL-3.0-or-later
// kmem -v and the vmalloc part of kmem ADDR: the vmalloc areas in crash's
// layout (VMAP_AREA VM_STRUCT ADDRESS RANGE SIZE) followed by what
// /proc/vmallocinfo adds (mm/vmalloc.c s_show): the caller as symbol+offset,
// pages=, phys=, the flag words, vpages and the per-node page counts.  The
// areas come from the vmalloc layer (<kdive/vmalloc.h>).
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <kdive/symbols.h>
#include <kdive/vmalloc.h>

#include "kmem.h"

static const char header[] =
	"   VMAP_AREA         VM_STRUCT                 ADDRESS RANGE                SIZE  CALLER\n";

static const char *caller_name(struct kd_session *s, uint64_t caller, char *buf, size_t len)
{
	struct kd_symbol sym;
	uint64_t off;
	if (!caller)
		return NULL;
	struct kd_error *err = kd_symbol_at(s, caller, &sym, &off);
	if (err) {
		kd_error_destroy(err);
		snprintf(buf, len, "0x%" PRIx64, caller);
		return buf;
	}
	int n = snprintf(buf, len, "%s+0x%" PRIx64, sym.name, off);
	if (sym.size && n > 0 && (size_t)n < len)
		n += snprintf(buf + n, len - (size_t)n, "/0x%" PRIx64, sym.size);
	if (sym.module && n > 0 && (size_t)n < len)
		snprintf(buf + n, len - (size_t)n, " [%s]", sym.module);
	return buf;
}

// The words /proc/vmallocinfo prints after the size and caller.
static void words(struct kd_session *s, const struct kd_vmalloc_area *a, char *buf, size_t len, unsigned nnodes)
{
	size_t n = 0;
	buf[0] = 0;
#define ADD(...)                                                                   \
	do {                                                                       \
		int k_ = snprintf(buf + n, len - n, __VA_ARGS__);                  \
		if (k_ > 0 && (size_t)k_ < len - n)                                \
			n += (size_t)k_;                                           \
	} while (0)
	if (a->nr_pages)
		ADD(" pages=%" PRIu64, a->nr_pages);
	if (a->phys_addr)
		ADD(" phys=0x%016" PRIx64, a->phys_addr);
	if (a->flags & KD_VM_IOREMAP)
		ADD(" ioremap");
	if (a->flags & KD_VM_ALLOC)
		ADD(" vmalloc");
	if (a->flags & KD_VM_MAP)
		ADD(" vmap");
	if (a->flags & KD_VM_USERMAP)
		ADD(" user");
	if (a->flags & KD_VM_DMA_COHERENT)
		ADD(" dma-coherent");
	const struct kd_vm_region *r = a->pages ? kd_vm_region_find(s, a->pages) : NULL;
	if (r && !strcmp(r->name, "vmalloc"))
		ADD(" vpages");
	// One node: every page is on node 0 (show_numa_info counts by page_to_nid).
	if (nnodes == 1 && a->nr_pages && !(a->flags & KD_VM_UNINITIALIZED))
		ADD(" N0=%" PRIu64, a->nr_pages);
#undef ADD
}

static unsigned node_count(struct kd_session *s)
{
	uint64_t addr;
	unsigned char b[4];
	struct kd_error *err = kd_symbol_address(s, "nr_node_ids", &addr);
	if (!err)
		err = kd_read_kernel(s, addr, b, 4);
	if (err) {
		kd_error_destroy(err);
		return 0;
	}
	return kd_dump_u32(s, b);
}

static void print_area(struct kd_session *s, const struct kd_vmalloc_area *a, unsigned nnodes)
{
	char cb[512], wb[256];
	const char *caller;
	if (a->purge)
		caller = "unpurged vm_area";
	else if (!a->vm)
		caller = "vm_map_ram";
	else
		caller = caller_name(s, a->caller, cb, sizeof(cb));
	words(s, a, wb, sizeof(wb), nnodes);
	char vm[20];
	if (a->vm)
		snprintf(vm, sizeof(vm), "%016" PRIx64, a->vm);
	else
		snprintf(vm, sizeof(vm), "%16s", "-");
	kd_printf(s, "%016" PRIx64 "  %s  %016" PRIx64 " - %016" PRIx64 "  %7" PRIu64 "  %s%s\n", a->va, vm, a->addr,
		  a->addr + a->size, a->size, caller ? caller : "-", a->incomplete ? "" : wb);
}

static void json_area(struct kd_session *s, const char *key, const struct kd_vmalloc_area *a)
{
	char cb[512];
	kd_json_begin_object(s, key);
	kd_json_hex(s, "vmap_area", a->va);
	if (a->vm)
		kd_json_hex(s, "vm_struct", a->vm);
	else
		kd_json_null(s, "vm_struct");
	kd_json_hex(s, "start", a->addr);
	kd_json_hex(s, "end", a->addr + a->size);
	kd_json_u64(s, "size", a->size);
	kd_json_hex(s, "va_start", a->va_start);
	kd_json_hex(s, "va_end", a->va_end);
	kd_json_string(s, "kind", a->purge ? "unpurged" : a->vm ? "vm_struct" : "vm_map_ram");
	if (a->vm && !a->incomplete) {
		kd_json_hex(s, "caller", a->caller);
		const char *c = caller_name(s, a->caller, cb, sizeof(cb));
		if (c)
			kd_json_string(s, "caller_symbol", c);
		kd_json_hex(s, "flags", a->flags);
		kd_json_u64(s, "nr_pages", a->nr_pages);
		kd_json_hex(s, "pages", a->pages);
		kd_json_hex(s, "phys_addr", a->phys_addr);
	}
	if (a->incomplete) {
		kd_json_bool(s, "incomplete", true);
		kd_json_string(s, "why", a->incomplete);
	}
	kd_json_end_object(s);
}

static struct kd_error *report_lost(struct kd_session *s, const struct kd_vmalloc_table *t)
{
	size_t n = 0;
	const char *why;
	for (; (why = kd_vmalloc_lost(t, n)); n++)
		kd_warn(s, "kmem: %s", why);
	if (!n)
		return NULL;
	return kd_error_create(KD_ERR_NODATA, "%zu vmalloc area(s) or link(s) unreadable (named above)", n);
}

struct kd_error *kmem_vmalloc_show(struct kd_session *s)
{
	struct kd_vmalloc_table *t;
	struct kd_error *err = kd_vmalloc_read(s, &t);
	if (err)
		return err;
	unsigned nnodes = node_count(s);
	bool json = kd_json_mode(s);
	if (json)
		kd_json_begin_array(s, "vmalloc");
	else
		kd_printf(s, "%s", header);
	for (size_t i = 0; i < kd_vmalloc_count(t); i++) {
		const struct kd_vmalloc_area *a = kd_vmalloc_get(t, i);
		if (json)
			json_area(s, NULL, a);
		else
			print_area(s, a, nnodes);
	}
	if (json)
		kd_json_end_array(s);
	err = report_lost(s, t);
	kd_vmalloc_destroy(t);
	return err;
}

struct kd_error *kmem_vmalloc_addr(struct kd_session *s, uint64_t addr, bool *found)
{
	*found = false;
	struct kd_vmalloc_table *t;
	struct kd_error *err = kd_vmalloc_read(s, &t);
	if (err)
		return err;
	const struct kd_vmalloc_area *a = kd_vmalloc_find(t, addr);
	if (a) {
		*found = true;
		if (kd_json_mode(s)) {
			json_area(s, "vmalloc", a);
		} else {
			kd_printf(s, "%s", header);
			print_area(s, a, node_count(s));
		}
	}
	kd_vmalloc_destroy(t);
	return NULL;
}
