/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The core: one open dump.  A format backend (shell/fmt/) fills the physical
 * ranges, the notes and the VMCOREINFO blob; reads go through the backend's
 * read() one page at a time.  This layer knows nothing of the shell.
 */
#ifndef KD_CORE_CORE_H
#define KD_CORE_CORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <kdive/error.h>
#include <kdive/session.h>

/*
 * One piece of a flattened file (makedumpfile -F): the bytes at logical
 * offset off..off+size of the rebuilt file are at file position pos.
 */
struct kd_flat_seg {
	uint64_t off;
	uint64_t size;
	uint64_t pos;
};

/*
 * A read-only file with bounds-checked positional reads.  A flattened file
 * is read in place through its segment map: size is then the rebuilt
 * (logical) size and offsets are logical; holes read as zero.
 */
struct kd_file {
	int fd;
	uint64_t size;
	char *path;
	uint64_t raw_size;          // the file's own size
	struct kd_flat_seg *flat;   // NULL unless flattened; sorted, disjoint
	size_t nflat;
	size_t nflat_records;       // records in the stream (before merging)
};

struct kd_error *kd_file_open(const char *path, struct kd_file **ret);
void kd_file_close(struct kd_file *f);
/* Read exactly len bytes at off; past the end is KD_ERR_CORRUPT ("truncated"). */
struct kd_error *kd_file_pread(struct kd_file *f, void *buf, size_t len, uint64_t off);
/* True if hdr starts with makedumpfile's flattened-format signature. */
bool kd_file_is_flattened(const void *hdr, size_t len);
/*
 * Index a flattened file's (offset, size) records once; afterwards
 * kd_file_pread() reads the rebuilt stream in place.  No temporary file.
 */
struct kd_error *kd_file_flatten(struct kd_file *f);

/*
 * The page cache: an LRU of decoded pages keyed by pfn, shared by all
 * formats (shell/core/cache.c).  Disabled for KD_FMT_LIVE dumps.
 */
struct kd_cache_stats {
	uint64_t hits, misses, decompressions, evictions;
	size_t capacity, used;
};
struct kd_cache;
struct kd_error *kd_cache_create(size_t npages, size_t page_size, struct kd_cache **ret);
void kd_cache_destroy(struct kd_cache *cache);
/* The cached page for pfn or NULL; a hit moves it to the front. */
const void *kd_cache_lookup(struct kd_cache *cache, uint64_t pfn);
/* A buffer to fill for pfn (evicting the least recently used page); call
 * kd_cache_commit() when it is filled, kd_cache_abort() on failure. */
void *kd_cache_slot(struct kd_cache *cache, uint64_t pfn);
void kd_cache_commit(struct kd_cache *cache);
void kd_cache_abort(struct kd_cache *cache);
/* Drop everything and resize (0 disables). */
struct kd_error *kd_cache_resize(struct kd_cache *cache, size_t npages);
void kd_cache_get_stats(const struct kd_cache *cache, struct kd_cache_stats *st);
/* Default size: $KDIVE_CACHE_PAGES, else 1024 pages. */
size_t kd_cache_default_pages(void);

struct kd_core;

enum kd_format_flags {
	KD_FMT_LIVE = 1 << 0, // memory changes under us (kcore): never cache
};

struct kd_format_ops {
	const char *name;
	/* Header bytes only, no side effects. */
	bool (*probe)(const void *hdr, size_t len);
	/* Parse headers; fill ranges, notes, vmcoreinfo, machine. */
	struct kd_error *(*open)(struct kd_core *c);
	/*
	 * Optional, for formats whose data is stored plainly (ELF, kcore): read
	 * len bytes at paddr, any length; the core uses it for large reads (one
	 * big pread), for live dumps and where read_page cannot serve a page.
	 */
	struct kd_error *(*read)(struct kd_core *c, uint64_t paddr, void *buf, size_t len);
	/*
	 * Optional: decode one whole page (pfn, core page size) into buf.  The
	 * core caches the result.  Errors name the page's physical address.
	 */
	struct kd_error *(*read_page)(struct kd_core *c, uint64_t pfn, void *buf);
	void (*close)(struct kd_core *c);
	unsigned flags;
};

struct kd_core {
	struct kd_file *file;       // files[0]
	struct kd_file **files;     // all parts of a split dump, in command-line order
	size_t nfiles;
	uint64_t page_size;         // set by the backend if it knows, else 4096
	struct kd_cache *cache;
	size_t cache_pages;         // chosen size (cache_pages_set), else the default
	bool cache_pages_set;
	uint64_t cache_page_size;
	unsigned char *scratch;     // one page when there is no cache
	uint64_t scratch_size;
	uint64_t decompressions;    // pages the backend decoded (for the cache stats)
	char *format_detail;        // optional extra lines for dumpinfo (backend-owned text)
	const struct kd_format_ops *fmt;
	void *priv;                 // the backend's state
	char *format_desc;          // set by open()
	unsigned e_machine;
	bool big_endian;
	struct kd_phys_range *ranges; // sorted by start, non-overlapping
	size_t nranges;
	struct kd_note *notes;
	size_t nnotes;
	void *notes_buf;            // backing store for notes (names and descs)
	char *vmcoreinfo;           // raw text from the dump, or NULL
	size_t vmcoreinfo_len;
	unsigned nr_cpus;
};

struct kd_error *kd_core_open(const char *path, struct kd_core **ret);
/* Open a dump made of several files (makedumpfile --split parts). */
struct kd_error *kd_core_open_multi(const char *const *paths, size_t npaths, struct kd_core **ret);
void kd_core_close(struct kd_core *c);
struct kd_error *kd_core_read_phys(struct kd_core *c, uint64_t paddr, void *buf, size_t len,
				   uint64_t page_size);

/* Helpers for backends. */
struct kd_error *kd_core_add_range(struct kd_core *c, const struct kd_phys_range *r);
void kd_core_sort_ranges(struct kd_core *c);
const struct kd_phys_range *kd_core_find_range(const struct kd_core *c, uint64_t paddr);
/* Parse a buffer of ELF notes (Elf64_Nhdr records) into c->notes.  Takes
 * ownership of buf.  Malformed notes end the list with a warning message
 * returned in *warn_ret (may be NULL). */
struct kd_error *kd_core_parse_notes(struct kd_core *c, void *buf, size_t len, bool big_endian);

/* Statistics of the page cache (zeros when there is none). */
void kd_core_cache_stats(const struct kd_core *c, struct kd_cache_stats *st);
/* Resize the page cache (0 disables it). */
struct kd_error *kd_core_set_cache(struct kd_core *c, size_t npages);

extern const struct kd_format_ops kd_format_elf;
extern const struct kd_format_ops kd_format_kdump;
extern const struct kd_format_ops kd_format_kcore;

#endif
