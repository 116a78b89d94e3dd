// SPDX-License-Identifier: GPL-3.0-or-later
// A process's VMAs (<kdive/vma.h>), from whichever container the kernel's
// mm_struct has (include/linux/mm_types.h): the maple tree mm_mt (6.1+,
// entries are vm_area_struct pointers indexed by address), the rbtree
// mm_rb through vm_area_struct.vm_rb (before 6.1), or the list mmap /
// vm_next (very old kernels).  The containers are walked by <kdive/walk.h>;
// each VMA's fields are read by the members BTF shows.
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <kdive/session.h>
#include <kdive/types.h>
#include <kdive/vma.h>
#include <kdive/walk.h>

struct layout {
	struct kd_member_info start, end, flags, pgoff, file, anon_vma;
	uint64_t size, rb_off;
};

struct ctx {
	struct layout l;
	kd_vma_fn *fn;
	kd_vma_lost_fn *lost;
	void *arg;
	size_t count, nlost;
	uint64_t last_end;     // VMAs come in address order: a repeat is a cycle
	int stop;
};

static bool ok(struct kd_error *err)
{
	bool r = err == NULL;
	kd_error_destroy(err);
	return r;
}

static struct kd_error *get_layout(struct kd_session *s, struct layout *l)
{
	struct kd_error *err;
	memset(l, 0, sizeof(*l));
	if ((err = kd_type_member(s, "vm_area_struct", "vm_start", &l->start)) ||
	    (err = kd_type_member(s, "vm_area_struct", "vm_end", &l->end)) ||
	    (err = kd_type_member(s, "vm_area_struct", "vm_flags", &l->flags)) ||
	    (err = kd_type_size(s, "vm_area_struct", &l->size)))
		return kd_error_prefix(err, "the VMA layout");
	if (!ok(kd_type_member(s, "vm_area_struct", "vm_pgoff", &l->pgoff)))
		l->pgoff.size = 0;
	if (!ok(kd_type_member(s, "vm_area_struct", "vm_file", &l->file)))
		l->file.size = 0;
	if (!ok(kd_type_member(s, "vm_area_struct", "anon_vma", &l->anon_vma)))
		l->anon_vma.size = 0;
	struct kd_member_info rb;
	l->rb_off = ok(kd_type_member(s, "vm_area_struct", "vm_rb", &rb)) ? rb.offset : UINT64_MAX;
	if (l->size > 4096)
		return kd_error_create(KD_ERR_CORRUPT, "struct vm_area_struct of %" PRIu64 " bytes", l->size);
	return NULL;
}

static uint64_t field(struct kd_session *s, const uint8_t *buf, const struct kd_member_info *m)
{
	return m->size && m->size <= 8 ? kd_dump_uint(s, buf + m->offset, (unsigned)m->size) : 0;
}

static void lose(struct kd_session *s, struct ctx *c, uint64_t addr, const struct kd_error *why)
{
	c->nlost++;
	if (c->lost)
		c->lost(s, addr, why, c->arg);
	else
		kd_warn(s, "vm_area_struct at 0x%" PRIx64 ": %s", addr, why->msg);
}

static int one(struct kd_session *s, struct ctx *c, uint64_t addr)
{
	uint8_t buf[4096];
	struct kd_error *err = kd_read_kernel(s, addr, buf, c->l.size);
	if (err) {
		lose(s, c, addr, err);
		kd_error_destroy(err);
		return 0;
	}
	struct kd_vma v = {
		.addr = addr,
		.start = field(s, buf, &c->l.start),
		.end = field(s, buf, &c->l.end),
		.flags = field(s, buf, &c->l.flags),
		.pgoff = field(s, buf, &c->l.pgoff),
		.file = field(s, buf, &c->l.file),
		.anon_vma = field(s, buf, &c->l.anon_vma),
	};
	if (v.end <= v.start || v.start < c->last_end) {
		struct kd_error *bad = kd_error_create(KD_ERR_CORRUPT, "impossible range %" PRIx64 "-%" PRIx64
						       " (after %" PRIx64 ")", v.start, v.end, c->last_end);
		lose(s, c, addr, bad);
		kd_error_destroy(bad);
		return 0;
	}
	c->last_end = v.end;
	c->count++;
	c->stop = c->fn(s, &v, c->arg);
	return c->stop;
}

static int from_maple(struct kd_session *s, const struct kd_walk_item *it, void *arg)
{
	struct ctx *c = arg;
	if (!it->addr || (it->addr & 3)) // empty ranges; xa value entries are not VMAs
		return 0;
	return one(s, c, it->addr);
}

static int from_rb(struct kd_session *s, const struct kd_walk_item *it, void *arg)
{
	struct ctx *c = arg;
	return one(s, c, it->addr - c->l.rb_off);
}

static void walk_lost(struct kd_session *s, uint64_t addr, const struct kd_error *why, void *arg)
{
	lose(s, arg, addr, why);
}

struct kd_error *kd_vma_foreach(struct kd_session *s, uint64_t mm, kd_vma_fn *fn, kd_vma_lost_fn *lost,
				void *arg, size_t *count_ret)
{
	struct ctx c = { .fn = fn, .lost = lost, .arg = arg };
	struct kd_error *err = get_layout(s, &c.l);
	if (err)
		return err;
	struct kd_member_info m;
	struct kd_walk w = { .lost = walk_lost, .arg = &c };
	if (ok(kd_type_member(s, "mm_struct", "mm_mt", &m))) {
		w.fn = from_maple;
		err = kd_walk_maple(s, mm + m.offset, &w);
	} else if (ok(kd_type_member(s, "mm_struct", "mm_rb", &m)) && c.l.rb_off != UINT64_MAX) {
		w.fn = from_rb;
		err = kd_walk_rbtree(s, mm + m.offset, &w);
	} else if (ok(kd_type_member(s, "mm_struct", "mmap", &m))) {
		// The vm_next list: first VMA at mm->mmap, bounded by the map count.
		struct kd_member_info next;
		if ((err = kd_type_member(s, "vm_area_struct", "vm_next", &next)))
			return kd_error_prefix(err, "the VMA list");
		uint64_t v = 0;
		if ((err = kd_read_kernel(s, mm + m.offset, &v, 8)))
			return kd_error_prefix(err, "reading mm_struct.mmap at 0x%" PRIx64, mm + m.offset);
		v = kd_dump_uint(s, &v, 8);
		struct kd_cycle cyc = { 0 };
		for (unsigned n = 0; v && n < (1u << 20) && !c.stop; n++) {
			if (kd_cycle_step(&cyc, v)) {
				struct kd_error *loop =
					kd_error_create(KD_ERR_CORRUPT, "vm_next loops back to it (the rest of the list is lost)");
				lose(s, &c, v, loop);
				kd_error_destroy(loop);
				break;
			}
			one(s, &c, v);
			uint64_t nx;
			if ((err = kd_read_kernel(s, v + next.offset, &nx, 8))) {
				lose(s, &c, v, err); // the rest of the list is lost with this link
				kd_error_destroy(err);
				err = NULL;
				break;
			}
			v = kd_dump_uint(s, &nx, 8);
			if ((err = kd_check_interrupt(s)))
				break;
		}
	} else {
		return kd_error_create(KD_ERR_UNSUPPORTED,
				       "this kernel's mm_struct has none of mm_mt, mm_rb or mmap in its types");
	}
	if (count_ret)
		*count_ret = c.count;
	if (!err && c.nlost && !lost)
		err = kd_error_create(KD_ERR_NODATA, "%zu VMA(s) unreadable (named above)", c.nlost);
	return err;
}
