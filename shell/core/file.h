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

#endif
