// SPDX-License-Identifier: GPL-3.0-or-later
// Container walkers (<kdive/walk.h>), part two: xarrays and radix trees
// (include/linux/xarray.h, lib/xarray.c: xa_node, internal entries), IDRs
// (include/linux/idr.h: an xarray plus idr_base) and maple trees
// (include/linux/maple_tree.h, lib/maple_tree.c: encoded node pointers,
// enum maple_type, pivots, the node metadata's end).  XA_CHUNK_SIZE is the
// length of xa_node.slots and the maple node geometry (slots and pivots per
// type) the lengths of the arrays in BTF.  The encodings of pointers
// (internal entries: low bits 10; maple node type in bits 3-6, the node
// aligned to its size) are the kernel's ABI-like constants, checked on each
// node read.
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <kdive/output.h>
#include <kdive/session.h>
#include <kdive/types.h>

#include "core/walk_priv.h"

enum {
	XA_MAX_NODE = 4096,   // bytes of an xa_node we accept to read
	MT_TYPE_SHIFT = 3,    // MAPLE_NODE_TYPE_SHIFT
	MT_TYPE_MASK = 0xf,   // MAPLE_NODE_TYPE_MASK
	MT_MAX_NODE = 1024,
	MT_MAX_DEPTH = 32,    // a maple tree of 2^64 entries is under 20 levels
};

// include/linux/xarray.h: an internal entry has its low two bits 10; below
// 4096 they are retry/zero/sibling markers, above a node pointer.
static bool xa_is_internal(uint64_t e)
{
	return (e & 3) == 2;
}

static bool xa_is_node(uint64_t e)
{
	return xa_is_internal(e) && e > 4096;
}

static void push_num(struct kd_walk_ctx *c, unsigned long v)
{
	char b[24];
	snprintf(b, sizeof(b), "/%lu", v);
	kd_walk_path_push(c, b);
}

// ---- xarray --------------------------------------------------------------------

static void xa_node_walk(struct kd_walk_ctx *c, const struct kd_xa_layout *l, uint64_t node,
			 int want_shift, uint64_t first, uint64_t base, unsigned depth)
{
	uint8_t buf[XA_MAX_NODE];
	size_t len = l->slots + (size_t)l->nslots * 8;
	if (!kd_walk_first_visit(c, node))
		return;
	struct kd_error *err = c->read(c->s, node, buf, len);
	if (err) {
		kd_walk_lose(c, node, kd_error_prefix(err, "xa_node (its entries are lost)"));
		return;
	}
	unsigned shift = buf[l->shift];
	if ((want_shift >= 0 && (int)shift != want_shift) || shift % l->chunk_shift || shift >= 64) {
		kd_walk_lose(c, node, kd_error_create(KD_ERR_CORRUPT, "xa_node with shift %u (expected %d)",
						      shift, want_shift));
		return;
	}
	uint64_t span = shift ? ((uint64_t)1 << shift) : 1;
	for (uint32_t k = 0; k < l->nslots; k++) {
		uint64_t e = kd_walk_u64(c, buf + l->slots + 8 * k);
		if (!e)
			continue;
		uint64_t idx = first + (uint64_t)k * span;
		size_t old = c->plen;
		push_num(c, k);
		if (xa_is_node(e)) {
			if (!shift || depth >= 64 / l->chunk_shift + 1)
				kd_walk_lose(c, e - 2, kd_error_create(KD_ERR_CORRUPT,
								       "xa_node below the last level"));
			else
				xa_node_walk(c, l, e - 2, (int)(shift - l->chunk_shift), idx, base, depth + 1);
		} else if (!xa_is_internal(e)) {
			// A pointer or a value entry; at shift > 0 a multi-index
			// entry covering the slot's whole range, and the slots after
			// it that hold sibling entries naming it (a large folio).
			uint32_t j = k + 1;
			while (j < l->nslots) {
				uint64_t sib = kd_walk_u64(c, buf + l->slots + 8 * j);
				if (!xa_is_internal(sib) || (sib >> 2) != k)
					break;
				j++;
			}
			kd_walk_emit(c, e, idx + base, idx + (uint64_t)(j - k) * span - 1 + base, depth);
		}
		// else: sibling, retry or zero entries hold nothing of their own
		kd_walk_path_pop(c, old);
		if (c->stop || c->err)
			return;
	}
}

void kd_walk_xarray_core(struct kd_walk_ctx *c, const struct kd_xa_layout *l, uint64_t xa,
			 bool start_node, uint64_t base)
{
	if (!l->nslots || l->slots + (size_t)l->nslots * 8 > XA_MAX_NODE || !l->chunk_shift)
		return;
	if (start_node) {
		xa_node_walk(c, l, xa, -1, 0, base, 0);
		return;
	}
	uint8_t b[8];
	struct kd_error *err = c->read(c->s, xa + l->head, b, 8);
	if (err) {
		kd_walk_lose(c, xa, kd_error_prefix(err, "the xarray's head"));
		return;
	}
	uint64_t head = kd_walk_u64(c, b);
	if (xa_is_node(head))
		xa_node_walk(c, l, head - 2, -1, 0, base, 0);
	else if (head && !xa_is_internal(head))
		kd_walk_emit(c, head, base, base, 0); // a single entry at index 0
}

// ---- maple tree ----------------------------------------------------------------

static int mt_kind(const struct kd_maple_layout *l, uint64_t enode)
{
	int64_t t = (int64_t)((enode >> MT_TYPE_SHIFT) & MT_TYPE_MASK);
	for (int k = 0; k < KD_MT_NTYPES; k++)
		if (l->type[k] == t && l->t[k].nslots)
			return k;
	return -1;
}

static void mt_node_walk(struct kd_walk_ctx *c, const struct kd_maple_layout *l, uint64_t enode,
			 uint64_t min, uint64_t max, unsigned depth)
{
	uint8_t buf[MT_MAX_NODE];
	uint64_t node = enode & ~(uint64_t)(l->node_size - 1);
	int kind = mt_kind(l, enode);
	if (kind < 0) {
		kd_walk_lose(c, node, kd_error_create(KD_ERR_CORRUPT, "maple node of unknown type %" PRIu64,
						      (enode >> MT_TYPE_SHIFT) & MT_TYPE_MASK));
		return;
	}
	if (!kd_walk_first_visit(c, node))
		return;
	struct kd_error *err = c->read(c->s, node, buf, l->node_size);
	if (err) {
		kd_walk_lose(c, node, kd_error_prefix(err, "maple node (its entries are lost)"));
		return;
	}
	const uint32_t nslots = l->t[kind].nslots, npiv = l->t[kind].npivots;
	const uint8_t *slots = buf + l->t[kind].slot, *pivots = buf + l->t[kind].pivot;
	bool leaf = kind == KD_MT_DENSE || kind == KD_MT_LEAF64;
	if (kind == KD_MT_DENSE) {
		for (uint32_t i = 0; i < nslots && min + i <= max && min + i >= min; i++) {
			uint64_t e = kd_walk_u64(c, slots + 8 * i);
			if (!e)
				continue;
			size_t old = c->plen;
			push_num(c, i);
			kd_walk_emit(c, e, min + i, min + i, depth);
			kd_walk_path_pop(c, old);
			if (c->stop || c->err)
				return;
		}
		return;
	}
	// The last slot in use (lib/maple_tree.c ma_data_end): the metadata's
	// end when the last pivot is unused (always for arange_64), else the
	// last pivot or the slot after it.
	uint32_t end;
	uint64_t last_piv = kd_walk_u64(c, pivots + 8 * (npiv - 1));
	if (kind == KD_MT_ARANGE64 || !last_piv)
		end = l->t[kind].meta_end ? buf[l->t[kind].meta_end] : npiv;
	else
		end = last_piv == max ? npiv - 1 : npiv;
	if (end >= nslots) {
		kd_walk_lose(c, node, kd_error_create(KD_ERR_CORRUPT, "maple node with end %u of %u slots",
						      end, nslots));
		end = nslots - 1;
	}
	uint64_t lo = min;
	for (uint32_t i = 0; i <= end; i++) {
		uint64_t hi = i < npiv ? kd_walk_u64(c, pivots + 8 * i) : max;
		if (i == end && i < npiv && hi < max && !leaf)
			hi = max; // the last child covers the rest of the node's range
		if (hi < lo || hi > max) {
			if (i > 0 && !hi)
				break; // unused pivots after the data
			kd_walk_lose(c, node, kd_error_create(KD_ERR_CORRUPT, "maple node: pivot %u is %#" PRIx64
							      " outside %#" PRIx64 "-%#" PRIx64, i, hi, lo, max));
			return;
		}
		uint64_t e = kd_walk_u64(c, slots + 8 * i);
		size_t old = c->plen;
		push_num(c, i);
		if (leaf) {
			if (e)
				kd_walk_emit(c, e, lo, hi, depth);
		} else if (e) {
			// Child pointers are encoded nodes (lib/maple_tree.c mt_mk_node);
			// only the root carries the internal-entry bit.
			if (e < 4096 || depth + 1 >= MT_MAX_DEPTH)
				kd_walk_lose(c, e, kd_error_create(KD_ERR_CORRUPT, "maple node slot %u: not a node", i));
			else
				mt_node_walk(c, l, e, lo, hi, depth + 1);
		}
		kd_walk_path_pop(c, old);
		if (c->stop || c->err || hi == max)
			return;
		lo = hi + 1;
	}
}

void kd_walk_maple_core(struct kd_walk_ctx *c, const struct kd_maple_layout *l, uint64_t mt,
			bool start_node)
{
	if (l->node_size < 64 || l->node_size > MT_MAX_NODE || (l->node_size & (l->node_size - 1)))
		return;
	for (int k = 0; k < KD_MT_NTYPES; k++) {
		// Every array must lie in the node; pivots exist but for dense.
		uint64_t se = l->t[k].slot + (uint64_t)l->t[k].nslots * 8;
		uint64_t pe = l->t[k].pivot + (uint64_t)l->t[k].npivots * 8;
		if (se > l->node_size || pe > l->node_size || l->t[k].meta_end >= l->node_size ||
		    (k != KD_MT_DENSE && l->t[k].nslots && !l->t[k].npivots))
			return;
	}
	uint64_t root = mt;
	if (!start_node) {
		uint8_t b[8];
		struct kd_error *err = c->read(c->s, mt + l->root, b, 8);
		if (err) {
			kd_walk_lose(c, mt, kd_error_prefix(err, "the maple tree's root"));
			return;
		}
		root = kd_walk_u64(c, b);
		if (!xa_is_node(root)) {
			if (root)
				kd_walk_emit(c, root, 0, 0, 0); // a single entry at index 0
			return;
		}
	}
	mt_node_walk(c, l, root, 0, UINT64_MAX, 0);
}

// ---- layouts from BTF and the entry points --------------------------------------

static struct kd_error *need_types(struct kd_session *s)
{
	if (kd_types_available(s))
		return NULL;
	return kd_error_create(KD_ERR_UNSUPPORTED,
			       "no types: the dump's BTF was not found (use --btf FILE or --vmlinux FILE)");
}

static struct kd_error *xa_layout(struct kd_session *s, struct kd_xa_layout *l)
{
	struct kd_member_info m;
	struct kd_error *err = need_types(s);
	memset(l, 0, sizeof(*l));
	if (err || (err = kd_type_member(s, "xarray", "xa_head", &m)))
		return err;
	l->head = (uint32_t)m.offset;
	if ((err = kd_type_member(s, "xa_node", "shift", &m)))
		return err;
	l->shift = (uint32_t)m.offset;
	if ((err = kd_type_member(s, "xa_node", "slots", &m)))
		return err;
	l->slots = (uint32_t)m.offset;
	l->nslots = (uint32_t)m.nelems;
	// XA_CHUNK_SIZE is 1 << XA_CHUNK_SHIFT: the array's length says which.
	while (l->chunk_shift < 16 && (1u << l->chunk_shift) < l->nslots)
		l->chunk_shift++;
	if (!l->nslots || (1u << l->chunk_shift) != l->nslots || l->slots + l->nslots * 8 > XA_MAX_NODE)
		return kd_error_create(KD_ERR_UNSUPPORTED, "struct xa_node: %u slots", l->nslots);
	return NULL;
}

struct kd_error *kd_walk_xarray(struct kd_session *s, uint64_t xa, struct kd_walk *w)
{
	struct kd_xa_layout l;
	struct kd_error *err = xa_layout(s, &l);
	if (err)
		return err;
	struct kd_walk_ctx c;
	kd_walk_ctx_init(&c, s, NULL, w);
	kd_walk_xarray_core(&c, &l, xa, w->flags & KD_WALK_START_NODE, 0);
	return kd_walk_ctx_finish(&c, "xarray node");
}

struct kd_error *kd_walk_idr(struct kd_session *s, uint64_t idr, struct kd_walk *w)
{
	struct kd_xa_layout l;
	struct kd_member_info rt, base;
	struct kd_error *err = xa_layout(s, &l);
	if (err || (err = kd_type_member(s, "idr", "idr_rt", &rt)) ||
	    (err = kd_type_member(s, "idr", "idr_base", &base)))
		return err;
	uint64_t idr_base = 0;
	if (base.size != 4 && base.size != 8)
		return kd_error_create(KD_ERR_UNSUPPORTED, "struct idr: idr_base of %" PRIu64 " bytes",
				       base.size);
	uint8_t b[8];
	if ((err = kd_read_kernel(s, idr + base.offset, b, base.size)))
		return kd_error_prefix(err, "the idr's idr_base");
	idr_base = kd_dump_uint(s, b, (unsigned)base.size);
	struct kd_walk_ctx c;
	kd_walk_ctx_init(&c, s, NULL, w);
	kd_walk_xarray_core(&c, &l, idr + rt.offset, false, idr_base);
	return kd_walk_ctx_finish(&c, "idr node");
}

static struct kd_error *maple_type_layout(struct kd_session *s, struct kd_maple_layout *l, int k,
					  const char *type, const char *slot, const char *pivot,
					  const char *meta)
{
	struct kd_member_info m;
	struct kd_error *err = kd_type_member(s, type, slot, &m);
	if (err)
		return err;
	l->t[k].slot = (uint32_t)m.offset;
	l->t[k].nslots = (uint32_t)m.nelems;
	if (pivot) {
		if ((err = kd_type_member(s, type, pivot, &m)))
			return err;
		l->t[k].pivot = (uint32_t)m.offset;
		l->t[k].npivots = (uint32_t)m.nelems;
	}
	if (meta && !kd_type_member(s, type, meta, &m))
		l->t[k].meta_end = (uint32_t)m.offset;
	return NULL;
}

static struct kd_error *maple_layout(struct kd_session *s, struct kd_maple_layout *l)
{
	struct kd_member_info m;
	uint64_t size;
	struct kd_error *err = need_types(s);
	memset(l, 0, sizeof(*l));
	if (err || (err = kd_type_member(s, "maple_tree", "ma_root", &m)) ||
	    (err = kd_type_size(s, "maple_node", &size)))
		return err;
	l->root = (uint32_t)m.offset;
	l->node_size = (uint32_t)size;
	static const char *const names[KD_MT_NTYPES] = {
		"maple_dense", "maple_leaf_64", "maple_range_64", "maple_arange_64",
	};
	for (int k = 0; k < KD_MT_NTYPES; k++) {
		int64_t v;
		l->type[k] = -1;
		if (!kd_enum_value(s, "maple_type", names[k], &v))
			l->type[k] = v;
		else if (k != KD_MT_DENSE)
			return kd_error_create(KD_ERR_UNSUPPORTED, "enum maple_type has no %s", names[k]);
	}
	// Dense nodes use the whole node for slots; leaf_64 nodes have the
	// maple_range_64 layout.
	if ((err = maple_type_layout(s, l, KD_MT_DENSE, "maple_node", "slot", NULL, NULL)) ||
	    (err = maple_type_layout(s, l, KD_MT_RANGE64, "maple_range_64", "slot", "pivot", "meta.end")) ||
	    (err = maple_type_layout(s, l, KD_MT_ARANGE64, "maple_arange_64", "slot", "pivot", "meta.end")))
		return err;
	l->t[KD_MT_LEAF64] = l->t[KD_MT_RANGE64];
	if (l->node_size > MT_MAX_NODE || l->node_size & (l->node_size - 1))
		return kd_error_create(KD_ERR_UNSUPPORTED, "struct maple_node of %u bytes", l->node_size);
	return NULL;
}

struct kd_error *kd_walk_maple(struct kd_session *s, uint64_t mt, struct kd_walk *w)
{
	struct kd_maple_layout l;
	struct kd_error *err = maple_layout(s, &l);
	if (err)
		return err;
	struct kd_walk_ctx c;
	kd_walk_ctx_init(&c, s, NULL, w);
	kd_walk_maple_core(&c, &l, mt, w->flags & KD_WALK_START_NODE);
	return kd_walk_ctx_finish(&c, "maple node");
}
