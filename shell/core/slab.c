// SPDX-License-Identifier: GPL-3.0-or-later
// SLUB caches (mm/slub.c, mm/slab.h, include/linux/slub_def.h): the member
// layout of struct kmem_cache, kmem_cache_cpu, kmem_cache_node and struct
// slab (5.17+; struct page before) resolved once from the dump's BTF, and
// the table of caches read from the slab_caches list with the figures
// /proc/slabinfo prints (mm/slub.c get_slabinfo: nr_slabs and
// total_objects summed over the nodes, free objects counted on the node
// partial lists only).  Where SLUB changed shape the types decide: the
// node pointers are kmem_cache.node[] or per_node[].node, the per-CPU slab
// is kmem_cache_cpu.slab or .page, the cache's order and object count are
// packed in kmem_cache_order_objects.x (OO_SHIFT = 16 in mm/slub.c; checked
// against the object size).  slab_walk.c walks the slabs and objects.
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <kdive/symbols.h>

#include "slab_priv.h"

enum { MAX_CACHES = 1 << 16, MAX_NODES = 1 << 10, OO_SHIFT = 16, MAX_PARTIAL = 1 << 20 };

bool kd_slab_ok(struct kd_error *err)
{
	bool r = err == NULL;
	kd_error_destroy(err);
	return r;
}

void kd_slab_lost_add(char ***lost, size_t *n, const char *fmt, ...)
{
	if (*n >= 256)
		return;
	char **nl = realloc(*lost, (*n + 2) * sizeof(*nl));
	if (!nl)
		return;
	*lost = nl;
	va_list ap;
	va_start(ap, fmt);
	if (vasprintf(&nl[*n], fmt, ap) < 0)
		nl[*n] = NULL;
	va_end(ap);
	if (nl[*n])
		(*n)++;
	nl[*n] = NULL;
}

uint64_t kd_slab_get(struct kd_session *s, const struct kd_slab_member *m, const void *buf, size_t len)
{
	uint64_t v = 0;
	if (!m->ok || !kd_slab_ok(kd_member_extract(s, &m->m, buf, len, &v)))
		return 0;
	return v;
}

static void member(struct kd_session *s, const char *type, const char *path, struct kd_slab_member *m)
{
	m->ok = kd_slab_ok(kd_type_member(s, type, path, &m->m));
}

static void fit(struct kd_slab_member *m, uint64_t bytes, uint64_t width)
{
	if (m->ok && (m->m.offset > bytes || bytes - m->m.offset < width))
		m->ok = false;
}

static uint64_t type_size(struct kd_session *s, const char *type)
{
	uint64_t v = 0;
	if (!kd_slab_ok(kd_type_size(s, type, &v)))
		return 0;
	return v;
}

static uint64_t read_uint(struct kd_session *s, const char *sym, unsigned size, uint64_t dflt)
{
	uint64_t a;
	unsigned char b[8];
	if (!kd_slab_ok(kd_symbol_address(s, sym, &a)) || !kd_slab_ok(kd_read_kernel(s, a, b, size)))
		return dflt;
	return kd_dump_uint(s, b, size);
}

void kd_slab_layout_destroy(struct kd_slab_layout *l)
{
	free(l);
}

struct kd_error *kd_slab_layout_create(struct kd_session *s, struct kd_slab_layout **ret)
{
	*ret = NULL;
	if (!kd_symbols_available(s))
		return kd_error_create(KD_ERR_UNSUPPORTED, "needs the kernel's symbols (none found in the dump)");
	if (!kd_types_available(s))
		return kd_error_create(KD_ERR_UNSUPPORTED, "needs the kernel's types (no BTF found in the dump)");
	struct kd_slab_layout *l = calloc(1, sizeof(*l));
	if (!l)
		return &kd_enomem;
	struct kd_error *err = kd_symbol_address(s, "slab_caches", &l->slab_caches);
	if (err) {
		free(l);
		return kd_error_prefix(err, "no SLUB caches (is this a SLUB kernel?)");
	}
	const char *kc = "kmem_cache";
	member(s, kc, "cpu_slab", &l->kc_cpu_slab);
	member(s, kc, "flags", &l->kc_flags);
	member(s, kc, "size", &l->kc_size);
	member(s, kc, "object_size", &l->kc_object_size);
	member(s, kc, "offset", &l->kc_offset);
	member(s, kc, "oo", &l->kc_oo);
	member(s, kc, "name", &l->kc_name);
	member(s, kc, "list", &l->kc_list);
	member(s, kc, "random", &l->kc_random);
	member(s, kc, "red_left_pad", &l->kc_red_left_pad);
	member(s, kc, "cpu_sheaves", &l->kc_cpu_sheaves);
	member(s, kc, "node", &l->kc_node);
	l->node_stride = 8;
	if (!l->kc_node.ok) {
		// 7.x: struct kmem_cache_per_node_ptrs per_node[] { node, barn }
		struct kd_member_info pn, nd;
		if (kd_slab_ok(kd_type_member(s, kc, "per_node", &pn)) && pn.nelems &&
		    kd_slab_ok(kd_type_member(s, kc, "per_node[0].node", &nd))) {
			l->kc_node.ok = true;
			l->kc_node.m = nd;
			l->kc_node.m.nelems = pn.nelems;
			l->node_stride = pn.size / pn.nelems;
		}
	}
	if (!l->kc_list.ok || !l->kc_size.ok || !l->kc_name.ok || !l->kc_node.ok) {
		const char *what = !l->kc_list.ok ? "list" : !l->kc_size.ok ? "size" : !l->kc_name.ok ? "name" : "node";
		free(l);
		return kd_error_create(KD_ERR_NOTFOUND, "the dump's struct kmem_cache has no %s", what);
	}
	l->page_size = kd_page_size(s);
	l->ncpus = kd_dump_nr_cpus(s);
	unsigned ids = (unsigned)read_uint(s, "nr_cpu_ids", 4, 0);
	if (ids && ids < l->ncpus)
		l->ncpus = ids;
	if (!l->ncpus)
		l->ncpus = 1;
	uint64_t nn = l->kc_node.m.nelems ? l->kc_node.m.nelems : 1;
	l->nnodes = (unsigned)read_uint(s, "nr_node_ids", 4, nn);
	if (!l->nnodes || l->nnodes > nn || l->nnodes > MAX_NODES)
		l->nnodes = (unsigned)(nn > MAX_NODES ? MAX_NODES : nn);
	l->kc_bytes = l->kc_node.m.offset + (uint64_t)l->nnodes * l->node_stride;

	const char *cc = "kmem_cache_cpu";
	l->cc_bytes = type_size(s, cc);
	member(s, cc, "freelist", &l->cc_freelist);
	member(s, cc, "slab", &l->cc_slab);
	if (!l->cc_slab.ok)
		member(s, cc, "page", &l->cc_slab);
	member(s, cc, "partial", &l->cc_partial);

	const char *kn = "kmem_cache_node";
	l->kn_bytes = type_size(s, kn);
	member(s, kn, "nr_partial", &l->kn_nr_partial);
	member(s, kn, "partial", &l->kn_partial);
	member(s, kn, "nr_slabs.counter", &l->kn_nr_slabs); // atomic_long_t
	member(s, kn, "total_objects.counter", &l->kn_total_objects);
	member(s, kn, "full", &l->kn_full);
	member(s, kn, "barn", &l->kn_barn);

	// struct slab since 5.17, the same members in struct page before.
	l->slab_type = "slab";
	member(s, "slab", "slab_cache", &l->sl_cache);
	if (!l->sl_cache.ok) {
		l->slab_type = "page";
		member(s, "page", "slab_cache", &l->sl_cache);
	}
	l->slab_bytes = type_size(s, l->slab_type);
	member(s, l->slab_type, "slab_list", &l->sl_list);
	if (!l->sl_list.ok)
		member(s, l->slab_type, "lru", &l->sl_list);
	member(s, l->slab_type, "next", &l->sl_next);
	member(s, l->slab_type, "freelist", &l->sl_freelist);
	member(s, l->slab_type, "inuse", &l->sl_inuse);
	member(s, l->slab_type, "objects", &l->sl_objects);
	member(s, l->slab_type, "frozen", &l->sl_frozen);
	if (!l->sl_cache.ok || !l->sl_freelist.ok || !l->sl_objects.ok || !l->slab_bytes) {
		const char *type = l->slab_type;
		free(l);
		return kd_error_create(KD_ERR_NOTFOUND, "the dump's struct %s has no slab_cache, freelist or objects",
				       type);
	}
	// struct slab overlays struct page (mm/slab.h SLAB_MATCH): its
	// slab_cache must lie within the struct page the page layer reads.
	uint64_t page_bytes = type_size(s, "page");
	if (!page_bytes)
		page_bytes = l->slab_bytes;

	member(s, "slub_percpu_sheaves", "main", &l->ps_main);
	member(s, "slub_percpu_sheaves", "spare", &l->ps_spare);
	member(s, "slab_sheaf", "size", &l->sh_size);
	member(s, "slab_sheaf", "objects", &l->sh_objects);
	member(s, "slab_sheaf", "barn_list", &l->sh_list);
	member(s, "node_barn", "sheaves_full", &l->barn_full);

	// Members read at raw offsets must lie in the bytes read (a damaged
	// BTF could say otherwise).
	fit(&l->kc_oo, l->kc_bytes, 4);
	if (l->kc_bytes < 8 || l->kc_bytes > (1 << 20) || page_bytes > 4096 || l->slab_bytes > 4096 ||
	    l->cc_bytes > 4096 || l->sl_cache.m.offset + 8 > page_bytes ||
	    l->sl_cache.m.offset + 8 > l->slab_bytes) {
		free(l);
		return kd_error_create(KD_ERR_CORRUPT, "the dump's struct kmem_cache, %s or page has an impossible size",
				       "slab");
	}
	struct kd_vm_info vi;
	kd_vm_info_get(s, &vi);
	l->page_offset = vi.page_offset;
	*ret = l;
	return NULL;
}

static void lost(struct kd_slab_table *t, const char *fmt, ...) KD_PRINTF(2, 3);
static void lost(struct kd_slab_table *t, const char *fmt, ...)
{
	char *msg = NULL;
	va_list ap;
	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		msg = NULL;
	va_end(ap);
	if (msg)
		kd_slab_lost_add(&t->lost, &t->nlost, "%s", msg);
	free(msg);
}

static void read_name(struct kd_session *s, uint64_t addr, char *buf, size_t size, bool *ok)
{
	size_t n = 0;
	*ok = false;
	while (n + 1 < size) {
		size_t chunk = (size_t)(4096 - ((addr + n) & 4095));
		if (chunk > size - 1 - n)
			chunk = size - 1 - n;
		if (!kd_slab_ok(kd_read_kernel(s, addr + n, buf + n, chunk)))
			break;
		void *z = memchr(buf + n, 0, chunk);
		if (z) {
			*ok = true;
			return;
		}
		n += chunk;
	}
	buf[n] = 0;
	*ok = n > 0;
}

// The free objects of a node's partial list (count_partial(n, count_free)).
static void count_partial(struct kd_session *s, struct kd_slab_table *t, struct kd_slab_cache *c,
			  uint64_t node_addr, unsigned node, uint64_t nr_partial)
{
	const struct kd_slab_layout *l = t->l;
	uint64_t head = node_addr + l->kn_partial.m.offset, p;
	unsigned char sb[256];
	size_t sl = l->slab_bytes < sizeof(sb) ? l->slab_bytes : sizeof(sb);
	struct kd_error *err = kd_read_kernel(s, head, &p, 8);
	struct kd_cycle cyc = { 0 };
	uint64_t n = 0, bound = nr_partial * 2 + 64;
	while (!err) {
		p = kd_dump_u64(s, &p);
		if (p == head)
			return;
		if (++n > bound || n > MAX_PARTIAL || kd_cycle_step(&cyc, p)) {
			lost(t, "kmem_cache %s node %u: partial list at 0x%" PRIx64 " does not come back to its head",
			     c->name, node, head);
			c->incomplete = "partial list damaged";
			c->unknown |= KD_SLAB_U_ACTIVE;
			return;
		}
		uint64_t slab = p - l->sl_list.m.offset;
		if ((err = kd_read_kernel(s, slab, sb, sl)))
			break;
		uint64_t objects = kd_slab_get(s, &l->sl_objects, sb, sl), inuse = kd_slab_get(s, &l->sl_inuse, sb, sl);
		c->nr_partial++;
		if (objects >= inuse)
			c->partial_free += objects - inuse;
		err = kd_read_kernel(s, p, &p, 8);
	}
	lost(t, "kmem_cache %s node %u: partial list at 0x%" PRIx64 ": %s", c->name, node, head, err->msg);
	kd_error_destroy(err);
	c->incomplete = "partial list unreadable";
	c->unknown |= KD_SLAB_U_ACTIVE;
}

static struct kd_error *read_cache(struct kd_session *s, struct kd_slab_table *t, uint64_t addr,
				   unsigned char *buf)
{
	const struct kd_slab_layout *l = t->l;
	struct kd_error *err = kd_read_kernel(s, addr, buf, l->kc_bytes);
	if (err)
		return err;
	if (t->n == t->cap) {
		size_t nc = t->cap ? t->cap * 2 : 256;
		struct kd_slab_cache *n = realloc(t->caches, nc * sizeof(*n));
		if (!n)
			return &kd_enomem;
		t->caches = n;
		t->cap = nc;
	}
	struct kd_slab_cache *c = &t->caches[t->n++];
	memset(c, 0, sizeof(*c));
	c->addr = addr;
	size_t len = l->kc_bytes;
	bool ok;
	read_name(s, kd_slab_get(s, &l->kc_name, buf, len), c->name, sizeof(c->name), &ok);
	if (!ok) {
		snprintf(c->name, sizeof(c->name), "?");
		c->unknown |= KD_SLAB_U_NAME;
		c->incomplete = "name unreadable";
	}
	c->size = kd_slab_get(s, &l->kc_size, buf, len);
	c->object_size = kd_slab_get(s, &l->kc_object_size, buf, len);
	c->offset = kd_slab_get(s, &l->kc_offset, buf, len);
	c->red_left_pad = kd_slab_get(s, &l->kc_red_left_pad, buf, len);
	c->flags = kd_slab_get(s, &l->kc_flags, buf, len);
	c->random = kd_slab_get(s, &l->kc_random, buf, len);
	uint64_t oo = kd_slab_get(s, &l->kc_oo, buf, len);
	if (l->kc_oo.ok && l->kc_oo.m.size == 4) // struct kmem_cache_order_objects { unsigned int x; }
		oo = kd_dump_u32(s, buf + l->kc_oo.m.offset);
	c->objects_per_slab = (unsigned)(oo & ((1u << OO_SHIFT) - 1));
	c->order = (unsigned)(oo >> OO_SHIFT);
	// A slab is one buddy block: no kernel allocates one above MAX_PAGE_ORDER
	// (10 with 4 KiB pages, include/linux/mmzone.h), so one over 64 MiB
	// is impossible (and the walk would read it whole).
	c->slab_bytes = c->order < 20 && (l->page_size << c->order) <= (64u << 20) ? l->page_size << c->order : 0;
	if (!c->size || c->size > (1ull << 30) || !c->slab_bytes || c->objects_per_slab * c->size > c->slab_bytes ||
	    c->offset >= c->size + 8) {
		c->unknown |= KD_SLAB_U_LAYOUT;
		c->incomplete = "impossible size, order or object count";
		lost(t, "kmem_cache %s at 0x%" PRIx64 ": impossible size %" PRIu64 ", order %u or %u objects per slab",
		     c->name, addr, c->size, c->order, c->objects_per_slab);
	}
	if (!l->kn_nr_slabs.ok || !l->kn_total_objects.ok || !l->kn_partial.ok)
		c->unknown |= KD_SLAB_U_COUNTS;
	unsigned char nb[512];
	size_t nl = l->kn_bytes < sizeof(nb) ? l->kn_bytes : sizeof(nb);
	for (unsigned i = 0; i < l->nnodes; i++) {
		uint64_t node = kd_dump_u64(s, buf + l->kc_node.m.offset + i * l->node_stride);
		if (!node)
			continue;
		struct kd_error *e = kd_read_kernel(s, node, nb, nl);
		if (e) {
			lost(t, "kmem_cache %s node %u: kmem_cache_node at 0x%" PRIx64 ": %s", c->name, i, node, e->msg);
			kd_error_destroy(e);
			c->unknown |= KD_SLAB_U_COUNTS;
			c->incomplete = "node unreadable";
			continue;
		}
		c->nr_slabs += kd_slab_get(s, &l->kn_nr_slabs, nb, nl);
		c->total_objects += kd_slab_get(s, &l->kn_total_objects, nb, nl);
		if (l->kn_partial.ok)
			count_partial(s, t, c, node, i, kd_slab_get(s, &l->kn_nr_partial, nb, nl));
	}
	c->active_objs = c->total_objects >= c->partial_free ? c->total_objects - c->partial_free : 0;
	return NULL;
}

// Follow list links from head in one direction (link_off 0: next, 8: prev)
// and read each cache; stop at head, at a cache seen already, or at a link
// that cannot be followed (reported; returns false).
static bool walk_list(struct kd_session *s, struct kd_slab_table *t, uint64_t head, unsigned link_off,
		      unsigned char *buf, struct kd_error **errp)
{
	const struct kd_slab_layout *l = t->l;
	struct kd_cycle cyc = { 0 };
	uint64_t p = head;
	for (size_t steps = 0;; steps++) {
		uint64_t next;
		struct kd_error *e = kd_read_kernel(s, p + link_off, &next, 8);
		if (e) {
			lost(t, "slab_caches: the link at 0x%" PRIx64 ": %s", p + link_off, e->msg);
			kd_error_destroy(e);
			return false;
		}
		next = kd_dump_u64(s, &next);
		if (next == head)
			return true;
		if (steps > MAX_CACHES || kd_cycle_step(&cyc, next)) {
			lost(t, "slab_caches: the list loops at 0x%" PRIx64, next);
			return false;
		}
		if ((*errp = kd_check_interrupt(s)))
			return false;
		uint64_t cache = next - l->kc_list.m.offset;
		if (kd_slab_cache_find(t, NULL, cache)) {
			if (link_off)
				return true; // backwards: met the caches read forwards
			lost(t, "slab_caches: the link at 0x%" PRIx64 " goes back to kmem_cache 0x%" PRIx64, p, cache);
			return false;
		}
		e = read_cache(s, t, cache, buf);
		if (e == &kd_enomem) {
			*errp = e;
			return false;
		}
		if (e) {
			lost(t, "kmem_cache at 0x%" PRIx64 ": %s", cache, e->msg);
			kd_error_destroy(e);
			return false;
		}
		p = next;
	}
}

struct kd_error *kd_slab_table_read(struct kd_session *s, struct kd_slab_table **ret)
{
	*ret = NULL;
	struct kd_slab_table *t = calloc(1, sizeof(*t));
	if (!t)
		return &kd_enomem;
	struct kd_error *err = kd_slab_layout_create(s, &t->l);
	if (err) {
		free(t);
		return err;
	}
	unsigned char *buf = malloc(t->l->kc_bytes);
	if (!buf) {
		kd_slab_table_destroy(t);
		return &kd_enomem;
	}
	uint64_t head = t->l->slab_caches;
	if (!walk_list(s, t, head, 0, buf, &err) && !err) {
		// Recover the rest backwards from the head; keep list order.
		size_t before = t->n;
		walk_list(s, t, head, 8, buf, &err);
		for (size_t i = before, j = t->n; i + 1 < j; i++, j--) {
			struct kd_slab_cache tmp = t->caches[i];
			t->caches[i] = t->caches[j - 1];
			t->caches[j - 1] = tmp;
		}
	}
	free(buf);
	if (err) {
		kd_slab_table_destroy(t);
		return err;
	}
	*ret = t;
	return NULL;
}

void kd_slab_table_destroy(struct kd_slab_table *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->nlost; i++)
		free(t->lost[i]);
	free(t->lost);
	free(t->caches);
	kd_slab_layout_destroy(t->l);
	free(t);
}

size_t kd_slab_cache_count(const struct kd_slab_table *t)
{
	return t ? t->n : 0;
}

const struct kd_slab_cache *kd_slab_cache_get(const struct kd_slab_table *t, size_t i)
{
	return t && i < t->n ? &t->caches[i] : NULL;
}

const struct kd_slab_cache *kd_slab_cache_find(const struct kd_slab_table *t, const char *name, uint64_t addr)
{
	for (size_t i = 0; t && i < t->n; i++)
		if (name ? !strcmp(t->caches[i].name, name) : t->caches[i].addr == addr)
			return &t->caches[i];
	return NULL;
}

const char *kd_slab_lost(const struct kd_slab_table *t, size_t i)
{
	return t && i < t->nlost ? t->lost[i] : NULL;
}

const char *kd_slab_where_name(enum kd_slab_where w)
{
	static const char *const names[] = { "cpu", "cpu-partial", "partial", "full-list", "full" };
	return (unsigned)w < sizeof(names) / sizeof(names[0]) ? names[w] : "?";
}

const char *kd_slab_obj_state_name(enum kd_slab_obj_state st)
{
	static const char *const names[] = { "allocated", "free", "cpu-free", "sheaf" };
	return (unsigned)st < sizeof(names) / sizeof(names[0]) ? names[st] : "?";
}
