// SPDX-License-Identifier: GPL-3.0-or-later
// kdump-compressed dumps ("diskdump"): makedumpfile's `KDUMP   ` files (-c,
// -l, -p, -z and uncompressed), the older `DISKDUMP` signature, QEMU's
// kdump-* formats, and split sets (makedumpfile --split) opened as one dump.
//
// Layout, from makedumpfile's diskdump_mod.h and IMPLEMENTATION (summarized
// in prior-art.md section 3): block 0 holds struct disk_dump_header, then
// sub_hdr_size blocks of struct kdump_sub_header, then bitmap_blocks blocks
// of bitmaps (the first: pfn is RAM, the second: pfn is dumped, LSB first),
// then one 24-byte page_desc_t per dumped pfn in pfn order, then the page
// data.  Every field is in the dumped machine's byte order, and `long`
// fields have its word size.  A flattened (-F) file reaches us already
// rebuilt by the file layer (shell/core/file.c).
#include <stdlib.h>
#include <string.h>
#include <elf.h>
#include <zlib.h>

#include "config.h"
#include "format.h"

#ifdef HAVE_LZO2
#include <lzo1x.h>
#endif
#ifdef HAVE_SNAPPY
#include <snappy-c.h>

#include "../core/dlib.h"

// snappy is opened when the first snappy page is read (dlib.h): the C++
// runtime it pulls in cost every run, and few dumps use it.
static snappy_status (*snappy_length_fn)(const char *, size_t, size_t *);
static snappy_status (*snappy_uncompress_fn)(const char *, size_t, char *, size_t *);
static struct kd_dlib snappy_lib = { .soname = KD_SNAPPY_SONAME };

static const char *snappy_open(void)
{
	const struct kd_dlib_sym syms[] = {
		{ "snappy_uncompressed_length", (void **)&snappy_length_fn },
		{ "snappy_uncompress", (void **)&snappy_uncompress_fn },
	};
	return kd_dlib_open(&snappy_lib, syms, sizeof(syms) / sizeof(syms[0]));
}
#endif
#ifdef HAVE_ZSTD
#include <zstd.h>
#endif

// disk_dump_header.status and page_desc_t.flags (diskdump_mod.h)
#define DUMP_DH_COMPRESSED_ZLIB 0x1
#define DUMP_DH_COMPRESSED_LZO 0x2
#define DUMP_DH_COMPRESSED_SNAPPY 0x4
#define DUMP_DH_COMPRESSED_INCOMPLETE 0x8
#define DUMP_DH_EXCLUDED_VMEMMAP 0x10
#define DUMP_DH_COMPRESSED_ZSTD 0x20
#define DUMP_DH_COMPRESSION_MASK 0x27

#define UTS_LEN 65           // __NEW_UTS_LEN + 1
#define UTS_MACHINE 272      // 12 + 4 * 65: sysname nodename release version machine
#define UTS_RELEASE 142
#define PAGE_DESC_SIZE 24    // off_t offset; u32 size; u32 flags; u64 page_flags
#define DESC_CHUNK 256       // page descriptors read at once
#define MAX_META (64u << 20) // bound for notes / VMCOREINFO copies

struct kdump_part {
	struct kd_file *f;
	uint64_t start_pfn, end_pfn;  // [start, end) is in this part
	uint64_t data_off;            // first page descriptor
	unsigned char *bitmap1;       // RAM
	unsigned char *bitmap2;       // dumped (== bitmap1 with a single bitmap)
	uint64_t bitmap_bytes;        // of each bitmap
	uint64_t *rank;               // set bits of bitmap2 before each 512-pfn block
	uint64_t base_rank;           // set bits before start_pfn
	uint64_t ndesc;               // dumped pages in [start, end)
	// the last chunk of page descriptors read (sequential reads are common)
	uint64_t desc_first;          // index of desc_buf[0], or -1
	size_t desc_n;
	unsigned char desc_buf[DESC_CHUNK * PAGE_DESC_SIZE];
};

struct kdump_priv {
	struct kdump_part *parts;     // sorted by start_pfn
	size_t nparts;
	bool be;
	unsigned word;                // sizeof(long) of the dumped machine
	uint32_t block_size;
	uint32_t status;
	int32_t version;
	uint64_t max_mapnr;
	bool diskdump;                // old DISKDUMP signature
	unsigned char *cbuf;          // one compressed page
#ifdef HAVE_ZSTD
	ZSTD_DCtx *zctx;
#endif
};

/* ---- byte order and word size of the dumped machine ---- */

static bool kdump_probe(const void *hdr, size_t len)
{
	return len >= 8 && (memcmp(hdr, "KDUMP   ", 8) == 0 || memcmp(hdr, "DISKDUMP", 8) == 0);
}

/* ---- bitmaps ---- */

static bool bit(const unsigned char *bm, uint64_t pfn)
{
	return bm[pfn >> 3] >> (pfn & 7) & 1;
}

static uint64_t word64(const unsigned char *bm, uint64_t w)
{
	return kd_get_uint(bm + 8 * w, 8, false);
}

// Number of set bits of bitmap2 below pfn (pfn <= bitmap_bytes * 8).
static uint64_t rank(const struct kdump_part *pt, uint64_t pfn)
{
	uint64_t blk = pfn >> 9, r = pt->rank[blk];
	for (uint64_t w = blk << 3; w < pfn >> 6; w++)
		r += (uint64_t)__builtin_popcountll(word64(pt->bitmap2, w));
	if (pfn & 63)
		r += (uint64_t)__builtin_popcountll(word64(pt->bitmap2, pfn >> 6) &
						    ((1ULL << (pfn & 63)) - 1));
	return r;
}

static struct kd_error *build_rank(struct kdump_part *pt)
{
	uint64_t words = pt->bitmap_bytes / 8, blocks = words / 8 + 1;
	pt->rank = malloc(blocks * sizeof(*pt->rank));
	if (!pt->rank)
		return &kd_enomem;
	uint64_t r = 0;
	for (uint64_t b = 0; b < blocks; b++) {
		pt->rank[b] = r;
		for (uint64_t w = b * 8; w < b * 8 + 8 && w < words; w++)
			r += (uint64_t)__builtin_popcountll(word64(pt->bitmap2, w));
	}
	return NULL;
}

/* ---- opening ---- */

struct layout {
	unsigned status, block_size, sub_hdr_size, bitmap_blocks, max_mapnr, nr_cpus;
	// kdump_sub_header
	unsigned phys_base, dump_level, split, start_pfn, end_pfn, off_vmci, size_vmci,
		off_note, size_note, off_erase, size_erase, start_pfn_64, end_pfn_64,
		max_mapnr_64, size;
};

// Field offsets for a word size; 64-bit fields are 8-aligned except on i386.
static void make_layout(struct layout *l, unsigned word, unsigned align64)
{
	unsigned ts = (UTS_MACHINE + 2 * UTS_LEN + word - 1) / word * word; // struct timeval
	l->status = ts + 2 * word;
	l->block_size = l->status + 4;
	l->sub_hdr_size = l->status + 8;
	l->bitmap_blocks = l->status + 12;
	l->max_mapnr = l->status + 16;
	l->nr_cpus = l->status + 36;
	unsigned o = 0;
#define FIELD(name, sz, al) (o = (o + (al) - 1) / (al) * (al), l->name = o, o += (sz))
	FIELD(phys_base, word, word);
	FIELD(dump_level, 4, 4);
	FIELD(split, 4, 4);
	FIELD(start_pfn, word, word);
	FIELD(end_pfn, word, word);
	FIELD(off_vmci, 8, align64);
	FIELD(size_vmci, word, word);
	FIELD(off_note, 8, align64);
	FIELD(size_note, word, word);
	FIELD(off_erase, 8, align64);
	FIELD(size_erase, word, word);
	FIELD(start_pfn_64, 8, align64);
	FIELD(end_pfn_64, 8, align64);
	FIELD(max_mapnr_64, 8, align64);
#undef FIELD
	l->size = o;
}

struct part_info {
	char signature[8];
	int32_t version;
	uint32_t status, block_size, sub_hdr_size, bitmap_blocks, nr_cpus;
	uint64_t max_mapnr, phys_base, start_pfn, end_pfn;
	int32_t dump_level, split;
	uint64_t off_vmci, size_vmci, off_note, size_note;
	char machine[UTS_LEN], release[UTS_LEN];
};

static struct kd_error *read_header(struct kd_core *c, struct kdump_priv *p, struct kd_file *f,
				    struct part_info *pi)
{
	unsigned char h[512];
	struct kd_error *err = kd_file_pread(f, h, sizeof(h), 0);
	if (err)
		return kd_error_prefix(err, "kdump header");
	if (!kdump_probe(h, sizeof(h)))
		return kd_error_create(KD_ERR_CORRUPT, "'%s' is not a kdump-compressed dump (bad signature at offset 0)",
				       f->path);
	memcpy(pi->signature, h, 8);
	uint32_t vle = (uint32_t)kd_get_uint(h + 8, 4, false), vbe = (uint32_t)kd_get_uint(h + 8, 4, true);
	if (vle >= 1 && vle <= 64)
		p->be = false;
	else if (vbe >= 1 && vbe <= 64)
		p->be = true;
	else
		return kd_error_create(KD_ERR_CORRUPT, "'%s': unknown kdump header_version 0x%x at offset 0x8",
				       f->path, vle);
	pi->version = (int32_t)(p->be ? vbe : vle);
	memcpy(pi->machine, h + UTS_MACHINE, UTS_LEN);
	pi->machine[UTS_LEN - 1] = '\0';
	memcpy(pi->release, h + UTS_RELEASE, UTS_LEN);
	pi->release[UTS_LEN - 1] = '\0';
	c->e_machine = kd_machine_from_uname(pi->machine, &p->word);
	struct layout l;
	make_layout(&l, p->word, c->e_machine == EM_386 ? 4 : 8);
	bool be = p->be;
	pi->status = (uint32_t)kd_get_uint(h + l.status, 4, be);
	pi->block_size = (uint32_t)kd_get_uint(h + l.block_size, 4, be);
	pi->sub_hdr_size = (uint32_t)kd_get_uint(h + l.sub_hdr_size, 4, be);
	pi->bitmap_blocks = (uint32_t)kd_get_uint(h + l.bitmap_blocks, 4, be);
	pi->max_mapnr = (uint32_t)kd_get_uint(h + l.max_mapnr, 4, be);
	pi->nr_cpus = (uint32_t)kd_get_uint(h + l.nr_cpus, 4, be);
	if (pi->block_size < 512 || pi->block_size > (1u << 20) || (pi->block_size & (pi->block_size - 1)))
		return kd_error_create(KD_ERR_CORRUPT,
				       "'%s': kdump block_size %u at offset 0x%x is not a power of two between 512 and 1 MiB",
				       f->path, pi->block_size, l.block_size);
	if (pi->sub_hdr_size > (1u << 20))
		return kd_error_create(KD_ERR_CORRUPT, "'%s': kdump sub_hdr_size %u blocks is implausible",
				       f->path, pi->sub_hdr_size);
	pi->start_pfn = 0;
	pi->end_pfn = pi->max_mapnr;
	pi->split = 0;
	pi->dump_level = -1;
	pi->off_vmci = pi->size_vmci = pi->off_note = pi->size_note = pi->phys_base = 0;
	if (memcmp(pi->signature, "KDUMP   ", 8) != 0 || pi->sub_hdr_size == 0)
		return NULL; // DISKDUMP: its sub-header holds nothing we need
	unsigned char sh[128];
	if (l.size > sizeof(sh) || l.size > pi->sub_hdr_size * (uint64_t)pi->block_size)
		return kd_error_create(KD_ERR_CORRUPT, "'%s': kdump sub-header is too small (%u blocks)",
				       f->path, pi->sub_hdr_size);
	err = kd_file_pread(f, sh, l.size, pi->block_size);
	if (err)
		return kd_error_prefix(err, "kdump sub-header");
	unsigned w = p->word;
	int v = pi->version;
	pi->phys_base = kd_get_uint(sh + l.phys_base, w, be);
	if (v >= 1)
		pi->dump_level = (int32_t)kd_get_uint(sh + l.dump_level, 4, be);
	if (v >= 2) {
		pi->split = (int32_t)kd_get_uint(sh + l.split, 4, be);
		if (pi->split) {
			pi->start_pfn = kd_get_uint(sh + l.start_pfn, w, be);
			pi->end_pfn = kd_get_uint(sh + l.end_pfn, w, be);
		}
	}
	if (v >= 3) {
		pi->off_vmci = kd_get_uint(sh + l.off_vmci, 8, be);
		pi->size_vmci = kd_get_uint(sh + l.size_vmci, w, be);
	}
	if (v >= 4) {
		pi->off_note = kd_get_uint(sh + l.off_note, 8, be);
		pi->size_note = kd_get_uint(sh + l.size_note, w, be);
	}
	if (v >= 6) {
		pi->max_mapnr = kd_get_uint(sh + l.max_mapnr_64, 8, be);
		if (pi->split) {
			pi->start_pfn = kd_get_uint(sh + l.start_pfn_64, 8, be);
			pi->end_pfn = kd_get_uint(sh + l.end_pfn_64, 8, be);
		} else {
			pi->end_pfn = pi->max_mapnr;
		}
	} else if (!pi->split) {
		pi->end_pfn = pi->max_mapnr;
	}
	return NULL;
}

static struct kd_error *open_part(struct kd_core *c, struct kdump_priv *p, struct kdump_part *pt,
				  const struct part_info *pi)
{
	struct kd_file *f = pt->f;
	uint64_t bs = pi->block_size;
	uint64_t bm_off = (1 + (uint64_t)pi->sub_hdr_size) * bs;
	uint64_t bm_total = (uint64_t)pi->bitmap_blocks * bs;
	pt->data_off = bm_off + bm_total;
	if (pt->data_off > f->size)
		return kd_error_create(KD_ERR_CORRUPT,
				       "'%s': kdump bitmaps (%u blocks at offset 0x%llx) run past the end of the file (size 0x%llx)",
				       f->path, pi->bitmap_blocks, (unsigned long long)bm_off,
				       (unsigned long long)f->size);
	// One bitmap covers max_mapnr bits, rounded up to a block; two bitmaps
	// (RAM, dumped) when there is room for both (crash: dump_is_partial).
	uint64_t need = (pi->max_mapnr + 7) / 8;
	need = (need + bs - 1) / bs * bs;
	if (pi->max_mapnr == 0 || need == 0)
		return kd_error_create(KD_ERR_CORRUPT, "'%s': kdump max_mapnr is 0", f->path);
	bool two;
	if (bm_total >= 2 * need)
		two = true;
	else if (bm_total >= need)
		two = false;
	else
		return kd_error_create(KD_ERR_CORRUPT,
				       "'%s': kdump bitmap (%u blocks) is too small for max_mapnr 0x%llx",
				       f->path, pi->bitmap_blocks, (unsigned long long)pi->max_mapnr);
	pt->bitmap_bytes = two ? bm_total / 2 : bm_total;
	pt->bitmap_bytes = (pt->bitmap_bytes + 7) / 8 * 8;
	// bitmap_bytes is at most the file size: allocations are bounded by it.
	pt->bitmap1 = calloc(1, two ? 2 * pt->bitmap_bytes : pt->bitmap_bytes);
	if (!pt->bitmap1)
		return &kd_enomem;
	struct kd_error *err = kd_file_pread(f, pt->bitmap1, bm_total, bm_off);
	if (err)
		return kd_error_prefix(err, "kdump bitmaps");
	pt->bitmap2 = two ? pt->bitmap1 + pt->bitmap_bytes : pt->bitmap1;
	err = build_rank(pt);
	if (err)
		return err;
	if (pt->start_pfn > pt->end_pfn || pt->end_pfn > pi->max_mapnr)
		return kd_error_create(KD_ERR_CORRUPT,
				       "'%s': split part covers pfns 0x%llx-0x%llx, outside max_mapnr 0x%llx",
				       f->path, (unsigned long long)pt->start_pfn,
				       (unsigned long long)pt->end_pfn, (unsigned long long)pi->max_mapnr);
	pt->base_rank = rank(pt, pt->start_pfn);
	pt->ndesc = rank(pt, pt->end_pfn) - pt->base_rank;
	if (pt->ndesc > (f->size - pt->data_off) / PAGE_DESC_SIZE)
		return kd_error_create(KD_ERR_CORRUPT,
				       "'%s': the bitmap says %llu pages are dumped, but their descriptors at 0x%llx run past the end of the file (size 0x%llx): truncated dump?",
				       f->path, (unsigned long long)pt->ndesc, (unsigned long long)pt->data_off,
				       (unsigned long long)f->size);
	pt->desc_first = (uint64_t)-1;
	(void)c;
	(void)p;
	return NULL;
}

static struct kd_error *copy_blob(struct kd_file *f, uint64_t off, uint64_t size, const char *what,
				  unsigned char **ret)
{
	if (size > MAX_META || off > f->size || size > f->size - off)
		return kd_error_create(KD_ERR_CORRUPT,
				       "'%s': %s (offset 0x%llx, size 0x%llx) runs past the end of the file (size 0x%llx)",
				       f->path, what, (unsigned long long)off, (unsigned long long)size,
				       (unsigned long long)f->size);
	unsigned char *b = malloc(size + 1);
	if (!b)
		return &kd_enomem;
	struct kd_error *err = kd_file_pread(f, b, size, off);
	if (err) {
		free(b);
		return err;
	}
	b[size] = '\0';
	*ret = b;
	return NULL;
}

static int part_cmp(const void *a, const void *b)
{
	const struct kdump_part *x = a, *y = b;
	return x->start_pfn < y->start_pfn ? -1 : x->start_pfn > y->start_pfn;
}

static const char *compression_name(uint32_t flags)
{
	if (flags & DUMP_DH_COMPRESSED_ZSTD)
		return "zstd";
	if (flags & DUMP_DH_COMPRESSED_SNAPPY)
		return "snappy";
	if (flags & DUMP_DH_COMPRESSED_LZO)
		return "lzo";
	if (flags & DUMP_DH_COMPRESSED_ZLIB)
		return "zlib";
	return "uncompressed";
}

// The libraries this build lacks, for the header's compression.
static struct kd_error *check_library(uint32_t status)
{
	const char *missing = NULL;
#ifndef HAVE_ZSTD
	if (status & DUMP_DH_COMPRESSED_ZSTD)
		missing = "zstd";
#endif
#ifndef HAVE_SNAPPY
	if (status & DUMP_DH_COMPRESSED_SNAPPY)
		missing = "snappy";
#endif
#ifndef HAVE_LZO2
	if (status & DUMP_DH_COMPRESSED_LZO)
		missing = "lzo";
#endif
	if (missing)
		return kd_error_create(KD_ERR_UNSUPPORTED,
				       "kdive was built without %s, which this dump's pages need (rebuild with --with-%s)",
				       missing, strcmp(missing, "lzo") == 0 ? "lzo2" : missing);
	(void)status;
	return NULL;
}

static struct kd_error *add_ranges(struct kd_core *c, struct kdump_priv *p)
{
	for (size_t i = 0; i < p->nparts; i++) {
		struct kdump_part *pt = &p->parts[i];
		uint64_t pfn = pt->start_pfn, end = pt->end_pfn;
		uint64_t bs = p->block_size;
		while (pfn < end) {
			// skip clear bits a word at a time
			if ((pfn & 63) == 0 && pfn + 64 <= end && word64(pt->bitmap1, pfn >> 6) == 0) {
				pfn += 64;
				continue;
			}
			if (!bit(pt->bitmap1, pfn)) {
				pfn++;
				continue;
			}
			uint64_t s = pfn;
			while (pfn < end && bit(pt->bitmap1, pfn))
				pfn++;
			if (c->nranges) {
				struct kd_phys_range *last = &c->ranges[c->nranges - 1];
				if (last->start + last->size == s * bs) {
					last->size += (pfn - s) * bs;
					last->file_size = last->size;
					continue;
				}
			}
			struct kd_phys_range r = { .start = s * bs, .size = (pfn - s) * bs,
						   .file_off = pt->data_off, .file_size = (pfn - s) * bs };
			struct kd_error *err = kd_core_add_range(c, &r);
			if (err)
				return err;
		}
	}
	return NULL;
}

static void kdump_close(struct kd_core *c);

static struct kd_error *kdump_open(struct kd_core *c)
{
	struct kdump_priv *p = calloc(1, sizeof(*p));
	if (!p)
		return &kd_enomem;
	c->priv = p;
	p->parts = calloc(c->nfiles, sizeof(*p->parts));
	if (!p->parts)
		return &kd_enomem;
	struct part_info first = { 0 };
	struct kd_error *err;
	for (size_t i = 0; i < c->nfiles; i++) {
		struct part_info pi;
		struct kdump_part *pt = &p->parts[p->nparts];
		pt->f = c->files[i];
		err = read_header(c, p, pt->f, &pi);
		if (err)
			return err;
		if (i == 0) {
			first = pi;
			err = check_library(pi.status);
			if (err)
				return err;
		} else if (pi.block_size != first.block_size || pi.max_mapnr != first.max_mapnr ||
			   strcmp(pi.release, first.release) != 0 || !pi.split || !first.split) {
			return kd_error_create(KD_ERR_USAGE,
					       "'%s' is not another part of the same split dump as '%s' (%s)",
					       pt->f->path, c->files[0]->path,
					       !pi.split || !first.split ? "not a --split part"
									 : "different header");
		}
		pt->start_pfn = pi.start_pfn;
		pt->end_pfn = pi.end_pfn;
		err = open_part(c, p, pt, &pi);
		p->nparts++;
		if (err)
			return err;
	}
	p->version = first.version;
	p->status = first.status;
	p->block_size = first.block_size;
	p->max_mapnr = first.max_mapnr;
	p->diskdump = memcmp(first.signature, "DISKDUMP", 8) == 0;
	c->big_endian = p->be;
	c->page_size = p->block_size;
	qsort(p->parts, p->nparts, sizeof(*p->parts), part_cmp);
	for (size_t i = 1; i < p->nparts; i++) {
		if (p->parts[i].start_pfn < p->parts[i - 1].end_pfn)
			return kd_error_create(KD_ERR_USAGE,
					       "split parts '%s' and '%s' overlap (pfns 0x%llx-0x%llx and 0x%llx-0x%llx); was a part given twice?",
					       p->parts[i - 1].f->path, p->parts[i].f->path,
					       (unsigned long long)p->parts[i - 1].start_pfn,
					       (unsigned long long)p->parts[i - 1].end_pfn,
					       (unsigned long long)p->parts[i].start_pfn,
					       (unsigned long long)p->parts[i].end_pfn);
	}
	p->cbuf = malloc(p->block_size);
	if (!p->cbuf)
		return &kd_enomem;
#ifdef HAVE_ZSTD
	p->zctx = ZSTD_createDCtx();
	if (!p->zctx)
		return &kd_enomem;
#endif
#ifdef HAVE_LZO2
	if (lzo_init() != LZO_E_OK)
		return kd_error_create(KD_ERR_UNSUPPORTED, "liblzo2 failed to initialize");
#endif
	err = add_ranges(c, p);
	if (err)
		return err;

	// Notes (NT_PRSTATUS per CPU, VMCOREINFO, QEMU state) and VMCOREINFO,
	// from the first part (every part carries them).
	struct kd_file *f = c->file;
	if (first.size_note) {
		unsigned char *notes;
		err = copy_blob(f, first.off_note, first.size_note, "ELF notes", &notes);
		if (err)
			return err;
		err = kd_core_parse_notes(c, notes, first.size_note, p->be);
		if (err)
			return err;
	}
	if (first.size_vmci) {
		unsigned char *v;
		err = copy_blob(f, first.off_vmci, first.size_vmci, "VMCOREINFO", &v);
		if (err)
			return err;
		c->vmcoreinfo = (char *)v;
		c->vmcoreinfo_len = first.size_vmci;
		if (c->e_machine == EM_NONE)
			c->e_machine = kd_machine_from_vmcoreinfo(c->vmcoreinfo, c->vmcoreinfo_len);
	}
	err = kd_core_scan_notes(c);
	if (err)
		return err;
	if (!c->nr_cpus && first.nr_cpus <= 8192)
		c->nr_cpus = first.nr_cpus;

	// Which pfns no given part covers (missing parts of a split set).
	uint64_t covered = 0;
	for (size_t i = 0; i < p->nparts; i++)
		covered += p->parts[i].end_pfn - p->parts[i].start_pfn;
	char lvl[32] = "";
	if (first.dump_level >= 0)
		snprintf(lvl, sizeof(lvl), ", dump level %d", first.dump_level);
	char parts[96] = "";
	if (first.split)
		snprintf(parts, sizeof(parts), ", split: %zu part%s given%s", p->nparts,
			 p->nparts == 1 ? "" : "s",
			 covered < p->max_mapnr ? " (some missing)" : "");
	const char *sig = p->diskdump ? "DISKDUMP" : "KDUMP";
	if (asprintf(&c->format_desc, "kdump-compressed (%s v%d, %s%s%s%s%s%s)", sig,
		     p->version, compression_name(p->status), lvl, parts,
		     p->status & DUMP_DH_COMPRESSED_INCOMPLETE ? ", incomplete" : "",
		     c->file->flat ? ", flattened" : "", p->be ? ", big-endian" : "") < 0) {
		c->format_desc = NULL;
		return &kd_enomem;
	}
	if (asprintf(&c->format_detail,
		     "signature=%s\nheader_version=%d\nbyte_order=%s\nword_size=%u\nstatus=0x%x\n"
		     "block_size=%u\nmax_mapnr=0x%llx\ndump_level=%d\nsplit_parts=%zu\n"
		     "flattened_records=%zu\nphys_base=0x%llx\nmachine=%s\nrelease=%s\n",
		     sig, p->version, p->be ? "big" : "little", p->word, p->status,
		     p->block_size, (unsigned long long)p->max_mapnr, first.dump_level,
		     first.split ? p->nparts : 0, c->file->nflat_records,
		     (unsigned long long)first.phys_base, first.machine, first.release) < 0) {
		c->format_detail = NULL;
		return &kd_enomem;
	}
	return NULL;
}

/* ---- reading ---- */

static struct kd_error *read_desc(struct kdump_part *pt, uint64_t idx, unsigned char **ret)
{
	if (pt->desc_first == (uint64_t)-1 || idx < pt->desc_first || idx - pt->desc_first >= pt->desc_n) {
		uint64_t first = idx / DESC_CHUNK * DESC_CHUNK;
		uint64_t n = pt->ndesc - first < DESC_CHUNK ? pt->ndesc - first : DESC_CHUNK;
		pt->desc_first = (uint64_t)-1;
		struct kd_error *err = kd_file_pread(pt->f, pt->desc_buf, (size_t)n * PAGE_DESC_SIZE,
						     pt->data_off + first * PAGE_DESC_SIZE);
		if (err)
			return err;
		pt->desc_first = first;
		pt->desc_n = (size_t)n;
	}
	*ret = pt->desc_buf + (idx - pt->desc_first) * PAGE_DESC_SIZE;
	return NULL;
}

static struct kd_error *page_error(struct kd_error *err, uint64_t pfn, uint64_t bs)
{
	uint64_t pa = pfn * bs;
	err = kd_error_prefix(err, "physical address 0x%llx (pfn 0x%llx)", (unsigned long long)pa,
			      (unsigned long long)pfn);
	if (err != &kd_enomem) {
		err->has_addr = true;
		err->addr = pa;
	}
	return err;
}

// page_size is always block_size: open() set it as the core's page size.
static struct kd_error *kdump_read_page(struct kd_core *c, uint64_t pfn, uint64_t page_size,
					void *buf)
{
	struct kdump_priv *p = c->priv;
	uint64_t bs = p->block_size, pa = pfn * bs;
	if (pfn >= p->max_mapnr)
		return kd_error_addr(KD_ERR_FAULT, pa, "physical address 0x%llx is not in the dump",
				     (unsigned long long)pa);
	struct kdump_part *pt = NULL;
	for (size_t lo = 0, hi = p->nparts; lo < hi;) {
		size_t mid = lo + (hi - lo) / 2;
		if (pfn < p->parts[mid].start_pfn)
			hi = mid;
		else if (pfn >= p->parts[mid].end_pfn)
			lo = mid + 1;
		else {
			pt = &p->parts[mid];
			break;
		}
	}
	if (!pt)
		return kd_error_addr(KD_ERR_FAULT, pa,
				     "physical address 0x%llx (pfn 0x%llx) is in a part of the split dump that was not given",
				     (unsigned long long)pa, (unsigned long long)pfn);
	if (!bit(pt->bitmap2, pfn)) {
		if (bit(pt->bitmap1, pfn))
			return kd_error_addr(KD_ERR_NODATA, pa,
					     "physical address 0x%llx (pfn 0x%llx) was excluded from the dump",
					     (unsigned long long)pa, (unsigned long long)pfn);
		return kd_error_addr(KD_ERR_FAULT, pa, "physical address 0x%llx is not in the dump",
				     (unsigned long long)pa);
	}
	uint64_t idx = rank(pt, pfn) - pt->base_rank;
	unsigned char *d;
	struct kd_error *err = read_desc(pt, idx, &d);
	if (err)
		return page_error(err, pfn, bs);
	uint64_t off = kd_get_uint(d, 8, p->be);
	uint32_t size = (uint32_t)kd_get_uint(d + 8, 4, p->be);
	uint32_t flags = (uint32_t)kd_get_uint(d + 12, 4, p->be);
	if (off == 0)
		return kd_error_addr(KD_ERR_NODATA, pa,
				     "physical address 0x%llx (pfn 0x%llx) was lost: the dump is incomplete",
				     (unsigned long long)pa, (unsigned long long)pfn);
	if (size == 0 || size > bs)
		return kd_error_addr(KD_ERR_CORRUPT, pa,
				     "physical address 0x%llx (pfn 0x%llx): page descriptor %llu says %u bytes (block size %llu)",
				     (unsigned long long)pa, (unsigned long long)pfn,
				     (unsigned long long)idx, size, (unsigned long long)bs);
	if (off > pt->f->size || size > pt->f->size - off)
		return kd_error_addr(KD_ERR_CORRUPT, pa,
				     "physical address 0x%llx (pfn 0x%llx): page data (offset 0x%llx, %u bytes) lies past the end of '%s' (size 0x%llx)",
				     (unsigned long long)pa, (unsigned long long)pfn, (unsigned long long)off,
				     size, pt->f->path, (unsigned long long)pt->f->size);
	uint32_t comp = flags & DUMP_DH_COMPRESSION_MASK & ~DUMP_DH_COMPRESSED_INCOMPLETE;
	if (!comp) {
		if (size != bs)
			return kd_error_addr(KD_ERR_CORRUPT, pa,
					     "physical address 0x%llx (pfn 0x%llx): uncompressed page has %u bytes, not %llu",
					     (unsigned long long)pa, (unsigned long long)pfn, size,
					     (unsigned long long)bs);
		err = kd_file_pread(pt->f, buf, size, off);
		return err ? page_error(err, pfn, bs) : NULL;
	}
	err = kd_file_pread(pt->f, p->cbuf, size, off);
	if (err)
		return page_error(err, pfn, bs);
	bool ok = false;
	const char *lib = compression_name(comp);
	c->decompressions++;
	if (comp == DUMP_DH_COMPRESSED_ZLIB) {
		uLongf dlen = (uLongf)bs;
		ok = uncompress(buf, &dlen, p->cbuf, size) == Z_OK && dlen == bs;
	} else if (comp == DUMP_DH_COMPRESSED_LZO) {
#ifdef HAVE_LZO2
		lzo_uint dlen = (lzo_uint)bs;
		ok = lzo1x_decompress_safe(p->cbuf, size, buf, &dlen, NULL) == LZO_E_OK && dlen == bs;
#else
		goto missing;
#endif
	} else if (comp == DUMP_DH_COMPRESSED_SNAPPY) {
#ifdef HAVE_SNAPPY
		size_t dlen;
		const char *why = snappy_open();
		if (why)
			return kd_error_addr(KD_ERR_UNSUPPORTED, pa, "physical address 0x%llx (pfn 0x%llx): snappy: %s",
					     (unsigned long long)pa, (unsigned long long)pfn, why);
		ok = snappy_length_fn((const char *)p->cbuf, size, &dlen) == SNAPPY_OK && dlen == bs &&
		     snappy_uncompress_fn((const char *)p->cbuf, size, buf, &dlen) == SNAPPY_OK && dlen == bs;
#else
		goto missing;
#endif
	} else if (comp == DUMP_DH_COMPRESSED_ZSTD) {
#ifdef HAVE_ZSTD
		size_t r = ZSTD_decompressDCtx(p->zctx, buf, (size_t)bs, p->cbuf, size);
		ok = !ZSTD_isError(r) && r == bs;
#else
		goto missing;
#endif
	} else {
		return kd_error_addr(KD_ERR_CORRUPT, pa,
				     "physical address 0x%llx (pfn 0x%llx): page descriptor has unknown compression flags 0x%x",
				     (unsigned long long)pa, (unsigned long long)pfn, flags);
	}
	if (!ok)
		return kd_error_addr(KD_ERR_CORRUPT, pa,
				     "physical address 0x%llx (pfn 0x%llx): %s decompression of %u bytes at offset 0x%llx failed (corrupt page data)",
				     (unsigned long long)pa, (unsigned long long)pfn, lib, size,
				     (unsigned long long)off);
	return NULL;
#if !defined(HAVE_LZO2) || !defined(HAVE_SNAPPY) || !defined(HAVE_ZSTD)
missing:
	return kd_error_addr(KD_ERR_UNSUPPORTED, pa,
			     "physical address 0x%llx (pfn 0x%llx): kdive was built without %s",
			     (unsigned long long)pa, (unsigned long long)pfn, lib);
#endif
}

static void kdump_close(struct kd_core *c)
{
	struct kdump_priv *p = c->priv;
	if (!p)
		return;
	for (size_t i = 0; i < p->nparts; i++) {
		free(p->parts[i].bitmap1);
		free(p->parts[i].rank);
	}
	free(p->parts);
	free(p->cbuf);
#ifdef HAVE_ZSTD
	ZSTD_freeDCtx(p->zctx);
#endif
	free(p);
	c->priv = NULL;
}

const struct kd_format_ops kd_format_kdump = {
	.name = "kdump",
	.probe = kdump_probe,
	.open = kdump_open,
	.read_page = kdump_read_page,
	.close = kdump_close,
	.flags = KD_FMT_PARTS,
};
