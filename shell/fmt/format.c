// SPDX-License-Identifier: GPL-3.0-or-later
// Helpers for format backends (declared in format.h): the table of physical
// ranges, the table of virtual segments (ELF PT_LOADs' p_vaddr -> p_paddr,
// for machines without a page-table walker: shell/core/vm.c) and the parsing
// of ELF notes, which ELF and kdump-compressed dumps both carry (the kdump
// header embeds the ELF notes of the crashed kernel).
#include <elf.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "format.h"

// The table grows by doubling: room for n ranges is allocated when n reaches
// a power of two, so the capacity is always at least n rounded up to one (the
// backends only ever shrink nranges in place).  A kdump bitmap of alternating
// bits makes tens of thousands of ranges: one realloc per range copied the
// table each time (quadratic; with ASan, most of the fuzzer's time).
static void *room_for_one(void *arr, size_t n, size_t esize)
{
	if (n & (n - 1))
		return arr;
	size_t cap = n ? 2 * n : 1;
	return cap <= SIZE_MAX / esize ? realloc(arr, cap * esize) : NULL;
}

struct kd_error *kd_core_add_range(struct kd_core *c, const struct kd_phys_range *r)
{
	struct kd_phys_range *t = room_for_one(c->ranges, c->nranges, sizeof(*t));
	if (!t)
		return &kd_enomem;
	c->ranges = t;
	c->ranges[c->nranges++] = *r;
	return NULL;
}

/* The virtual segments grow the same way. */
struct kd_error *kd_core_add_vseg(struct kd_core *c, const struct kd_vseg *v)
{
	struct kd_vseg *t = room_for_one(c->vsegs, c->nvsegs, sizeof(*t));
	if (!t)
		return &kd_enomem;
	c->vsegs = t;
	c->vsegs[c->nvsegs++] = *v;
	return NULL;
}

static int range_cmp(const void *a, const void *b)
{
	const struct kd_phys_range *x = a, *y = b;
	return x->start < y->start ? -1 : x->start > y->start;
}

void kd_core_sort_ranges(struct kd_core *c)
{
	if (c->nranges)
		qsort(c->ranges, c->nranges, sizeof(*c->ranges), range_cmp);
}

const struct kd_phys_range *kd_core_find_range(const struct kd_core *c, uint64_t paddr)
{
	size_t lo = 0, hi = c->nranges;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct kd_phys_range *r = &c->ranges[mid];
		if (paddr < r->start)
			hi = mid;
		else if (paddr - r->start >= r->size)
			lo = mid + 1;
		else
			return r;
	}
	return NULL;
}

// Elf64_Nhdr and Elf32_Nhdr are the same: three 4-byte words, then the name
// and the descriptor, each padded to 4 bytes (include/uapi/linux/elf.h).
struct kd_error *kd_core_parse_notes(struct kd_core *c, void *buf, size_t len, bool big_endian)
{
	free(c->notes_buf);
	c->notes_buf = buf;
	unsigned char *p = buf;
	size_t off = 0;
	while (len - off >= 12) {
		uint32_t namesz = (uint32_t)kd_get_uint(p + off, 4, big_endian);
		uint32_t descsz = (uint32_t)kd_get_uint(p + off + 4, 4, big_endian);
		uint32_t type = (uint32_t)kd_get_uint(p + off + 8, 4, big_endian);
		size_t name_off = off + 12;
		size_t nalign = ((size_t)namesz + 3) & ~(size_t)3;
		size_t dalign = ((size_t)descsz + 3) & ~(size_t)3;
		if (nalign > len - name_off || dalign > len - name_off - nalign)
			break; // malformed tail: keep what we have
		if (namesz == 0 && descsz == 0 && type == 0) {
			off = name_off;
			continue; // padding
		}
		struct kd_note *n = realloc(c->notes, (c->nnotes + 1) * sizeof(*n));
		if (!n)
			return &kd_enomem;
		c->notes = n;
		char *name = (char *)p + name_off;
		// Names are NUL-terminated within namesz; force it for hostile input.
		if (namesz)
			name[namesz - 1] = '\0';
		c->notes[c->nnotes++] = (struct kd_note){
			.name = namesz ? name : "",
			.type = type,
			.desc = p + name_off + nalign,
			.descsz = descsz,
		};
		off = name_off + nalign + dalign;
	}
	return NULL;
}

struct kd_error *kd_core_scan_notes(struct kd_core *c)
{
	for (size_t i = 0; i < c->nnotes; i++) {
		const struct kd_note *n = &c->notes[i];
		if (strcmp(n->name, "CORE") == 0 && n->type == NT_PRSTATUS)
			c->nr_cpus++;
		else if (strcmp(n->name, "VMCOREINFO") == 0 && !c->vmcoreinfo && n->descsz) {
			c->vmcoreinfo = malloc(n->descsz);
			if (!c->vmcoreinfo)
				return &kd_enomem;
			memcpy(c->vmcoreinfo, n->desc, n->descsz);
			c->vmcoreinfo_len = n->descsz;
		}
	}
	return NULL;
}
