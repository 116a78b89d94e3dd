/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The format contract: what a dump format backend (shell/fmt/NAME.c) gives
 * the core, and the helpers it may use.  The core (shell/core/core.c) opens
 * the files (rebuilding a flattened stream in place), reads the first 64 KiB,
 * asks each backend's probe() in the order of shell/fmt/format_list.h, and
 * calls open() of the first that accepts.  Afterwards every physical read
 * goes through the core's page cache to read_page(), or straight to read().
 *
 * To add a dump format NAME:
 *  1. Write shell/fmt/NAME.c (copy elf.c for a format that stores pages
 *     plainly, kdump.c for one that compresses them).  Of kdive's headers
 *     it needs only "format.h"; it ends with
 *         const struct kd_format_ops kd_format_NAME = { .name = "NAME", ... };
 *     - probe(hdr, len): look at the header bytes only (no I/O, no state);
 *     - open(c): read through kd_file_pread(c->file, ...), keep your state
 *       in c->priv, and fill what struct kd_core marks "open() sets" below:
 *       the ranges (kd_core_add_range; the core sorts them afterwards), the
 *       notes (kd_core_parse_notes, then kd_core_scan_notes for the CPU count
 *       and the VMCOREINFO note), e_machine (kd_machine_from_uname if the
 *       format records a utsname) and format_desc.  On error return it: the
 *       core prefixes "cannot open 'PATH' as NAME" and calls close();
 *     - read_page(c, pfn, page_size, buf) to decode one page (the core
 *       caches it) and/or read(c, paddr, buf, len) for plain data; a
 *       missing page is KD_ERR_NODATA, an address outside every range
 *       KD_ERR_FAULT, both made with kd_error_addr() naming the address;
 *     - close(c): free c->priv; it also runs after a failed open().
 *     Flags: KD_FMT_LIVE if memory changes under us, KD_FMT_PARTS if a dump
 *     may come in several files (open() then reads c->files[0..nfiles)).
 *  2. Add one line KD_FORMAT(NAME) to shell/fmt/format_list.h, before any
 *     format whose probe would also accept your header.
 *  3. Add shell/fmt/NAME.c to libkdcore_la_SOURCES in Makefile.am.
 * Then test it: a synthetic dump in tests/unit/test_kdump.c or a fixture
 * under tests/real/, and a fuzz target beside tests/fuzz/fuzz_elf.c.
 */
#ifndef KD_FMT_FORMAT_H
#define KD_FMT_FORMAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <kdive/error.h>
#include <kdive/session.h>

#include "../core/cache.h"
#include "../core/file.h"

struct kd_core;

/* A segment of memory the dump says is mapped at a virtual address. */
struct kd_vseg {
	uint64_t vaddr, paddr, size;
};

/*
 * An unsigned value of 1, 2, 4 or 8 bytes at p (any alignment) stored in the
 * given byte order: one load and, when that order is not the host's, one
 * byte swap.  Headers and notes of every format, and the dump's memory
 * (kd_dump_uint), are decoded with it.
 */
static inline uint64_t kd_get_uint(const void *p, unsigned size, bool big_endian)
{
	bool swap = big_endian != (__BYTE_ORDER__ == __ORDER_BIG_ENDIAN__);
	switch (size) {
	case 1:
		return *(const unsigned char *)p;
	case 2: {
		uint16_t v;
		memcpy(&v, p, 2);
		return swap ? __builtin_bswap16(v) : v;
	}
	case 4: {
		uint32_t v;
		memcpy(&v, p, 4);
		return swap ? __builtin_bswap32(v) : v;
	}
	default: {
		uint64_t v;
		memcpy(&v, p, 8);
		return swap ? __builtin_bswap64(v) : v;
	}
	}
}

enum kd_format_flags {
	KD_FMT_LIVE = 1 << 0,  // memory changes under us (kcore): never cache
	KD_FMT_PARTS = 1 << 1, // a dump may be several files (makedumpfile --split)
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
	 * Optional: decode page pfn, page_size bytes at pfn * page_size, into
	 * buf.  page_size is the core's: c->page_size if open() set one, else
	 * VMCOREINFO's PAGESIZE.  The core caches the result.  Errors name the
	 * page's physical address.
	 */
	struct kd_error *(*read_page)(struct kd_core *c, uint64_t pfn, uint64_t page_size, void *buf);
	void (*close)(struct kd_core *c);
	unsigned flags;
};

/* One open dump: the files, the backend and what its open() found. */
struct kd_core {
	// Set by the core before open().
	struct kd_file *file;       // files[0]
	struct kd_file **files;     // all parts of a split dump, in command-line order
	size_t nfiles;
	const struct kd_format_ops *fmt;
	// open() sets these, as far as the format records them.
	void *priv;                 // the backend's state
	uint64_t page_size;         // if the format knows it (kdump block_size), else 0: VMCOREINFO's
	char *format_desc;          // one line for sys/dumpinfo
	char *format_detail;        // optional extra "key=value" lines for dumpinfo
	unsigned e_machine;         // EM_* from <elf.h>
	bool big_endian;
	struct kd_phys_range *ranges; // kd_core_add_range(); sorted by start, non-overlapping
	size_t nranges;
	// The virtual addresses the format records (ELF PT_LOAD p_vaddr ->
	// p_paddr), every segment as the file lists it, before the ranges'
	// overlap rule cuts them (kd_core_add_vseg); none for kdump-compressed.
	struct kd_vseg *vsegs;
	size_t nvsegs;
	struct kd_note *notes;      // kd_core_parse_notes()
	size_t nnotes;
	void *notes_buf;            // backing store for notes (names and descs)
	char *vmcoreinfo;           // raw text from the dump, or NULL (malloc'ed)
	size_t vmcoreinfo_len;
	unsigned nr_cpus;
	uint64_t decompressions;    // pages read_page() decoded (for the cache stats)
	// The core's own page cache state; backends do not touch it.
	struct kd_cache *cache;
	size_t cache_pages;         // chosen size (cache_pages_set), else the default
	bool cache_pages_set;
	uint64_t cache_page_size;
	unsigned char *scratch;     // one page when there is no cache
	uint64_t scratch_size;
};

/* ---- helpers for backends (shell/fmt/format.c) ---- */

/* Append a physical range (the core sorts them after open()). */
struct kd_error *kd_core_add_range(struct kd_core *c, const struct kd_phys_range *r);
void kd_core_sort_ranges(struct kd_core *c);
/* Append a virtual segment (in the file's order; a later one wins). */
struct kd_error *kd_core_add_vseg(struct kd_core *c, const struct kd_vseg *v);
/* The range holding paddr, or NULL (binary search: ranges must be sorted). */
const struct kd_phys_range *kd_core_find_range(const struct kd_core *c, uint64_t paddr);
/*
 * Parse a buffer of ELF notes (Elf64_Nhdr records) into c->notes.  Takes
 * ownership of buf.  A malformed tail ends the list; what came before it
 * is kept.
 */
struct kd_error *kd_core_parse_notes(struct kd_core *c, void *buf, size_t len, bool big_endian);
/*
 * After kd_core_parse_notes(): count the CPUs (one "CORE" NT_PRSTATUS note
 * each) into c->nr_cpus, and copy the first VMCOREINFO note into
 * c->vmcoreinfo unless the format already gave one.
 */
struct kd_error *kd_core_scan_notes(struct kd_core *c);

/*
 * Dumps kdive recognises but does not read (shell/fmt/refuse.c): LKCD,
 * sadump, Xen xc_core, ELF32 vmcores, user-space process cores.  True with
 * what = "an LKCD dump" (for "'FILE' is WHAT, which kdive does not read")
 * when the header h (len bytes from offset 0 of f) is one of them.
 */
bool kd_format_refused(struct kd_file *f, const unsigned char *h, size_t len, char *what, size_t whatlen);

/*
 * Machine names (shell/fmt/machine.c): one table of utsname.machine values,
 * their EM_* number and word size.
 */
/* EM_* for a utsname.machine ("x86_64", "armv7l"), EM_NONE if unknown;
 * *word_ret gets its sizeof(long) (8 if unknown). */
unsigned kd_machine_from_uname(const char *machine, unsigned *word_ret);
/*
 * For a dump whose header names no machine (QEMU's kdump-compressed dumps of
 * an aarch64 guest say "Unknown"): the machine whose VMCOREINFO keys the text
 * has (NUMBER(kimage_voffset) is arm64's, SYMBOL(init_top_pgt) x86_64's),
 * EM_NONE if none.
 */
unsigned kd_machine_from_vmcoreinfo(const char *text, size_t len);
/* The name kdive shows for an EM_* number ("x86_64"), or "unknown". */
const char *kd_machine_name(unsigned e_machine);

#endif
