/* SPDX-License-Identifier: GPL-3.0-or-later */
// kobj.h: small static helpers shared by the sysc command modules (net, dev,
// irq, timer, runq, swap, ipcs, waitq): typed member reads with a sticky
// error, kernel strings, and bounded, interruptible walks over the kernel's
// containers (list_head and hlist, include/linux/list.h; rb_node,
// include/linux/rbtree_types.h; xarrays, maple trees) as thin callbacks over
// the core walkers of <kdive/walk.h> (paths: <kdive/fs.h> kd_fs_path).  Every layout comes from
// the dump's BTF.  Static, so each module carries its own copy.
#ifndef KDIVE_CMD_KOBJ_H
#define KDIVE_CMD_KOBJ_H
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <kdive/module.h>
#include <kdive/symbols.h>
#include <kdive/types.h>
#include <kdive/walk.h>

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

// The sysc commands' callbacks over the core walkers (<kdive/walk.h>): a
// node callback's error (an interrupt, out of memory) stops the walk and is
// returned; a node the walker could not read is named there once (kd_warn,
// address and why) and the walk goes on, then returns KD_ERR_NODATA.

// Called with each node's address (a list_head, hlist_node or rb_node).
typedef struct kd_error *ko_node_fn(struct kd_session *s, uint64_t node, void *arg);
// Called with each present entry of an xarray or maple tree and its (first) index.
typedef struct kd_error *ko_xa_fn(struct kd_session *s, uint64_t index, uint64_t entry, void *arg);

struct ko_adapt {
	ko_node_fn *fn;
	ko_xa_fn *xfn;
	void *arg;
	struct kd_error *err;
};

static inline int ko_each(struct kd_session *s, const struct kd_walk_item *it, void *arg)
{
	struct ko_adapt *a = arg;
	a->err = a->fn ? a->fn(s, it->addr, a->arg) : a->xfn(s, it->first, it->addr, a->arg);
	return a->err != NULL;
}

typedef struct kd_error *ko_walker(struct kd_session *s, uint64_t at, struct kd_walk *w);

static inline struct kd_error *ko_walk(struct kd_session *s, ko_walker *walker, uint64_t at, unsigned flags,
				       ko_node_fn *fn, ko_xa_fn *xfn, void *arg)
{
	struct ko_adapt a = { fn, xfn, arg, NULL };
	struct kd_walk w = { .fn = ko_each, .arg = &a, .flags = flags };
	struct kd_error *err = walker(s, at, &w);
	if (a.err) {
		kd_error_destroy(err);
		return a.err;
	}
	return err;
}

// A circular list_head from head (not visited itself): each node's address.
static inline struct kd_error *ko_list(struct kd_session *s, uint64_t head, ko_node_fn *fn, void *arg)
{
	return ko_walk(s, kd_walk_list, head, 0, fn, NULL, arg);
}

// An hlist from the hlist_head at head: each hlist_node's address.
static inline struct kd_error *ko_hlist(struct kd_session *s, uint64_t head, ko_node_fn *fn, void *arg)
{
	return ko_walk(s, kd_walk_hlist, head, 0, fn, NULL, arg);
}

// An rbtree in order from its root node (an rb_node address, 0 when empty).
static inline struct kd_error *ko_rbtree(struct kd_session *s, uint64_t root, ko_node_fn *fn, void *arg)
{
	if (!root)
		return NULL;
	return ko_walk(s, kd_walk_rbtree, root, KD_WALK_START_NODE, fn, NULL, arg);
}

// Every present entry of the xarray (or radix_tree_root) at xa.
static inline struct kd_error *ko_xarray(struct kd_session *s, uint64_t xa, ko_xa_fn *fn, void *arg)
{
	return ko_walk(s, kd_walk_xarray, xa, 0, NULL, fn, arg);
}

// Every entry of the maple tree at mt, with the first index of its range.
static inline struct kd_error *ko_maple(struct kd_session *s, uint64_t mt, ko_xa_fn *fn, void *arg)
{
	return ko_walk(s, kd_walk_maple, mt, 0, NULL, fn, arg);
}

// The state of one run of a command that walks kernel objects: each
// unreadable element is named once on stderr and counted, and the command
// fails at the end when any was (docs/HACKING.md "A kernel-object table").
// cmd, when set, prefixes each warning ("dev: ..."); sched's warnings name
// their command (runq, timer, waitq) in `what` instead.
struct ko_run {
	struct kd_session *s;
	bool json;
	size_t bad;
	const char *cmd;
};

// Name an unreadable element (what, its address, why) and count it; err is consumed.
static inline void ko_bad(struct ko_run *rn, struct kd_error *err, const char *what, uint64_t addr)
{
	kd_warn(rn->s, "%s%s%s at 0x%016" PRIx64 ": %s", rn->cmd ? rn->cmd : "", rn->cmd ? ": " : "", what, addr,
		err->msg);
	kd_error_destroy(err);
	rn->bad++;
}

// The command's result: err, else a failure when bad elements were named.
static inline struct kd_error *ko_finish(size_t bad, struct kd_error *err)
{
	if (!err && bad)
		err = kd_error_create(KD_ERR_NODATA, "%zu entr%s unreadable (named above)", bad, bad == 1 ? "y" : "ies");
	return err;
}

#endif
