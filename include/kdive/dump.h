/* SPDX-License-Identifier: GPL-3.0-or-later */
/**
 * @file dump.h
 * The dump itself: its files and format, physical memory ranges, ELF notes,
 * physical reads and the page cache.  Part of <kdive/session.h>.
 */
#ifndef KDIVE_DUMP_H
#define KDIVE_DUMP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <kdive/error.h>

struct kd_session;

/** Path of the dump file (the first one for split sets). */
KD_API const char *kd_dump_path(const struct kd_session *s);
/** Short name of the dump format, e.g. "elf" or "kdump". */
KD_API const char *kd_dump_format(const struct kd_session *s);
/** Longer description of the dump format ("ELF64 vmcore (QEMU dump-guest-memory)"). */
KD_API const char *kd_dump_format_desc(const struct kd_session *s);
/** ELF e_machine of the dumped machine (EM_X86_64...). */
KD_API unsigned kd_dump_machine(const struct kd_session *s);
/** Machine name ("x86_64"). */
KD_API const char *kd_dump_machine_name(const struct kd_session *s);
/** Number of CPUs, from the dump's per-CPU notes (0 if unknown). */
KD_API unsigned kd_dump_nr_cpus(const struct kd_session *s);
/**
 * True if the dumped machine is big-endian (the ELF header's EI_DATA, the
 * kdump header's byte order); false when no dump is open.  Every value read
 * out of the dump's memory is in this order, whatever the host's.
 */
KD_API bool kd_dump_big_endian(const struct kd_session *s);
/** The unsigned integer of size bytes (1, 2, 4 or 8) at p, decoded in the dump's byte order. */
KD_API uint64_t kd_dump_uint(const struct kd_session *s, const void *p, unsigned size);
/** The 16-, 32- and 64-bit unsigned integers at p in the dump's byte order. */
KD_API uint16_t kd_dump_u16(const struct kd_session *s, const void *p);
KD_API uint32_t kd_dump_u32(const struct kd_session *s, const void *p);
KD_API uint64_t kd_dump_u64(const struct kd_session *s, const void *p);
/** Page size of the dumped kernel (VMCOREINFO PAGESIZE, else 4096). */
KD_API uint64_t kd_page_size(const struct kd_session *s);

/** Number of files the dump is made of (parts of a split dump), and the i-th path. */
KD_API size_t kd_dump_file_count(const struct kd_session *s);
KD_API const char *kd_dump_file_path(const struct kd_session *s, size_t i);
/** Format-specific header fields as "key=value" lines, or NULL. */
KD_API const char *kd_dump_format_detail(const struct kd_session *s);

/** The page cache of decoded pages, shared by all formats. */
struct kd_cache_info {
	uint64_t hits, misses;
	uint64_t decompressions; /**< pages the format decoded (zlib, lzo, snappy, zstd) */
	uint64_t evictions;
	size_t capacity;         /**< pages */
	size_t used;
	bool live;               /**< a live dump (/proc/kcore): never cached */
};
KD_API void kd_dump_cache_info(const struct kd_session *s, struct kd_cache_info *ret);
/** Resize the page cache (0 disables it); drops what it holds. */
KD_API struct kd_error *kd_dump_set_cache(struct kd_session *s, size_t npages);

/** One physical memory range of the dump. */
struct kd_phys_range {
	uint64_t start;     /**< first physical address */
	uint64_t size;      /**< bytes of memory */
	uint64_t file_off;  /**< file offset of the data (format-specific meaning) */
	uint64_t file_size; /**< bytes present in the file (rest reads as zero) */
	uint64_t vaddr;     /**< virtual address the format recorded, or 0 */
};
/** Number of physical ranges. */
KD_API size_t kd_phys_range_count(const struct kd_session *s);
/** The i-th physical range (sorted by start), or NULL. */
KD_API const struct kd_phys_range *kd_phys_range_get(const struct kd_session *s, size_t i);
/** Total bytes of physical memory covered by the ranges. */
KD_API uint64_t kd_phys_total(const struct kd_session *s);

/** One ELF note found in the dump. */
struct kd_note {
	const char *name; /**< owner, e.g. "CORE", "VMCOREINFO", "QEMU" */
	uint32_t type;    /**< n_type */
	const void *desc; /**< descriptor bytes */
	size_t descsz;
};
KD_API size_t kd_note_count(const struct kd_session *s);
KD_API const struct kd_note *kd_note_get(const struct kd_session *s, size_t i);

/**
 * Read physical memory.  A range not in the dump gives KD_ERR_FAULT, a page
 * the dump excluded gives KD_ERR_NODATA; both name the physical address.
 */
KD_API struct kd_error *kd_read_phys(struct kd_session *s, uint64_t paddr, void *buf, size_t len);

#endif
