/* SPDX-License-Identifier: GPL-3.0-or-later */
/**
 * @file session.h
 * The session API: everything a command module may use.  A session is one
 * open dump with its VMCOREINFO, registers and output stream.  Modules reach
 * the dump only through these functions; there are no globals.
 */
#ifndef KDIVE_SESSION_H
#define KDIVE_SESSION_H

#include <stdbool.h>
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
	uint64_t pgd;     /**< KD_AS_USER: physical address of the top-level table; a CR3 value
			       works too (x86_64 ignores its PCID bits 0-11 and bit 63) */
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

/** How a page-table walk ended at one level. */
enum kd_walk_state {
	KD_WALK_TABLE = 0,    /**< the entry points to the next level's table */
	KD_WALK_PAGE,         /**< the entry maps a page (a leaf: PTE or large page) */
	KD_WALK_NOT_PRESENT,  /**< the entry is not present: the walk stops here */
	KD_WALK_UNREADABLE,   /**< the table itself could not be read from the dump */
};

/** One level of a page-table walk, as kd_walk() reports it (top level first). */
struct kd_walk_level {
	const char *name;      /**< the kernel's name for the level: "PGD", "P4D", "PUD", "PMD", "PTE" */
	unsigned depth;        /**< 0 for the top-level table */
	unsigned va_hi, va_lo; /**< the virtual-address bits that index this table */
	uint64_t table;        /**< physical address of the table */
	unsigned index;        /**< the entry's number in the table */
	uint64_t entry_addr;   /**< physical address of the entry (table + index * entry size) */
	uint64_t entry;        /**< the raw entry (memory-encryption bit removed) */
	enum kd_walk_state state;
	uint64_t next;         /**< TABLE: next table; PAGE: page frame (physical) */
	uint64_t page_size;    /**< PAGE: the page size */
	uint64_t pa;           /**< PAGE: the translated address (next + offset in page) */
};
/** Called once per level; an error stops the walk and is returned by kd_walk(). */
typedef struct kd_error *kd_walk_fn(const struct kd_walk_level *lvl, void *arg);

/**
 * Walk the page tables for va, calling cb for every level visited (no fast
 * paths, no cache).  Returns NULL when the walk ran (whatever it found) and
 * the callback's error or a setup error otherwise.
 */
KD_API struct kd_error *kd_walk(struct kd_session *s, const struct kd_as *as, uint64_t va,
				kd_walk_fn *cb, void *arg);
/** kd_translate() by the full walk only: no fast path, no cache (for cross-checks). */
KD_API struct kd_error *kd_translate_walk(struct kd_session *s, const struct kd_as *as, uint64_t va,
					  uint64_t *pa_ret, uint64_t *pagesize_ret);
/** kd_translate() by a linear fast path only (kernel text, direct map); NOTFOUND if none applies. */
KD_API struct kd_error *kd_translate_fast(struct kd_session *s, const struct kd_as *as, uint64_t va,
					  uint64_t *pa_ret, uint64_t *pagesize_ret);
/** Names of the flags set in a page-table entry ("PRESENT|RW|NX") into buf. */
KD_API const char *kd_pte_flags(struct kd_session *s, uint64_t entry, char *buf, size_t size);
/** If entry is a not-present entry holding a swap entry, its type and offset. */
KD_API bool kd_pte_swap(struct kd_session *s, uint64_t entry, uint64_t *type_ret,
			uint64_t *offset_ret);
/** Translation cache counters (since the session opened). */
KD_API void kd_tlb_stats(struct kd_session *s, uint64_t *hits_ret, uint64_t *misses_ret);
/**
 * First mapped page at or above va and below end (0 = no limit) in as:
 * its virtual and physical address and size.  KD_ERR_NOTFOUND if none.
 */
KD_API struct kd_error *kd_next_mapped(struct kd_session *s, const struct kd_as *as, uint64_t va,
				       uint64_t end, uint64_t *va_ret, uint64_t *pa_ret,
				       uint64_t *size_ret);

/** Facts about the dumped machine's paging, for vtop and layout. */
struct kd_vm_info {
	const char *arch;          /**< "x86_64"; NULL when there is no translation */
	unsigned levels;           /**< paging levels (4 or 5 on x86_64) */
	unsigned va_bits;          /**< significant virtual-address bits (48, 57) */
	uint64_t kernel_root;      /**< physical address of the kernel's top-level table */
	uint64_t kernel_root_va;   /**< its virtual address */
	const char *kernel_root_name; /**< "init_top_pgt" */
	uint64_t user_end;         /**< addresses below this are user space */
	uint64_t phys_base;        /**< physical load offset of the kernel (x86_64 phys_base) */
	uint64_t kernel_offset;    /**< KASLR offset of the kernel text (KERNELOFFSET) */
	uint64_t page_offset;      /**< direct-map base, 0 if unknown */
	const char *bases_source;  /**< how the direct-map/vmalloc/vmemmap bases were found */
	/** The same three bases as derived from the page tables alone (0 = not found). */
	uint64_t pt_page_offset, pt_vmalloc_base, pt_vmemmap_base;
	/**
	 * Bytes from this offset to the end of a top-level table are shared by
	 * every process (the kernel half on x86_64); 0 if not so.
	 */
	unsigned root_shared_offset;
	uint64_t root_table_size;  /**< bytes in the top-level table */
	uint64_t entry_addr_mask;  /**< bits of an entry holding the next table's address */
	const char *level_names[8]; /**< names of the levels, top first */
};
/** Fill *ret (all zero and arch NULL when translation is unavailable). */
KD_API void kd_vm_info_get(struct kd_session *s, struct kd_vm_info *ret);

/** One region of the kernel's virtual memory map. */
struct kd_vm_region {
	const char *name;    /**< short name: "direct map", "vmalloc", "kernel text" ... */
	const char *desc;    /**< one line, as in the kernel's mm documentation */
	uint64_t start;
	uint64_t last;       /**< last address (inclusive) */
	const char *base;    /**< where start comes from: "page_offset_base", "fixed", ... */
	bool hole;           /**< unused / guard / non-canonical */
};
/** The kernel virtual memory map, sorted by start (NULL/0 if unavailable). */
KD_API size_t kd_vm_regions(struct kd_session *s, const struct kd_vm_region **ret);
/** The region containing va, or NULL. */
KD_API const struct kd_vm_region *kd_vm_region_find(struct kd_session *s, uint64_t va);

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
 * Cycle detection for walks of lists read from the dump (Brent's method):
 * zero-initialize, call kd_cycle_step() with each node's address; it returns
 * true once an address comes back (a loop that misses the list's head),
 * after at most about twice the length of the tail and the loop.
 */
struct kd_cycle {
	uint64_t mark;
	unsigned long lam, power;
};

static inline bool kd_cycle_step(struct kd_cycle *c, uint64_t addr)
{
	if (c->power && addr == c->mark)
		return true;
	if (++c->lam >= c->power) {
		c->mark = addr;
		c->power = c->power ? c->power * 2 : 1;
		c->lam = 0;
	}
	return false;
}

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

/* The task table (kd_tasks_load, kd_task_*) lives in its own header. */
#include <kdive/task.h>

#endif
