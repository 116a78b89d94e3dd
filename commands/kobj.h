/* SPDX-License-Identifier: GPL-3.0-or-later */
// kobj.h: small static helpers shared by the sysc command modules (net, dev,
// irq, timer, runq, swap, ipcs, waitq): typed member reads with a sticky
// error, kernel strings, and bounded, interruptible walks over the kernel's
// containers (list_head and hlist, include/linux/list.h; rb_node,
// include/linux/rbtree_types.h; xarray/radix tree and IDR,
// include/linux/xarray.h, lib/xarray.c, include/linux/idr.h; resource
// trees, include/linux/ioport.h).  Every layout comes from the dump's BTF.
// Static, so each module carries its own copy; they are meant to move to the
// core walkers (<kdive/walk.h>) once those are in.
#ifndef KDIVE_CMD_KOBJ_H
#define KDIVE_CMD_KOBJ_H
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <kdive/module.h>
#include <kdive/symbols.h>
#include <kdive/types.h>

enum { KO_MAX_NODES = 1 << 20 };

// A reader with a sticky error: a run of reads for one object, checked once.
struct ko {
	struct kd_session *s;
	struct kd_error *err;
};

static inline uint64_t ko_get(struct ko *r, const char *type, const char *path, uint64_t addr)
{
	uint64_t v = 0;
	if (r->err)
		return 0;
	r->err = kd_read_member_u64(r->s, type, path, addr, &v);
	return r->err ? 0 : v;
}

// The offset of a member (0 with the error set when the kernel has none).
static inline uint64_t ko_off(struct ko *r, const char *type, const char *path)
{
	struct kd_member_info m;
	if (r->err)
		return 0;
	r->err = kd_type_member(r->s, type, path, &m);
	return r->err ? 0 : m.offset;
}

// True when the kernel's type has this member (never sets the error).
static inline bool ko_has(struct kd_session *s, const char *type, const char *path)
{
	struct kd_member_info m;
	struct kd_error *err = kd_type_member(s, type, path, &m);
	kd_error_destroy(err);
	return err == NULL;
}

static inline uint64_t ko_size(struct ko *r, const char *type)
{
	uint64_t v = 0;
	if (!r->err)
		r->err = kd_type_size(r->s, type, &v);
	return v;
}

// A pointer-sized word at addr.
static inline uint64_t ko_word(struct ko *r, uint64_t addr)
{
	uint8_t b[8];
	if (r->err)
		return 0;
	r->err = kd_read_kernel(r->s, addr, b, 8);
	return r->err ? 0 : kd_dump_u64(r->s, b);
}

static inline uint32_t ko_u32(struct ko *r, uint64_t addr)
{
	uint8_t b[4];
	if (r->err)
		return 0;
	r->err = kd_read_kernel(r->s, addr, b, 4);
	return r->err ? 0 : kd_dump_u32(r->s, b);
}

// The address of a global symbol.
static inline uint64_t ko_sym(struct ko *r, const char *name)
{
	uint64_t a = 0;
	if (!r->err)
		r->err = kd_symbol_address(r->s, name, &a);
	return a;
}

// A per-cpu symbol's address on one CPU.
static inline uint64_t ko_percpu(struct ko *r, const char *name, unsigned cpu)
{
	uint64_t a = ko_sym(r, name), off = 0;
	if (!r->err)
		r->err = kd_percpu_offset(r->s, cpu, &off);
	return a + off;
}

// Take the error out (NULL if none).
static inline struct kd_error *ko_take(struct ko *r)
{
	struct kd_error *e = r->err;
	r->err = NULL;
	return e;
}

// A NUL-terminated kernel string at addr into buf ("" for NULL); reads page
// by page so a string near the end of a mapped page still reads.
static inline struct kd_error *ko_string(struct kd_session *s, uint64_t addr, char *buf, size_t size)
{
	buf[0] = 0;
	if (!addr || size == 0)
		return NULL;
	size_t n = 0;
	while (n + 1 < size) {
		uint64_t pg = kd_page_size(s);
		size_t chunk = (size_t)(pg - ((addr + n) & (pg - 1)));
		if (chunk > size - 1 - n)
			chunk = size - 1 - n;
		struct kd_error *err = kd_read_kernel(s, addr + n, buf + n, chunk);
		if (err) {
			buf[n] = 0;
			return kd_error_prefix(err, "reading the string at 0x%" PRIx64, addr);
		}
		void *z = memchr(buf + n, 0, chunk);
		if (z)
			return NULL;
		n += chunk;
	}
	buf[size - 1] = 0;
	return NULL;
}

// The number of CPUs to look at: the dump's per-CPU notes, else
// nr_cpu_ids.
static inline unsigned ko_nr_cpus(struct kd_session *s)
{
	unsigned n = kd_dump_nr_cpus(s);
	if (n)
		return n;
	struct ko r = { s, NULL };
	uint64_t a = ko_sym(&r, "nr_cpu_ids");
	uint32_t v = ko_u32(&r, a);
	kd_error_destroy(ko_take(&r));
	return v && v <= 8192 ? v : 1;
}

/* ---- walks ------------------------------------------------------------------ */

// Called with each node's address; a non-NULL error stops the walk and is
// returned (use it for interrupts and fatal errors; warn and go on otherwise).
typedef struct kd_error *ko_node_fn(struct kd_session *s, uint64_t node, void *arg);

// A circular list_head from head (not visited itself): each node's address.
static inline struct kd_error *ko_list(struct kd_session *s, uint64_t head, ko_node_fn *fn, void *arg)
{
	struct ko r = { s, NULL };
	struct kd_cycle cyc = { 0 };
	uint64_t node = ko_word(&r, head);
	for (size_t n = 0; !r.err && node != head; n++) {
		if (!node || n >= KO_MAX_NODES || kd_cycle_step(&cyc, node))
			return kd_error_create(KD_ERR_CORRUPT, "the list at 0x%" PRIx64 " is broken after %zu entries (%s)",
					       head, n, node ? "it loops" : "a NULL link");
		struct kd_error *err = fn(s, node, arg);
		if (!err)
			err = kd_check_interrupt(s);
		if (err)
			return err;
		node = ko_word(&r, node);
	}
	if (r.err)
		return kd_error_prefix(ko_take(&r), "walking the list at 0x%" PRIx64, head);
	return NULL;
}

// An hlist from the hlist_head at head: each hlist_node's address.
static inline struct kd_error *ko_hlist(struct kd_session *s, uint64_t head, ko_node_fn *fn, void *arg)
{
	struct ko r = { s, NULL };
	struct kd_cycle cyc = { 0 };
	uint64_t node = ko_word(&r, head);
	for (size_t n = 0; !r.err && node; n++) {
		if (n >= KO_MAX_NODES || kd_cycle_step(&cyc, node))
			return kd_error_create(KD_ERR_CORRUPT, "the hlist at 0x%" PRIx64 " loops", head);
		struct kd_error *err = fn(s, node, arg);
		if (!err)
			err = kd_check_interrupt(s);
		if (err)
			return err;
		node = ko_word(&r, node); // hlist_node.next is its first member
	}
	if (r.err)
		return kd_error_prefix(ko_take(&r), "walking the hlist at 0x%" PRIx64, head);
	return NULL;
}

// An rbtree in order from the rb_node pointer root (each rb_node's address).
static inline struct kd_error *ko_rbtree(struct kd_session *s, uint64_t root, ko_node_fn *fn, void *arg)
{
	struct ko r = { s, NULL };
	uint64_t left = ko_off(&r, "rb_node", "rb_left"), right = ko_off(&r, "rb_node", "rb_right");
	if (r.err)
		return ko_take(&r);
	uint64_t stack[128];
	size_t sp = 0, n = 0;
	uint64_t node = root;
	while (node || sp) {
		while (node) {
			if (sp == 128)
				return kd_error_create(KD_ERR_CORRUPT, "the rbtree at 0x%" PRIx64 " is deeper than 128", root);
			stack[sp++] = node;
			node = ko_word(&r, node + left);
			if (r.err)
				return kd_error_prefix(ko_take(&r), "walking the rbtree at 0x%" PRIx64, root);
		}
		node = stack[--sp];
		if (++n > KO_MAX_NODES)
			return kd_error_create(KD_ERR_CORRUPT, "the rbtree at 0x%" PRIx64 " has too many nodes", root);
		struct kd_error *err = fn(s, node, arg);
		if (!err)
			err = kd_check_interrupt(s);
		if (err)
			return err;
		node = ko_word(&r, node + right);
		if (r.err)
			return kd_error_prefix(ko_take(&r), "walking the rbtree at 0x%" PRIx64, root);
	}
	return NULL;
}

// Called with each present entry of an xarray and its index.
typedef struct kd_error *ko_xa_fn(struct kd_session *s, uint64_t index, uint64_t entry, void *arg);

static inline struct kd_error *ko_xa_node(struct kd_session *s, uint64_t node, uint64_t base, unsigned depth,
					  ko_xa_fn *fn, void *arg)
{
	struct ko r = { s, NULL };
	struct kd_member_info slots;
	struct kd_error *err = kd_type_member(s, "xa_node", "slots", &slots);
	if (err)
		return err;
	uint64_t shift = ko_get(&r, "xa_node", "shift", node);
	if (r.err)
		return kd_error_prefix(ko_take(&r), "reading the xarray node at 0x%" PRIx64, node);
	uint64_t nslots = slots.nelems;
	if (depth > 16 || shift > 63 || !nslots || nslots > 4096)
		return kd_error_create(KD_ERR_CORRUPT, "the xarray node at 0x%" PRIx64 " is malformed (shift %" PRIu64 ")",
				       node, shift);
	for (uint64_t i = 0; i < nslots; i++) {
		uint64_t e = ko_word(&r, node + slots.offset + i * 8);
		if (r.err)
			return kd_error_prefix(ko_take(&r), "reading the xarray node at 0x%" PRIx64, node);
		if (!e)
			continue;
		uint64_t index = base + (i << shift);
		if ((e & 3) == 2) {
			if (e <= 4096) // sibling, retry or zero entry
				continue;
			if (!shift)
				return kd_error_create(KD_ERR_CORRUPT, "the xarray node at 0x%" PRIx64 " has a node below shift 0", node);
			err = ko_xa_node(s, e - 2, index, depth + 1, fn, arg);
		} else {
			err = fn(s, index, e, arg);
		}
		if (!err)
			err = kd_check_interrupt(s);
		if (err)
			return err;
	}
	return NULL;
}

// Every present entry of the xarray (or radix_tree_root) at xa.
static inline struct kd_error *ko_xarray(struct kd_session *s, uint64_t xa, ko_xa_fn *fn, void *arg)
{
	struct ko r = { s, NULL };
	uint64_t head = ko_get(&r, "xarray", "xa_head", xa);
	if (r.err)
		return kd_error_prefix(ko_take(&r), "reading the xarray at 0x%" PRIx64, xa);
	if (!head)
		return NULL;
	if ((head & 3) == 2 && head > 4096)
		return ko_xa_node(s, head - 2, 0, 0, fn, arg);
	if ((head & 3) == 2)
		return NULL;
	return fn(s, 0, head, arg);
}
// The path of a (vfsmount, dentry) pair as d_path() prints it
// (fs/d_path.c): dentry names up to the mount's root, then on through the
// mount it sits on (struct mount, fs/mount.h), up to the root mount.
static inline struct kd_error *ko_d_path(struct kd_session *s, uint64_t vfsmnt, uint64_t dentry, char *buf,
					 size_t size)
{
	struct ko r = { s, NULL };
	uint64_t mnt_off = ko_off(&r, "mount", "mnt");
	if (r.err)
		return ko_take(&r);
	uint64_t mnt = vfsmnt - mnt_off;
	char *end = buf + size - 1, *p = end;
	*p = 0;
	for (int depth = 0; depth < 256; depth++) {
		uint64_t root = ko_get(&r, "vfsmount", "mnt_root", vfsmnt);
		uint64_t parent = ko_get(&r, "dentry", "d_parent", dentry);
		if (r.err)
			break;
		if (dentry == root || dentry == parent) {
			uint64_t up = ko_get(&r, "mount", "mnt_parent", mnt);
			if (r.err || up == mnt || !up)
				break; // the root of the tree
			dentry = ko_get(&r, "mount", "mnt_mountpoint", mnt);
			mnt = up;
			vfsmnt = mnt + mnt_off;
			continue;
		}
		uint64_t len = ko_get(&r, "dentry", "d_name.len", dentry);
		uint64_t name = ko_get(&r, "dentry", "d_name.name", dentry);
		if (r.err)
			break;
		if (len > 255 || (size_t)(p - buf) < len + 1) {
			r.err = kd_error_create(KD_ERR_CORRUPT, "the dentry at 0x%" PRIx64 " has a %" PRIu64 "-byte name",
						dentry, len);
			break;
		}
		char comp[256];
		struct kd_error *err = kd_read_kernel(s, name, comp, len);
		if (err) {
			r.err = err;
			break;
		}
		p -= len;
		memcpy(p, comp, len);
		*--p = '/';
		dentry = parent;
	}
	if (r.err) {
		snprintf(buf, size, "?");
		return kd_error_prefix(ko_take(&r), "the path of the dentry at 0x%" PRIx64, dentry);
	}
	if (p == end)
		*--p = '/';
	memmove(buf, p, (size_t)(end - p) + 1);
	return NULL;
}
#endif
