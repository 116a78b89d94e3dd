// SPDX-License-Identifier: GPL-3.0-or-later
// The table of architecture backends (see arch.h): one entry per machine.
// Everything generic about translation (the TLB, the public API) lives in
// the core (vm.c), so that adding an architecture touches only
// arch/ and one Makefile.am line.
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

struct kd_error *kd_arch_read_virt(kd_virt_xlat_fn *xlat, void *xarg, kd_phys_read_fn *read, void *rarg,
				   uint64_t page_size, uint64_t va, void *buf, size_t len)
{
	char *p = buf;
	while (len) {
		uint64_t in_page = page_size - (va & (page_size - 1));
		size_t n = len < in_page ? len : (size_t)in_page;
		uint64_t pa;
		struct kd_error *err = xlat(xarg, va, &pa);
		if (!err) {
			err = read(rarg, pa, p, n);
			if (err)
				err = kd_error_prefix(err, "0x%" PRIx64 " (physical 0x%" PRIx64 ")", va, pa);
		}
		if (err)
			return err;
		p += n;
		va += n;
		len -= n;
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
