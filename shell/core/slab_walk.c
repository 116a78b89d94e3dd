// SPDX-License-Identifier: GPL-3.0-or-later
// The slabs and objects of one SLUB cache (mm/slub.c): each CPU's active
// slab with its lockless freelist (kmem_cache_cpu.freelist) and its partial
// chain (slab.next, CONFIG_SLUB_CPU_PARTIAL), each node's partial and full
// lists (kmem_cache_node.partial, .full), the per-CPU and node sheaves
// (7.x: slub_percpu_sheaves.main/.spare, node_barn.sheaves_full) whose
// objects are free to users, and the slabs on no list, found in the page
// array (<kdive/page.h>'s walk: a head page of type slab whose struct slab,
// which overlays it, has the cache as slab_cache).  A slab's memory is
// the direct map of its page frame, which the page layer gives.  An
// object is free when it is on its slab's freelist; the free pointer sits
// at object + kmem_cache.offset and, with CONFIG_SLAB_FREELIST_HARDENED
// (kmem_cache.random present and set), is stored as
// ptr ^ random ^ swab(address of the pointer) (5.7+; the plain address
// before): the form is chosen by which one decodes into the slab.
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <kdive/page.h>
#include <kdive/symbols.h>

#include "slab_priv.h"

enum { MAX_SHEAF = 1 << 16, MAX_CHAIN = 1 << 20, MAX_OBJECTS = 1 << 16 };

struct walk {
	struct kd_session *s;
	struct kd_slab_layout *l;
	const struct kd_slab_cache *c;
	kd_slab_fn *fn;
	void *arg;
	uint64_t *seen;
	size_t seen_cap, nseen;
	uint64_t *sheaf;
	size_t nsheaf, sheaf_cap;
	char **lost;
	size_t nlost;
	unsigned char *sbuf, *mem, *pageok;
	unsigned char state[MAX_OBJECTS];
	int stop;
	uint64_t only; // find: the one slab to report (0: all)
	uint64_t cpu_slab;
	// the page walk's run of unreadable struct pages, named once
	uint64_t bad_first, bad_last;
	char *bad_msg;
};

static bool seen_add(struct walk *w, uint64_t slab)
{
	if (w->nseen * 2 >= w->seen_cap) {
		size_t nc = w->seen_cap ? w->seen_cap * 2 : 1024;
		uint64_t *n = calloc(nc, 8);
		if (!n)
			return false;
		for (size_t i = 0; i < w->seen_cap; i++) {
			uint64_t v = w->seen[i];
			if (!v)
				continue;
			size_t h = (size_t)((v >> 6) * 0x9e3779b97f4a7c15ull) & (nc - 1);
			while (n[h])
				h = (h + 1) & (nc - 1);
			n[h] = v;
		}
		free(w->seen);
		w->seen = n;
		w->seen_cap = nc;
	}
	size_t h = (size_t)((slab >> 6) * 0x9e3779b97f4a7c15ull) & (w->seen_cap - 1);
	while (w->seen[h]) {
		if (w->seen[h] == slab)
			return false;
		h = (h + 1) & (w->seen_cap - 1);
	}
	w->seen[h] = slab;
	w->nseen++;
	return true;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

static bool in_sheaf(const struct walk *w, uint64_t obj)
{
	return w->nsheaf && bsearch(&obj, w->sheaf, w->nsheaf, 8, cmp_u64);
}

// Index of a free pointer's object in the slab, or -1 if it is not one.
static int64_t obj_index(const struct walk *w, uint64_t first, unsigned objects, uint64_t p)
{
	uint64_t size = w->c->size;
	if (p < first || (p - first) % size || (p - first) / size >= objects)
		return -1;
	return (int64_t)((p - first) / size);
}

static uint64_t decode(const struct walk *w, uint64_t raw, uint64_t where, int mode)
{
	if (!w->c->random)
		return raw;
	return raw ^ w->c->random ^ (mode == 2 ? where : __builtin_bswap64(where));
}

// The raw free pointer stored in the object at p.
static bool read_free_ptr(struct walk *w, uint64_t base, uint64_t len, uint64_t where, uint64_t *raw)
{
	uint64_t ps = w->l->page_size;
	if (where >= base && where + 8 <= base + len && w->pageok[(where - base) / ps] &&
	    w->pageok[(where + 7 - base) / ps]) {
		*raw = kd_dump_u64(w->s, w->mem + (where - base));
		return true;
	}
	unsigned char b[8];
	if (!kd_slab_ok(kd_read_kernel(w->s, where, b, 8)))
		return false;
	*raw = kd_dump_u64(w->s, b);
	return true;
}

// Mark the objects of a freelist; returns NULL or why it stopped early.
static const char *chain(struct walk *w, uint64_t head, unsigned char mark, uint64_t base, uint64_t len,
			 uint64_t first, unsigned objects)
{
	uint64_t p = head;
	for (unsigned n = 0; p; n++) {
		int64_t i = obj_index(w, first, objects, p);
		if (i < 0)
			return "a freelist pointer points outside the slab";
		if (w->state[i] != KD_SLAB_OBJ_ALLOCATED || n > objects)
			return "the freelist loops";
		w->state[i] = mark;
		uint64_t where = p + w->c->offset, raw;
		if (!read_free_ptr(w, base, len, where, &raw))
			return "a free object is not in the dump";
		if (!w->c->random) {
			p = raw;
			continue;
		}
		int mode = w->l->free_mode ? w->l->free_mode : 1;
		uint64_t next = decode(w, raw, where, mode);
		if (!w->l->free_mode) {
			if (next && obj_index(w, first, objects, next) < 0) {
				uint64_t alt = decode(w, raw, where, 2);
				if (!alt || obj_index(w, first, objects, alt) >= 0) {
					next = alt;
					w->l->free_mode = 2;
				}
			} else {
				w->l->free_mode = 1;
			}
		}
		p = next;
	}
	return NULL;
}

static uint64_t read_ptr(struct walk *w, uint64_t addr, const char *what);

// The page frame of a slab, whose address must be the start of a struct
// page in the page array (the page layer takes any address inside one).
static bool slab_pfn(struct kd_session *s, uint64_t slab, uint64_t *pfn_ret)
{
	uint64_t pfn, page;
	if (!kd_slab_ok(kd_pages_load(s)) || !kd_slab_ok(kd_page_to_pfn(s, slab, &pfn)) ||
	    !kd_slab_ok(kd_pfn_to_page(s, pfn, &page)) || page != slab)
		return false;
	*pfn_ret = pfn;
	return true;
}

// Read one slab, work out its objects' states and report it.  *next_ret
// gets slab.next (the CPU partial chain).
static void process(struct walk *w, uint64_t slab, enum kd_slab_where where, int cpu, int node,
		    uint64_t cpu_freelist, uint64_t *next_ret)
{
	struct kd_session *s = w->s;
	const struct kd_slab_layout *l = w->l;
	const struct kd_slab_cache *c = w->c;
	if (next_ret)
		*next_ret = 0;
	if (w->stop)
		return;
	if (w->only && slab != w->only) {
		// Looking for one slab: only follow the CPU partial chain past this one.
		if (next_ret && l->sl_next.ok)
			*next_ret = read_ptr(w, slab + l->sl_next.m.offset, "slab.next");
		return;
	}
	if (!seen_add(w, slab))
		return;
	struct kd_error *e = kd_read_kernel(s, slab, w->sbuf, l->slab_bytes);
	if (e) {
		kd_slab_lost_add(&w->lost, &w->nlost, "kmem_cache %s: %s slab at 0x%" PRIx64 ": %s", c->name,
				 kd_slab_where_name(where), slab, e->msg);
		kd_error_destroy(e);
		return;
	}
	size_t sl = l->slab_bytes;
	if (next_ret)
		*next_ret = kd_slab_get(s, &l->sl_next, w->sbuf, sl);
	uint64_t owner = kd_slab_get(s, &l->sl_cache, w->sbuf, sl);
	if (owner != c->addr) {
		kd_slab_lost_add(&w->lost, &w->nlost, "kmem_cache %s: %s slab at 0x%" PRIx64
				 " belongs to kmem_cache 0x%" PRIx64, c->name, kd_slab_where_name(where), slab, owner);
		return;
	}
	// With one node every slab is on node 0; else only the node lists say.
	struct kd_slab_info si = { .slab = slab, .pfn = ~0ull, .where = where, .cpu = cpu,
				   .node = node < 0 && l->nnodes == 1 ? 0 : node };
	si.objects = (unsigned)kd_slab_get(s, &l->sl_objects, w->sbuf, sl);
	si.inuse = (unsigned)kd_slab_get(s, &l->sl_inuse, w->sbuf, sl);
	si.frozen = kd_slab_get(s, &l->sl_frozen, w->sbuf, sl) != 0;
	uint64_t freelist = kd_slab_get(s, &l->sl_freelist, w->sbuf, sl);
	if (!si.objects || si.objects > MAX_OBJECTS || si.objects * c->size + c->red_left_pad > c->slab_bytes) {
		kd_slab_lost_add(&w->lost, &w->nlost, "kmem_cache %s: slab at 0x%" PRIx64 " has an impossible %u objects",
				 c->name, slab, si.objects);
		return;
	}
	memset(w->state, KD_SLAB_OBJ_ALLOCATED, si.objects);
	si.state = w->state;
	if (!l->page_offset || !slab_pfn(s, slab, &si.pfn)) {
		si.incomplete = "the slab's memory is unknown (no page frame for its struct page)";
	} else {
		si.base = l->page_offset + si.pfn * l->page_size;
		si.first = si.base + c->red_left_pad;
		uint64_t len = c->red_left_pad + si.objects * c->size;
		uint64_t npages = (len + l->page_size - 1) / l->page_size;
		for (uint64_t p = 0; p < npages; p++) {
			uint64_t n = p + 1 < npages ? l->page_size : len - p * l->page_size;
			w->pageok[p] = kd_slab_ok(kd_read_kernel(s, si.base + p * l->page_size,
								  w->mem + p * l->page_size, n));
		}
		si.incomplete = chain(w, freelist, KD_SLAB_OBJ_FREE, si.base, len, si.first, si.objects);
		if (!si.incomplete && cpu_freelist)
			si.incomplete = chain(w, cpu_freelist, KD_SLAB_OBJ_CPU_FREE, si.base, len, si.first, si.objects);
		for (unsigned i = 0; w->nsheaf && i < si.objects; i++)
			if (w->state[i] == KD_SLAB_OBJ_ALLOCATED && in_sheaf(w, si.first + i * c->size))
				w->state[i] = KD_SLAB_OBJ_SHEAF;
		if (si.incomplete)
			kd_slab_lost_add(&w->lost, &w->nlost, "kmem_cache %s: slab at 0x%" PRIx64 ": %s", c->name,
					 slab, si.incomplete);
	}
	for (unsigned i = 0; i < si.objects; i++)
		si.nfree += w->state[i] != KD_SLAB_OBJ_ALLOCATED;
	w->stop = w->fn(&si, w->arg);
}

static void sheaf_add(struct walk *w, uint64_t sheaf)
{
	struct kd_session *s = w->s;
	const struct kd_slab_layout *l = w->l;
	unsigned char b[4];
	if (!sheaf || !kd_slab_ok(kd_read_kernel(s, sheaf + l->sh_size.m.offset, b, 4)))
		return;
	uint32_t n = kd_dump_u32(s, b);
	if (!n)
		return;
	if (n > MAX_SHEAF || w->nsheaf + n > MAX_SHEAF * 16) {
		kd_slab_lost_add(&w->lost, &w->nlost, "kmem_cache %s: sheaf at 0x%" PRIx64 " holds an impossible %u objects",
				 w->c->name, sheaf, n);
		return;
	}
	if (w->nsheaf + n > w->sheaf_cap) {
		size_t nc = (w->nsheaf + n) * 2;
		uint64_t *ns = realloc(w->sheaf, nc * 8);
		if (!ns)
			return;
		w->sheaf = ns;
		w->sheaf_cap = nc;
	}
	struct kd_error *e = kd_read_kernel(s, sheaf + l->sh_objects.m.offset, w->sheaf + w->nsheaf, (size_t)n * 8);
	if (e) {
		kd_slab_lost_add(&w->lost, &w->nlost, "kmem_cache %s: sheaf at 0x%" PRIx64 ": %s", w->c->name, sheaf,
				 e->msg);
		kd_error_destroy(e);
		return;
	}
	for (uint32_t i = 0; i < n; i++)
		w->sheaf[w->nsheaf + i] = kd_dump_u64(s, &w->sheaf[w->nsheaf + i]);
	w->nsheaf += n;
}

// Walk a list_head ring, calling fn with each entry's address.
static void list_walk(struct walk *w, uint64_t head, const char *what, void (*fn)(struct walk *, uint64_t, int),
		      int arg)
{
	struct kd_cycle cyc = { 0 };
	uint64_t p = head;
	for (unsigned n = 0; !w->stop; n++) {
		unsigned char b[8];
		struct kd_error *e = kd_read_kernel(w->s, p, b, 8);
		if (e) {
			kd_slab_lost_add(&w->lost, &w->nlost, "kmem_cache %s: %s at 0x%" PRIx64 ": the link to 0x%" PRIx64
					 ": %s", w->c->name, what, head, p, e->msg);
			kd_error_destroy(e);
			return;
		}
		p = kd_dump_u64(w->s, b);
		if (p == head)
			return;
		if (n > MAX_CHAIN || kd_cycle_step(&cyc, p)) {
			kd_slab_lost_add(&w->lost, &w->nlost, "kmem_cache %s: %s at 0x%" PRIx64 " loops", w->c->name,
					 what, head);
			return;
		}
		if (!kd_slab_ok(kd_check_interrupt(w->s))) {
			w->stop = -1;
			return;
		}
		fn(w, p, arg);
	}
}

static void sheaf_entry(struct walk *w, uint64_t entry, int node)
{
	(void)node;
	sheaf_add(w, entry - w->l->sh_list.m.offset);
}

static void partial_entry(struct walk *w, uint64_t entry, int node)
{
	process(w, entry - w->l->sl_list.m.offset, KD_SLAB_NODE_PARTIAL, -1, node, 0, NULL);
}

static void full_entry(struct walk *w, uint64_t entry, int node)
{
	process(w, entry - w->l->sl_list.m.offset, KD_SLAB_NODE_FULL, -1, node, 0, NULL);
}

static uint64_t read_ptr(struct walk *w, uint64_t addr, const char *what)
{
	unsigned char b[8];
	struct kd_error *e = kd_read_kernel(w->s, addr, b, 8);
	if (e) {
		kd_slab_lost_add(&w->lost, &w->nlost, "kmem_cache %s: %s at 0x%" PRIx64 ": %s", w->c->name, what, addr,
				 e->msg);
		kd_error_destroy(e);
		return 0;
	}
	return kd_dump_u64(w->s, b);
}

static void collect_sheaves(struct walk *w)
{
	const struct kd_slab_layout *l = w->l;
	if (!l->kc_cpu_sheaves.ok || !l->sh_size.ok || !l->sh_objects.ok)
		return;
	uint64_t pcs = read_ptr(w, w->c->addr + l->kc_cpu_sheaves.m.offset, "kmem_cache.cpu_sheaves");
	for (unsigned cpu = 0; pcs && cpu < l->ncpus; cpu++) {
		uint64_t off;
		if (!kd_slab_ok(kd_percpu_offset(w->s, cpu, &off)))
			continue;
		if (l->ps_main.ok)
			sheaf_add(w, read_ptr(w, pcs + off + l->ps_main.m.offset, "per-CPU sheaves"));
		if (l->ps_spare.ok)
			sheaf_add(w, read_ptr(w, pcs + off + l->ps_spare.m.offset, "per-CPU sheaves"));
	}
	for (unsigned n = 0; l->kn_barn.ok && l->barn_full.ok && l->sh_list.ok && n < l->nnodes; n++) {
		uint64_t node = read_ptr(w, w->c->addr + l->kc_node.m.offset + n * l->node_stride, "kmem_cache.node");
		uint64_t barn = node ? read_ptr(w, node + l->kn_barn.m.offset, "kmem_cache_node.barn") : 0;
		if (barn)
			list_walk(w, barn + l->barn_full.m.offset, "barn full sheaves", sheaf_entry, (int)n);
	}
	if (w->nsheaf)
		qsort(w->sheaf, w->nsheaf, 8, cmp_u64);
}

// Each CPU's slab and partial chain; with only set, just find the CPU
// whose active slab it is and report it with that CPU's freelist.
static void walk_cpus(struct walk *w)
{
	const struct kd_slab_layout *l = w->l;
	if (!l->kc_cpu_slab.ok || !l->cc_slab.ok || !l->cc_bytes || l->cc_bytes > 4096)
		return;
	uint64_t pcpu = read_ptr(w, w->c->addr + l->kc_cpu_slab.m.offset, "kmem_cache.cpu_slab");
	unsigned char cb[4096];
	for (unsigned cpu = 0; pcpu && cpu < l->ncpus && !w->stop; cpu++) {
		uint64_t off;
		struct kd_error *e = kd_percpu_offset(w->s, cpu, &off);
		if (!e)
			e = kd_read_kernel(w->s, pcpu + off, cb, l->cc_bytes);
		if (e) {
			kd_slab_lost_add(&w->lost, &w->nlost, "kmem_cache %s: CPU %u's kmem_cache_cpu: %s", w->c->name,
					 cpu, e->msg);
			kd_error_destroy(e);
			continue;
		}
		uint64_t slab = kd_slab_get(w->s, &l->cc_slab, cb, l->cc_bytes);
		uint64_t fl = kd_slab_get(w->s, &l->cc_freelist, cb, l->cc_bytes);
		if (slab)
			process(w, slab, KD_SLAB_CPU, (int)cpu, -1, fl, NULL);
		uint64_t p = kd_slab_get(w->s, &l->cc_partial, cb, l->cc_bytes);
		struct kd_cycle cyc = { 0 };
		for (unsigned n = 0; p && !w->stop; n++) {
			if (n > MAX_CHAIN || kd_cycle_step(&cyc, p)) {
				kd_slab_lost_add(&w->lost, &w->nlost, "kmem_cache %s: CPU %u's partial slabs loop",
						 w->c->name, cpu);
				break;
			}
			uint64_t next;
			size_t before = w->nseen;
			process(w, p, KD_SLAB_CPU_PARTIAL, (int)cpu, -1, 0, &next);
			if (w->nseen == before && !w->only)
				break; // seen already or unreadable: the chain cannot go on
			p = next;
		}
	}
}

static void walk_nodes(struct walk *w)
{
	const struct kd_slab_layout *l = w->l;
	for (unsigned n = 0; n < l->nnodes && !w->stop; n++) {
		uint64_t node = read_ptr(w, w->c->addr + l->kc_node.m.offset + n * l->node_stride, "kmem_cache.node");
		if (!node)
			continue;
		if (l->kn_partial.ok)
			list_walk(w, node + l->kn_partial.m.offset, "node partial list", partial_entry, (int)n);
		if (l->kn_full.ok)
			list_walk(w, node + l->kn_full.m.offset, "node full list", full_entry, (int)n);
	}
}

static void bad_flush(struct walk *w)
{
	if (!w->bad_msg)
		return;
	if (w->bad_first == w->bad_last)
		kd_slab_lost_add(&w->lost, &w->nlost, "struct page of frame 0x%" PRIx64 ": %s", w->bad_first,
				 w->bad_msg);
	else
		kd_slab_lost_add(&w->lost, &w->nlost, "struct pages of frames 0x%" PRIx64 "-0x%" PRIx64 ": %s",
				 w->bad_first, w->bad_last, w->bad_msg);
	free(w->bad_msg);
	w->bad_msg = NULL;
}

// The page walk: a slab head page whose slab_cache is the cache is a slab.
static int page_cb(const struct kd_page *pg, const struct kd_error *err, void *arg)
{
	struct walk *w = arg;
	if (err) {
		// Consecutive unreadable struct pages make one line.
		if (w->bad_msg && pg->pfn == w->bad_last + 1) {
			w->bad_last = pg->pfn;
			return 0;
		}
		bad_flush(w);
		w->bad_first = w->bad_last = pg->pfn;
		w->bad_msg = strdup(err->msg);
		return 0;
	}
	if (!(pg->types & KD_PT_SLAB) || pg->head != pg->addr)
		return 0;
	unsigned char b[8];
	uint64_t where = pg->addr + w->l->sl_cache.m.offset;
	struct kd_error *e = kd_read_kernel(w->s, where, b, 8);
	if (e) {
		kd_slab_lost_add(&w->lost, &w->nlost, "kmem_cache %s: slab.slab_cache at 0x%" PRIx64 ": %s",
				 w->c->name, where, e->msg);
		kd_error_destroy(e);
		return 0;
	}
	if (kd_dump_u64(w->s, b) == w->c->addr)
		process(w, pg->addr, KD_SLAB_FULL, -1, -1, 0, NULL);
	return w->stop;
}

static struct kd_error *walk_init(struct kd_session *s, struct kd_slab_layout *l, const struct kd_slab_cache *c,
				  struct walk **ret)
{
	*ret = NULL;
	if (c->unknown & KD_SLAB_U_LAYOUT)
		return kd_error_create(KD_ERR_CORRUPT, "kmem_cache %s at 0x%" PRIx64 ": its size and order are unknown",
				       c->name, c->addr);
	struct walk *w = calloc(1, sizeof(*w));
	if (!w)
		return &kd_enomem;
	w->s = s;
	w->l = l;
	w->c = c;
	w->sbuf = malloc(l->slab_bytes);
	w->mem = malloc(c->slab_bytes);
	w->pageok = calloc(c->slab_bytes / l->page_size + 1, 1);
	if (!w->sbuf || !w->mem || !w->pageok) {
		free(w->sbuf);
		free(w->mem);
		free(w->pageok);
		free(w);
		return &kd_enomem;
	}
	*ret = w;
	return NULL;
}

static void walk_free(struct walk *w, char ***lost_ret)
{
	if (lost_ret)
		*lost_ret = w->lost;
	else
		kd_slab_lost_free(w->lost);
	free(w->seen);
	free(w->sheaf);
	free(w->sbuf);
	free(w->mem);
	free(w->pageok);
	free(w->bad_msg);
	free(w);
}

struct kd_error *kd_slab_foreach(struct kd_session *s, const struct kd_slab_table *t, const struct kd_slab_cache *c,
				 kd_slab_fn *fn, void *arg, char ***lost_ret)
{
	if (lost_ret)
		*lost_ret = NULL;
	struct walk *w;
	struct kd_error *err = walk_init(s, t->l, c, &w);
	if (err)
		return err;
	w->fn = fn;
	w->arg = arg;
	collect_sheaves(w);
	walk_cpus(w);
	walk_nodes(w);
	if (!w->stop) {
		err = kd_pages_load(s);
		if (!err)
			err = kd_page_walk(s, 0, kd_page_max_pfn(s), page_cb, w);
		bad_flush(w);
	}
	if (!err && w->stop < 0)
		err = kd_check_interrupt(s);
	if (err && err->code != KD_ERR_INTERRUPTED && err != &kd_enomem) {
		kd_slab_lost_add(&w->lost, &w->nlost, "kmem_cache %s: the page array: %s", c->name, err->msg);
		kd_error_destroy(err);
		err = NULL;
	}
	walk_free(w, lost_ret);
	return err;
}

void kd_slab_lost_free(char **lost)
{
	for (size_t i = 0; lost && lost[i]; i++)
		free(lost[i]);
	free(lost);
}

struct find_ctx {
	struct kd_slab_addr *ret;
	uint64_t addr;
	bool found;
	unsigned char state;
};

static int find_cb(const struct kd_slab_info *si, void *arg)
{
	struct find_ctx *f = arg;
	f->found = true;
	f->ret->slab = *si;
	f->ret->slab.state = NULL;
	if (f->ret->index < si->objects)
		f->state = si->state[f->ret->index];
	return 1;
}

struct kd_error *kd_slab_find(struct kd_session *s, const struct kd_slab_table *t, uint64_t addr,
			      struct kd_slab_addr *ret, bool *found_ret)
{
	*found_ret = false;
	memset(ret, 0, sizeof(*ret));
	struct kd_slab_layout *l = t->l;
	uint64_t pa, page, head, pfn;
	struct kd_page pg;
	if (!l->page_offset || !kd_slab_ok(kd_translate(s, NULL, addr, &pa, NULL)) || !kd_slab_ok(kd_pages_load(s)))
		return NULL;
	if (!kd_slab_ok(kd_pfn_to_page(s, pa / l->page_size, &page)) || !kd_slab_ok(kd_page_read(s, page, &pg)))
		return NULL;
	if (pg.head != page && !kd_slab_ok(kd_page_read(s, pg.head, &pg)))
		return NULL; // a tail page: its compound head is the slab
	head = pg.addr;
	unsigned char b[8];
	if (!(pg.types & KD_PT_SLAB) || pg.head != head || !slab_pfn(s, head, &pfn) ||
	    !kd_slab_ok(kd_read_kernel(s, head + l->sl_cache.m.offset, b, 8)))
		return NULL;
	const struct kd_slab_cache *c = kd_slab_cache_find(t, NULL, kd_dump_u64(s, b));
	uint64_t base = l->page_offset + pfn * l->page_size;
	if (!c || (c->unknown & KD_SLAB_U_LAYOUT) || addr < base || addr - base >= c->slab_bytes)
		return NULL;
	ret->cache = c;
	uint64_t rel = addr - base < c->red_left_pad ? 0 : addr - base - c->red_left_pad;
	ret->index = rel / c->size;
	ret->object = base + c->red_left_pad + ret->index * c->size;
	ret->in_object = true;
	struct walk *w;
	struct kd_error *err = walk_init(s, l, c, &w);
	if (err)
		return err;
	struct find_ctx f = { .ret = ret, .addr = addr };
	w->fn = find_cb;
	w->arg = &f;
	w->only = head;
	collect_sheaves(w);
	walk_cpus(w);
	if (!f.found)
		walk_nodes(w);
	if (!f.found)
		process(w, head, KD_SLAB_FULL, -1, -1, 0, NULL);
	walk_free(w, NULL);
	if (!f.found)
		return NULL;
	if (ret->index >= ret->slab.objects)
		ret->in_object = false;
	ret->state = f.state;
	*found_ret = true;
	return NULL;
}
