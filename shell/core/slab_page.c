// SPDX-License-Identifier: GPL-3.0-or-later
// The minimal page-frame <-> struct page mapping the slab walks need, through
// SPARSEMEM's mem_section as VMCOREINFO describes it (kernel/vmcore_info.c:
// SYMBOL(mem_section), LENGTH(mem_section) = NR_SECTION_ROOTS,
// SIZE(mem_section), OFFSET(mem_section.section_mem_map),
// NUMBER(SECTION_SIZE_BITS), NUMBER(MAX_PHYSMEM_BITS)).  section_mem_map
// holds the section's memory map minus its first pfn (include/linux/mmzone.h
// sparse_encode_mem_map) with flag bits below SECTION_MAP_LAST_BIT.  With
// SPARSEMEM_EXTREME, SYMBOL(mem_section) is the array of root pointers; then
// SECTIONS_PER_ROOT = NR_MEM_SECTIONS / NR_SECTION_ROOTS.  Also the slab test
// of a struct page: PG_slab in flags (NUMBER(PG_slab)) or the page type
// (NUMBER(PAGE_SLAB_MAPCOUNT_VALUE), 6.10+).  The page layer
// (include/kdive/page.h) is meant to take this over.
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <kdive/symbols.h>

#include "slab_priv.h"

enum { MAX_SECTIONS = 1 << 22, CHUNK_PAGES = 1024 };

void kd_slab_lost_add(char ***lost, size_t *n, const char *fmt, ...)
{
	if (*n >= 256)
		return;
	char **nl = realloc(*lost, (*n + 2) * sizeof(*nl));
	if (!nl)
		return;
	*lost = nl;
	va_list ap;
	va_start(ap, fmt);
	if (vasprintf(&nl[*n], fmt, ap) < 0)
		nl[*n] = NULL;
	va_end(ap);
	if (nl[*n])
		(*n)++;
	nl[*n] = NULL;
}

static int cmp_section(const void *a, const void *b)
{
	const struct kd_slab_section *x = a, *y = b;
	return x->page < y->page ? -1 : x->page > y->page;
}

static struct kd_error *vmci(struct kd_session *s, const char *key, uint64_t *v)
{
	struct kd_error *err = kd_vmcoreinfo_number(s, key, v);
	if (err)
		return kd_error_prefix(err, "VMCOREINFO %s", key);
	return NULL;
}

static struct kd_error *load_sections(struct kd_session *s, struct kd_slab_layout *l)
{
	uint64_t roots, nroots, ms_size, map_off, sect_bits, phys_bits;
	struct kd_error *err;
	if ((err = vmci(s, "SYMBOL(mem_section)", &roots)) || (err = vmci(s, "LENGTH(mem_section)", &nroots)) ||
	    (err = vmci(s, "SIZE(mem_section)", &ms_size)) ||
	    (err = vmci(s, "OFFSET(mem_section.section_mem_map)", &map_off)) ||
	    (err = vmci(s, "NUMBER(SECTION_SIZE_BITS)", &sect_bits)) ||
	    (err = vmci(s, "NUMBER(MAX_PHYSMEM_BITS)", &phys_bits)))
		return err;
	unsigned page_shift = 0;
	while ((1ull << page_shift) < l->page_size && page_shift < 32)
		page_shift++;
	if (phys_bits > 60 || sect_bits >= phys_bits || sect_bits < page_shift || !nroots || ms_size < map_off + 8 ||
	    ms_size > 4096)
		return kd_error_create(KD_ERR_CORRUPT, "VMCOREINFO's mem_section figures do not fit together");
	uint64_t nr_sections = 1ull << (phys_bits - sect_bits);
	if (nroots > nr_sections || nr_sections % nroots || nroots > MAX_SECTIONS)
		return kd_error_create(KD_ERR_CORRUPT, "VMCOREINFO's LENGTH(mem_section) %" PRIu64
				       " does not divide %" PRIu64 " sections", nroots, nr_sections);
	uint64_t per_root = nr_sections / nroots;
	bool extreme = per_root > 1;
	l->pages_per_section = 1ull << (sect_bits - page_shift);
	// The flag bits below the encoded map: the kernel's enum says how many.
	int64_t last_bit = -1;
	kd_error_destroy(kd_enum_value(s, NULL, "SECTION_MAP_LAST_BIT", &last_bit));
	if (last_bit < 0 || last_bit > 12) {
		last_bit = 0;
		while (last_bit < 12 && !(l->page_bytes & (1ull << last_bit)))
			last_bit++;
	}
	uint64_t mask = ~((1ull << last_bit) - 1);
	uint64_t *rootv = NULL;
	unsigned char *secbuf = malloc(per_root * ms_size);
	if (!secbuf)
		return &kd_enomem;
	if (extreme) {
		rootv = calloc(nroots, 8);
		if (!rootv) {
			free(secbuf);
			return &kd_enomem;
		}
		if ((err = kd_read_kernel(s, roots, rootv, nroots * 8))) {
			free(rootv);
			free(secbuf);
			return kd_error_prefix(err, "mem_section roots");
		}
	}
	for (uint64_t r = 0; r < nroots; r++) {
		uint64_t base = extreme ? kd_dump_u64(s, &rootv[r]) : roots + r * ms_size;
		if (!base)
			continue;
		if (!kd_slab_ok(kd_read_kernel(s, base, secbuf, per_root * ms_size)))
			continue;
		for (uint64_t i = 0; i < per_root; i++) {
			uint64_t enc = kd_dump_u64(s, secbuf + i * ms_size + map_off);
			uint64_t map = enc & mask;
			// SECTION_MARKED_PRESENT and SECTION_HAS_MEM_MAP (bits 0, 1)
			if (!map || (enc & 3) != 3)
				continue;
			if (l->nsections >= MAX_SECTIONS)
				break;
			if (!(l->nsections & (l->nsections + 1)) || !l->sections) {
				struct kd_slab_section *ns =
					realloc(l->sections, (l->nsections + 1) * 2 * sizeof(*ns));
				if (!ns) {
					free(rootv);
					free(secbuf);
					return &kd_enomem;
				}
				l->sections = ns;
			}
			uint64_t pfn = (r * per_root + i) << (sect_bits - page_shift);
			l->sections[l->nsections].pfn = pfn;
			l->sections[l->nsections].page = map + pfn * l->page_bytes;
			l->nsections++;
		}
	}
	free(rootv);
	free(secbuf);
	if (!l->nsections)
		return kd_error_create(KD_ERR_CORRUPT, "no memory section with a memory map in mem_section");
	qsort(l->sections, l->nsections, sizeof(*l->sections), cmp_section);
	return NULL;
}

struct kd_error *kd_slab_sections(struct kd_session *s, struct kd_slab_layout *l)
{
	if (!l->sections_tried) {
		l->sections_tried = true;
		l->sections_err = load_sections(s, l);
	}
	return l->sections_err ? kd_error_copy(l->sections_err) : NULL;
}

struct kd_error *kd_slab_pfn_page(struct kd_session *s, struct kd_slab_layout *l, uint64_t pfn, uint64_t *page_ret)
{
	struct kd_error *err = kd_slab_sections(s, l);
	if (err)
		return err;
	for (size_t i = 0; i < l->nsections; i++) {
		const struct kd_slab_section *sec = &l->sections[i];
		if (pfn >= sec->pfn && pfn - sec->pfn < l->pages_per_section) {
			*page_ret = sec->page + (pfn - sec->pfn) * l->page_bytes;
			return NULL;
		}
	}
	return kd_error_create(KD_ERR_NOTFOUND, "page frame 0x%" PRIx64 " has no memory map", pfn);
}

bool kd_slab_page_pfn(struct kd_session *s, struct kd_slab_layout *l, uint64_t page, uint64_t *pfn_ret)
{
	if (!kd_slab_ok(kd_slab_sections(s, l)))
		return false;
	size_t lo = 0, hi = l->nsections;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (l->sections[mid].page <= page)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (!lo)
		return false;
	const struct kd_slab_section *sec = &l->sections[lo - 1];
	uint64_t d = page - sec->page;
	if (d % l->page_bytes || d / l->page_bytes >= l->pages_per_section)
		return false;
	*pfn_ret = sec->pfn + d / l->page_bytes;
	return true;
}

bool kd_slab_page_is_slab(struct kd_session *s, const struct kd_slab_layout *l, const unsigned char *buf)
{
	if (l->pg_head.ok && (kd_dump_u64(s, buf + l->pg_head.m.offset) & 1))
		return false; // a tail page
	if (l->has_type_value && l->pg_type.ok) {
		uint32_t t = kd_dump_u32(s, buf + l->pg_type.m.offset);
		if (l->type_value & 0x80000000u) {
			// 6.10-6.12: PAGE_TYPE_BASE set, the type's bit cleared
			uint32_t bit = ~l->type_value;
			return (t & (0xf0000000u | bit)) == 0xf0000000u;
		}
		return (t & 0xff000000u) == (l->type_value & 0xff000000u); // 6.13+: type in the top byte
	}
	if (l->pg_slab_bit >= 0 && l->pg_flags.ok)
		return (kd_dump_u64(s, buf + l->pg_flags.m.offset) >> l->pg_slab_bit) & 1;
	return true; // no way to tell: the caller's slab_cache test decides
}

struct kd_error *kd_slab_pages_foreach(struct kd_session *s, struct kd_slab_layout *l, kd_slab_pages_fn *fn,
				       void *arg, char ***lost, size_t *nlost)
{
	struct kd_error *err = kd_slab_sections(s, l);
	if (err)
		return err;
	unsigned char *buf = malloc(CHUNK_PAGES * l->page_bytes);
	if (!buf)
		return &kd_enomem;
	for (size_t i = 0; !err && i < l->nsections; i++) {
		const struct kd_slab_section *sec = &l->sections[i];
		for (uint64_t p = 0; !err && p < l->pages_per_section; p += CHUNK_PAGES) {
			uint64_t n = l->pages_per_section - p < CHUNK_PAGES ? l->pages_per_section - p : CHUNK_PAGES;
			uint64_t page = sec->page + p * l->page_bytes;
			if ((err = kd_check_interrupt(s)))
				break;
			struct kd_error *e = kd_read_kernel(s, page, buf, n * l->page_bytes);
			if (e) {
				// Page by page of the map, so one missing page costs only its entries.
				uint64_t step = l->page_size / l->page_bytes ? l->page_size / l->page_bytes : 1;
				kd_error_destroy(e);
				for (uint64_t q = 0; !err && q < n; q += step) {
					uint64_t m = n - q < step ? n - q : step;
					e = kd_read_kernel(s, page + q * l->page_bytes, buf, m * l->page_bytes);
					if (e) {
						kd_slab_lost_add(lost, nlost, "struct pages of frames 0x%" PRIx64
								 "-0x%" PRIx64 " at 0x%" PRIx64 ": %s",
								 sec->pfn + p + q, sec->pfn + p + q + m - 1,
								 page + q * l->page_bytes, e->msg);
						kd_error_destroy(e);
						continue;
					}
					err = fn(sec->pfn + p + q, page + q * l->page_bytes, buf, m, arg);
				}
				continue;
			}
			err = fn(sec->pfn + p, page, buf, n, arg);
		}
	}
	free(buf);
	return err;
}
