/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The file layer (shell/core/file.c): a dump file opened read-only, read with
 * bounds-checked positional reads.  A flattened file (makedumpfile -F) is
 * indexed once into a segment map and then read in place as if it had been
 * rebuilt: a format backend never knows the difference.
 */
#ifndef KD_CORE_FILE_H
#define KD_CORE_FILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <kdive/error.h>

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
 *
 * With KDIVE_MMAP=1 in the environment, a regular file (not one of /proc's,
 * so never /proc/kcore) is mapped read-only (MAP_PRIVATE, PROT_READ) when it
 * is opened and read by copying from the mapping: one memcpy instead of one
 * pread64 system call per page.  Every read is still checked against the
 * size the file had when it was opened.  A file that shrinks afterwards would
 * make the copy fault (SIGBUS): the copy runs under a SIGBUS handler
 * (installed once, chaining to the previous one for faults that are not
 * ours) that abandons the copy; the file then falls back to pread for good,
 * which reports the truncation as an error.  Not the default: measured
 * (bench/RESULTS.md, issue 19) it takes as much CPU as pread (the copy and
 * the page faults are the cost, not the system calls), and the kernel's
 * fault-around maps 64 KiB per fault, so the mapping's pages must be dropped
 * every few hundred copies to keep the peak RSS flat, which makes it slower.
 */
struct kd_file {
	int fd;
	uint64_t size;
	char *path;
	uint64_t raw_size;          // the file's own size
	struct kd_flat_seg *flat;   // NULL unless flattened; sorted, disjoint
	size_t nflat;
	size_t nflat_records;       // records in the stream (before merging)
	const unsigned char *map;   // the whole file mapped read-only, or NULL
	size_t map_len;             // raw_size when map is set
	unsigned map_copies;        // copies since its pages were last dropped
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
/* Stop reading through the mapping (tests: the pread path); idempotent. */
void kd_file_unmap(struct kd_file *f);

#endif
