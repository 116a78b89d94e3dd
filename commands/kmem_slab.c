// SPDX-License-Identifier: GPL-3.0-or-later
// kmem -s [CACHE], kmem -S CACHE and the slab part of kmem ADDR: SLUB caches
// in crash's layout (CACHE OBJSIZE ALLOCATED TOTAL SLABS SSIZE NAME) with
// /proc/slabinfo's figures, every slab and object of a cache, and the
// cache, slab and object an address is in.  The walks are the slab layer's
// (<kdive/slab.h>); this file prints them and names what they lost.
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <kdive/slab.h>

#include "kmem.h"

static const char cache_header[] = "CACHE             OBJSIZE  ALLOCATED     TOTAL  SLABS  SSIZE  NAME\n";
static const char slab_header[] = "  SLAB              MEMORY            NODE  TOTAL  ALLOCATED  FREE\n";

static void print_cache(struct kd_session *s, const struct kd_slab_cache *c)
{
	char ssize[32];
	snprintf(ssize, sizeof(ssize), "%" PRIu64 "k", c->slab_bytes / 1024);
	if (c->unknown & KD_SLAB_U_COUNTS)
		kd_printf(s, "%016" PRIx64 " %8" PRIu64 " %10s %9s %6s %6s  %s\n", c->addr, c->object_size, "?", "?",
			  "?", ssize, c->name);
	else if (c->unknown & KD_SLAB_U_ACTIVE)
		kd_printf(s, "%016" PRIx64 " %8" PRIu64 " %10s %9" PRIu64 " %6" PRIu64 " %6s  %s\n", c->addr,
			  c->object_size, "?", c->total_objects, c->nr_slabs, ssize, c->name);
	else
		kd_printf(s, "%016" PRIx64 " %8" PRIu64 " %10" PRIu64 " %9" PRIu64 " %6" PRIu64 " %6s  %s\n", c->addr,
			  c->object_size, c->active_objs, c->total_objects, c->nr_slabs, ssize, c->name);
}

static void json_cache_fields(struct kd_session *s, const struct kd_slab_cache *c)
{
	kd_json_hex(s, "cache", c->addr);
	kd_json_string(s, "name", c->name);
	kd_json_u64(s, "objsize", c->object_size);
	kd_json_u64(s, "size", c->size);
	if (!(c->unknown & KD_SLAB_U_COUNTS)) {
		if (!(c->unknown & KD_SLAB_U_ACTIVE))
			kd_json_u64(s, "allocated", c->active_objs);
		kd_json_u64(s, "total", c->total_objects);
		kd_json_u64(s, "slabs", c->nr_slabs);
		kd_json_u64(s, "partial_slabs", c->nr_partial);
	}
	kd_json_u64(s, "objects_per_slab", c->objects_per_slab);
	kd_json_u64(s, "order", c->order);
	kd_json_u64(s, "slab_size", c->slab_bytes);
	kd_json_u64(s, "free_pointer_offset", c->offset);
	kd_json_hex(s, "flags", c->flags);
	kd_json_bool(s, "freelist_hardened", c->random != 0);
	if (c->incomplete) {
		kd_json_bool(s, "incomplete", true);
		kd_json_string(s, "why", c->incomplete);
	}
}

static struct kd_error *table_lost(struct kd_session *s, const struct kd_slab_table *t, size_t nlost_walk)
{
	size_t n = 0, part = 0;
	const char *why;
	for (; (why = kd_slab_lost(t, n)); n++)
		kd_warn(s, "kmem: %s", why);
	for (size_t i = 0; i < kd_slab_cache_count(t); i++)
		part += kd_slab_cache_get(t, i)->incomplete != NULL;
	if (!n && !part && !nlost_walk)
		return NULL;
	return kd_error_create(KD_ERR_NODATA, "%zu slab cache(s) or link(s) unreadable, %zu cache(s) read in part, "
			       "%zu slab(s) or freelist(s) damaged (named above)", n, part, nlost_walk);
}

static const struct kd_slab_cache *lookup(struct kd_session *s, const struct kd_slab_table *t, const char *name)
{
	const struct kd_slab_cache *c = kd_slab_cache_find(t, name, 0);
	uint64_t addr;
	if (!c) {
		struct kd_error *err = kd_parse_u64(name, true, &addr);
		if (!err)
			c = kd_slab_cache_find(t, NULL, addr);
		kd_error_destroy(err);
	}
	(void)s;
	return c;
}

// -S: one cache's slabs, grouped by where they were found.
struct objs_ctx {
	struct kd_session *s;
	const struct kd_slab_cache *c;
	bool json;
	int last_where, last_cpu, last_node;
	uint64_t slabs, objects, free, allocated;
};

static void section(struct objs_ctx *o, const struct kd_slab_info *si)
{
	if ((int)si->where == o->last_where && si->cpu == o->last_cpu && si->node == o->last_node)
		return;
	o->last_where = (int)si->where;
	o->last_cpu = si->cpu;
	o->last_node = si->node;
	switch (si->where) {
	case KD_SLAB_CPU:
		kd_printf(o->s, "CPU %d SLAB:\n", si->cpu);
		break;
	case KD_SLAB_CPU_PARTIAL:
		kd_printf(o->s, "CPU %d PARTIAL:\n", si->cpu);
		break;
	case KD_SLAB_NODE_PARTIAL:
		kd_printf(o->s, "NODE %d PARTIAL:\n", si->node);
		break;
	case KD_SLAB_NODE_FULL:
		kd_printf(o->s, "NODE %d FULL LIST:\n", si->node);
		break;
	case KD_SLAB_FULL:
		kd_printf(o->s, "FULL (on no list, from the page array):\n");
		break;
	}
}

static void slab_line(struct kd_session *s, const struct kd_slab_info *si)
{
	char node[16];
	if (si->node >= 0)
		snprintf(node, sizeof(node), "%d", si->node);
	else
		snprintf(node, sizeof(node), "-");
	kd_printf(s, "%s  %016" PRIx64 "  %016" PRIx64 "  %4s  %5u  %9u  %4u\n", slab_header, si->slab, si->base,
		  node, si->objects, si->objects - si->nfree, si->nfree);
}

static void object_line(struct kd_session *s, uint64_t addr, enum kd_slab_obj_state st, int cpu)
{
	if (st == KD_SLAB_OBJ_ALLOCATED)
		kd_printf(s, "  [%016" PRIx64 "]\n", addr);
	else if (st == KD_SLAB_OBJ_CPU_FREE)
		kd_printf(s, "   %016" PRIx64 "  (cpu %d cache)\n", addr, cpu);
	else if (st == KD_SLAB_OBJ_SHEAF)
		kd_printf(s, "   %016" PRIx64 "  (sheaf)\n", addr);
	else
		kd_printf(s, "   %016" PRIx64 "\n", addr);
}

static void json_slab(struct kd_session *s, const struct kd_slab_cache *c, const struct kd_slab_info *si, bool objs)
{
	kd_json_hex(s, "slab", si->slab);
	if (si->base)
		kd_json_hex(s, "memory", si->base);
	kd_json_string(s, "where", kd_slab_where_name(si->where));
	if (si->cpu >= 0)
		kd_json_i64(s, "cpu", si->cpu);
	if (si->node >= 0)
		kd_json_i64(s, "node", si->node);
	kd_json_u64(s, "total", si->objects);
	kd_json_u64(s, "allocated", si->objects - si->nfree);
	kd_json_u64(s, "free", si->nfree);
	kd_json_u64(s, "inuse", si->inuse);
	kd_json_bool(s, "frozen", si->frozen);
	if (si->incomplete) {
		kd_json_bool(s, "incomplete", true);
		kd_json_string(s, "why", si->incomplete);
	}
	if (!objs || !si->base)
		return;
	kd_json_begin_array(s, "objects");
	for (unsigned i = 0; i < si->objects; i++) {
		kd_json_begin_object(s, NULL);
		kd_json_hex(s, "address", si->first + i * c->size);
		kd_json_string(s, "state", kd_slab_obj_state_name(si->state[i]));
		kd_json_end_object(s);
	}
	kd_json_end_array(s);
}

static int objs_cb(const struct kd_slab_info *si, void *arg)
{
	struct objs_ctx *o = arg;
	struct kd_session *s = o->s;
	o->slabs++;
	o->objects += si->objects;
	o->free += si->nfree;
	if (o->json) {
		kd_json_begin_object(s, NULL);
		json_slab(s, o->c, si, true);
		kd_json_end_object(s);
		return 0;
	}
	section(o, si);
	slab_line(s, si);
	if (!si->base) {
		kd_printf(s, "  (objects unknown: %s)\n", si->incomplete ? si->incomplete : "no memory");
		return 0;
	}
	kd_printf(s, "  FREE / [ALLOCATED]\n");
	for (unsigned i = 0; i < si->objects; i++)
		object_line(s, si->first + i * o->c->size, si->state[i], si->cpu);
	return 0;
}

static struct kd_error *show_objects(struct kd_session *s, const struct kd_slab_table *t,
				     const struct kd_slab_cache *c, size_t *nlost)
{
	bool json = kd_json_mode(s);
	struct objs_ctx o = { .s = s, .c = c, .json = json, .last_where = -1, .last_cpu = -2, .last_node = -2 };
	char **lost = NULL;
	if (json) {
		kd_json_begin_object(s, NULL);
		json_cache_fields(s, c);
		kd_json_begin_array(s, "slab_list");
	} else {
		kd_printf(s, "%s", cache_header);
		print_cache(s, c);
	}
	struct kd_error *err = kd_slab_foreach(s, t, c, objs_cb, &o, &lost);
	for (size_t i = 0; lost && lost[i]; i++, (*nlost)++)
		kd_warn(s, "kmem: %s", lost[i]);
	kd_slab_lost_free(lost);
	if (json) {
		kd_json_end_array(s);
		kd_json_u64(s, "walked_slabs", o.slabs);
		kd_json_u64(s, "walked_objects", o.objects);
		kd_json_u64(s, "walked_free", o.free);
		kd_json_end_object(s);
	} else if (!err) {
		kd_printf(s, "WALKED: %" PRIu64 " slabs, %" PRIu64 " objects, %" PRIu64 " allocated, %" PRIu64
			  " free\n", o.slabs, o.objects, o.objects - o.free, o.free);
	}
	return err;
}

struct kd_error *kmem_slab_show(struct kd_session *s, const char *cache, bool objects)
{
	struct kd_slab_table *t;
	struct kd_error *err = kd_slab_table_read(s, &t);
	if (err)
		return err;
	const struct kd_slab_cache *only = NULL;
	if (cache && !(only = lookup(s, t, cache))) {
		kd_slab_table_destroy(t);
		return kd_error_create(KD_ERR_NOTFOUND, "no slab cache named '%s'", cache);
	}
	bool json = kd_json_mode(s);
	size_t nlost = 0;
	if (json)
		kd_json_begin_array(s, "caches");
	else if (!objects)
		kd_printf(s, "%s", cache_header);
	for (size_t i = 0; !err && i < kd_slab_cache_count(t); i++) {
		const struct kd_slab_cache *c = kd_slab_cache_get(t, i);
		if (only && c != only)
			continue;
		if (objects) {
			err = show_objects(s, t, c, &nlost);
		} else if (json) {
			kd_json_begin_object(s, NULL);
			json_cache_fields(s, c);
			kd_json_end_object(s);
		} else {
			print_cache(s, c);
		}
		if (!err)
			err = kd_check_interrupt(s);
	}
	if (json)
		kd_json_end_array(s);
	if (!err)
		err = table_lost(s, t, nlost);
	kd_slab_table_destroy(t);
	return err;
}

struct kd_error *kmem_slab_addr(struct kd_session *s, uint64_t addr, bool *found)
{
	*found = false;
	struct kd_slab_table *t;
	struct kd_error *err = kd_slab_table_read(s, &t);
	if (err)
		return err;
	struct kd_slab_addr a;
	err = kd_slab_find(s, t, addr, &a, found);
	if (err || !*found) {
		kd_slab_table_destroy(t);
		return err;
	}
	const struct kd_slab_info *si = &a.slab;
	if (kd_json_mode(s)) {
		kd_json_begin_object(s, "slab");
		json_cache_fields(s, a.cache);
		kd_json_begin_object(s, "slab");
		json_slab(s, a.cache, si, false);
		kd_json_end_object(s);
		if (a.in_object) {
			kd_json_hex(s, "object", a.object);
			kd_json_u64(s, "index", a.index);
			kd_json_u64(s, "offset", addr - a.object);
			kd_json_string(s, "state", kd_slab_obj_state_name(a.state));
		}
		kd_json_end_object(s);
	} else {
		kd_printf(s, "%s", cache_header);
		print_cache(s, a.cache);
		slab_line(s, si);
		if (a.in_object) {
			kd_printf(s, "  FREE / [ALLOCATED]\n");
			object_line(s, a.object, a.state, si->cpu);
		} else {
			kd_printf(s, "  (in the slab's unused space after its last object)\n");
		}
	}
	if (si->incomplete)
		kd_warn(s, "kmem: slab at 0x%" PRIx64 ": %s: the object's state may be wrong", si->slab, si->incomplete);
	kd_slab_table_destroy(t);
	return NULL;
}
