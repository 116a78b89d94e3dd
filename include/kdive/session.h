/* SPDX-License-Identifier: GPL-3.0-or-later */
/**
 * @file session.h
 * The session API: everything a command module may use.  A session is one
 * open dump with its VMCOREINFO, registers and output stream.  Modules reach
 * the dump only through these functions; there are no globals.
 */
#ifndef KDIVE_SESSION_H
#define KDIVE_SESSION_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <kdive/error.h>

struct kd_session;

/* ---- the dump ---------------------------------------------------------- */

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

/* ---- virtual memory ------------------------------------------------------ */

/** Which address space a virtual address belongs to. */
enum kd_as_kind {
	KD_AS_KERNEL = 0, /**< the kernel's page tables (init_top_pgt / swapper_pg_dir) */
	KD_AS_USER,       /**< a process: pgd is the physical address of its top table */
};
struct kd_as {
	enum kd_as_kind kind;
	uint64_t pgd;     /**< KD_AS_USER: physical address of the top-level table (CR3) */
};

/**
 * Translate a virtual address; *pagesize_ret (may be NULL) gets the size of
 * the page that maps it.  Unmapped: KD_ERR_FAULT naming the address and the
 * level where the walk stopped.  as NULL means the kernel.
 */
KD_API struct kd_error *kd_translate(struct kd_session *s, const struct kd_as *as, uint64_t va,
				     uint64_t *pa_ret, uint64_t *pagesize_ret);
/** Read virtual memory (page by page through kd_translate and kd_read_phys). */
KD_API struct kd_error *kd_read_virt(struct kd_session *s, const struct kd_as *as, uint64_t va,
				     void *buf, size_t len);
/** kd_read_virt() in the kernel's address space. */
KD_API struct kd_error *kd_read_kernel(struct kd_session *s, uint64_t va, void *buf, size_t len);

/* ---- the current context --------------------------------------------------- */

/**
 * Set the current task context (crash's "set"): the task_struct address and
 * the task's user address space (NULL when it has no user memory).  rd -u,
 * vtop -u and dis -u read user addresses through it.
 */
KD_API void kd_context_set(struct kd_session *s, uint64_t task, const struct kd_as *user_as);
/**
 * The current context: false when none is set.  *user_as_ret (may be NULL)
 * gets kind KD_AS_KERNEL when the task has no user memory.
 */
KD_API bool kd_context_get(const struct kd_session *s, uint64_t *task_ret, struct kd_as *user_as_ret);

/* ---- VMCOREINFO ---------------------------------------------------------- */

/** The raw value of a VMCOREINFO key ("OSRELEASE", "SYMBOL(init_task)"), or NULL. */
KD_API const char *kd_vmcoreinfo_get(const struct kd_session *s, const char *key);
/**
 * A numeric VMCOREINFO value.  SYMBOL() and ADDRESS() values are hex as the
 * kernel writes them, everything else decimal unless it has a 0x prefix;
 * KERNELOFFSET is hex.  KD_ERR_NOTFOUND if absent, KD_ERR_CORRUPT if unparsable.
 */
KD_API struct kd_error *kd_vmcoreinfo_number(const struct kd_session *s, const char *key,
					     uint64_t *ret);
/** Number of VMCOREINFO entries, and the i-th key/value (in dump order). */
KD_API size_t kd_vmcoreinfo_count(const struct kd_session *s);
KD_API void kd_vmcoreinfo_entry(const struct kd_session *s, size_t i, const char **key,
				const char **value);
/** Where VMCOREINFO came from ("ELF note", "--vmcoreinfo FILE", NULL if none). */
KD_API const char *kd_vmcoreinfo_source(const struct kd_session *s);

/* ---- output ---------------------------------------------------------------- */

/** The stream the current command writes to (stdout, a pipe, a file or the pager). */
KD_API FILE *kd_out(struct kd_session *s);
/** printf to the command's output. */
KD_API int kd_printf(struct kd_session *s, const char *fmt, ...) KD_PRINTF(2, 3);
/** Print "warning: ..." on stderr. */
KD_API void kd_warn(struct kd_session *s, const char *fmt, ...) KD_PRINTF(2, 3);
/** True when the current command was given --json. */
KD_API bool kd_json_mode(const struct kd_session *s);
/** True if Ctrl-C was pressed; long loops return kd_check_interrupt() errors. */
KD_API struct kd_error *kd_check_interrupt(struct kd_session *s);

/*
 * A small streaming JSON writer on the command's output.  key is NULL inside
 * arrays and for the top-level value; commas and nesting are handled for you.
 */
KD_API void kd_json_begin_object(struct kd_session *s, const char *key);
KD_API void kd_json_end_object(struct kd_session *s);
KD_API void kd_json_begin_array(struct kd_session *s, const char *key);
KD_API void kd_json_end_array(struct kd_session *s);
KD_API void kd_json_string(struct kd_session *s, const char *key, const char *val);
/** A string from bytes that may hold anything (escaped, \u00XX for non-ASCII). */
KD_API void kd_json_string_n(struct kd_session *s, const char *key, const char *val, size_t len);
KD_API void kd_json_u64(struct kd_session *s, const char *key, uint64_t val);
KD_API void kd_json_i64(struct kd_session *s, const char *key, int64_t val);
/** An address or bit mask: a "0x..." string, so no JSON reader loses bits. */
KD_API void kd_json_hex(struct kd_session *s, const char *key, uint64_t val);
KD_API void kd_json_bool(struct kd_session *s, const char *key, bool val);
KD_API void kd_json_null(struct kd_session *s, const char *key);

/* ---- helpers ---------------------------------------------------------------- */

/**
 * Parse an address operand: a hexadecimal number ("ffffffff81000000",
 * "0x1000") or, once the symbol table is loaded, a symbol with an optional
 * offset ("init_task", "schedule+0x10").  KD_ERR_USAGE or KD_ERR_NOTFOUND.
 */
KD_API struct kd_error *kd_parse_address(struct kd_session *s, const char *str, uint64_t *ret);

/**
 * Parse a number the way crash does: hex by default for addresses
 * ("ffffffff81000000", "0x1000"), decimal with a "0d" or with hex_default false.
 */
KD_API struct kd_error *kd_parse_u64(const char *str, bool hex_default, uint64_t *ret);

#endif
