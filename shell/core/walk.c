// SPDX-License-Identifier: GPL-3.0-or-later
// Container walkers (<kdive/walk.h>), part one: the walk context (lost
// elements, bounds, positions), list_head and hlist lists
// (include/linux/list.h, include/linux/types.h) and red-black trees
// (include/linux/rbtree_types.h), the layouts of every container read from
// BTF, and the public entry points.  xarrays, IDRs and maple trees are in
// walk_tree.c.  A list whose forward link is lost is walked backwards from
// its head (list_head.prev) to recover its tail; a tree skips the subtree
// under an unreadable node.
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <kdive/output.h>
#include <kdive/session.h>
#include <kdive/symbols.h>
#include <kdive/types.h>

#include "core/walk_priv.h"

enum {
	WALK_LIMIT = 100000000,  // elements in one walk
	RB_MAX_DEPTH = 256,      // a red-black tree of 2^64 nodes is at most 128 deep
	INTERRUPT_EVERY = 4096,
};

// ---- the walk context --------------------------------------------------------

// Sets of addresses (open addressing): the nodes a list walk met going
// forward (where the backward walk stops), the nodes a tree walk met.

static size_t set_hash(uint64_t a, size_t cap)
{
	return (size_t)((a * 0x9e3779b97f4a7c15ull) >> 20) & (cap - 1);
}

static bool set_has(const struct kd_addr_set *h, uint64_t a)
{
	if (!h->cap)
		return false;
	for (size_t k = set_hash(a, h->cap); h->slot[k]; k = (k + 1) & (h->cap - 1))
		if (h->slot[k] == a)
			return true;
	return false;
}

static void set_add(struct kd_addr_set *h, uint64_t a)
{
	if (!a)
		return;
	if ((h->n + 1) * 2 > h->cap) {
		size_t cap = h->cap ? h->cap * 2 : 256;
		uint64_t *n = calloc(cap, sizeof(*n));
		if (!n)
			return; // the backward walk then stops by its count bound
		for (size_t i = 0; i < h->cap; i++) {
			if (!h->slot[i])
				continue;
			size_t k = set_hash(h->slot[i], cap);
			while (n[k])
				k = (k + 1) & (cap - 1);
			n[k] = h->slot[i];
		}
		free(h->slot);
		h->slot = n;
		h->cap = cap;
	}
	size_t k = set_hash(a, h->cap);
	while (h->slot[k]) {
		if (h->slot[k] == a)
			return;
		k = (k + 1) & (h->cap - 1);
	}
	h->slot[k] = a;
	h->n++;
}


void kd_walk_ctx_init(struct kd_walk_ctx *c, struct kd_session *s, kd_walk_read_fn *read,
		      struct kd_walk *w)
{
	memset(c, 0, sizeof(*c));
	c->s = s;
	c->read = read ? read : kd_read_kernel;
	c->big_endian = s ? kd_dump_big_endian(s) : false;
	c->w = w;
	c->limit = WALK_LIMIT;
	w->nlost = 0;
	w->count = 0;
	if (w->flags & KD_WALK_PATH)
		memcpy(c->path, "root", 5), c->plen = 4;
}

uint64_t kd_walk_u64(const struct kd_walk_ctx *c, const void *p)
{
	const uint8_t *b = p;
	uint64_t v = 0;
	for (int i = 0; i < 8; i++)
		v |= (uint64_t)b[c->big_endian ? 7 - i : i] << (8 * i);
	return v;
}

void kd_walk_lose(struct kd_walk_ctx *c, uint64_t addr, struct kd_error *err)
{
	c->w->nlost++;
	if (c->w->lost)
		c->w->lost(c->s, addr, err, c->w->arg);
	else if (c->s)
		kd_warn(c->s, "0x%016" PRIx64 ": %s", addr, err ? err->msg : "unreadable");
	kd_error_destroy(err);
}

bool kd_walk_emit(struct kd_walk_ctx *c, uint64_t addr, uint64_t first, uint64_t last, unsigned depth)
{
	if (c->stop || c->err)
		return false;
	if (c->w->count >= c->limit) {
		kd_walk_lose(c, addr, kd_error_create(KD_ERR_CORRUPT, "stopped after %" PRIu64
						      " elements", c->limit));
		c->stop = true;
		return false;
	}
	struct kd_walk_item it = {
		.addr = addr, .first = first, .last = last, .depth = depth,
		.path = (c->w->flags & KD_WALK_PATH) ? c->path : NULL,
	};
	c->w->count++;
	if (c->w->fn && c->w->fn(c->s, &it, c->w->arg)) {
		c->stop = true;
		return false;
	}
	if (c->s && c->w->count % INTERRUPT_EVERY == 0 && (c->err = kd_check_interrupt(c->s)))
		return false;
	return true;
}

// Also called on nodes that hold no element (inner tree nodes), so that a
// huge corrupted tree is interruptible too.
static bool walk_go_on(struct kd_walk_ctx *c, uint64_t *ticks)
{
	if (c->stop || c->err)
		return false;
	if (c->s && ++*ticks % INTERRUPT_EVERY == 0 && (c->err = kd_check_interrupt(c->s)))
		return false;
	return true;
}

size_t kd_walk_path_push(struct kd_walk_ctx *c, const char *name)
{
	size_t old = c->plen, n = strlen(name);
	if (!(c->w->flags & KD_WALK_PATH))
		return old;
	if (n < sizeof(c->path) - c->plen) {
		memcpy(c->path + c->plen, name, n + 1);
		c->plen += n;
	}
	return old;
}

void kd_walk_path_pop(struct kd_walk_ctx *c, size_t len)
{
	if (c->w->flags & KD_WALK_PATH) {
		c->plen = len;
		c->path[len] = 0;
	}
}

bool kd_walk_first_visit(struct kd_walk_ctx *c, uint64_t node)
{
	if (!set_has(&c->seen, node)) {
		set_add(&c->seen, node);
		return true;
	}
	kd_walk_lose(c, node, kd_error_create(KD_ERR_CORRUPT, "node met twice (the tree loops): skipped"));
	return false;
}

struct kd_error *kd_walk_ctx_finish(struct kd_walk_ctx *c, const char *what)
{
	free(c->seen.slot);
	c->seen = (struct kd_addr_set){ 0 };
	if (c->err)
		return c->err;
	if (!c->w->lost && c->w->nlost)
		return kd_error_create(KD_ERR_NODATA, "%zu %s%s could not be read (named above)",
				       c->w->nlost, what, c->w->nlost == 1 ? "" : "s");
	return NULL;
}

static struct kd_error *read_u64(struct kd_walk_ctx *c, uint64_t addr, uint64_t *ret)
{
	uint8_t b[8];
	struct kd_error *err = c->read(c->s, addr, b, 8);
	if (!err)
		*ret = kd_walk_u64(c, b);
	return err;
}

// ---- lists -------------------------------------------------------------------

// Backwards from head->prev to where the forward walk stopped; the nodes are
// then handed over in list order.
static void list_backward(struct kd_walk_ctx *c, const struct kd_list_layout *l, uint64_t head,
			  struct kd_addr_set *fwd, uint64_t n_fwd)
{
	uint64_t *back = NULL, node;
	size_t n = 0, cap = 0;
	struct kd_cycle cyc = { 0 };
	struct kd_error *err = read_u64(c, head + l->prev, &node);
	if (err) {
		kd_walk_lose(c, head, kd_error_prefix(err, "the list's head (prev)"));
		return;
	}
	uint64_t ticks = 0;
	while (node && node != head && !set_has(fwd, node) && walk_go_on(c, &ticks)) {
		if (kd_cycle_step(&cyc, node) || n_fwd + n >= c->limit) {
			kd_walk_lose(c, node, kd_error_create(KD_ERR_CORRUPT, "the list loops backwards"));
			break;
		}
		uint64_t prev;
		if ((err = read_u64(c, node + l->prev, &prev))) {
			kd_walk_lose(c, node, kd_error_prefix(err, "list node"));
			break;
		}
		if (n == cap) {
			size_t nc = cap ? cap * 2 : 64;
			uint64_t *nb = realloc(back, nc * sizeof(*nb));
			if (!nb)
				break;
			back = nb;
			cap = nc;
		}
		back[n++] = node;
		set_add(fwd, node); // a backward loop closes on a node met
		node = prev;
	}
	if (!node)
		kd_walk_lose(c, head, kd_error_create(KD_ERR_CORRUPT, "a NULL prev pointer in the list"));
	for (size_t i = n; i-- > 0;)
		if (!kd_walk_emit(c, back[i], n_fwd + (n - 1 - i), n_fwd + (n - 1 - i), 0))
			break;
	free(back);
}

void kd_walk_list_core(struct kd_walk_ctx *c, const struct kd_list_layout *l, uint64_t head,
		       bool start_node)
{
	struct kd_addr_set fwd = { 0 };
	struct kd_cycle cyc = { 0 };
	uint64_t node, k = 0;
	struct kd_error *err;
	if (start_node) {
		// head is an element: emit it, then the others until it comes back.
		if ((err = read_u64(c, head + l->next, &node))) {
			kd_walk_lose(c, head, kd_error_prefix(err, "list node"));
			return;
		}
		if (!kd_walk_emit(c, head, k, k, 0))
			return;
		k++;
	} else if ((err = read_u64(c, head + l->next, &node))) {
		kd_walk_lose(c, head, kd_error_prefix(err, "the list's head"));
		return;
	}
	set_add(&fwd, head);
	bool broken = false;
	while (node != head) {
		if (!node) {
			kd_walk_lose(c, head, kd_error_create(KD_ERR_CORRUPT, "a NULL next pointer after %" PRIu64
							      " elements", k));
			broken = true;
			break;
		}
		if (kd_cycle_step(&cyc, node) || set_has(&fwd, node) || k >= c->limit) {
			kd_walk_lose(c, node, kd_error_create(KD_ERR_CORRUPT, "the list loops after %" PRIu64
							      " elements", k));
			broken = true;
			break;
		}
		uint64_t next;
		if ((err = read_u64(c, node + l->next, &next))) {
			kd_walk_lose(c, node, kd_error_prefix(err, "list node"));
			set_add(&fwd, node); // the backward walk stops there
			broken = true;
			break;
		}
		if (!kd_walk_emit(c, node, k, k, 0))
			break;
		k++;
		// Where the backward walk stops if the forward one breaks; it
		// also catches a loop back to any node at once.
		set_add(&fwd, node);
		node = next;
	}
	if (broken && !c->stop && !c->err)
		list_backward(c, l, head, &fwd, k);
	free(fwd.slot);
}

void kd_walk_hlist_core(struct kd_walk_ctx *c, const struct kd_list_layout *l, uint64_t head)
{
	uint64_t node, k = 0;
	struct kd_error *err;
	// hlist_head.first is in l->prev; the nodes have no way back to
	// the head, so a lost link loses the rest.
	if ((err = read_u64(c, head + l->prev, &node))) {
		kd_walk_lose(c, head, kd_error_prefix(err, "the hlist's head"));
		return;
	}
	while (node) {
		// Each node once: a loop is caught where it closes.
		if (set_has(&c->seen, node) || k >= c->limit) {
			kd_walk_lose(c, node, kd_error_create(KD_ERR_CORRUPT, "the hlist loops after %" PRIu64
							      " elements", k));
			return;
		}
		set_add(&c->seen, node);
		uint64_t next;
		if ((err = read_u64(c, node + l->next, &next))) {
			kd_walk_lose(c, node, kd_error_prefix(err, "hlist node (the rest of the list is lost)"));
			return;
		}
		if (!kd_walk_emit(c, node, k, k, 0))
			return;
		k++;
		node = next;
	}
}

// ---- red-black trees -----------------------------------------------------------

struct rb_frame {
	uint64_t node, right;
	size_t plen;
	unsigned depth;
};

void kd_walk_rbtree_core(struct kd_walk_ctx *c, const struct kd_rb_layout *l, uint64_t root,
			 bool start_node)
{
	uint64_t node = root, ticks = 0, k = 0;
	struct kd_error *err;
	if (!start_node && (err = read_u64(c, root + l->root, &node))) {
		kd_walk_lose(c, root, kd_error_prefix(err, "the rb_root"));
		return;
	}
	uint32_t span = (l->left > l->right ? l->left : l->right) + 8;
	uint8_t buf[64];
	if (span > sizeof(buf))
		return;
	struct rb_frame stack[RB_MAX_DEPTH];
	unsigned sp = 0, depth = 0;
	// In order: go left as far as possible stacking the nodes, emit the top,
	// then do the same from its right child.
	for (;;) {
		while (node) {
			if (!walk_go_on(c, &ticks))
				return;
			if (sp == RB_MAX_DEPTH) {
				kd_walk_lose(c, node, kd_error_create(KD_ERR_CORRUPT, "the rbtree is deeper than %d"
								      " (a loop?): subtree skipped", RB_MAX_DEPTH));
				break;
			}
			if (!kd_walk_first_visit(c, node))
				break;
			if ((err = c->read(c->s, node, buf, span))) {
				kd_walk_lose(c, node, kd_error_prefix(err, "rb_node (its subtree is lost)"));
				break;
			}
			stack[sp++] = (struct rb_frame){ node, kd_walk_u64(c, buf + l->right), c->plen, depth };
			node = kd_walk_u64(c, buf + l->left);
			depth++;
			kd_walk_path_push(c, "/l");
		}
		if (!sp)
			return;
		struct rb_frame f = stack[--sp];
		kd_walk_path_pop(c, f.plen);
		if (!kd_walk_emit(c, f.node, k, k, f.depth))
			return;
		if (++k >= c->limit)
			return;
		node = f.right;
		depth = f.depth + 1;
		kd_walk_path_push(c, "/r");
	}
}

// ---- layouts from BTF ------------------------------------------------------------

static struct kd_error *need_types(struct kd_session *s)
{
	if (kd_types_available(s))
		return NULL;
	return kd_error_create(KD_ERR_UNSUPPORTED,
			       "no types: the dump's BTF was not found (use --btf FILE or --vmlinux FILE)");
}

static struct kd_error *member_off(struct kd_session *s, const char *type, const char *path,
				   uint32_t *ret)
{
	struct kd_member_info m;
	struct kd_error *err = kd_type_member(s, type, path, &m);
	if (!err)
		*ret = (uint32_t)m.offset;
	return err;
}

static struct kd_error *list_layout(struct kd_session *s, bool hlist, struct kd_list_layout *l)
{
	struct kd_error *err = need_types(s);
	if (err)
		return err;
	if (hlist) {
		if (!(err = member_off(s, "hlist_node", "next", &l->next)))
			err = member_off(s, "hlist_head", "first", &l->prev);
	} else if (!(err = member_off(s, "list_head", "next", &l->next))) {
		err = member_off(s, "list_head", "prev", &l->prev);
	}
	return err;
}

static struct kd_error *rb_layout(struct kd_session *s, struct kd_rb_layout *l)
{
	struct kd_error *err = need_types(s);
	if (!err)
		err = member_off(s, "rb_root", "rb_node", &l->root);
	if (!err)
		err = member_off(s, "rb_node", "rb_left", &l->left);
	if (!err)
		err = member_off(s, "rb_node", "rb_right", &l->right);
	if (!err && (l->left > 56 || l->right > 56))
		err = kd_error_create(KD_ERR_UNSUPPORTED, "struct rb_node: unexpected layout");
	return err;
}

struct kd_error *kd_walk_list(struct kd_session *s, uint64_t head, struct kd_walk *w)
{
	struct kd_list_layout l;
	struct kd_error *err = list_layout(s, false, &l);
	if (err)
		return err;
	struct kd_walk_ctx c;
	kd_walk_ctx_init(&c, s, NULL, w);
	kd_walk_list_core(&c, &l, head, w->flags & KD_WALK_START_NODE);
	return kd_walk_ctx_finish(&c, "list element");
}

struct kd_error *kd_walk_hlist(struct kd_session *s, uint64_t head, struct kd_walk *w)
{
	struct kd_list_layout l;
	struct kd_error *err = list_layout(s, true, &l);
	if (err)
		return err;
	struct kd_walk_ctx c;
	kd_walk_ctx_init(&c, s, NULL, w);
	kd_walk_hlist_core(&c, &l, head);
	return kd_walk_ctx_finish(&c, "hlist element");
}

struct kd_error *kd_walk_rbtree(struct kd_session *s, uint64_t root, struct kd_walk *w)
{
	struct kd_rb_layout l;
	struct kd_error *err = rb_layout(s, &l);
	if (err)
		return err;
	struct kd_walk_ctx c;
	kd_walk_ctx_init(&c, s, NULL, w);
	kd_walk_rbtree_core(&c, &l, root, w->flags & KD_WALK_START_NODE);
	return kd_walk_ctx_finish(&c, "rbtree node");
}

struct kd_error *kd_percpu_ptr(struct kd_session *s, uint64_t pcp, unsigned cpu, uint64_t *ret)
{
	uint64_t off;
	struct kd_error *err = kd_percpu_offset(s, cpu, &off);
	if (err)
		return kd_error_prefix(err, "the per-cpu offset of CPU %u", cpu);
	*ret = pcp + off;
	return NULL;
}
