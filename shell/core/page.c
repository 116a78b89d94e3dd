// SPDX-License-Identifier: GPL-3.0-or-later
// The page layer (<kdive/page.h>): SPARSEMEM's mem_section table
// (include/linux/mmzone.h: section_mem_map holds the section's memory map
// minus its first pfn, with flag bits below SECTION_MAP_LAST_BIT), struct
// page decoded by the members BTF shows (include/linux/mm_types.h), flag
// names from BTF's enum pageflags (include/linux/page-flags.h) or failing
// that VMCOREINFO's NUMBER(PG_*), page types by the scheme the types show:
// the byte in page_type (enum pagetype's PGTY_*, 6.10 and later), bits
// cleared from PAGE_TYPE_BASE (enum pagetype with PG_buddy...), or the
// VMCOREINFO values PAGE_BUDDY_MAPCOUNT_VALUE / PAGE_OFFLINE_MAPCOUNT_VALUE
// where page types are macros.  The compound order comes from the first tail
// page (page.compound_order, folio._folio_order or the low byte of
// folio._flags_1, whichever the types have).
#include <ctype.h>
#include <endian.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <kdive/page.h>
#include <kdive/symbols.h>
#include <kdive/types.h>

#include "session_priv.h"

enum {
	CHUNK = 512,           // struct pages per bulk read (32 KiB of 64-byte structs)
	MAX_TYPES = 16,
};

// A member of struct page as offset and size (0 size: the kernel has none).
struct field {
	uint64_t off;
	unsigned size;
};

enum order_scheme { ORD_NONE, ORD_BYTE, ORD_FLAGS1 };
enum type_scheme { TY_NONE, TY_BITS, TY_BYTE };

struct kd_pages {
	uint64_t psize, sz;           // PAGE_SIZE, sizeof(struct page)
	unsigned pfn_shift;           // PFN_SECTION_SHIFT
	uint64_t nr_sections;         // NR_MEM_SECTIONS
	uint64_t ms_size, ms_map_off; // struct mem_section, .section_mem_map
	uint64_t per_root, nroots;
	uint64_t *root_addr;          // each root's array of struct mem_section (0: absent)
	uint64_t **raw;               // per root: section_mem_map values, loaded on use
	struct kd_error **root_err;   // per root: why it could not be read
	uint64_t map_mask;
	int bit_present, bit_map, bit_online, bit_early;
	struct field f_flags, f_ref, f_mapcount, f_mapping, f_index, f_private, f_chead, f_memcg;
	enum order_scheme ord;
	struct field f_order;         // from the start of the head page (in page[1])
	struct field f_dtor;          // page[1].compound_dtor (hugetlb, before folios)
	uint64_t hugetlb_dtor;
	int pg_head, pg_slab, pg_hugetlb; // bits, -1 when the kernel has none
	unsigned nflags;
	char **flag_names;            // the kernel's names, [nflags]
	char **flag_aliases;          // the other names of each bit, comma-separated, [nflags]
	enum type_scheme ty;
	bool little;                  // the dump is little-endian (get()'s fast path)
	bool fast;                    // little, and decode()'s members of the usual sizes
	uint32_t ty_base;
	uint32_t ty_min;              // TY_BYTE: the lowest type byte
	unsigned nty;
	struct { uint32_t v; unsigned type; } tys[MAX_TYPES];
	uint64_t vmemmap_guess;       // the first section's encoded map (vmemmap when linear)
};

static bool ok(struct kd_error *err)
{
	bool r = err == NULL;
	kd_error_destroy(err);
	return r;
}

void kd_pages_unload(struct kd_session *s)
{
	struct kd_pages *p = s->pages;
	if (p) {
		for (uint64_t i = 0; i < p->nroots; i++) {
			free(p->raw[i]);
			kd_error_destroy(p->root_err[i]);
		}
		free(p->raw);
		free(p->root_err);
		free(p->root_addr);
		for (unsigned i = 0; i < p->nflags; i++) {
			free(p->flag_names[i]);
			if (p->flag_aliases)
				free(p->flag_aliases[i]);
		}
		free(p->flag_names);
		free(p->flag_aliases);
		free(p);
	}
	s->pages = NULL;
	kd_error_destroy(s->pages_state.err);
	s->pages_state.err = NULL;
	s->pages_state.tried = false;
}

static void field_of(struct kd_session *s, const char *type, const char *path, struct field *f)
{
	struct kd_member_info m;
	memset(f, 0, sizeof(*f));
	if (ok(kd_type_member(s, type, path, &m)) && m.size <= 8 && !m.bit_size) {
		f->off = m.offset;
		f->size = (unsigned)m.size;
	}
}

// A member of a struct page in buf.  On a little-endian dump (the byte
// order is looked up once, at load) the common sizes are read directly:
// decode() runs once per page of the array, so this is the walk's cost.
static inline uint64_t get(struct kd_session *s, const uint8_t *buf, const struct field *f)
{
	const struct kd_pages *p = s->pages;
	if (!f->size)
		return 0;
	if (p && p->little) {
		const uint8_t *b = buf + f->off;
		switch (f->size) {
		case 8: { uint64_t v; memcpy(&v, b, 8); return le64toh(v); }
		case 4: { uint32_t v; memcpy(&v, b, 4); return le32toh(v); }
		case 2: { uint16_t v; memcpy(&v, b, 2); return le16toh(v); }
		case 1: return b[0];
		default: break;
		}
	}
	return kd_dump_uint(s, buf + f->off, f->size);
}

static int enum_bit(struct kd_session *s, const char *enum_type, const char *name)
{
	int64_t v;
	if (!ok(kd_enum_value(s, enum_type, name, &v)) || v < 0 || v > 63)
		return -1;
	return (int)v;
}

// Flag names: enum pageflags up to __NR_PAGEFLAGS, first name of each value
// (BTF keeps the declaration order: the aliases come after the count).
static struct kd_error *load_flags(struct kd_session *s, struct kd_pages *p)
{
	uint32_t id;
	struct kd_type_info ti;
	int64_t nr;
	if (ok(kd_type_find(s, "enum pageflags", &id)) && ok(kd_type_get(s, id, &ti)) &&
	    ok(kd_enum_value(s, "pageflags", "__NR_PAGEFLAGS", &nr)) && nr > 0 && nr <= 64) {
		p->nflags = (unsigned)nr;
		p->flag_names = calloc(p->nflags, sizeof(char *));
		p->flag_aliases = calloc(p->nflags, sizeof(char *));
		if (!p->flag_names || !p->flag_aliases)
			return &kd_enomem;
		for (uint32_t i = 0; i < ti.nmembers; i++) {
			const char *name;
			int64_t v;
			if (!ok(kd_enum_at(s, id, i, &name, &v)) || v < 0 || v >= nr)
				continue;
			if (!p->flag_names[v]) {
				if (!(p->flag_names[v] = strdup(name)))
					return &kd_enomem;
				continue;
			}
			char *old = p->flag_aliases[v], *a;
			if (asprintf(&a, "%s%s%s", old ? old : "", old ? "," : "", name) < 0)
				return &kd_enomem;
			free(old);
			p->flag_aliases[v] = a;
		}
		return NULL;
	}
	// No BTF enum: the PG_* numbers VMCOREINFO carries (a few flags only).
	unsigned max = 0;
	for (size_t i = 0; i < kd_vmcoreinfo_count(s); i++) {
		const char *k, *v;
		kd_vmcoreinfo_entry(s, i, &k, &v);
		unsigned bit;
		if (strncmp(k, "NUMBER(PG_", 10) == 0 && !strstr(k, "_mask") && sscanf(v, "%u", &bit) == 1 &&
		    bit < 64 && bit + 1 > max)
			max = bit + 1;
	}
	p->nflags = max;
	p->flag_names = calloc(max ? max : 1, sizeof(char *));
	if (!p->flag_names)
		return &kd_enomem;
	for (size_t i = 0; i < kd_vmcoreinfo_count(s); i++) {
		const char *k, *v;
		kd_vmcoreinfo_entry(s, i, &k, &v);
		unsigned bit;
		if (strncmp(k, "NUMBER(PG_", 10) == 0 && !strstr(k, "_mask") && sscanf(v, "%u", &bit) == 1 &&
		    bit < max && !p->flag_names[bit]) {
			size_t n = strlen(k + 7);
			if (!(p->flag_names[bit] = strndup(k + 7, n ? n - 1 : 0)))
				return &kd_enomem;
		}
	}
	return NULL;
}

static void add_type(struct kd_pages *p, uint32_t v, unsigned type)
{
	if (p->nty < MAX_TYPES) {
		p->tys[p->nty].v = v;
		p->tys[p->nty].type = type;
		p->nty++;
	}
}

// Page types, by the scheme the kernel's types show (see the file comment).
static void load_types(struct kd_session *s, struct kd_pages *p)
{
	static const struct { const char *name; unsigned type; } names[] = {
		{ "buddy", KD_PT_BUDDY }, { "offline", KD_PT_OFFLINE }, { "table", KD_PT_TABLE },
		{ "guard", KD_PT_GUARD }, { "hugetlb", KD_PT_HUGETLB }, { "slab", KD_PT_SLAB },
		{ "zsmalloc", KD_PT_ZSMALLOC }, { "unaccepted", KD_PT_UNACCEPTED },
		{ "large_kmalloc", KD_PT_LARGE_KMALLOC },
	};
	int64_t v;
	char buf[64];
	if (ok(kd_enum_value(s, "pagetype", "PGTY_buddy", &v))) {
		p->ty = TY_BYTE;
		p->ty_min = 0xff;
		for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
			snprintf(buf, sizeof(buf), "PGTY_%s", names[i].name);
			if (ok(kd_enum_value(s, "pagetype", buf, &v))) {
				add_type(p, (uint32_t)v, names[i].type);
				if ((uint32_t)v < p->ty_min)
					p->ty_min = (uint32_t)v;
			}
		}
		return;
	}
	if (ok(kd_enum_value(s, "pagetype", "PAGE_TYPE_BASE", &v))) {
		p->ty = TY_BITS;
		p->ty_base = (uint32_t)v;
		for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
			snprintf(buf, sizeof(buf), "PG_%s", names[i].name);
			if (ok(kd_enum_value(s, "pagetype", buf, &v)))
				add_type(p, (uint32_t)v, names[i].type);
		}
		return;
	}
	// Page types as macros (before 6.9): PageType(page, flag) is
	// (page_type & (PAGE_TYPE_BASE | flag)) == PAGE_TYPE_BASE with
	// PAGE_TYPE_BASE 0xf0000000; VMCOREINFO gives ~PG_buddy and ~PG_offline.
	uint64_t u;
	p->ty_base = 0xf0000000u;
	if (ok(kd_vmcoreinfo_number(s, "NUMBER(PAGE_BUDDY_MAPCOUNT_VALUE)", &u))) {
		p->ty = TY_BITS;
		add_type(p, ~(uint32_t)u, KD_PT_BUDDY);
	}
	if (ok(kd_vmcoreinfo_number(s, "NUMBER(PAGE_OFFLINE_MAPCOUNT_VALUE)", &u))) {
		uint32_t off = ~(uint32_t)u;
		add_type(p, off, KD_PT_OFFLINE);
		// PG_table and PG_guard follow PG_offline in page-flags.h from 5.9
		// (PG_kmemcg gone) to 6.8; struct page has memcg_data from 5.11, so
		// only then are they taken to be there.
		struct kd_member_info m;
		if (ok(kd_type_member(s, "page", "memcg_data", &m))) {
			add_type(p, off << 1, KD_PT_TABLE);
			add_type(p, off << 2, KD_PT_GUARD);
		}
	}
}

static struct kd_error *load_sections(struct kd_session *s, struct kd_pages *p)
{
	uint64_t ssb, mpb, msym, len = 0;
	struct kd_error *err;
	if ((err = kd_vmcoreinfo_number(s, "NUMBER(SECTION_SIZE_BITS)", &ssb)) ||
	    (err = kd_vmcoreinfo_number(s, "NUMBER(MAX_PHYSMEM_BITS)", &mpb)))
		return kd_error_prefix(err, "the page array needs SPARSEMEM's geometry from VMCOREINFO");
	unsigned pshift = 0;
	while ((1ull << pshift) < p->psize)
		pshift++;
	if (ssb <= pshift || ssb >= 64 || mpb <= ssb || mpb > 64 || mpb - ssb > 32)
		return kd_error_create(KD_ERR_CORRUPT, "VMCOREINFO: SECTION_SIZE_BITS %" PRIu64
				       " and MAX_PHYSMEM_BITS %" PRIu64 " make no sense", ssb, mpb);
	p->pfn_shift = (unsigned)(ssb - pshift);
	p->nr_sections = 1ull << (mpb - ssb);
	if (!ok(kd_vmcoreinfo_number(s, "SIZE(mem_section)", &p->ms_size)) &&
	    !ok(kd_type_size(s, "mem_section", &p->ms_size)))
		return kd_error_create(KD_ERR_NOTFOUND, "the size of struct mem_section is unknown");
	if (!ok(kd_vmcoreinfo_number(s, "OFFSET(mem_section.section_mem_map)", &p->ms_map_off))) {
		struct kd_member_info m;
		if ((err = kd_type_member(s, "mem_section", "section_mem_map", &m)))
			return err;
		p->ms_map_off = m.offset;
	}
	if (p->ms_size < 8 || p->ms_size > p->psize || p->ms_map_off + 8 > p->ms_size)
		return kd_error_create(KD_ERR_CORRUPT, "struct mem_section of %" PRIu64 " bytes", p->ms_size);
	bool have_len = ok(kd_vmcoreinfo_number(s, "LENGTH(mem_section)", &len));
	if ((err = kd_vmcoreinfo_number(s, "SYMBOL(mem_section)", &msym))) {
		// Without VMCOREINFO's entry: the pointer (SPARSEMEM_EXTREME) in kallsyms.
		uint64_t a;
		uint8_t b[8];
		if (!ok(kd_symbol_address(s, "mem_section", &a)) || !ok(kd_read_kernel(s, a, b, 8)))
			return kd_error_prefix(err, "finding the mem_section table");
		kd_error_destroy(err);
		msym = kd_dump_u64(s, b);
		have_len = false;
	}
	uint64_t per_root_x = p->psize / p->ms_size;
	bool extreme = true;
	if (have_len && len == p->nr_sections)
		extreme = false;
	else if (have_len && len != (p->nr_sections + per_root_x - 1) / per_root_x)
		return kd_error_create(KD_ERR_CORRUPT, "VMCOREINFO: LENGTH(mem_section) %" PRIu64
				       " fits neither SPARSEMEM layout (%" PRIu64 " sections)", len,
				       p->nr_sections);
	// Either way the sections are read in root-sized groups: a root is one
	// page of struct mem_section (a pointer each with SPARSEMEM_EXTREME,
	// consecutive in the static array otherwise).
	p->per_root = per_root_x;
	p->nroots = (p->nr_sections + per_root_x - 1) / per_root_x;
	p->root_addr = calloc(p->nroots, sizeof(uint64_t));
	p->raw = calloc(p->nroots, sizeof(uint64_t *));
	p->root_err = calloc(p->nroots, sizeof(struct kd_error *));
	if (!p->root_addr || !p->raw || !p->root_err)
		return &kd_enomem;
	if (extreme) {
		size_t n = p->nroots * 8;
		uint8_t *b = malloc(n);
		if (!b)
			return &kd_enomem;
		err = kd_read_kernel(s, msym, b, n);
		if (err) {
			free(b);
			return kd_error_prefix(err, "reading the mem_section roots");
		}
		for (uint64_t i = 0; i < p->nroots; i++)
			p->root_addr[i] = kd_dump_u64(s, b + i * 8);
		free(b);
	} else {
		for (uint64_t i = 0; i < p->nroots; i++)
			p->root_addr[i] = msym + i * per_root_x * p->ms_size;
	}
	int64_t v;
	p->bit_present = ok(kd_enum_value(s, NULL, "SECTION_MARKED_PRESENT_BIT", &v)) ? (int)v : 0;
	p->bit_map = ok(kd_enum_value(s, NULL, "SECTION_HAS_MEM_MAP_BIT", &v)) ? (int)v : 1;
	p->bit_online = ok(kd_enum_value(s, NULL, "SECTION_IS_ONLINE_BIT", &v)) ? (int)v : -1;
	p->bit_early = ok(kd_enum_value(s, NULL, "SECTION_IS_EARLY_BIT", &v)) ? (int)v : -1;
	unsigned last;
	if (ok(kd_enum_value(s, NULL, "SECTION_MAP_LAST_BIT", &v)) && v > 0 && v < 16) {
		last = (unsigned)v;
	} else {
		// The encoded map keeps the alignment of struct page: clear the bits below it.
		last = 0;
		while ((2ull << last) <= p->sz && last < p->pfn_shift)
			last++;
	}
	p->map_mask = ~((1ull << last) - 1);
	return NULL;
}

static struct kd_error *load_page_struct(struct kd_session *s, struct kd_pages *p)
{
	if (!ok(kd_vmcoreinfo_number(s, "SIZE(page)", &p->sz)) && !ok(kd_type_size(s, "page", &p->sz)))
		return kd_error_create(KD_ERR_NOTFOUND, "the size of struct page is unknown");
	if (p->sz < 16 || p->sz > 1024)
		return kd_error_create(KD_ERR_CORRUPT, "struct page of %" PRIu64 " bytes", p->sz);
	field_of(s, "page", "flags", &p->f_flags);
	field_of(s, "page", "_refcount", &p->f_ref);
	field_of(s, "page", "_mapcount", &p->f_mapcount);
	field_of(s, "page", "mapping", &p->f_mapping);
	field_of(s, "page", "index", &p->f_index);
	if (!p->f_index.size)
		field_of(s, "page", "__folio_index", &p->f_index);
	field_of(s, "page", "private", &p->f_private);
	field_of(s, "page", "compound_head", &p->f_chead);
	field_of(s, "page", "memcg_data", &p->f_memcg);
	if (!p->f_memcg.size)
		field_of(s, "page", "mem_cgroup", &p->f_memcg);
	if (!p->f_flags.size || !p->f_chead.size)
		return kd_error_create(KD_ERR_NOTFOUND, "the types have no struct page.flags or .compound_head");
	if (!p->f_mapcount.size)
		field_of(s, "page", "page_type", &p->f_mapcount);
	struct field f;
	field_of(s, "page", "compound_order", &f);
	if (f.size) {
		p->ord = ORD_BYTE;
		p->f_order = (struct field){ f.off + p->sz, f.size };
	} else if (field_of(s, "folio", "_folio_order", &f), f.size) {
		p->ord = ORD_BYTE;
		p->f_order = f;
	} else if (field_of(s, "folio", "_flags_1", &f), f.size) {
		p->ord = ORD_FLAGS1;
		p->f_order = f;
	}
	field_of(s, "page", "compound_dtor", &f);
	if (f.size && ok(kd_vmcoreinfo_number(s, "NUMBER(HUGETLB_PAGE_DTOR)", &p->hugetlb_dtor)))
		p->f_dtor = (struct field){ f.off + p->sz, f.size };
	p->pg_head = enum_bit(s, "pageflags", "PG_head");
	uint64_t mask;
	if (p->pg_head < 0 && ok(kd_vmcoreinfo_number(s, "NUMBER(PG_head_mask)", &mask)) && mask)
		p->pg_head = __builtin_ctzll(mask);
	p->pg_slab = enum_bit(s, "pageflags", "PG_slab");
	uint64_t b;
	if (p->pg_slab < 0 && ok(kd_vmcoreinfo_number(s, "NUMBER(PG_slab)", &b)) && b < 64)
		p->pg_slab = (int)b;
	p->pg_hugetlb = enum_bit(s, "pageflags", "PG_hugetlb");
	return NULL;
}

struct kd_error *kd_pages_load(struct kd_session *s)
{
	if (s->pages_state.tried)
		return kd_error_copy(s->pages_state.err);
	s->pages_state.tried = true;
	struct kd_error *err = kd_types_load(s);
	struct kd_pages *p = NULL;
	if (err) {
		err = kd_error_prefix(err, "the page array needs the kernel's types");
		goto out;
	}
	p = calloc(1, sizeof(*p));
	if (!p) {
		err = &kd_enomem;
		goto out;
	}
	s->pages = p;
	p->psize = kd_page_size(s);
	p->little = !kd_dump_big_endian(s);
	if (!p->psize || (p->psize & (p->psize - 1))) {
		err = kd_error_create(KD_ERR_UNSUPPORTED, "the page size is unknown");
		goto out;
	}
	if ((err = load_page_struct(s, p)) || (err = load_sections(s, p)) || (err = load_flags(s, p)))
		goto out;
	load_types(s, p);
	p->fast = p->little && p->f_flags.size == 8 && p->f_mapping.size == 8 && p->f_index.size == 8 &&
		  p->f_private.size == 8 && p->f_chead.size == 8 && p->f_ref.size == 4 && p->f_mapcount.size == 4;
	// Where the map is linear (SPARSEMEM_VMEMMAP) every section encodes the
	// same base; remember the first one to turn addresses into pfns fast.
	struct kd_mem_section ms;
	for (uint64_t nr = 0; nr < p->nr_sections; nr = ms.nr + 1) {
		struct kd_error *e = kd_mem_section_next(s, nr, &ms);
		if (e && e->code == KD_ERR_NOTFOUND) {
			kd_error_destroy(e);
			break;
		}
		if (!e && ms.has_mem_map) {
			p->vmemmap_guess = ms.raw & p->map_mask;
			break;
		}
		kd_error_destroy(e);
	}
out:
	if (err) {
		if (err == &kd_enomem)
			err = kd_error_create(KD_ERR_NOMEM, "out of memory");
		kd_pages_unload(s);
		s->pages_state.tried = true;
		s->pages_state.err = kd_error_copy(err);
	}
	return err;
}

uint64_t kd_page_max_pfn(struct kd_session *s)
{
	return s->pages ? s->pages->nr_sections << s->pages->pfn_shift : 0;
}

uint64_t kd_page_struct_size(struct kd_session *s)
{
	return s->pages ? s->pages->sz : 0;
}

uint64_t kd_mem_section_pages(struct kd_session *s)
{
	return s->pages ? 1ull << s->pages->pfn_shift : 0;
}

uint64_t kd_mem_section_count(struct kd_session *s)
{
	return s->pages ? s->pages->nr_sections : 0;
}

static struct kd_error *load_root(struct kd_session *s, struct kd_pages *p, uint64_t r)
{
	if (p->raw[r])
		return NULL;
	if (p->root_err[r])
		return kd_error_copy(p->root_err[r]);
	size_t n = p->per_root * p->ms_size;
	uint8_t *b = malloc(n);
	uint64_t *raw = calloc(p->per_root, sizeof(uint64_t));
	if (!b || !raw) {
		free(b);
		free(raw);
		return &kd_enomem;
	}
	struct kd_error *err = kd_read_kernel(s, p->root_addr[r], b, n);
	if (err) {
		free(b);
		free(raw);
		err = kd_error_prefix(err, "reading mem_section root %" PRIu64 " at %016" PRIx64, r,
				      p->root_addr[r]);
		p->root_err[r] = kd_error_copy(err);
		return err;
	}
	for (uint64_t i = 0; i < p->per_root; i++)
		raw[i] = kd_dump_u64(s, b + i * p->ms_size + p->ms_map_off);
	free(b);
	p->raw[r] = raw;
	return NULL;
}

struct kd_error *kd_mem_section_get(struct kd_session *s, uint64_t nr, struct kd_mem_section *ret)
{
	struct kd_pages *p = s->pages;
	memset(ret, 0, sizeof(*ret));
	ret->nr = nr;
	if (!p)
		return kd_error_create(KD_ERR_UNSUPPORTED, "the page array is not loaded");
	if (nr >= p->nr_sections)
		return kd_error_create(KD_ERR_NOTFOUND, "section %" PRIu64 " is beyond the table", nr);
	uint64_t r = nr / p->per_root, i = nr % p->per_root;
	ret->first_pfn = nr << p->pfn_shift;
	if (!p->root_addr[r])
		return kd_error_create(KD_ERR_NOTFOUND, "section %" PRIu64 " has no root", nr);
	ret->addr = p->root_addr[r] + i * p->ms_size;
	struct kd_error *err = load_root(s, p, r);
	if (err)
		return err;
	uint64_t raw = p->raw[r][i];
	ret->raw = raw;
	ret->present = (raw >> p->bit_present) & 1;
	ret->has_mem_map = (raw >> p->bit_map) & 1;
	ret->online = p->bit_online >= 0 && ((raw >> p->bit_online) & 1);
	ret->early = p->bit_early >= 0 && ((raw >> p->bit_early) & 1);
	if (ret->has_mem_map)
		ret->mem_map = (raw & p->map_mask) + ret->first_pfn * p->sz;
	return NULL;
}

struct kd_error *kd_mem_section_next(struct kd_session *s, uint64_t nr, struct kd_mem_section *ret)
{
	struct kd_pages *p = s->pages;
	if (!p)
		return kd_error_create(KD_ERR_UNSUPPORTED, "the page array is not loaded");
	while (nr < p->nr_sections) {
		uint64_t r = nr / p->per_root;
		if (!p->root_addr[r]) {
			nr = (r + 1) * p->per_root;
			continue;
		}
		struct kd_error *err = kd_mem_section_get(s, nr, ret);
		if (err) {
			ret->nr = (r + 1) * p->per_root - 1;
			return err;
		}
		if (ret->present)
			return NULL;
		nr++;
	}
	memset(ret, 0, sizeof(*ret));
	ret->nr = p->nr_sections;
	return kd_error_create(KD_ERR_NOTFOUND, "no present section from %" PRIu64, nr);
}

struct kd_error *kd_pfn_to_page(struct kd_session *s, uint64_t pfn, uint64_t *page_ret)
{
	struct kd_pages *p = s->pages;
	if (!p)
		return kd_error_create(KD_ERR_UNSUPPORTED, "the page array is not loaded");
	struct kd_mem_section ms;
	struct kd_error *err = kd_mem_section_get(s, pfn >> p->pfn_shift, &ms);
	if (err)
		return err;
	if (!ms.present || !ms.has_mem_map)
		return kd_error_create(KD_ERR_NOTFOUND, "pfn %" PRIx64 " is in a hole (section %" PRIu64
				       " has no memory map)", pfn, ms.nr);
	*page_ret = ms.mem_map + (pfn - ms.first_pfn) * p->sz;
	return NULL;
}

struct kd_error *kd_page_to_pfn(struct kd_session *s, uint64_t addr, uint64_t *pfn_ret)
{
	struct kd_pages *p = s->pages;
	if (!p)
		return kd_error_create(KD_ERR_UNSUPPORTED, "the page array is not loaded");
	uint64_t page;
	if (addr >= p->vmemmap_guess && p->vmemmap_guess) {
		uint64_t pfn = (addr - p->vmemmap_guess) / p->sz;
		if (pfn < kd_page_max_pfn(s) && ok(kd_pfn_to_page(s, pfn, &page)) && addr >= page &&
		    addr < page + p->sz) {
			*pfn_ret = pfn;
			return NULL;
		}
	}
	// Not linear: look through the sections with a memory map.
	uint64_t per = 1ull << p->pfn_shift;
	struct kd_mem_section ms;
	for (uint64_t nr = 0; nr < p->nr_sections; nr = ms.nr + 1) {
		struct kd_error *e = kd_mem_section_next(s, nr, &ms);
		if (e && e->code == KD_ERR_NOTFOUND) {
			kd_error_destroy(e);
			break;
		}
		if (!e && ms.has_mem_map && addr >= ms.mem_map && addr < ms.mem_map + per * p->sz) {
			*pfn_ret = ms.first_pfn + (addr - ms.mem_map) / p->sz;
			return NULL;
		}
		kd_error_destroy(e);
	}
	return kd_error_create(KD_ERR_NOTFOUND, "%016" PRIx64 " is not in the page array", addr);
}

static unsigned type_of(const struct kd_pages *p, uint32_t pt)
{
	unsigned t = 0;
	// Every scheme needs the base bits (TY_BITS) or a type byte no lower
	// than the lowest type's (TY_BYTE: PGTY_buddy 0xf0 and up); a mapped
	// page (mapcount >= 0) has neither: decided here for most pages.
	if (p->ty == TY_BITS ? (pt & p->ty_base) != p->ty_base : (pt >> 24) < p->ty_min)
		return 0;
	for (unsigned i = 0; i < p->nty; i++) {
		if (p->ty == TY_BYTE && (pt >> 24) == p->tys[i].v)
			t |= p->tys[i].type;
		else if (p->ty == TY_BITS && (pt & (p->ty_base | p->tys[i].v)) == p->ty_base)
			t |= p->tys[i].type;
	}
	return t;
}

// A compound head's order, and before folios the hugetlb destructor, kept
// in the first tail page (next); f_order counts from buf.  Apart from
// decode(): its buffer would cost every page a large stack frame.
static __attribute__((noinline)) void decode_head(struct kd_session *s, const struct kd_pages *p,
						   const uint8_t *buf, const uint8_t *next, struct kd_page *pg)
{
	uint8_t two[2048];
	size_t n = (size_t)p->sz;
	if (2 * n > sizeof(two))
		return;
	memcpy(two, buf, n);
	memcpy(two + n, next, n);
	uint64_t o = get(s, two, &p->f_order);
	pg->order = (unsigned)(p->ord == ORD_FLAGS1 ? (o & 0xff) : o);
	if (pg->order > 63)
		pg->order = 0;
	if (p->f_dtor.size && get(s, two, &p->f_dtor) == p->hugetlb_dtor)
		pg->types |= KD_PT_HUGETLB;
	if (p->pg_hugetlb >= 0 && p->ord == ORD_FLAGS1 && ((get(s, two + n, &p->f_flags) >> p->pg_hugetlb) & 1))
		pg->types |= KD_PT_HUGETLB;
}

static inline uint64_t le64_at(const uint8_t *b, uint64_t off)
{
	uint64_t v;
	memcpy(&v, b + off, 8);
	return le64toh(v);
}

static inline uint32_t le32_at(const uint8_t *b, uint64_t off)
{
	uint32_t v;
	memcpy(&v, b + off, 4);
	return le32toh(v);
}

// Decode one struct page from buf; next is the following struct page (the
// first tail of a head) or NULL when it could not be read.  The walks call
// it once per page frame: where the members have their usual sizes on a
// little-endian dump (p->fast) they are loaded directly.
static void decode(struct kd_session *s, const struct kd_pages *p, const uint8_t *buf, const uint8_t *next,
		   uint64_t addr, uint64_t pfn, struct kd_page *pg)
{
	pg->addr = addr;
	pg->pfn = pfn;
	pg->compound = false;
	pg->order = 0;
	pg->types = 0;
	uint64_t ch;
	if (p->fast) {
		pg->flags = le64_at(buf, p->f_flags.off);
		pg->mapping = le64_at(buf, p->f_mapping.off);
		pg->index = le64_at(buf, p->f_index.off);
		pg->private_ = le64_at(buf, p->f_private.off);
		pg->memcg_data = p->f_memcg.size == 8 ? le64_at(buf, p->f_memcg.off) : get(s, buf, &p->f_memcg);
		pg->refcount = (int32_t)le32_at(buf, p->f_ref.off);
		pg->page_type = le32_at(buf, p->f_mapcount.off);
		ch = le64_at(buf, p->f_chead.off);
	} else {
		pg->flags = get(s, buf, &p->f_flags);
		pg->mapping = get(s, buf, &p->f_mapping);
		pg->index = get(s, buf, &p->f_index);
		pg->private_ = get(s, buf, &p->f_private);
		pg->memcg_data = get(s, buf, &p->f_memcg);
		pg->refcount = (int32_t)get(s, buf, &p->f_ref);
		pg->page_type = (uint32_t)get(s, buf, &p->f_mapcount);
		ch = get(s, buf, &p->f_chead);
	}
	pg->mapcount = (int32_t)pg->page_type;
	pg->head = addr;
	if (ch & 1) {
		pg->compound = true;
		pg->head = ch - 1;
	} else if (p->pg_head >= 0 && ((pg->flags >> p->pg_head) & 1)) {
		pg->compound = true;
		if (next)
			decode_head(s, p, buf, next, pg);
	}
	if (p->nty)
		pg->types |= type_of(p, pg->page_type);
	if (p->pg_slab >= 0 && ((pg->flags >> p->pg_slab) & 1))
		pg->types |= KD_PT_SLAB;
	if (pg->types & KD_PT_BUDDY)
		pg->order = (unsigned)(pg->private_ < 64 ? pg->private_ : 0);
}

struct kd_error *kd_page_read(struct kd_session *s, uint64_t addr, struct kd_page *ret)
{
	struct kd_pages *p = s->pages;
	if (!p)
		return kd_error_create(KD_ERR_UNSUPPORTED, "the page array is not loaded");
	uint64_t pfn;
	struct kd_error *err = kd_page_to_pfn(s, addr, &pfn);
	if (err)
		return err;
	uint8_t buf[2048];
	size_t n = (size_t)p->sz;
	if (2 * n > sizeof(buf))
		return kd_error_create(KD_ERR_UNSUPPORTED, "struct page of %zu bytes", n);
	if ((err = kd_read_kernel(s, addr, buf, n)))
		return kd_error_prefix(err, "reading struct page at %016" PRIx64, addr);
	bool have_next = ok(kd_read_kernel(s, addr + n, buf + n, n));
	decode(s, p, buf, have_next ? buf + n : NULL, addr, pfn, ret);
	return NULL;
}

// One chunk of a section: n struct pages from pfn, read at once, or page by
// page when the bulk read fails.
static int walk_chunk(struct kd_session *s, struct kd_pages *p, uint64_t map, uint64_t pfn, uint64_t n,
		      bool next_in_section, uint8_t *buf, kd_page_fn *fn, void *arg)
{
	size_t sz = (size_t)p->sz;
	size_t len = (size_t)(n + (next_in_section ? 1 : 0)) * sz;
	struct kd_error *err = kd_read_kernel(s, map, buf, len);
	struct kd_page pg;
	if (!err) {
		for (uint64_t i = 0; i < n; i++) {
			const uint8_t *b = buf + i * sz;
			bool nx = i + 1 < n || next_in_section;
			decode(s, p, b, nx ? b + sz : NULL, map + i * sz, pfn + i, &pg);
			int r = fn(&pg, NULL, arg);
			if (r)
				return r;
		}
		return 0;
	}
	kd_error_destroy(err);
	// A struct page that lies within one page of the dump and could not be
	// read makes every other struct page within that page unreadable for
	// the same reason: they get its error (the callers name a run of
	// unreadable struct pages by its first) instead of a read and an
	// error each, 64 of them per 4 KiB page.
	uint64_t ps = kd_page_size(s), bad_page = UINT64_MAX;
	struct kd_error *bad = NULL;
	int r = 0;
	for (uint64_t i = 0; i < n && !r; i++) {
		uint64_t addr = map + i * sz, page = ps ? addr / ps : 0;
		bool within = ps && (addr + sz - 1) / ps == page;
		if (bad && !(within && page == bad_page)) {
			kd_error_destroy(bad);
			bad = NULL;
		}
		err = bad ? NULL : kd_read_kernel(s, addr, buf, sz);
		if (bad || err) {
			memset(&pg, 0, sizeof(pg));
			pg.addr = addr;
			pg.pfn = pfn + i;
			if (err) {
				err = kd_error_prefix(err, "reading struct page of pfn %" PRIx64 " at %016" PRIx64,
						      pfn + i, addr);
				if (within && err != &kd_enomem) {
					bad = err;
					bad_page = page;
				}
			}
			r = fn(&pg, bad ? bad : err, arg);
			if (err != bad)
				kd_error_destroy(err);
		} else {
			bool nx = (i + 1 < n || next_in_section) && ok(kd_read_kernel(s, addr + sz, buf + sz, sz));
			decode(s, p, buf, nx ? buf + sz : NULL, addr, pfn + i, &pg);
			r = fn(&pg, NULL, arg);
		}
	}
	kd_error_destroy(bad);
	return r;
}

struct kd_error *kd_page_walk(struct kd_session *s, uint64_t first, uint64_t end, kd_page_fn *fn,
			      void *arg)
{
	struct kd_pages *p = s->pages;
	if (!p)
		return kd_error_create(KD_ERR_UNSUPPORTED, "the page array is not loaded");
	if (end > kd_page_max_pfn(s))
		end = kd_page_max_pfn(s);
	uint8_t *buf = malloc((CHUNK + 1) * (size_t)p->sz);
	if (!buf)
		return &kd_enomem;
	struct kd_error *err = NULL;
	for (uint64_t pfn = first; pfn < end;) {
		struct kd_mem_section ms;
		struct kd_error *e = kd_mem_section_next(s, pfn >> p->pfn_shift, &ms);
		if (e && e->code == KD_ERR_NOTFOUND) { // no present section left
			kd_error_destroy(e);
			break;
		}
		uint64_t sec_end = (ms.nr + 1) << p->pfn_shift;
		if (e) {
			// A section table root that cannot be read costs its sections:
			// reported once, as its first page frame.
			struct kd_page pg = { .pfn = pfn };
			int r = fn(&pg, e, arg);
			kd_error_destroy(e);
			if (r)
				break;
			pfn = sec_end;
			continue;
		}
		if (pfn < ms.first_pfn)
			pfn = ms.first_pfn;
		if (!ms.has_mem_map) {
			pfn = sec_end;
			continue;
		}
		while (pfn < end && pfn < sec_end) {
			if ((err = kd_check_interrupt(s)))
				goto out;
			uint64_t n = sec_end - pfn;
			if (n > CHUNK)
				n = CHUNK;
			if (n > end - pfn)
				n = end - pfn;
			uint64_t map = ms.mem_map + (pfn - ms.first_pfn) * p->sz;
			if (walk_chunk(s, p, map, pfn, n, pfn + n < sec_end, buf, fn, arg))
				goto out;
			pfn += n;
		}
	}
out:
	free(buf);
	return err;
}

struct kd_error *kd_page_read_pfns(struct kd_session *s, const uint64_t *pfns, size_t n, kd_page_fn *fn,
				   void *arg)
{
	struct kd_pages *p = s->pages;
	if (!p)
		return kd_error_create(KD_ERR_UNSUPPORTED, "the page array is not loaded");
	uint8_t *buf = NULL;
	struct kd_mem_section ms = { .nr = UINT64_MAX };
	struct kd_error *serr = NULL; // why section ms.nr cannot be used
	for (size_t i = 0; i < n;) {
		uint64_t pfn = pfns[i], nr = pfn >> p->pfn_shift;
		if (nr != ms.nr) {
			kd_error_destroy(serr);
			serr = kd_mem_section_get(s, nr, &ms);
			ms.nr = nr;
			if (!serr && (!ms.present || !ms.has_mem_map))
				serr = kd_error_create(KD_ERR_NOTFOUND, "pfn %" PRIx64 " is in a hole (section %" PRIu64
						       " has no memory map)", pfn, nr);
		}
		if (serr) {
			struct kd_page pg = { .pfn = pfn };
			if (fn(&pg, serr, arg))
				break;
			i++;
			continue;
		}
		// The run of consecutive frames from here within the section.
		uint64_t sec_end = (nr + 1) << p->pfn_shift, run = 1;
		while (i + run < n && run < CHUNK && pfns[i + run] == pfn + run && pfn + run < sec_end)
			run++;
		if (!buf && !(buf = malloc((CHUNK + 1) * (size_t)p->sz))) {
			kd_error_destroy(serr);
			return &kd_enomem;
		}
		uint64_t map = ms.mem_map + (pfn - ms.first_pfn) * p->sz;
		if (walk_chunk(s, p, map, pfn, run, pfn + run < sec_end, buf, fn, arg))
			break;
		i += run;
	}
	kd_error_destroy(serr);
	free(buf);
	return NULL;
}

unsigned kd_page_flag_count(struct kd_session *s)
{
	return s->pages ? s->pages->nflags : 0;
}

const char *kd_page_flag_name(struct kd_session *s, unsigned bit)
{
	return s->pages && bit < s->pages->nflags ? s->pages->flag_names[bit] : NULL;
}

const char *kd_page_flag_aliases(struct kd_session *s, unsigned bit)
{
	struct kd_pages *p = s->pages;
	return p && p->flag_aliases && bit < p->nflags ? p->flag_aliases[bit] : NULL;
}

struct kd_error *kd_page_flag_bit(struct kd_session *s, const char *name, unsigned *bit_ret)
{
	struct kd_pages *p = s->pages;
	for (unsigned i = 0; p && i < p->nflags; i++) {
		const char *n = p->flag_names[i];
		if (n && (strcasecmp(n, name) == 0 || (strncmp(n, "PG_", 3) == 0 && strcasecmp(n + 3, name) == 0))) {
			*bit_ret = i;
			return NULL;
		}
	}
	return kd_error_create(KD_ERR_NOTFOUND, "no page flag '%s'", name);
}

// Append a word to buf (always terminated).
static void append(char *buf, size_t size, size_t *len, const char *sep, const char *word, bool lower)
{
	if (*len && *len + 1 < size) {
		int n = snprintf(buf + *len, size - *len, "%s", sep);
		*len = n > 0 && (size_t)n < size - *len ? *len + (size_t)n : size - 1;
	}
	for (const char *c = word; *c && *len + 1 < size; c++)
		buf[(*len)++] = lower ? (char)tolower((unsigned char)*c) : *c;
	buf[*len] = 0;
}

const char *kd_page_flags_str(struct kd_session *s, uint64_t flags, const char *sep, char *buf, size_t size)
{
	size_t len = 0;
	if (size)
		buf[0] = 0;
	struct kd_pages *p = s->pages;
	for (unsigned i = 0; p && i < p->nflags && size; i++) {
		if (!((flags >> i) & 1))
			continue;
		const char *n = p->flag_names[i];
		char tmp[24];
		if (!n) {
			snprintf(tmp, sizeof(tmp), "bit%u", i);
			n = tmp;
		} else if (strncmp(n, "PG_", 3) == 0) {
			n += 3;
		}
		append(buf, size, &len, sep, n, true);
	}
	return buf;
}

const char *kd_page_types_str(unsigned types, const char *sep, char *buf, size_t size)
{
	static const char *const names[] = { "buddy", "slab", "offline", "table", "guard", "hugetlb",
					     "zsmalloc", "unaccepted", "large_kmalloc" };
	size_t len = 0;
	if (size)
		buf[0] = 0;
	for (unsigned i = 0; i < sizeof(names) / sizeof(names[0]) && size; i++)
		if (types & (1u << i))
			append(buf, size, &len, sep, names[i], false);
	return buf;
}
