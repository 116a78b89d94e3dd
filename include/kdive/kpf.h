/* SPDX-License-Identifier: GPL-3.0-or-later */
/**
 * @file kpf.h
 * The page flags word of /proc/kpageflags (the KPF_* bits), as user space
 * sees it: names, page-types' one-letter symbols, a one-line meaning of each
 * bit, the symbolic and long forms page-types prints, its filters (-b) and
 * its two views of a word (well-known bits only, or raw with the overloaded
 * bits told apart).  The bit numbers are the stable user ABI of
 * include/uapi/linux/kernel-page-flags.h (0-26) and the kernel-internal ones
 * fs/proc/page.c and tools/mm/page-types.c use (32-41, 47-63).  Part of the
 * pagemap command's core; the page layer computes the same word from a dump.
 */
#ifndef KDIVE_KPF_H
#define KDIVE_KPF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <kdive/error.h>

/** The bits (uapi kernel-page-flags.h, then fs/proc/page.c's kernel-internal ones). */
enum kd_kpf {
	KD_KPF_LOCKED = 0, KD_KPF_ERROR = 1, KD_KPF_REFERENCED = 2, KD_KPF_UPTODATE = 3,
	KD_KPF_DIRTY = 4, KD_KPF_LRU = 5, KD_KPF_ACTIVE = 6, KD_KPF_SLAB = 7,
	KD_KPF_WRITEBACK = 8, KD_KPF_RECLAIM = 9, KD_KPF_BUDDY = 10, KD_KPF_MMAP = 11,
	KD_KPF_ANON = 12, KD_KPF_SWAPCACHE = 13, KD_KPF_SWAPBACKED = 14,
	KD_KPF_COMPOUND_HEAD = 15, KD_KPF_COMPOUND_TAIL = 16, KD_KPF_HUGE = 17,
	KD_KPF_UNEVICTABLE = 18, KD_KPF_HWPOISON = 19, KD_KPF_NOPAGE = 20, KD_KPF_KSM = 21,
	KD_KPF_THP = 22, KD_KPF_OFFLINE = 23, KD_KPF_ZERO_PAGE = 24, KD_KPF_IDLE = 25,
	KD_KPF_PGTABLE = 26,
	KD_KPF_RESERVED = 32, KD_KPF_MLOCKED = 33, KD_KPF_OWNER_2 = 34, KD_KPF_PRIVATE = 35,
	KD_KPF_PRIVATE_2 = 36, KD_KPF_OWNER_PRIVATE = 37, KD_KPF_ARCH = 38, KD_KPF_UNCACHED = 39,
	KD_KPF_SOFTDIRTY = 40, KD_KPF_ARCH_2 = 41,
	/* page-types' own slots for overloaded bits and pagemap entry bits (not kernel ABI) */
	KD_KPF_ANON_EXCLUSIVE = 47, KD_KPF_READAHEAD = 48, KD_KPF_SLUB_FROZEN = 50,
	KD_KPF_SLUB_DEBUG = 51, KD_KPF_FILE = 61, KD_KPF_SWAP = 62, KD_KPF_MMAP_EXCLUSIVE = 63,
};

#define KD_KPF_BIT(name) (1ULL << KD_KPF_##name)

/** /proc/PID/pagemap entry bits (Documentation/admin-guide/mm/pagemap.rst). */
#define KD_PM_PFN_MASK ((1ULL << 55) - 1)
#define KD_PM_SOFT_DIRTY (1ULL << 55)
#define KD_PM_MMAP_EXCLUSIVE (1ULL << 56)
#define KD_PM_FILE (1ULL << 61)
#define KD_PM_SWAP (1ULL << 62)
#define KD_PM_PRESENT (1ULL << 63)

/** One named bit. */
struct kd_kpf_info {
	unsigned bit;
	char letter;          /**< page-types' symbol */
	const char *name;     /**< "anonymous" */
	const char *meaning;  /**< one line, for help and -d */
};

/** The named bits, by bit number; *n_ret gets their count. */
KD_API const struct kd_kpf_info *kd_kpf_table(size_t *n_ret);
/** The info of one bit, or NULL if the bit has no name. */
KD_API const struct kd_kpf_info *kd_kpf_find(unsigned bit);

/** page-types' symbolic form: one letter or '_' per named bit, in bit order. */
KD_API const char *kd_kpf_symbolic(uint64_t flags, char *buf, size_t size);
/** The long form: the names of the set bits, comma-separated ("" for none). */
KD_API const char *kd_kpf_long(uint64_t flags, char *buf, size_t size);

/** page-types' default view: the kernel-hacking bits (32-63) hidden, and the
 *  compound bits of pages that are not huge (hugetlb) hidden. */
KD_API uint64_t kd_kpf_well_known(uint64_t flags);
/** page-types' raw view (-r): overloaded bits told apart (anon_exclusive,
 *  slub_frozen, slub_debug, readahead) and the pagemap entry's soft-dirty,
 *  file, swap and exclusive bits added; pme 0 when there is no entry. */
KD_API uint64_t kd_kpf_raw(uint64_t flags, uint64_t pme);

/**
 * A -b filter: comma-separated items that must all hold; an item is a bit
 * name ("anonymous", or its short form "anon"), a letter is not accepted
 * (several bits share one), or a number (a bit mask, "0x800"); `~` before an
 * item means "clear".  E.g. "anon,~lru".
 */
struct kd_kpf_filter {
	uint64_t mask, bits;  /**< flags & mask == bits */
};
KD_API struct kd_error *kd_kpf_filter_parse(const char *spec, struct kd_kpf_filter *ret);
static inline bool kd_kpf_filter_ok(const struct kd_kpf_filter *f, uint64_t flags)
{
	return (flags & f->mask) == f->bits;
}

/* ---- the word from a dump's struct page ----------------------------------- */

struct kd_session;
struct kd_page;
struct kd_kpf_dump;

/**
 * What kd_kpf_of_page() needs besides the page: the PG_ bit numbers from
 * BTF's enum pageflags, the zero page's frame, the huge zero page.  Loads
 * the page layer (kd_pages_load()).
 */
KD_API struct kd_error *kd_kpf_dump_create(struct kd_session *s, struct kd_kpf_dump **ret);
KD_API void kd_kpf_dump_destroy(struct kd_kpf_dump *d);

/** in_free_block for kd_kpf_of_page(): unknown (look at the blocks around the page). */
#define KD_KPF_LOOKUP (-1)

/**
 * The /proc/kpageflags word the dumped kernel would have shown for a page,
 * computed as fs/proc/page.c's stable_page_flags() does, and (count_ret,
 * may be NULL) /proc/kpagecount's value.  A tail page's head is read (or
 * taken from the last one seen).  in_free_block: 1 or 0 when the caller
 * knows whether the page lies inside a free buddy block (a walk in pfn
 * order does), KD_KPF_LOOKUP to look.
 */
KD_API uint64_t kd_kpf_of_page(struct kd_kpf_dump *d, const struct kd_page *pg, int in_free_block,
			       uint64_t *count_ret);

#endif
