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

/* A read-only file with bounds-checked positional reads. */
struct kd_file {
	int fd;
	uint64_t size;
	char *path;
};

struct kd_error *kd_file_open(const char *path, struct kd_file **ret);
void kd_file_close(struct kd_file *f);
/* Read exactly len bytes at off; past the end is KD_ERR_CORRUPT ("truncated"). */
struct kd_error *kd_file_pread(struct kd_file *f, void *buf, size_t len, uint64_t off);

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
	/* Read len bytes at paddr; the range never crosses a page boundary. */
	struct kd_error *(*read)(struct kd_core *c, uint64_t paddr, void *buf, size_t len);
	void (*close)(struct kd_core *c);
	unsigned flags;
};

struct kd_core {
	struct kd_file *file;
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

extern const struct kd_format_ops kd_format_elf;

#endif
