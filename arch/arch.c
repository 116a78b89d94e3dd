// SPDX-License-Identifier: GPL-3.0-or-later
// The table of architecture backends (see arch.h): one entry per machine.
// Everything generic about translation (the TLB, the public API) lives in
// the core (vm.c), so that adding an architecture touches only
// arch/ and one Makefile.am line.  Also what the backends share: the
// set of empty tables, translate()'s errors and the unwinders' stacks.
#include <inttypes.h>
#include <stdlib.h>

#include "arch.h"

// One entry per architecture; the ops are defined in arch/<name>.c.
extern const struct kd_arch_ops kd_arch_x86_64;
extern const struct kd_arch_ops kd_arch_aarch64;

static const struct kd_arch_ops *const backends[] = {
	&kd_arch_x86_64,
	&kd_arch_aarch64,
};

const struct kd_arch_ops *kd_arch_find(unsigned e_machine)
{
	for (size_t i = 0; i < sizeof(backends) / sizeof(backends[0]); i++)
		if (backends[i]->info->e_machine == e_machine)
			return backends[i];
	return NULL;
}

/*
 * Pages that follow each other in physical memory too are read in one call
 * (the kernel image, a vmalloc area backed by a contiguous block): an
 * uncompressed dump then serves a 4 MiB BTF with one pread instead of a
 * thousand.  When such a run cannot be read whole, its pages are read one by
 * one (never as a shorter run again: that would read the run's tail once per
 * page), so the error names the very page that failed, as before.
 */
struct kd_error *kd_arch_read_virt(kd_virt_xlat_fn *xlat, void *xarg, kd_phys_read_fn *read, void *rarg,
				   uint64_t page_size, uint64_t va, void *buf, size_t len)
{
	char *p = buf;
	size_t by_page = 0; // bytes left of a run that failed whole
	while (len) {
		uint64_t in_page = page_size - (va & (page_size - 1));
		size_t n = len < in_page ? len : (size_t)in_page;
		uint64_t pa;
		struct kd_error *err = xlat(xarg, va, &pa);
		if (err)
			return err;
		size_t run = n;
		uint64_t next_pa;
		while (!by_page && run < len) {
			struct kd_error *e = xlat(xarg, va + run, &next_pa);
			if (e) {
				kd_error_destroy(e);
				break;
			}
			if (next_pa != pa + run)
				break;
			run += len - run < page_size ? len - run : (size_t)page_size;
		}
		if (run > n) {
			err = read(rarg, pa, p, run);
			if (!err) {
				p += run;
				va += run;
				len -= run;
				continue;
			}
			kd_error_destroy(err);
			by_page = run;
		}
		err = read(rarg, pa, p, n);
		if (err)
			return kd_error_prefix(err, "0x%" PRIx64 " (physical 0x%" PRIx64 ")", va, pa);
		p += n;
		va += n;
		len -= n;
		by_page -= by_page ? n : 0;
	}
	return NULL;
}

/* ---- the tables next_mapped() found empty (arch.h) ---------------------------- */

static uint64_t empty_key(uint64_t table, unsigned d)
{
	return (table & ~0xfffull) | (d + 1);
}

static size_t empty_slot(const struct kd_arch_empty_tables *e, uint64_t key)
{
	size_t i = (size_t)((key >> 12) * 0x9e3779b97f4a7c15ull >> 20) & (e->cap - 1);
	while (e->v[i] && e->v[i] != key)
		i = (i + 1) & (e->cap - 1);
	return i;
}

bool kd_arch_empty_has(const struct kd_arch_empty_tables *e, uint64_t table, unsigned depth)
{
	return e->cap && e->v[empty_slot(e, empty_key(table, depth))];
}

void kd_arch_empty_add(struct kd_arch_empty_tables *e, uint64_t table, unsigned depth)
{
	if ((e->n + 1) * 2 > e->cap) {
		struct kd_arch_empty_tables b = { .cap = e->cap ? e->cap * 2 : 64 };
		b.v = calloc(b.cap, sizeof(*b.v));
		if (!b.v)
			return; // only slower
		for (size_t i = 0; i < e->cap; i++)
			if (e->v[i])
				b.v[empty_slot(&b, e->v[i])] = e->v[i];
		b.n = e->n;
		free(e->v);
		*e = b;
	}
	size_t i = empty_slot(e, empty_key(table, depth));
	if (!e->v[i]) {
		e->v[i] = empty_key(table, depth);
		e->n++;
	}
}

void kd_arch_empty_free(struct kd_arch_empty_tables *e)
{
	free(e->v);
	*e = (struct kd_arch_empty_tables){ 0 };
}

struct kd_error *kd_arch_xlat_error(const struct kd_arch_xlat_end *e)
{
	if (e->read_err) {
		struct kd_error *err = kd_error_prefix(e->read_err,
						       "0x%" PRIx64 ": cannot read the %s table at physical 0x%" PRIx64,
						       e->va, e->level, e->table);
		err->has_addr = true;
		err->addr = e->va;
		return err;
	}
	if (e->swap_undecided)
		return kd_error_addr(KD_ERR_FAULT, e->va,
				     "0x%" PRIx64 " is not mapped: %s entry %u at physical 0x%" PRIx64
				     " is a swap entry (0x%016" PRIx64 "; vtop decodes it)",
				     e->va, e->level, e->index, e->entry_addr, e->entry);
	if (e->swap)
		return kd_error_addr(KD_ERR_FAULT, e->va,
				     "0x%" PRIx64 " is not mapped: %s entry %u at physical 0x%" PRIx64
				     " is a swap entry (type %" PRIu64 ", offset 0x%" PRIx64 ")",
				     e->va, e->level, e->index, e->entry_addr, e->swap_type, e->swap_offset);
	return kd_error_addr(KD_ERR_FAULT, e->va, "0x%" PRIx64 " is not mapped: %s entry %u at physical 0x%" PRIx64 " %s",
			     e->va, e->level, e->index, e->entry_addr, e->absent);
}

/* ---- the unwinders' stacks --------------------------------------------------------- */

enum { STACK_CHUNK = 4096 };

void kd_arch_stacks_add(struct kd_arch_stacks *st, uint64_t start, uint64_t size, const char *name)
{
	if (st->n >= KD_ARCH_MAX_STACKS || !size || start + size < start || size > (1u << 22))
		return;
	st->s[st->n].start = start;
	st->s[st->n].end = start + size;
	st->s[st->n].name = name;
	st->s[st->n].buf = st->s[st->n].chunk = NULL;
	st->n++;
}

int kd_arch_stacks_find(const struct kd_arch_stacks *st, uint64_t addr)
{
	for (unsigned i = 0; i < st->n; i++)
		if (addr >= st->s[i].start && addr < st->s[i].end)
			return (int)i;
	return -1;
}

const char *kd_arch_stacks_name(const struct kd_arch_stacks *st, uint64_t addr)
{
	int i = kd_arch_stacks_find(st, addr);
	return i < 0 ? "unknown" : st->s[i].name;
}

bool kd_arch_stacks_word(struct kd_arch_stacks *st, const struct kd_arch_ctx *c, uint64_t addr, uint64_t *v)
{
	int i = kd_arch_stacks_find(st, addr);
	st->bad_addr = addr;
	if (i < 0 || addr + 8 > st->s[i].end || (addr & 7)) {
		st->bad_why = "on no known stack";
		return false;
	}
	uint64_t start = st->s[i].start, size = st->s[i].end - start;
	if (!st->s[i].buf) {
		st->s[i].buf = malloc(size);
		st->s[i].chunk = calloc((size + STACK_CHUNK - 1) / STACK_CHUNK, 1);
		if (!st->s[i].buf || !st->s[i].chunk) {
			free(st->s[i].buf);
			free(st->s[i].chunk);
			st->s[i].buf = st->s[i].chunk = NULL;
			st->bad_why = "out of memory";
			return false;
		}
	}
	uint64_t ci = (addr - start) / STACK_CHUNK;
	if (!st->s[i].chunk[ci]) {
		uint64_t off = ci * STACK_CHUNK, len = size - off < STACK_CHUNK ? size - off : STACK_CHUNK;
		struct kd_error *err = c->read_kernel(c->arg, start + off, st->s[i].buf + off, len);
		st->s[i].chunk[ci] = err ? 2 : 1;
		kd_error_destroy(err);
	}
	if (st->s[i].chunk[ci] != 1) {
		st->bad_why = "unreadable";
		return false;
	}
	const uint8_t *p = st->s[i].buf + (addr - start);
	uint64_t w = 0;
	for (int k = 7; k >= 0; k--)
		w = w << 8 | p[k];
	*v = w;
	return true;
}

void kd_arch_stacks_free(struct kd_arch_stacks *st)
{
	for (unsigned i = 0; i < st->n; i++) {
		free(st->s[i].buf);
		free(st->s[i].chunk);
	}
}
