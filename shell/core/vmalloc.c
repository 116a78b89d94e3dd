// SPDX-License-Identifier: GPL-3.0-or-later
// vmalloc areas (mm/vmalloc.c, include/linux/vmalloc.h): the busy
// vmap_areas from the red-black tree vmap_area_root (or, since 6.9, each
// struct vmap_node's busy.root in vmap_nodes[nr_vmap_nodes]), walked in
// order with an explicit bounded stack, else from the sorted
// vmap_area_list; the lazily freed ones from purge_vmap_area_root (or each
// node's lazy.root) or purge_vmap_area_list.  Each busy area's vm_struct
// gives what /proc/vmallocinfo prints (mm/vmalloc.c s_show).  Layouts from
// the dump's BTF.
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <kdive/session.h>
#include <kdive/symbols.h>
#include <kdive/types.h>
#include <kdive/vmalloc.h>
#include <kdive/walk.h>

enum { MAX_AREAS = 1 << 22, MAX_DEPTH = 256, MAX_LOST = 256, MAX_NODES = 4096 };

struct member {
	bool ok;
	struct kd_member_info m;
};

struct kd_vmalloc_table {
	struct kd_vmalloc_area *a;
	size_t n, cap;
	char **lost;
	size_t nlost;
	// layout
	uint64_t va_bytes, vm_bytes;
	struct member va_start, va_end, va_rb, va_list, va_vm;
	struct member rb_left, rb_right;
	struct member vm_addr, vm_size, vm_flags, vm_pages, vm_nr_pages, vm_phys, vm_caller;
};

static bool ok(struct kd_error *err)
{
	bool r = err == NULL;
	kd_error_destroy(err);
	return r;
}

static void member(struct kd_session *s, const char *type, const char *path, struct member *m)
{
	m->ok = ok(kd_type_member(s, type, path, &m->m));
}

static uint64_t get(struct kd_session *s, const struct member *m, const void *buf, size_t len)
{
	uint64_t v = 0;
	if (!m->ok || !ok(kd_member_extract(s, &m->m, buf, len, &v)))
		return 0;
	return v;
}

static void lost(struct kd_vmalloc_table *t, const char *fmt, ...) KD_PRINTF(2, 3);
static void lost(struct kd_vmalloc_table *t, const char *fmt, ...)
{
	if (t->nlost >= MAX_LOST)
		return;
	char **nl = realloc(t->lost, (t->nlost + 1) * sizeof(*nl));
	if (!nl)
		return;
	t->lost = nl;
	va_list ap;
	va_start(ap, fmt);
	if (vasprintf(&nl[t->nlost], fmt, ap) >= 0)
		t->nlost++;
	va_end(ap);
}

static struct kd_vmalloc_area *add(struct kd_vmalloc_table *t)
{
	if (t->n == t->cap) {
		size_t nc = t->cap ? t->cap * 2 : 256;
		struct kd_vmalloc_area *n = realloc(t->a, nc * sizeof(*n));
		if (!n)
			return NULL;
		t->a = n;
		t->cap = nc;
	}
	struct kd_vmalloc_area *a = &t->a[t->n++];
	memset(a, 0, sizeof(*a));
	return a;
}

// Read one vmap_area into a record; false (reported) if unreadable.
static bool read_va(struct kd_session *s, struct kd_vmalloc_table *t, uint64_t va, bool purge)
{
	unsigned char buf[512];
	size_t len = t->va_bytes < sizeof(buf) ? t->va_bytes : sizeof(buf);
	struct kd_error *e = kd_read_kernel(s, va, buf, len);
	if (e) {
		lost(t, "vmap_area at 0x%" PRIx64 ": %s", va, e->msg);
		kd_error_destroy(e);
		return false;
	}
	struct kd_vmalloc_area *a = add(t);
	if (!a)
		return false;
	a->va = va;
	a->purge = purge;
	a->va_start = get(s, &t->va_start, buf, len);
	a->va_end = get(s, &t->va_end, buf, len);
	a->vm = purge ? 0 : get(s, &t->va_vm, buf, len);
	a->addr = a->va_start;
	a->size = a->va_end - a->va_start;
	return true;
}

struct tree_arg {
	struct kd_vmalloc_table *t;
	bool purge;
	const char *what;
};

static int tree_node(struct kd_session *s, const struct kd_walk_item *it, void *arg)
{
	struct tree_arg *a = arg;
	read_va(s, a->t, it->addr - a->t->va_rb.m.offset, a->purge);
	return 0;
}

static void tree_lost(struct kd_session *s, uint64_t addr, const struct kd_error *why, void *arg)
{
	(void)s;
	struct tree_arg *a = arg;
	lost(a->t, "%s: 0x%" PRIx64 ": %s", a->what, addr, why->msg);
}

// The red-black tree of vmap_areas at root_addr, by <kdive/walk.h>'s walker:
// a node met twice (a loop), too deep a tree or an unreadable node is
// named and skipped, each node read once; the areas are sorted afterwards.
static struct kd_error *walk_tree(struct kd_session *s, struct kd_vmalloc_table *t, uint64_t root_addr, bool purge,
				  const char *what)
{
	struct tree_arg a = { .t = t, .purge = purge, .what = what };
	struct kd_walk w = { .fn = tree_node, .lost = tree_lost, .arg = &a };
	struct kd_error *e = kd_walk_rbtree(s, root_addr, &w);
	if (e && e->code != KD_ERR_INTERRUPTED) {
		lost(t, "%s at 0x%" PRIx64 ": %s", what, root_addr, e->msg);
		kd_error_destroy(e);
		e = NULL;
	}
	return e;
}

static struct kd_error *walk_list(struct kd_session *s, struct kd_vmalloc_table *t, uint64_t head, bool purge,
				  const char *what)
{
	struct kd_cycle cyc = { 0 };
	uint64_t p = head;
	for (size_t n = 0;; n++) {
		unsigned char b[8];
		struct kd_error *e = kd_read_kernel(s, p, b, 8);
		if (e) {
			lost(t, "%s: the link at 0x%" PRIx64 ": %s", what, p, e->msg);
			kd_error_destroy(e);
			return NULL;
		}
		p = kd_dump_u64(s, b);
		if (p == head)
			return NULL;
		if (n > MAX_AREAS || kd_cycle_step(&cyc, p)) {
			lost(t, "%s at 0x%" PRIx64 ": the list loops", what, head);
			return NULL;
		}
		if ((e = kd_check_interrupt(s)))
			return e;
		read_va(s, t, p - t->va_list.m.offset, purge);
	}
}

static int cmp_area(const void *x, const void *y)
{
	const struct kd_vmalloc_area *a = x, *b = y;
	if (a->purge != b->purge)
		return a->purge ? 1 : -1;
	if (a->va_start != b->va_start)
		return a->va_start < b->va_start ? -1 : 1;
	return a->va < b->va ? -1 : a->va > b->va;
}

static void read_vm(struct kd_session *s, struct kd_vmalloc_table *t, struct kd_vmalloc_area *a)
{
	unsigned char buf[512];
	size_t len = t->vm_bytes < sizeof(buf) ? t->vm_bytes : sizeof(buf);
	struct kd_error *e = kd_read_kernel(s, a->vm, buf, len);
	if (e) {
		lost(t, "vm_struct at 0x%" PRIx64 " (area 0x%" PRIx64 "-0x%" PRIx64 "): %s", a->vm, a->va_start,
		     a->va_end, e->msg);
		kd_error_destroy(e);
		a->incomplete = "vm_struct unreadable";
		return;
	}
	a->addr = get(s, &t->vm_addr, buf, len);
	a->size = get(s, &t->vm_size, buf, len);
	a->flags = get(s, &t->vm_flags, buf, len);
	a->pages = get(s, &t->vm_pages, buf, len);
	a->nr_pages = get(s, &t->vm_nr_pages, buf, len);
	a->phys_addr = get(s, &t->vm_phys, buf, len);
	a->caller = get(s, &t->vm_caller, buf, len);
}

static bool sym(struct kd_session *s, const char *name, uint64_t *addr)
{
	return ok(kd_symbol_address(s, name, addr));
}

// Since 6.9: vmap_nodes[nr_vmap_nodes], each with busy and lazy trees.
static struct kd_error *walk_nodes(struct kd_session *s, struct kd_vmalloc_table *t, uint64_t nodes_sym,
				   uint64_t nr_sym)
{
	struct member busy, lazy;
	uint64_t node_bytes = 0, nodes;
	unsigned char b[8];
	member(s, "vmap_node", "busy.root", &busy);
	member(s, "vmap_node", "lazy.root", &lazy);
	if (!busy.ok || !ok(kd_type_size(s, "vmap_node", &node_bytes)) || !node_bytes)
		return kd_error_create(KD_ERR_NOTFOUND, "the dump's struct vmap_node has no busy.root");
	struct kd_error *e = kd_read_kernel(s, nodes_sym, b, 8);
	if (e)
		return kd_error_prefix(e, "vmap_nodes");
	nodes = kd_dump_u64(s, b);
	if ((e = kd_read_kernel(s, nr_sym, b, 4)))
		return kd_error_prefix(e, "nr_vmap_nodes");
	uint32_t nr = kd_dump_u32(s, b);
	if (nr > MAX_NODES)
		return kd_error_create(KD_ERR_CORRUPT, "nr_vmap_nodes is an impossible %u", nr);
	for (uint32_t i = 0; i < nr; i++) {
		uint64_t node = nodes + i * node_bytes;
		if ((e = walk_tree(s, t, node + busy.m.offset, false, "vmap_node busy tree")))
			return e;
		if (lazy.ok && (e = walk_tree(s, t, node + lazy.m.offset, true, "vmap_node lazy tree")))
			return e;
	}
	return NULL;
}

struct kd_error *kd_vmalloc_read(struct kd_session *s, struct kd_vmalloc_table **ret)
{
	*ret = NULL;
	if (!kd_symbols_available(s) || !kd_types_available(s))
		return kd_error_create(KD_ERR_UNSUPPORTED, "needs the kernel's symbols and types");
	struct kd_vmalloc_table *t = calloc(1, sizeof(*t));
	if (!t)
		return &kd_enomem;
	member(s, "vmap_area", "va_start", &t->va_start);
	member(s, "vmap_area", "va_end", &t->va_end);
	member(s, "vmap_area", "rb_node", &t->va_rb);
	member(s, "vmap_area", "list", &t->va_list);
	member(s, "vmap_area", "vm", &t->va_vm);
	member(s, "rb_node", "rb_left", &t->rb_left);
	member(s, "rb_node", "rb_right", &t->rb_right);
	member(s, "vm_struct", "addr", &t->vm_addr);
	member(s, "vm_struct", "size", &t->vm_size);
	member(s, "vm_struct", "flags", &t->vm_flags);
	member(s, "vm_struct", "pages", &t->vm_pages);
	member(s, "vm_struct", "nr_pages", &t->vm_nr_pages);
	member(s, "vm_struct", "phys_addr", &t->vm_phys);
	member(s, "vm_struct", "caller", &t->vm_caller);
	struct kd_error *err = NULL;
	if (!ok(kd_type_size(s, "vmap_area", &t->va_bytes)) || !ok(kd_type_size(s, "vm_struct", &t->vm_bytes)) ||
	    !t->va_start.ok || !t->va_end.ok || !t->va_vm.ok || !t->vm_addr.ok || !t->vm_size.ok) {
		err = kd_error_create(KD_ERR_NOTFOUND, "the dump's types have no struct vmap_area or vm_struct as "
				      "mm/vmalloc.c uses them");
		goto fail;
	}
	uint64_t a, b;
	uint64_t va_len = t->va_bytes < 512 ? t->va_bytes : 512;
	bool tree = t->va_rb.ok && t->rb_left.ok && t->rb_right.ok && t->va_rb.m.offset < va_len;
	if (tree && sym(s, "vmap_area_root", &a)) {
		if ((err = walk_tree(s, t, a, false, "vmap_area_root")))
			goto fail;
		if (sym(s, "purge_vmap_area_root", &a))
			err = walk_tree(s, t, a, true, "purge_vmap_area_root");
		else if (t->va_list.ok && sym(s, "purge_vmap_area_list", &a))
			err = walk_list(s, t, a, true, "purge_vmap_area_list");
	} else if (tree && sym(s, "vmap_nodes", &a) && sym(s, "nr_vmap_nodes", &b)) {
		err = walk_nodes(s, t, a, b);
	} else if (t->va_list.ok && (sym(s, "vmap_area_list", &a) ||
				     ok(kd_vmcoreinfo_number(s, "SYMBOL(vmap_area_list)", &a)))) {
		if ((err = walk_list(s, t, a, false, "vmap_area_list")))
			goto fail;
		if (sym(s, "purge_vmap_area_list", &a))
			err = walk_list(s, t, a, true, "purge_vmap_area_list");
	} else {
		err = kd_error_create(KD_ERR_NOTFOUND, "no vmap_area_root, vmap_nodes or vmap_area_list in the dump");
	}
	if (err)
		goto fail;
	if (t->n)
		qsort(t->a, t->n, sizeof(*t->a), cmp_area);
	for (size_t i = 0; i < t->n; i++) {
		if (t->a[i].vm)
			read_vm(s, t, &t->a[i]);
		if ((err = kd_check_interrupt(s)))
			goto fail;
	}
	*ret = t;
	return NULL;
fail:
	kd_vmalloc_destroy(t);
	return err;
}

void kd_vmalloc_destroy(struct kd_vmalloc_table *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->nlost; i++)
		free(t->lost[i]);
	free(t->lost);
	free(t->a);
	free(t);
}

size_t kd_vmalloc_count(const struct kd_vmalloc_table *t)
{
	return t ? t->n : 0;
}

const struct kd_vmalloc_area *kd_vmalloc_get(const struct kd_vmalloc_table *t, size_t i)
{
	return t && i < t->n ? &t->a[i] : NULL;
}

const struct kd_vmalloc_area *kd_vmalloc_find(const struct kd_vmalloc_table *t, uint64_t addr)
{
	for (size_t i = 0; t && i < t->n; i++)
		if (!t->a[i].purge && addr >= t->a[i].va_start && addr < t->a[i].va_end)
			return &t->a[i];
	return NULL;
}

const char *kd_vmalloc_lost(const struct kd_vmalloc_table *t, size_t i)
{
	return t && i < t->nlost ? t->lost[i] : NULL;
}
